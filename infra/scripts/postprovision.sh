#!/bin/sh
# azd postprovision hook: writes local.settings.json at the repository root from the outputs of
# infra/main.bicep, so that `func start` on your machine uses the resources just provisioned with
# your own Entra sign-in (az login), reading the event hub through the consumer group kept for
# local runs. Secrets are never written: every service is reached with Entra roles.
# An existing local.settings.json is left as it is: delete it to have it written again.
set -eu

root="$(cd "$(dirname "$0")/../.." && pwd)"
target="$root/local.settings.json"

if [ -f "$target" ]; then
  echo "local.settings.json exists and is left as it is; delete it and run 'azd hooks run postprovision' to write it again."
  exit 0
fi

# azd hands the environment's values to its hooks as variables; run by hand, ask azd for them.
value() {
  eval "v=\${$1:-}"
  if [ -z "$v" ]; then
    v="$(azd env get-value "$1" 2>/dev/null || true)"
  fi
  printf '%s' "$v" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

storage="$(value STORAGE_ACCOUNT_NAME)"
eventhub_namespace="$(value EVENTHUB_NAMESPACE)"
eventhub_name="$(value EVENTHUB_NAME)"
consumer_group="$(value EVENTHUB_LOCAL_CONSUMER_GROUP)"
cosmos_endpoint="$(value COSMOS_ENDPOINT)"
cosmos_database="$(value COSMOS_DATABASE_NAME)"
daily_schedule="$(value DAILY_METRICS_SCHEDULE)"
painpoints_schedule="$(value PAINPOINTS_SCHEDULE)"
openai_endpoint="$(value OPENAI_ENDPOINT)"
openai_deployment="$(value OPENAI_DEPLOYMENT)"
openai_embedding_deployment="$(value OPENAI_EMBEDDING_DEPLOYMENT)"

if [ -z "$eventhub_namespace" ] || [ -z "$cosmos_endpoint" ]; then
  echo "The azd environment has no EVENTHUB_NAMESPACE or COSMOS_ENDPOINT: run 'azd provision' first." >&2
  exit 1
fi

summarizer=false
if [ -n "$openai_endpoint" ]; then summarizer=true; fi

cat > "$target" <<JSON
{
  "IsEncrypted": false,
  "Values": {
    "FUNCTIONS_WORKER_RUNTIME": "custom",
    "AzureWebJobsStorage__accountName": "$storage",
    "EventHubConnection__fullyQualifiedNamespace": "$eventhub_namespace",
    "EventHubName": "$eventhub_name",
    "EventHubConsumerGroup": "$consumer_group",
    "CosmosConnection__accountEndpoint": "$cosmos_endpoint",
    "Cosmos__DatabaseName": "$cosmos_database",
    "Cosmos__CreateIfMissing": "false",
    "DailyMetricsSchedule": "${daily_schedule:-0 0 2 * * *}",
    "PainPointsSchedule": "${painpoints_schedule:-0 30 2 * * *}",
    "Summarizer__Enabled": "$summarizer",
    "OpenAI__Endpoint": "$openai_endpoint",
    "OpenAI__Deployment": "$openai_deployment",
    "OpenAI__EmbeddingDeployment": "$openai_embedding_deployment"
  }
}
JSON

echo "Wrote $target for the resources of this azd environment (see docs/deploy.md, 'Run locally against Azure')."
