// Role assignments: the app's managed identity gets exactly the data roles it uses; the developer
// running azd (principalId) gets the same ones, so `func start` or `dotnet run` on their machine
// can use these resources with their own Entra sign-in; BI readers get read access to Cosmos DB.

@description('Principal id of the app\'s user-assigned identity.')
param appPrincipalId string

@description('Object id of the developer (or CI identity) running azd; empty: no roles for them.')
param userPrincipalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
param userPrincipalType string = 'User'

@description('Object ids that get read-only access to the Cosmos DB data (analysts, BI service identities).')
param readerPrincipalIds array = []

param storageAccountName string
param eventHubNamespaceName string
param cosmosAccountName string
param applicationInsightsName string

@description('Azure OpenAI account; empty when it was not deployed.')
param openAIName string = ''

@description('Storage Queue Data Contributor on the host storage: only blob triggers and Durable Functions use host queues, and Journey has neither.')
param enableQueue bool = false

// Azure built-in roles.
var storageBlobDataOwnerRoleId = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var eventHubsDataSenderRoleId = '2b629674-e913-4c01-ae53-ef4638d8f975'
var eventHubsDataReceiverRoleId = 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
var monitoringMetricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'
var cognitiveServicesOpenAIUserRoleId = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

// Cosmos DB data-plane roles (sqlRoleDefinitions of the account, not Azure RBAC).
var cosmosDataReaderRoleId = '00000000-0000-0000-0000-000000000001'
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'

var hasUser = !empty(userPrincipalId)
var hasOpenAI = !empty(openAIName)

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource eventHubNamespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubNamespaceName
}

resource cosmosAccount 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource openAI 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = if (hasOpenAI) {
  name: openAIName
}

// Host storage. The app names the account (AzureWebJobsStorage__accountName), so the host derives
// the blob, queue and table endpoints and uses each for what needs it; the roles follow that use:
// - blob, Storage Blob Data Owner: the host lock and keys, the Event Hubs trigger's checkpoints and
//   partition ownership (also read by the Flex scale controller), the timers' schedule status and
//   singleton leases, and the deployment package container Flex Consumption deploys from;
// - table, Storage Table Data Contributor: the host's diagnostic events, written with the
//   identity-based connection since azure-functions-host PR 10438 (without the role the host
//   logs a warning and stops writing them, PR 10996);
// - queue: used only by blob triggers and Durable Functions, which Journey has not, so no role
//   unless enableQueue.
// Microsoft's Flex quickstarts grant blob only and set AzureWebJobsStorage__blobServiceUri alone,
// which leaves the host no table endpoint; with the account name it has one, hence the table role.

resource appBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, storageBlobDataOwnerRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwnerRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (hasUser) {
  name: guid(storage.id, userPrincipalId, storageBlobDataOwnerRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwnerRoleId)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}

resource appTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, storageTableDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (hasUser) {
  name: guid(storage.id, userPrincipalId, storageTableDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRoleId)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}

resource appQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (enableQueue) {
  name: guid(storage.id, appPrincipalId, storageQueueDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributorRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Event Hubs: the collector sends, ProcessEvents receives; the actions outbox sends to journey-actions.
// Both roles are on the namespace, so they cover every hub in it, journey-actions included.

resource appEventHubsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(eventHubNamespace.id, appPrincipalId, eventHubsDataSenderRoleId)
  scope: eventHubNamespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataSenderRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appEventHubsReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(eventHubNamespace.id, appPrincipalId, eventHubsDataReceiverRoleId)
  scope: eventHubNamespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataReceiverRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userEventHubsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (hasUser) {
  name: guid(eventHubNamespace.id, userPrincipalId, eventHubsDataSenderRoleId)
  scope: eventHubNamespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataSenderRoleId)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}

resource userEventHubsReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (hasUser) {
  name: guid(eventHubNamespace.id, userPrincipalId, eventHubsDataReceiverRoleId)
  scope: eventHubNamespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataReceiverRoleId)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}

// Application Insights: telemetry with Entra auth (the component has local auth disabled).

resource appMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, monitoringMetricsPublisherRoleId)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (hasUser) {
  name: guid(applicationInsights.id, userPrincipalId, monitoringMetricsPublisherRoleId)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRoleId)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}

// Cosmos DB: data-plane role assignments on the whole account.

resource appCosmosContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmosAccount
  name: guid(cosmosAccount.id, appPrincipalId, cosmosDataContributorRoleId)
  properties: {
    principalId: appPrincipalId
    roleDefinitionId: '${cosmosAccount.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    scope: cosmosAccount.id
  }
}

resource userCosmosContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = if (hasUser) {
  parent: cosmosAccount
  name: guid(cosmosAccount.id, userPrincipalId, cosmosDataContributorRoleId)
  properties: {
    principalId: userPrincipalId
    roleDefinitionId: '${cosmosAccount.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    scope: cosmosAccount.id
  }
}

resource readerCosmosReader 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = [
  for readerPrincipalId in readerPrincipalIds: {
    parent: cosmosAccount
    name: guid(cosmosAccount.id, readerPrincipalId, cosmosDataReaderRoleId)
    properties: {
      principalId: readerPrincipalId
      roleDefinitionId: '${cosmosAccount.id}/sqlRoleDefinitions/${cosmosDataReaderRoleId}'
      scope: cosmosAccount.id
    }
  }
]

// Azure OpenAI (when deployed): the summarizer's chat and embeddings calls.

resource appOpenAIUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (hasOpenAI) {
  name: guid(resourceGroup().id, openAIName, appPrincipalId, cognitiveServicesOpenAIUserRoleId)
  scope: openAI
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cognitiveServicesOpenAIUserRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userOpenAIUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (hasOpenAI && hasUser) {
  name: guid(resourceGroup().id, openAIName, userPrincipalId, cognitiveServicesOpenAIUserRoleId)
  scope: openAI
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cognitiveServicesOpenAIUserRoleId)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}
