// Event Hubs: the stream between the collector and the journey processor, and the hub the actions
// outbox sends to (journey-actions) for the shop's own consumers. Standard tier (1 MB events,
// consumer groups), one throughput unit, local (SAS) auth disabled: the app sends and receives with
// its managed identity.

param name string
param location string = resourceGroup().location
param tags object = {}

@description('Name of the event hub.')
param eventHubName string

@description('Partitions of the event hub; events are partitioned by profile key. Fixed once created.')
@minValue(1)
@maxValue(32)
param partitionCount int = 8

@description('Days the event hub keeps events.')
@minValue(1)
@maxValue(7)
param retentionInDays int = 1

@description('Throughput units of the namespace (1 TU: 1 MB/s or 1,000 events/s in, 2 MB/s out).')
@minValue(1)
@maxValue(40)
param throughputUnits int = 1

@description('Consumer groups to create: the app\'s, and one for local runs against the same hub.')
param consumerGroups array

@description('Deploy the actions\' event hub (one event per action, for Logic Apps, Fabric or the shop\'s own consumers).')
param deployActionsEventHub bool = false

@description('Name of the actions\' event hub.')
param actionsEventHubName string = 'journey-actions'

@description('Partitions of the actions\' event hub; events are partitioned by customer id. Fixed once created.')
@minValue(1)
@maxValue(32)
param actionsPartitionCount int = 2

@description('Consumer groups to create on the actions\' event hub, for its consumers.')
param actionsConsumerGroups array = []

resource eventHubNamespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: throughputUnits
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    isAutoInflateEnabled: false
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: eventHubNamespace
  name: eventHubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: retentionInDays
  }
}

resource hubConsumerGroups 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = [
  for group in consumerGroups: {
    parent: hub
    name: group
    properties: {}
  }
]

// The actions' hub keeps events as long as the stream's: a consumer that is down longer misses them
// (the outbox has delivered them once the hub took them).
resource actionsHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = if (deployActionsEventHub) {
  parent: eventHubNamespace
  name: actionsEventHubName
  properties: {
    partitionCount: actionsPartitionCount
    messageRetentionInDays: retentionInDays
  }
}

resource actionsHubConsumerGroups 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = [
  for group in actionsConsumerGroups: if (deployActionsEventHub) {
    parent: actionsHub
    name: group
    properties: {}
  }
]

output namespaceName string = eventHubNamespace.name
// {namespace}.servicebus.windows.net, taken from the endpoint so that other clouds work too.
output fullyQualifiedNamespace string = replace(split(split(eventHubNamespace.properties.serviceBusEndpoint, '//')[1], ':')[0], '/', '')
