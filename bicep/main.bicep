// b24migrate on Azure: one resource group holding the Durable Functions migrator (Flex Consumption, Python 3.11),
// its storage, Key Vault, monitoring and, optionally, a NAT-gateway egress with a static IP for the on-prem
// gateway's allow-list. Deployed with `azd up` (azure.yaml points infra.path here); names follow
// abbreviations.json plus a resourceToken derived from subscription, environment and region.
targetScope = 'subscription'

@description('azd environment name; part of every resource name and the azd-env-name tag.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for all resources. Pick one that offers the Flex Consumption plan.')
@minLength(1)
param location string

@description('Name of the resource group; empty: rg-<environmentName>.')
param resourceGroupName string = ''

@description('Object ID of the user or pipeline running the deployment (azd sets AZURE_PRINCIPAL_ID); gets Key Vault Secrets Officer, Storage Blob Data Contributor and Queue/Table Data Reader. Empty: no operator roles.')
param principalId string = ''

@description('Kind of principalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Rate-limit profile of the cloud portal plan (B24_LIMITS): standard (2 req/s), enterprise (5 req/s), box or off.')
@allowed([
  'standard'
  'enterprise'
  'box'
  'off'
])
param b24Limits string = 'standard'

@description('NCRONTAB schedule of the delta timer (DELTA_SCHEDULE, six fields with seconds).')
param deltaSchedule string = '0 */30 * * * *'

@description('Whether the delta timer runs; set false to pause it (cutover, full reruns) without losing the setting on the next provision.')
param deltaTimerEnabled bool = true

@description('Chained keyset pages per Bitrix24 batch request (B24_PAGES_PER_REQUEST, 1-50).')
@minValue(1)
@maxValue(50)
param pagesPerRequest int = 50

@description('Extract steps per family orchestrator generation before continue_as_new (B24_STEPS_PER_GENERATION).')
@minValue(1)
param stepsPerGeneration int = 20

@description('Whether validation reads the on-prem portal with a read webhook (B24_TARGET_READ_WEBHOOK_URL).')
param targetReadWebhookEnabled bool = true

@description('Cloud portal inbound webhook base URL, stored as a Key Vault secret. Prefer leaving it empty and setting the secret with az keyvault secret set (docs/runbook.md).')
@secure()
param sourceWebhookUrl string = ''

@description('Import gateway base URL with the import code, stored as a Key Vault secret. Prefer leaving it empty (docs/runbook.md).')
@secure()
param gatewayUrl string = ''

@description('On-prem portal read webhook base URL, stored as a Key Vault secret. Prefer leaving it empty (docs/runbook.md).')
@secure()
param targetReadWebhookUrl string = ''

@description('Route the app\'s outbound traffic through a NAT gateway with one static public IP (for the gateway allow-list).')
param enableStaticEgress bool = true

@description('Storage replication SKU.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_ZRS'

@description('Upper bound of function app instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 20

@description('Memory per function app instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('E-mail address notified by the alert rules (failed orchestration, exception burst, rate-limit storm); empty: alerts only show in Azure Monitor.')
param alertEmail string = ''

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'b24migrate'
}
var serviceName = 'migrator'
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'

// names shared/config.py defaults to; the app settings carry them explicitly so code and infra cannot drift
var rawContainerName = 'migration-raw'
var idmapTableName = 'idmap'
var deadletterQueueName = 'migration-deadletters'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    skuName: storageSkuName
    rawContainerName: rawContainerName
    deploymentContainerName: deploymentContainerName
    idmapTableName: idmapTableName
    deadletterQueueName: deadletterQueueName
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    sourceWebhookUrl: sourceWebhookUrl
    gatewayUrl: gatewayUrl
    targetReadWebhookUrl: targetReadWebhookUrl
  }
}

module network 'modules/network.bicep' = if (enableStaticEgress) {
  name: 'network'
  scope: rg
  params: {
    vnetName: '${abbrs.networkVirtualNetworks}${resourceToken}'
    subnetName: '${abbrs.networkVirtualNetworksSubnets}functions'
    natGatewayName: '${abbrs.networkNatGateways}${resourceToken}'
    publicIpName: '${abbrs.networkPublicIPAddresses}${resourceToken}'
    location: location
    tags: tags
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    namePrefix: 'b24migrate-${resourceToken}'
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    alertEmail: alertEmail
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  // roles first: the host needs its storage and Key Vault roles the moment it starts
  dependsOn: [
    rbac
  ]
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: serviceName
    runtimeVersion: '3.11'
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    keyVaultName: keyVault.outputs.name
    keyVaultUri: keyVault.outputs.uri
    sourceWebhookSecretName: keyVault.outputs.sourceWebhookSecretName
    gatewaySecretName: keyVault.outputs.gatewaySecretName
    targetReadWebhookSecretName: keyVault.outputs.targetReadWebhookSecretName
    targetReadWebhookEnabled: targetReadWebhookEnabled
    b24Limits: b24Limits
    deltaSchedule: deltaSchedule
    deltaTimerEnabled: deltaTimerEnabled
    pagesPerRequest: pagesPerRequest
    stepsPerGeneration: stepsPerGeneration
    rawContainerName: rawContainerName
    idmapTableName: idmapTableName
    deadletterQueueName: deadletterQueueName
    subnetId: enableStaticEgress ? network.outputs.subnetId : ''
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URI string = functionApp.outputs.uri
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output EGRESS_IP_ADDRESS string = enableStaticEgress ? network.outputs.egressIpAddress : ''
output B24_MIGRATIONS_API string = '${functionApp.outputs.uri}/api/migrations'
