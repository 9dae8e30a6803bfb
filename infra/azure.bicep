// Mailflow Doctor in one resource group: managed identity, Azure Bot (Teams channel), App Service (Linux, Node 20),
// Storage (blobs + tables, no keys), Key Vault (RBAC), Application Insights. Deployed by `provision` in
// infra/m365agents.yml with infra/azure.parameters.json, or by hand:
//   az deployment group create -g RG -f infra/azure.bicep -p @infra/azure.parameters.json (after filling ${{…}}).
// The outputs are written to infra/env/.env.<environment>; the Teams app package takes BOT_ID and BOT_DOMAIN from them.
//
// Every configuration variable in src/config.ts is set below as an app setting, or listed here as intentionally
// absent, with the reason (test/infra checks both):
//   absent PORT: App Service tells the app which port to listen on through PORT itself.
//   absent BOT_PASSWORD: the bot's identity is the user-assigned managed identity (UserAssignedMsi); there is no password.
//   absent BOT_OPENID_METADATA: a test-only override; production uses the Bot Framework's published metadata.
//   absent TENANT_CLIENT_SECRET: app-only auth uses the certificate in Key Vault; client secrets are not used in Azure.
//   absent TENANT_CERTIFICATE_PATH: `serve` writes TENANT_CERTIFICATE_PEM (a Key Vault reference) to a private file and sets it.
//   absent SMTP_ALLOW_PRIVATE_TARGETS: connectivity tests must never probe the bot's own network in Azure; only the local lab turns it on.
//   absent STORAGE_CONNECTION_STRING: account keys are disabled; STORAGE_ACCOUNT_URL with the managed identity is used instead.

targetScope = 'resourceGroup'

@minLength(4)
@maxLength(16)
@description('Lowercase letters and digits; names every resource')
param resourceBaseName string

param location string = resourceGroup().location

@maxLength(42)
param botDisplayName string = 'Mailflow Doctor'

@allowed(['F0', 'S1'])
param botSku string = 'F0'

@description('App Service plan SKU: B1 for a pilot; P0v3/P1v3 for production')
param webAppSku string = 'B1'

@minValue(1)
@maxValue(10)
@description('Instances; every piece of state is in storage, so any number works (see docs/setup.md, Sizing)')
param instanceCount int = 1

@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param storageSku string = 'Standard_ZRS'

@allowed(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
param logLevel string = 'info'

@allowed(['true', 'false'])
param logRedactEmails string = 'true'

@description('DNS servers as host:port, comma-separated; empty uses the platform resolver')
param dnsServers string = ''

param dnsTimeoutMs int = 2000

@description('Entra tenant ids the bot serves, comma-separated')
param allowedTenantIds string = tenant().tenantId

@description('Optional: path (on the instance, e.g. under /home) of a JSON file with per-tenant credentials')
param tenantsFile string = ''

@description('The tenant whose mail flow the bot reads')
param tenantId string = tenant().tenantId

@description('The tenant\'s initial domain, e.g. contoso.onmicrosoft.com')
param tenantDomain string

@description('Client id of the app registration that holds the Graph and Exchange application permissions')
param graphAppClientId string

@description('Name of the Key Vault certificate registered on that app registration')
param tenantCertificateName string = 'mailflow-doctor-graph'

@description('Optional: object id of the administrator who imports the certificate into Key Vault')
param certificateOfficerPrincipalId string = ''

@description('Sovereign clouds only: Entra authority host; empty for the public cloud')
param authorityHost string = ''

@description('Sovereign clouds only: Graph base URL; empty for the public cloud')
param graphEndpoint string = ''

@description('Sovereign clouds only: Exchange admin API base URL; empty for the public cloud')
param exchangeEndpoint string = ''

@description('Entra object ids of people who may approve quarantine releases, comma-separated')
param approverIds string = ''

@description('Entra group ids whose members may approve quarantine releases, comma-separated')
param approverGroupIds string = ''

@description('Conversation (channel) id where approval cards are posted; empty posts them where the request was made')
param approvalConversationId string = ''

param approvalTtlHours int = 24

@description('Mailbox that sends test messages (Graph sendMail, limited by an application access policy)')
param testMailbox string = ''

param blocklists string = 'zen.spamhaus.org,bl.spamcop.net,b.barracudacentral.org'

@description('Port for SMTP connectivity tests (Azure blocks outbound 25 for most subscription types)')
param smtpPort int = 25

@description('Per-step timeout of an SMTP connectivity test, in milliseconds')
param smtpTimeoutMs int = 10000

@description('Name sent in EHLO by SMTP connectivity tests; empty uses the web app\'s host name')
param smtpHeloName string = ''

@description('How long a test message is followed in message trace, in seconds')
param testMessageWaitSeconds int = 60

@description('How often message trace is asked about a test message, in seconds (100 requests per 5 minutes per tenant)')
param testMessagePollSeconds int = 15

@secure()
@minLength(32)
@description('Key that signs export links; a fresh random one per deployment unless given (links live minutes)')
param exportSigningKey string = '${newGuid()}${newGuid()}'

param exportLinkTtlMinutes int = 15

param telemetryRetentionDays int = 30

param tags object = {
  application: 'mailflow-doctor'
}

var suffix = uniqueString(resourceGroup().id, resourceBaseName)
var names = {
  identity: '${resourceBaseName}-identity'
  webApp: '${resourceBaseName}-${suffix}'
  bot: '${resourceBaseName}-${suffix}'
  insights: '${resourceBaseName}-insights'
  storage: take(toLower('${resourceBaseName}${suffix}'), 24)
  keyVault: take('kv${resourceBaseName}${suffix}', 24)
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    skuName: storageSku
    principalId: identity.outputs.principalId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyVault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    certificateOfficerPrincipalId: certificateOfficerPrincipalId
    certificateName: tenantCertificateName
    exportSigningKey: exportSigningKey
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: names.insights
    location: location
    tags: tags
    retentionInDays: telemetryRetentionDays
  }
}

// The web app's host name is predictable, so the bot endpoint and PUBLIC_BASE_URL can be set before it exists.
var botDomain = '${names.webApp}.azurewebsites.net'

var appSettings = {
  // Bot Framework: the bot's app id is the managed identity's client id.
  BOT_ID: identity.outputs.clientId
  BOT_TYPE: 'UserAssignedMsi'
  BOT_TENANT_ID: identity.outputs.tenantId
  LOG_LEVEL: logLevel
  LOG_REDACT_EMAILS: logRedactEmails
  DNS_SERVERS: dnsServers
  DNS_TIMEOUT_MS: string(dnsTimeoutMs)
  ALLOWED_TENANT_IDS: allowedTenantIds
  TENANTS_FILE: tenantsFile
  TENANT_ID: tenantId
  TENANT_DOMAIN: tenantDomain
  TENANT_AUTH: 'certificate'
  TENANT_CLIENT_ID: graphAppClientId
  TENANT_CERTIFICATE_PEM: keyVault.outputs.certificateReference
  AUTHORITY_HOST: authorityHost
  GRAPH_ENDPOINT: graphEndpoint
  EXCHANGE_ENDPOINT: exchangeEndpoint
  STORAGE_ACCOUNT_URL: storage.outputs.blobEndpoint
  APPROVER_IDS: approverIds
  APPROVER_GROUP_IDS: approverGroupIds
  APPROVAL_CONVERSATION_ID: approvalConversationId
  APPROVAL_TTL_HOURS: string(approvalTtlHours)
  // /home is the App Service's persistent storage (the app itself runs from a read-only package).
  PENDING_WRITES_DIR: '/home/data/mailflow-doctor/pending-writes'
  TEST_MAILBOX: testMailbox
  BLOCKLISTS: blocklists
  SMTP_PORT: string(smtpPort)
  SMTP_TIMEOUT_MS: string(smtpTimeoutMs)
  // The container's own host name is random; the public one at least resolves.
  SMTP_HELO_NAME: empty(smtpHeloName) ? botDomain : smtpHeloName
  TEST_MESSAGE_WAIT_SECONDS: string(testMessageWaitSeconds)
  TEST_MESSAGE_POLL_SECONDS: string(testMessagePollSeconds)
  EXPORT_SIGNING_KEY: keyVault.outputs.exportSigningKeyReference
  EXPORT_LINK_TTL_MINUTES: string(exportLinkTtlMinutes)
  PUBLIC_BASE_URL: 'https://${botDomain}'
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  // Platform settings, not read by src/config.ts.
  AZURE_CLIENT_ID: identity.outputs.clientId // which identity DefaultAzureCredential uses for storage
  NODE_ENV: 'production'
  WEBSITE_RUN_FROM_PACKAGE: '1' // deploy (infra/m365agents.yml) uploads the built app with its node_modules
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
}

module webApp 'modules/appservice.bicep' = {
  name: 'webApp'
  params: {
    name: names.webApp
    location: location
    tags: tags
    sku: webAppSku
    instanceCount: instanceCount
    identityResourceId: identity.outputs.id
    appSettings: appSettings
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    name: names.bot
    displayName: botDisplayName
    tags: tags
    sku: botSku
    identityResourceId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityTenantId: identity.outputs.tenantId
    botDomain: webApp.outputs.defaultHostName
  }
}

// Written to infra/env/.env.<environment> by provision; the manifest's ${{BOT_ID}} and ${{BOT_DOMAIN}} come from here.
output BOT_ID string = identity.outputs.clientId
output BOT_DOMAIN string = webApp.outputs.defaultHostName
output BOT_ENDPOINT string = bot.outputs.endpoint
output BOT_TENANT_ID string = identity.outputs.tenantId
output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.outputs.resourceId
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output KEY_VAULT_NAME string = keyVault.outputs.name
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
