// The function app: Flex Consumption (FC1) with the `custom` runtime: the Functions host loads the
// extension bundle (Event Hubs trigger, timers) and starts the custom handler that host.json names,
// the app's own executable `Journey.Functions` (published self-contained for linux-x64). It runs as
// the user-assigned identity and reaches every service with it: no connection string or key is
// stored anywhere.

param name string
param planName string
param location string = resourceGroup().location
param tags object = {}

@description('azd deploys the service named so (azure.yaml) to the resource tagged with it.')
param serviceName string = 'api'

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

param storageAccountName string

@description('Blob container Flex Consumption deploys the app package from.')
param deploymentContainerName string

param applicationInsightsName string

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('{namespace}.servicebus.windows.net')
param eventHubFullyQualifiedNamespace string
param eventHubName string
param eventHubConsumerGroup string

@description('Send actions to the event hub actionsEventHubName in the stream\'s namespace (where the app holds Azure Event Hubs Data Sender). False: no Event Hub destination.')
param sendActionsToEventHub bool = false
param actionsEventHubName string

@description('https://{account}.documents.azure.com:443/')
param cosmosEndpoint string
param cosmosDatabaseName string

param dailyMetricsSchedule string
param painPointsSchedule string
param actionsSchedule string
param collectorWriteKeys string = ''

@description('Origins allowed to send events from a browser, comma-separated; * for any. Both the app (Collector__AllowedOrigins) and the site\'s CORS setting get them.')
param collectorAllowedOrigins string = '*'

@description('Client id of an Entra ID app registration: when set, App Service authentication asks for Entra sign-in on every route but the collector\'s public ones (the dashboard and the admin API then need sign-in and the function key).')
param signInClientId string = ''

@description('Azure OpenAI v1 endpoint; empty turns the summarizer off.')
param openAIEndpoint string = ''
@description('Name of the chat model deployment; empty without OpenAI.')
param openAIDeployment string = ''

@description('Name of the embeddings model deployment; empty without OpenAI.')
param openAIEmbeddingDeployment string = ''

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// App settings: the names of functions/Journey.Functions/Hosting/SettingNames.cs
// (tests/Journey.Functions.Tests/Deployment checks them in the compiled template).
// FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION must not be set on Flex Consumption: the
// runtime is functionAppConfig.runtime below.
var appSettings = {
  // Host storage by identity. The roles granted on it (blob, table; no queue) and why: rbac.bicep.
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  EventHubConnection__fullyQualifiedNamespace: eventHubFullyQualifiedNamespace
  EventHubConnection__credential: 'managedidentity'
  EventHubConnection__clientId: identityClientId
  EventHubName: eventHubName
  EventHubConsumerGroup: eventHubConsumerGroup
  Actions__EventHub__FullyQualifiedNamespace: sendActionsToEventHub ? eventHubFullyQualifiedNamespace : ''
  Actions__EventHub__Name: actionsEventHubName
  CosmosConnection__accountEndpoint: cosmosEndpoint
  CosmosConnection__credential: 'managedidentity'
  CosmosConnection__clientId: identityClientId
  Cosmos__DatabaseName: cosmosDatabaseName
  Cosmos__CreateIfMissing: 'false'
  DailyMetricsSchedule: dailyMetricsSchedule
  PainPointsSchedule: painPointsSchedule
  ActionsSchedule: actionsSchedule
  Collector__WriteKeys: collectorWriteKeys
  Collector__AllowedOrigins: collectorAllowedOrigins
  Collector__AnonymizeIp: 'true'
  Collector__DoNotTrack: 'Drop'
  Summarizer__Enabled: 'true'
  OpenAI__Endpoint: openAIEndpoint
  OpenAI__Deployment: openAIDeployment
  OpenAI__EmbeddingDeployment: openAIEmbeddingDeployment
  OpenAI__ClientId: empty(openAIEndpoint) ? '' : identityClientId
}

// The same origins as a list for the site's CORS setting. On Flex Consumption the platform answers
// a browser's preflight (OPTIONS) from siteConfig.cors before the request reaches the custom
// handler, so the site must allow exactly the origins the collector allows.
var corsAllowedOrigins = filter(map(split(collectorAllowedOrigins, ','), origin => trim(origin)), origin => !empty(origin))

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': serviceName
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      cors: {
        allowedOrigins: corsAllowedOrigins
        // Listed origins are reflected with Access-Control-Allow-Credentials (sites that send cookies,
        // sendBeacon with a JSON Blob); the platform refuses credentials with "*".
        supportCredentials: !contains(corsAllowedOrigins, '*')
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      // `custom`, not `dotnet-isolated`: for a dotnet-isolated app the host does not load extension
      // bundles (azure-functions-host ScriptStartupTypeLocator), so ProcessEvents' eventHubTrigger
      // would never be registered. Flex Consumption's stack data offers custom 1.0 on FC1.
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }

  // Entra ID sign-in in front of the dashboard and the admin API (optional). The collector's routes stay
  // open to browsers and servers: the pixel, the Segment API and its settings, the tracker script, the
  // health probe and the unsubscribe page. Without a client secret the platform signs users in with ID
  // tokens, so the app registration must allow them (Authentication > ID tokens) and list the redirect URI
  // https://<app>/.auth/login/aad/callback.
  resource auth 'config' = if (!empty(signInClientId)) {
    name: 'authsettingsV2'
    properties: {
      platform: {
        enabled: true
      }
      globalValidation: {
        requireAuthentication: true
        unauthenticatedClientAction: 'RedirectToLoginPage'
        redirectToProvider: 'azureactivedirectory'
        excludedPaths: [
          '/i'
          '/v1'
          '/journey.js'
          '/health'
          '/unsubscribe'
        ]
      }
      identityProviders: {
        azureActiveDirectory: {
          enabled: true
          registration: {
            clientId: signInClientId
            openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
          }
          validation: {
            allowedAudiences: [
              'api://${signInClientId}'
              signInClientId
            ]
          }
        }
      }
      login: {
        tokenStore: {
          enabled: false
        }
      }
    }
  }
}

output name string = functionApp.name
output uri string = 'https://${functionApp.properties.defaultHostName}'
