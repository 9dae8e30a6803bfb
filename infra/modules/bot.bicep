// The Azure Bot registration: single-tenant, its app identity is the user-assigned managed identity
// (msaAppType UserAssignedMSI), so there is no bot password to store or rotate. Teams channel on.
@maxLength(42)
param displayName string

param name string
param tags object = {}

@allowed(['F0', 'S1'])
@description('F0 is free (10,000 premium messages a month; Teams messages are standard and unlimited)')
param sku string = 'F0'

param identityResourceId string
param identityClientId string
param identityTenantId string

@description('Host name of the App Service that answers /api/messages')
param botDomain string

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: 'https://${botDomain}/api/messages'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityResourceId
    msaAppTenantId: identityTenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
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

output endpoint string = bot.properties.endpoint
output name string = bot.name
