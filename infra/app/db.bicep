// Cosmos DB for NoSQL: the store. Serverless by default; local (key) auth disabled, so the app, the
// developer and BI tools all use Entra roles (rbac.bicep). The database and its containers are
// created here because an Entra identity may not create them through the data plane.

param accountName string
param location string = resourceGroup().location
param tags object = {}

@description('Name of the database.')
param databaseName string

@description('Serverless (pay per request). False: provisioned autoscale throughput shared by the database.')
param serverless bool = true

@description('Most RU/s of the shared autoscale throughput when serverless is false.')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

@description('Continuous backup, 7 days (needed by Microsoft Fabric mirroring). Cannot be turned off again.')
param continuousBackup bool = false

// KEEP IN SYNC WITH functions/Journey.Adapters/Store/Cosmos/CosmosContainers.cs: the same names,
// partition key paths and indexing paths. tests/Journey.Functions.Tests/Deployment compares them.
var containers = [
  {
    name: 'customers'
    partitionKeyPath: '/id'
    includedPaths: [
      '/*'
    ]
    excludedPaths: [
      '/journey/*'
      '/orders/history/*'
      '/activeDays/*'
      '/traits/*'
      '/pendingMerge/*'
      '/"_etag"/?'
    ]
  }
  {
    name: 'transitions'
    partitionKeyPath: '/customerId'
    includedPaths: [
      '/*'
    ]
    excludedPaths: [
      '/microConversions/*'
      '/"_etag"/?'
    ]
  }
  {
    name: 'metrics'
    partitionKeyPath: '/kind'
    includedPaths: [
      '/kind/?'
      '/date/?'
      '/type/?'
    ]
    excludedPaths: [
      '/*'
      '/"_etag"/?'
    ]
  }
  {
    name: 'painpoints'
    partitionKeyPath: '/period'
    includedPaths: [
      '/*'
    ]
    excludedPaths: [
      '/"_etag"/?'
    ]
  }
  {
    name: 'feedback'
    partitionKeyPath: '/period'
    includedPaths: [
      '/*'
    ]
    excludedPaths: [
      '/text/?'
      '/title/?'
      '/embedding/*'
      '/"_etag"/?'
    ]
  }
  {
    name: 'actions'
    partitionKeyPath: '/customerId'
    includedPaths: [
      '/*'
    ]
    excludedPaths: [
      '/trigger/items/*'
      '/customer/*'
      '/deliveries/*'
      '/"_etag"/?'
    ]
  }
  {
    name: 'suppressions'
    partitionKeyPath: '/id'
    includedPaths: [
      '/*'
    ]
    excludedPaths: [
      '/key/?'
      '/"_etag"/?'
    ]
  }
  {
    name: 'deadletter'
    partitionKeyPath: '/day'
    includedPaths: [
      '/*'
    ]
    excludedPaths: [
      '/rawPayload/?'
      '/"_etag"/?'
    ]
  }
]

var continuousBackupPolicy = {
  type: 'Continuous'
  continuousModeProperties: {
    tier: 'Continuous7Days'
  }
}

var periodicBackupPolicy = {
  type: 'Periodic'
  periodicModeProperties: {
    backupIntervalInMinutes: 240
    backupRetentionIntervalInHours: 8
    backupStorageRedundancy: 'Geo'
  }
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: serverless
      ? [
          {
            name: 'EnableServerless'
          }
        ]
      : []
    backupPolicy: continuousBackup ? continuousBackupPolicy : periodicBackupPolicy
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: serverless
      ? {}
      : {
          autoscaleSettings: {
            maxThroughput: autoscaleMaxThroughput
          }
        }
  }
}

resource databaseContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for container in containers: {
    parent: database
    name: container.name
    properties: {
      resource: {
        id: container.name
        partitionKey: {
          paths: [
            container.partitionKeyPath
          ]
          kind: 'Hash'
          version: 2
        }
        indexingPolicy: {
          indexingMode: 'consistent'
          automatic: true
          includedPaths: map(container.includedPaths, p => {
            path: p
          })
          excludedPaths: map(container.excludedPaths, p => {
            path: p
          })
        }
      }
    }
  }
]

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
