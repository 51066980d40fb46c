# azd postprovision hook: writes local.settings.json at the repository root from the outputs of
# infra/main.bicep, so that `func start` on your machine uses the resources just provisioned with
# your own Entra sign-in (az login), reading the event hub through the consumer group kept for
# local runs. Secrets are never written: every service is reached with Entra roles.
# An existing local.settings.json is left as it is: delete it to have it written again.
$ErrorActionPreference = 'Stop'

$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$target = Join-Path $root 'local.settings.json'

if (Test-Path $target) {
    Write-Host "local.settings.json exists and is left as it is; delete it and run 'azd hooks run postprovision' to write it again."
    exit 0
}

# azd hands the environment's values to its hooks as variables; run by hand, ask azd for them.
function Get-Value([string] $name) {
    $value = [Environment]::GetEnvironmentVariable($name)
    if ([string]::IsNullOrEmpty($value)) {
        $value = (azd env get-value $name 2>$null)
        if ($LASTEXITCODE -ne 0) { $value = '' }
    }
    return [string]$value
}

$eventHubNamespace = Get-Value 'EVENTHUB_NAMESPACE'
$cosmosEndpoint = Get-Value 'COSMOS_ENDPOINT'
if ([string]::IsNullOrEmpty($eventHubNamespace) -or [string]::IsNullOrEmpty($cosmosEndpoint)) {
    Write-Error "The azd environment has no EVENTHUB_NAMESPACE or COSMOS_ENDPOINT: run 'azd provision' first."
}

$dailySchedule = Get-Value 'DAILY_METRICS_SCHEDULE'
if ([string]::IsNullOrEmpty($dailySchedule)) { $dailySchedule = '0 0 2 * * *' }
$painPointsSchedule = Get-Value 'PAINPOINTS_SCHEDULE'
if ([string]::IsNullOrEmpty($painPointsSchedule)) { $painPointsSchedule = '0 30 2 * * *' }
$openAIEndpoint = Get-Value 'OPENAI_ENDPOINT'

$settings = [ordered]@{
    IsEncrypted = $false
    Values      = [ordered]@{
        'FUNCTIONS_WORKER_RUNTIME'                    = 'custom'
        'AzureWebJobsStorage__accountName'            = Get-Value 'STORAGE_ACCOUNT_NAME'
        'EventHubConnection__fullyQualifiedNamespace' = $eventHubNamespace
        'EventHubName'                                = Get-Value 'EVENTHUB_NAME'
        'EventHubConsumerGroup'                       = Get-Value 'EVENTHUB_LOCAL_CONSUMER_GROUP'
        'CosmosConnection__accountEndpoint'           = $cosmosEndpoint
        'Cosmos__DatabaseName'                        = Get-Value 'COSMOS_DATABASE_NAME'
        'Cosmos__CreateIfMissing'                     = 'false'
        'DailyMetricsSchedule'                        = $dailySchedule
        'PainPointsSchedule'                          = $painPointsSchedule
        'Summarizer__Enabled'                         = if ([string]::IsNullOrEmpty($openAIEndpoint)) { 'false' } else { 'true' }
        'OpenAI__Endpoint'                            = $openAIEndpoint
        'OpenAI__Deployment'                          = Get-Value 'OPENAI_DEPLOYMENT'
        'OpenAI__EmbeddingDeployment'                 = Get-Value 'OPENAI_EMBEDDING_DEPLOYMENT'
    }
}

$settings | ConvertTo-Json -Depth 3 | Set-Content -Path $target -Encoding utf8
Write-Host "Wrote $target for the resources of this azd environment (see docs/deploy.md, 'Run locally against Azure')."
