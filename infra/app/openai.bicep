// Azure OpenAI for the pain-point summarizer (optional: deployOpenAI). Key auth disabled; the app
// calls the v1 endpoint with its managed identity (Cognitive Services OpenAI User, rbac.bicep).
// Two deployments: a chat model (OpenAI__Deployment) that names and summarizes the pain points, and
// an embeddings model (OpenAI__EmbeddingDeployment) that places the review and feedback texts so
// that similar ones can be clustered.

param name string
param location string = resourceGroup().location
param tags object = {}

@description('Deployment type (SKU) of both deployments. GlobalStandard: pay per token, routed to any region with capacity; Standard keeps processing in the resource\'s region where the model is offered there.')
@allowed([
  'GlobalStandard'
  'Standard'
  'DataZoneStandard'
])
param deploymentType string = 'GlobalStandard'

@description('Name of the chat model deployment (the app\'s OpenAI__Deployment).')
param chatDeploymentName string

param chatModelName string
param chatModelVersion string

@description('Capacity of the chat deployment in thousands of tokens per minute.')
@minValue(1)
param chatCapacity int = 10

@description('Name of the embeddings model deployment (the app\'s OpenAI__EmbeddingDeployment).')
param embeddingDeploymentName string

param embeddingModelName string
param embeddingModelVersion string

@description('Capacity of the embeddings deployment in thousands of tokens per minute.')
@minValue(1)
param embeddingCapacity int = 30

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource chat 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: chatDeploymentName
  sku: {
    name: deploymentType
    capacity: chatCapacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: chatModelName
      version: chatModelVersion
    }
  }
}

resource embeddings 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: embeddingDeploymentName
  sku: {
    name: deploymentType
    capacity: embeddingCapacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: embeddingModelName
      version: embeddingModelVersion
    }
  }
  // One deployment at a time: the account rejects a second deployment operation while one runs.
  dependsOn: [
    chat
  ]
}

output name string = account.name
// The v1 API (no api-version), which the OpenAI .NET SDK calls.
output endpoint string = '${account.properties.endpoint}openai/v1/'
output chatDeploymentName string = chat.name
output embeddingDeploymentName string = embeddings.name
