/**
 * Talking to a Microsoft 365 tenant: Microsoft Graph (message trace, service health, domains, users, groups, sendMail)
 * and the Exchange admin API (quarantine, connectors, mail flow rules, accepted domains, DKIM, remote domains,
 * recipients). Get a tenant's clients from the `TenantDirectory` in `Services`; every call returns a `Result` whose
 * failure `explainFailure` turns into a sentence and advice.
 */
export { TenantDirectory, type TenantClients, type DirectoryOptions } from './directory';
export { GraphClient, traceWindow } from './graph';
export { ExchangeAdminClient, type CmdletOutput } from './exchange';
export { explainFailure, type TenantFailure, type FailureExplanation, type Api } from './failures';
export { tenantProfilesFromConfig, DEFAULT_ENDPOINTS, type TenantProfile, type TenantAuth } from './profile';
export { AccessTokens, createCredential, SCOPES, type Audience } from './auth';
export { DEFAULT_RESILIENCE, type ResilienceOptions } from './http';
export { DEFAULT_TRACE_GATE, TraceGate, type TraceGateOptions } from './trace-gate';
export * from './types';
