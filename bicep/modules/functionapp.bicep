// The migrator's function app on a Flex Consumption plan (Linux, Python 3.11, Durable Functions on the Azure
// Storage backend). Everything it touches is reached with its user-assigned managed identity: the task hub
// storage (AzureWebJobsStorage__accountName), the deployment package, Key Vault references, and Application
// Insights ingestion. Every setting that shared/config.py reads is set here; the three webhook URLs are Key Vault
// references, so no secret is stored in app settings or in this template.

@description('Name of the function app (globally unique; it becomes <name>.azurewebsites.net).')
param name string

@description('Name of the Flex Consumption hosting plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app.')
param tags object = {}

@description('azd service name from azure.yaml; azd finds the app to deploy by this tag.')
param serviceName string = 'migrator'

@description('Python version of the Functions worker. The project targets 3.11 (pyproject requires-python).')
@allowed([
  '3.11'
])
param runtimeVersion string = '3.11'

@description('Upper bound of instances the plan scales out to; the Bitrix24 portal limit, not CPU, is the bottleneck.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 20

@description('Memory per instance in MB (Flex Consumption sizes).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Instances kept warm for the Durable triggers (0: scale to zero between runs and delta ticks).')
@minValue(0)
param alwaysReadyInstances int = 0

@description('Resource ID of the user-assigned managed identity the app runs as.')
param identityId string

@description('Client ID of the user-assigned managed identity (selects it for DefaultAzureCredential and the host).')
param identityClientId string

@description('Name of the storage account holding the task hub, raw pages, id map and dead letters.')
param storageAccountName string

@description('Primary blob endpoint of that storage account, with a trailing slash.')
param storageBlobEndpoint string

@description('Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Application Insights connection string (no key material: local auth is disabled).')
param applicationInsightsConnectionString string

@description('Name of the key vault holding the webhook secrets.')
param keyVaultName string

@description('URI of that key vault (setting KEY_VAULT_URL).')
param keyVaultUri string

@description('Key Vault secret name of the cloud portal webhook URL.')
param sourceWebhookSecretName string = 'b24-source-webhook-url'

@description('Key Vault secret name of the import gateway URL.')
param gatewaySecretName string = 'b24-gateway-url'

@description('Key Vault secret name of the on-prem portal read webhook URL.')
param targetReadWebhookSecretName string = 'b24-target-read-webhook-url'

@description('Whether validation reads the on-prem portal through B24_TARGET_READ_WEBHOOK_URL; false leaves it unset.')
param targetReadWebhookEnabled bool = true

@description('Rate-limit profile of the source portal plan (setting B24_LIMITS).')
@allowed([
  'standard'
  'enterprise'
  'box'
  'off'
])
param b24Limits string = 'standard'

@description('NCRONTAB schedule of the delta timer (setting DELTA_SCHEDULE, six fields with seconds).')
param deltaSchedule string = '0 */30 * * * *'

@description('Whether the delta_timer function runs (false sets AzureWebJobs.delta_timer.Disabled, e.g. during cutover).')
param deltaTimerEnabled bool = true

@description('Chained keyset pages per Bitrix24 batch request (setting B24_PAGES_PER_REQUEST, 1-50).')
@minValue(1)
@maxValue(50)
param pagesPerRequest int = 50

@description('Extract steps per family orchestrator generation before continue_as_new (setting B24_STEPS_PER_GENERATION).')
@minValue(1)
param stepsPerGeneration int = 20

@description('Blob container for raw pages and media (setting B24_RAW_CONTAINER).')
param rawContainerName string

@description('Table holding the id map (setting B24_IDMAP_TABLE).')
param idmapTableName string

@description('Queue receiving dead letters (setting B24_DEADLETTER_QUEUE).')
param deadletterQueueName string

@description('Resource ID of the integration subnet whose NAT gateway gives a static egress IP; empty: no VNet integration.')
param subnetId string = ''

@description('Resource ID of the Log Analytics workspace receiving the app\'s platform logs; empty: no diagnostics.')
param logAnalyticsWorkspaceId string = ''

@description('Additional non-secret app settings merged over the defaults (secrets belong in Key Vault).')
param extraAppSettings object = {}

// Key Vault references resolve with keyVaultReferenceIdentity below; no version pins the latest secret, which the
// platform re-reads within 24 h or at once on restart (code rotation, docs/runbook.md)
var sourceWebhookReference = '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${sourceWebhookSecretName})'
var gatewayReference = '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${gatewaySecretName})'
var targetReadWebhookReference = '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${targetReadWebhookSecretName})'

var baseAppSettings = {
  // identity-based host storage: no connection string exists anywhere, matching allowSharedKeyAccess false
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // DefaultAzureCredential in shared/ picks the user-assigned identity by this id
  AZURE_CLIENT_ID: identityClientId
  KEY_VAULT_URL: keyVaultUri
  B24_SOURCE_WEBHOOK_URL: sourceWebhookReference
  B24_GATEWAY_URL: gatewayReference
  B24_LIMITS: b24Limits
  DELTA_SCHEDULE: deltaSchedule
  // the platform's per-function switch; kept in the template so that a provision never silently re-enables it
  'AzureWebJobs.delta_timer.Disabled': deltaTimerEnabled ? 'false' : 'true'
  B24_PAGES_PER_REQUEST: string(pagesPerRequest)
  B24_STEPS_PER_GENERATION: string(stepsPerGeneration)
  B24_RAW_CONTAINER: rawContainerName
  B24_IDMAP_TABLE: idmapTableName
  B24_DEADLETTER_QUEUE: deadletterQueueName
}

var targetReadAppSettings = targetReadWebhookEnabled ? {
  B24_TARGET_READ_WEBHOOK_URL: targetReadWebhookReference
} : {}

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
    clientCertEnabled: false
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    siteConfig: {
      minTlsVersion: '1.2'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyInstances > 0 ? [
          {
            name: 'durable'
            instanceCount: alwaysReadyInstances
          }
        ] : []
      }
      runtime: {
        name: 'python'
        version: runtimeVersion
      }
    }
  }
}

// children use `parent:` instead of nesting, so the offline parser sees each of them (bicep/README.md)
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(baseAppSettings, targetReadAppSettings, extraAppSettings)
}

// publishing with basic credentials (FTP, Kudu user/password) is off; azd deploys with Entra ID
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource appDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (!empty(logAnalyticsWorkspaceId)) {
  name: 'app-to-log-analytics'
  scope: functionApp
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output id string = functionApp.id
output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
output uri string = 'https://${functionApp.properties.defaultHostName}'
output planId string = plan.id
