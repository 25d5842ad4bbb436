// Key Vault for the three webhook secrets (source webhook, gateway URL with its import code, target read
// webhook). RBAC mode only: no access policies, so who can read a secret is visible in role assignments.
// Secret values are optional inputs: the runbook's preferred path sets them with `az keyvault secret set`,
// so they never pass through a deployment; a CI pipeline may pass them as secure parameters instead.

@description('Name of the key vault (3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the key vault.')
param location string

@description('Tags applied to the key vault.')
param tags object = {}

@description('Days a deleted vault or secret stays recoverable (7-90). Purge protection makes this binding.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Resource ID of the Log Analytics workspace receiving the vault audit log; empty: no diagnostics.')
param logAnalyticsWorkspaceId string = ''

@description('Cloud portal inbound webhook base URL (secret). Empty: leave the secret to the operator.')
@secure()
param sourceWebhookUrl string = ''

@description('Import gateway base URL including the import code (secret). Empty: leave the secret to the operator.')
@secure()
param gatewayUrl string = ''

@description('On-prem portal read webhook base URL for validation (secret). Empty: leave the secret to the operator.')
@secure()
param targetReadWebhookUrl string = ''

// the names shared/config.py reads when KEY_VAULT_URL is set; the app settings reference the same names
var sourceWebhookSecretName = 'b24-source-webhook-url'
var gatewaySecretName = 'b24-gateway-url'
var targetReadWebhookSecretName = 'b24-target-read-webhook-url'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource sourceWebhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(sourceWebhookUrl)) {
  parent: vault
  name: sourceWebhookSecretName
  properties: {
    value: sourceWebhookUrl
    contentType: 'text/uri'
  }
}

resource gatewaySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(gatewayUrl)) {
  parent: vault
  name: gatewaySecretName
  properties: {
    value: gatewayUrl
    contentType: 'text/uri'
  }
}

resource targetReadWebhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(targetReadWebhookUrl)) {
  parent: vault
  name: targetReadWebhookSecretName
  properties: {
    value: targetReadWebhookUrl
    contentType: 'text/uri'
  }
}

// every secret read (the app's and any human's) lands in the workspace: the audit trail of code use
resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (!empty(logAnalyticsWorkspaceId)) {
  name: 'vault-to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
output sourceWebhookSecretName string = sourceWebhookSecretName
output gatewaySecretName string = gatewaySecretName
output targetReadWebhookSecretName string = targetReadWebhookSecretName
