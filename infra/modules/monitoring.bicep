// Application Insights (workspace-based) for the OpenTelemetry traces and metrics the app exports
// (src/ops/telemetry.ts): per-intent latency, Graph calls and throttles, approvals.
param name string
param location string
param tags object = {}

@description('Days to keep logs and telemetry')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: name
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    RetentionInDays: retentionInDays
  }
}

// The connection string identifies where to send telemetry; Microsoft documents it as not a secret.
output connectionString string = insights.properties.ConnectionString
output id string = insights.id
