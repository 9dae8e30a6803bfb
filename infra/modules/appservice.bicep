// App Service on Linux, Node 20. Runs the built CLI (`serve`); App Service's health check polls /healthz and takes
// an instance that stops answering out of rotation. State lives in storage, so instances need no affinity and the
// plan can scale out (instanceCount); SIGTERM on scale-in lets in-flight turns finish (src/ops/shutdown.ts).
param name string
param location string
param tags object = {}

@description('App Service plan SKU; B1 for a pilot, P0v3 or P1v3 for production (see docs/setup.md, Sizing)')
param sku string = 'B1'

@minValue(1)
@maxValue(10)
@description('Number of instances')
param instanceCount int = 1

param identityResourceId string

@description('App settings: name to value (values that are secrets are Key Vault references)')
param appSettings object

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: sku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: name
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    // Key Vault references resolve with the user-assigned identity (there is no system-assigned one).
    keyVaultReferenceIdentity: identityResourceId
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node dist/src/cli/main.js serve'
      alwaysOn: true
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [for setting in items(appSettings): {
        name: setting.key
        value: setting.value
      }]
    }
  }
}

output defaultHostName string = site.properties.defaultHostName
output resourceId string = site.id
output name string = site.name
