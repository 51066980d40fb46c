// Azure OpenAI for the pain-point summarizer (optional: deployOpenAI). Key auth disabled; the app
// calls the v1 endpoint with its managed identity (Cognitive Services OpenAI User, rbac.bicep).

param name string
param location string = resourceGroup().location
param tags object = {}

@description('Name of the chat model deployment (the app\'s OpenAI__Deployment).')
param deploymentName string

param modelName string
param modelVersion string

@description('Thousands of tokens per minute.')
@minValue(1)
param capacity int = 10

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
  name: deploymentName
  sku: {
    name: 'GlobalStandard'
    capacity: capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: modelName
      version: modelVersion
    }
  }
}

output name string = account.name
// The v1 API (no api-version), which the OpenAI .NET SDK calls.
output endpoint string = '${account.properties.endpoint}openai/v1/'
output deploymentName string = chat.name
