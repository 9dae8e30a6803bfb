// Key Vault in RBAC mode. It holds the certificate the app uses for app-only auth to Graph and the Exchange admin
// API (imported by an administrator, see docs/setup.md) and the key that signs export links. The app reads both
// through App Service Key Vault references, resolved with the managed identity; no secret is ever an app setting.
@description('Key Vault name (3-24 characters, globally unique)')
@minLength(3)
@maxLength(24)
param name string

param location string
param tags object = {}

@description('principalId of the managed identity that reads secrets (Key Vault Secrets User)')
param principalId string

@description('Optional: object id of the administrator who imports the certificate (Key Vault Certificates Officer)')
param certificateOfficerPrincipalId string = ''

@description('Name of the certificate for Graph and Exchange app-only auth')
param certificateName string

@secure()
@description('Key that signs export links; generated per deployment unless given')
param exportSigningKey string

// Built-in role definition ids (the same in every tenant).
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultCertificatesOfficer = 'a4417e6f-fecd-4de8-b567-7b0420be3c65'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource signingKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'export-signing-key'
  properties: {
    value: exportSigningKey
    contentType: 'text/plain'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource certificateOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(certificateOfficerPrincipalId)) {
  name: guid(vault.id, certificateOfficerPrincipalId, keyVaultCertificatesOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultCertificatesOfficer)
    principalId: certificateOfficerPrincipalId
    principalType: 'User'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
// Key Vault references without a version follow rotation: App Service picks up a new version within 24 hours.
output certificateReference string = '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${certificateName})'
output exportSigningKeyReference string = '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${signingKey.name})'
