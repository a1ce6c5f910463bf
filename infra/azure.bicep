// Rewind in one resource group: the bot's App Service (Linux, Node 22), its Azure Bot registration with the Teams
// channel, the snapshot store (Cosmos DB for NoSQL, serverless, Entra ID auth only) and Application Insights on a
// Log Analytics workspace. One user-assigned managed identity is the bot's Bot Framework identity, its Cosmos DB
// identity (data-plane role below) and its Microsoft Graph identity (app roles granted by
// infra/grant-graph-permissions.sh, which Bicep cannot do for Graph).
//
// Deployed by `arm/deploy` in teamsapp.yml with azure.parameters.json; each `output` is written by the Toolkit to
// env/.env.<env> under the same name. The app settings are exactly the names bot/src/config.ts and
// backup-engine/src/runtime.ts read, plus platform names (infra/README.md#settings); infra/test checks both.

@minLength(4)
@maxLength(20)
@description('Lowercase letters and digits; names every resource (the web app and bot names are global).')
param resourceBaseName string

param location string = resourceGroup().location

@description('App Service plan SKU (Linux). B1 or above: the in-process daily backup timer needs alwaysOn.')
param webAppSku string = 'B1'

@maxLength(42)
param botDisplayName string = 'Rewind'

@description('Object id of the Entra group whose members may request restores (HELPDESK_GROUP_ID).')
param helpdeskGroupId string

@description('Object id of the Entra group whose members may approve restores (SECURITY_LEADS_GROUP_ID).')
param securityLeadsGroupId string

// Passed through as app settings; the bot validates them at start-up (whole hours 1 to 168, whole number 1 to
// 1,000,000, HH:MM in UTC) and refuses to start with a message that names the setting.
@description('APPROVAL_TTL_HOURS: hours an approval request stays open.')
param approvalTtlHours string = '24'

@description('MASS_DELETION_THRESHOLD: deletions between two backups that raise an alert.')
param massDeletionThreshold string = '20'

@minLength(5)
@maxLength(5)
@description('SUMMARY_TIME: daily backup and summary time, HH:MM in UTC.')
param summaryTime string = '07:00'

var cosmosAccountName = toLower(resourceBaseName)
var cosmosDatabaseName = 'rewind'

// backup-engine/src/store/cosmos-store.ts: COLLECTION_NAMES, the partition key path of createContainer, and
// CONTAINER_INDEXING_POLICY. Under data-plane RBAC the store cannot create or change containers, so they are created
// here with the same settings (infra/test/bicep-code.test.ts compares them).
var containerNames = [
  'snapshots'
  'objects'
  'catalog'
]
var containerPartitionKeyPath = '/pk'
var containerIndexingPolicy = {
  indexingMode: 'consistent'
  automatic: true
  includedPaths: [
    {
      path: '/*'
    }
  ]
  excludedPaths: [
    {
      path: '/body/*'
    }
    {
      path: '/entries/*'
    }
    {
      path: '/ids/*'
    }
    {
      path: '/"_etag"/?'
    }
  ]
}

// Built-in "Cosmos DB Built-in Data Contributor": readMetadata plus read/write of items in every container. It
// cannot create databases or containers (those are control-plane operations).
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: resourceBaseName
  location: location
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${resourceBaseName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
  }
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: cosmosAccountName
  location: location
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
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    // Entra ID only: account keys are refused, so COSMOS_KEY is never set in Azure.
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
  }
}

resource cosmosDatabase 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: cosmos
  name: cosmosDatabaseName
  properties: {
    resource: {
      id: cosmosDatabaseName
    }
  }
}

// Serverless: no throughput options.
resource cosmosContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for containerName in containerNames: {
    parent: cosmosDatabase
    name: containerName
    properties: {
      resource: {
        id: containerName
        partitionKey: {
          paths: [
            containerPartitionKeyPath
          ]
          kind: 'Hash'
        }
        indexingPolicy: containerIndexingPolicy
      }
    }
  }
]

resource cosmosDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmos.id, identity.id, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    principalId: identity.properties.principalId
    scope: cosmos.id
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2024-04-01' = {
  name: resourceBaseName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      // package.json "serve"; App Service supplies PORT.
      appCommandLine: 'node dist/bot/src/main.js'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      appSettings: [
        {
          name: 'REWIND_MODE'
          value: 'production'
        }
        {
          name: 'BOT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'BOT_TYPE'
          value: 'UserAssignedMsi'
        }
        {
          name: 'BOT_TENANT_ID'
          value: identity.properties.tenantId
        }
        {
          name: 'HELPDESK_GROUP_ID'
          value: helpdeskGroupId
        }
        {
          name: 'SECURITY_LEADS_GROUP_ID'
          value: securityLeadsGroupId
        }
        {
          name: 'APPROVAL_TTL_HOURS'
          value: approvalTtlHours
        }
        {
          name: 'MASS_DELETION_THRESHOLD'
          value: massDeletionThreshold
        }
        {
          name: 'SUMMARY_TIME'
          value: summaryTime
        }
        {
          name: 'GRAPH_BASE_URL'
          value: 'https://graph.microsoft.com'
        }
        {
          name: 'COSMOS_ENDPOINT'
          value: cosmos.properties.documentEndpoint
        }
        {
          name: 'COSMOS_DATABASE'
          value: cosmosDatabaseName
        }
        {
          // DefaultAzureCredential (@azure/identity) picks the user-assigned identity by this client id.
          name: 'AZURE_CLIENT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          // The zip from `azureAppService/zipDeploy` is mounted read-only as wwwroot.
          name: 'WEBSITE_RUN_FROM_PACKAGE'
          value: '1'
        }
        {
          // The artifact already holds its production node_modules (scripts/stage-deploy.ts): no Oryx build.
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false'
        }
      ]
    }
  }
  dependsOn: [
    // The bot opens the store at start-up with this role and these containers.
    cosmosDataContributor
    cosmosContainers
  ]
}

// Deployments authenticate with Entra ID (the Toolkit's zipDeploy sends a bearer token); no publishing passwords.
resource webAppFtpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource webAppScmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: webApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource webAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: webApp
  name: 'to-log-analytics'
  properties: {
    workspaceId: logAnalytics.id
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: identity.properties.tenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource botTeamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
// The managed identity's service principal: infra/grant-graph-permissions.sh grants Graph app roles to it.
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output COSMOS_ENDPOINT string = cosmos.properties.documentEndpoint
output APPLICATIONINSIGHTS_RESOURCE_ID string = appInsights.id
