// Journey on Azure: `azd up` provisions this and deploys functions/Journey.Functions (service `api`).
// One resource group holding a Flex Consumption function app (the custom handler), Event Hubs,
// Cosmos DB, a storage account for the Functions host, Log Analytics + Application Insights and,
// when asked for, Azure OpenAI. Every connection is identity-based; no keys exist anywhere.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment. With the subscription and location it seeds the token that makes resource names unique.')
param environmentName string

// The regions that offer Flex Consumption (FC1), so that azd offers only those. Source: the list
// Microsoft keeps in its Flex Consumption azd quickstarts (Azure-Samples
// functions-quickstart-dotnet-azd-sql, infra/main.bicep, its .NET 10 revision), which follows
// `az functionapp list-flexconsumption-locations`; the canary region eastus2euap is left out.
// Checked 2026-12. Flex Consumption reaches new regions over time: compare with
// `az functionapp list-flexconsumption-locations --query "[].name"` and add the new ones here.
@minLength(1)
@description('Region of every resource (Azure OpenAI: openAILocation). It must offer Flex Consumption: az functionapp list-flexconsumption-locations.')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the person (or CI identity) running azd, AZURE_PRINCIPAL_ID. It gets the same data roles as the app so that a local run can use these resources. Empty: no such roles.')
param principalId string = ''

@description('What principalId is: User for a person, ServicePrincipal for a CI identity.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Name of the resource group; empty: rg-{environmentName}.')
param resourceGroupName string = ''

// Event Hubs

@description('Partitions of the event hub (Standard: at most 32). Fixed once created. ProcessEvents scales out to one instance per partition at most.')
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 8

@description('How long the event hub keeps events (Standard: 1 to 7 days).')
@minValue(1)
@maxValue(7)
param eventHubRetentionInDays int = 1

@description('Deploy the event hub journey-actions (one event per action, for Logic Apps, Fabric or the shop\'s own consumers, through the consumer group actions-consumers) and send actions to it. False: no hub, and the app sends none.')
param deployActionsEventHub bool = true

// Cosmos DB

@description('Serverless Cosmos DB (pay per request, nothing when idle). False: provisioned autoscale throughput shared by the database.')
param cosmosServerless bool = true

@description('Most RU/s the database may scale to when cosmosServerless is false (autoscale; bills at least 10% of it every hour).')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Continuous backup (7 days). Microsoft Fabric mirroring of the containers needs it; it cannot be turned off again.')
param cosmosContinuousBackup bool = false

@description('Object ids of analysts or BI service identities that get read access to the Cosmos DB data (Built-in Data Reader).')
param cosmosReaderPrincipalIds array = []

// Function app

@description('Memory of each Flex Consumption instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to (a cost ceiling).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

// Journey settings

@description('Write keys the collector accepts, comma-separated. Empty: only journey-local, which is fine for a trial and nothing else.')
param collectorWriteKeys string = ''

@description('Origins allowed to send events from a browser (CORS), comma-separated; * for any.')
param collectorAllowedOrigins string = '*'

@description('Optional: the client id of an Entra ID app registration. When set, the dashboard (/dashboard) and the admin API (/api) ask for Entra sign-in in front of the function key; the collector\'s routes stay open. Empty: the function key alone guards them.')
param dashboardSignInClientId string = ''

@description('When the daily job runs: six-field NCRONTAB (seconds first), UTC.')
param dailyMetricsSchedule string = '0 0 2 * * *'

@description('When the pain-point summarizer runs: six-field NCRONTAB (seconds first), UTC.')
param painPointsSchedule string = '0 30 2 * * *'

@description('When the outbox delivers due actions (NCRONTAB with seconds, UTC).')
param actionsSchedule string = '0 */2 * * * *'

// Azure OpenAI (optional: the pain-point summarizer)

// Model defaults: GA models of Azure OpenAI's standard (pay-per-token) deployments, from Microsoft
// Learn's Azure OpenAI "model retirements" tables (the current-models lists; checked 2026-12):
// gpt-4.1-mini 2025-04-14 is the replacement Learn names for gpt-4o-mini 2024-07-18, and
// text-embedding-3-small version 1 the one it names for text-embedding-ada-002. A model retires
// about a year after its release: before deploying, check the list for your region
// (az cognitiveservices model list -l <region>) and override these parameters when needed.

@description('Deploy Azure OpenAI with a chat and an embeddings model and turn the pain-point summarizer on.')
param deployOpenAI bool = false

@description('Region of the Azure OpenAI resource when it must differ from location (model availability). Empty: location.')
param openAILocation string = ''

@description('Deployment type of both model deployments (GlobalStandard: pay per token, any region with capacity).')
@allowed([
  'GlobalStandard'
  'Standard'
  'DataZoneStandard'
])
param openAIDeploymentType string = 'GlobalStandard'

@description('Chat model to deploy (OpenAI__Deployment).')
param openAIChatModelName string = 'gpt-4.1-mini'

@description('Version of the chat model.')
param openAIChatModelVersion string = '2025-04-14'

@description('Capacity of the chat deployment in thousands of tokens per minute.')
@minValue(1)
param openAIChatCapacity int = 10

@description('Embeddings model to deploy (OpenAI__EmbeddingDeployment).')
param openAIEmbeddingModelName string = 'text-embedding-3-small'

@description('Version of the embeddings model.')
param openAIEmbeddingModelVersion string = '1'

@description('Capacity of the embeddings deployment in thousands of tokens per minute.')
@minValue(1)
param openAIEmbeddingCapacity int = 30

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'

// Names the app reads through its settings (see functions/Journey.Functions/Hosting/SettingNames.cs).
var eventHubName = 'journey-events'
var appConsumerGroup = 'journey'
var localConsumerGroup = 'local'
var actionsEventHubName = 'journey-actions'
var actionsConsumerGroup = 'actions-consumers'
var cosmosDatabaseName = 'journey'
var openAIChatDeploymentName = 'chat'
var openAIEmbeddingDeploymentName = 'embeddings'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// The app's user-assigned identity: every connection of the app authenticates as it.
module apiIdentity 'app/identity.bicep' = {
  name: 'apiIdentity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

// The Functions host's storage (Event Hubs checkpoints, timer locks, keys) and the deployment package.
module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module eventHubs 'app/eventhubs.bicep' = {
  name: 'eventhubs'
  scope: rg
  params: {
    name: '${abbrs.eventHubNamespaces}${resourceToken}'
    location: location
    tags: tags
    eventHubName: eventHubName
    partitionCount: eventHubPartitionCount
    retentionInDays: eventHubRetentionInDays
    consumerGroups: [
      appConsumerGroup
      localConsumerGroup
    ]
    deployActionsEventHub: deployActionsEventHub
    actionsEventHubName: actionsEventHubName
    actionsConsumerGroups: [
      actionsConsumerGroup
    ]
  }
}

module db 'app/db.bicep' = {
  name: 'db'
  scope: rg
  params: {
    accountName: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    serverless: cosmosServerless
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    continuousBackup: cosmosContinuousBackup
  }
}

module openAI 'app/openai.bicep' = if (deployOpenAI) {
  name: 'openai'
  scope: rg
  params: {
    name: '${abbrs.cognitiveServicesAccounts}${resourceToken}'
    location: !empty(openAILocation) ? openAILocation : location
    tags: tags
    deploymentType: openAIDeploymentType
    chatDeploymentName: openAIChatDeploymentName
    chatModelName: openAIChatModelName
    chatModelVersion: openAIChatModelVersion
    chatCapacity: openAIChatCapacity
    embeddingDeploymentName: openAIEmbeddingDeploymentName
    embeddingModelName: openAIEmbeddingModelName
    embeddingModelVersion: openAIEmbeddingModelVersion
    embeddingCapacity: openAIEmbeddingCapacity
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: apiIdentity.outputs.resourceId
    identityClientId: apiIdentity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    eventHubFullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
    eventHubName: eventHubName
    eventHubConsumerGroup: appConsumerGroup
    // The actions' hub is in the stream's namespace, where the app already holds Azure Event Hubs Data Sender.
    sendActionsToEventHub: deployActionsEventHub
    actionsEventHubName: actionsEventHubName
    cosmosEndpoint: db.outputs.endpoint
    cosmosDatabaseName: cosmosDatabaseName
    dailyMetricsSchedule: dailyMetricsSchedule
    painPointsSchedule: painPointsSchedule
    actionsSchedule: actionsSchedule
    collectorWriteKeys: collectorWriteKeys
    collectorAllowedOrigins: collectorAllowedOrigins
    signInClientId: dashboardSignInClientId
    // openAI is conditional: .? reads its outputs only when it was deployed.
    openAIEndpoint: openAI.?outputs.endpoint ?? ''
    openAIDeployment: openAI.?outputs.chatDeploymentName ?? ''
    openAIEmbeddingDeployment: openAI.?outputs.embeddingDeploymentName ?? ''
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appPrincipalId: apiIdentity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
    readerPrincipalIds: cosmosReaderPrincipalIds
    storageAccountName: storage.outputs.name
    eventHubNamespaceName: eventHubs.outputs.namespaceName
    cosmosAccountName: db.outputs.accountName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    openAIName: openAI.?outputs.name ?? ''
  }
}

// Outputs: azd keeps them in the environment (.azure/{env}/.env); infra/scripts/postprovision.*
// writes local.settings.json from them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output SERVICE_API_IDENTITY_CLIENT_ID string = apiIdentity.outputs.clientId
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output EVENTHUB_NAMESPACE string = eventHubs.outputs.fullyQualifiedNamespace
output EVENTHUB_NAME string = eventHubName
output EVENTHUB_CONSUMER_GROUP string = appConsumerGroup
output EVENTHUB_LOCAL_CONSUMER_GROUP string = localConsumerGroup
output ACTIONS_EVENTHUB_NAME string = deployActionsEventHub ? actionsEventHubName : ''
output ACTIONS_EVENTHUB_CONSUMER_GROUP string = deployActionsEventHub ? actionsConsumerGroup : ''
output COSMOS_ACCOUNT_NAME string = db.outputs.accountName
output COSMOS_ENDPOINT string = db.outputs.endpoint
output COSMOS_DATABASE_NAME string = cosmosDatabaseName
output OPENAI_ENDPOINT string = openAI.?outputs.endpoint ?? ''
output OPENAI_DEPLOYMENT string = openAI.?outputs.chatDeploymentName ?? ''
output OPENAI_EMBEDDING_DEPLOYMENT string = openAI.?outputs.embeddingDeploymentName ?? ''
output DAILY_METRICS_SCHEDULE string = dailyMetricsSchedule
output PAINPOINTS_SCHEDULE string = painPointsSchedule
output ACTIONS_SCHEDULE string = actionsSchedule
