// The one identity Mailflow Doctor runs as: the Azure Bot's app identity (UserAssignedMSI, no password anywhere),
// the App Service's identity for storage and Key Vault, and the identity Key Vault references resolve with.
@description('Name of the user-assigned managed identity')
param name string

param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
output tenantId string = identity.properties.tenantId
