/**
 * Why a tenant call did not answer, in terms a helpdesk engineer can act on. Every client function returns these
 * through `Result<T, TenantFailure>` instead of throwing, so the diagnosis can still answer with the other sources.
 */
export type TenantFailure =
  /** The directory has no credentials for this tenant: refused before any call. */
  | { readonly kind: 'not-configured'; readonly tenantId: string | null }
  /** Entra does not know the tenant (AADSTS90002) or its metadata could not be loaded. */
  | { readonly kind: 'unknown-tenant'; readonly tenantId: string; readonly detail: string }
  /** The app's own credentials were refused: wrong/expired secret, unknown app id, bad certificate, no managed identity. */
  | { readonly kind: 'credentials'; readonly code: string; readonly detail: string }
  /** The API refused the token (wrong audience, expired). */
  | { readonly kind: 'unauthorized'; readonly api: Api; readonly detail: string }
  /** 403: the app lacks a permission or role for this operation. `missing` names it. */
  | { readonly kind: 'forbidden'; readonly api: Api; readonly operation: string; readonly missing: string; readonly detail: string }
  /** Graph message trace needs Microsoft's message-trace app provisioned in the tenant. */
  | { readonly kind: 'trace-not-provisioned'; readonly detail: string }
  /** The trace window breaks Graph's limits (≤ 10 days, start ≤ 90 days ago, end not in the future). */
  | { readonly kind: 'window'; readonly detail: string }
  /** Throttled (429/503) and the wait would not fit in the request budget. */
  | { readonly kind: 'throttled'; readonly api: Api; readonly retryAfterSeconds: number | null }
  /** Our own per-tenant message-trace budget (100 requests / 5 minutes) is spent; asking now would be throttled. */
  | { readonly kind: 'budget'; readonly retryAfterSeconds: number }
  | { readonly kind: 'unavailable'; readonly api: Api; readonly status: number }
  | { readonly kind: 'timeout'; readonly api: Api; readonly afterMs: number }
  /** Calls to this endpoint kept failing, so we stopped calling it for a while. */
  | { readonly kind: 'circuit-open'; readonly api: Api; readonly endpoint: string }
  | { readonly kind: 'network'; readonly api: Api; readonly detail: string }
  | { readonly kind: 'bad-response'; readonly api: Api; readonly detail: string }
  /** A 400 the service explained (bad filter, bad parameter). */
  | { readonly kind: 'rejected'; readonly api: Api; readonly status: number; readonly code: string; readonly detail: string }
  /** An Exchange cmdlet error: `ErrId|ExceptionType|text` from error.details[].message. */
  | { readonly kind: 'cmdlet'; readonly cmdlet: string; readonly status: number; readonly errorId: string; readonly exception: string; readonly detail: string };

export type Api = 'graph' | 'exchange' | 'entra';

export interface FailureExplanation {
  /** What happened, one sentence. */
  readonly summary: string;
  /** What to do about it, one sentence or two. */
  readonly advice: string;
  /** Whether asking again later may work without anyone changing anything. */
  readonly transient: boolean;
}

const API_NAMES: Readonly<Record<Api, string>> = { graph: 'Microsoft Graph', exchange: 'the Exchange admin API', entra: 'Microsoft Entra ID' };

/** AADSTS codes from the token endpoint and the advice for each. */
const CREDENTIAL_ADVICE: Readonly<Record<string, string>> = {
  '7000215': 'The client secret is wrong. Put the secret value (not its ID) in TENANT_CLIENT_SECRET or the tenants file.',
  '7000222': 'The client secret has expired. Create a new secret on the app registration and update the configuration.',
  '700016': 'The app registration is not in this tenant. Check the client id, and that an admin of this tenant consented to the app.',
  '700027': 'The certificate was not accepted. Upload the certificate (public part) to the app registration, and check TENANT_CERTIFICATE_PATH.',
  '700024': 'The certificate assertion was rejected (audience or clock). Check the server clock and AUTHORITY_HOST.',
  '500011': 'The API is not available in this tenant (resource principal not found). Check the tenant has Exchange Online.',
  managedIdentity: 'No managed identity answered. Enable the managed identity on the host, or set TENANT_AUTH=secret or certificate.',
};

export function explainFailure(failure: TenantFailure): FailureExplanation {
  switch (failure.kind) {
    case 'not-configured':
      return {
        summary: `This tenant${failure.tenantId ? ` (${failure.tenantId})` : ''} is not configured for Mailflow Doctor, so I did not query it.`,
        advice: 'An administrator adds the tenant with its app credentials (TENANT_* variables or TENANTS_FILE).',
        transient: false,
      };
    case 'unknown-tenant':
      return {
        summary: `Microsoft Entra ID does not know the tenant ${failure.tenantId}.`,
        advice: 'Check the tenant id or initial domain (contoso.onmicrosoft.com) in the configuration.',
        transient: false,
      };
    case 'credentials':
      return {
        summary: `The app could not sign in to the tenant (${failure.code === 'managedIdentity' ? 'managed identity' : `AADSTS${failure.code}`}).`,
        advice: CREDENTIAL_ADVICE[failure.code] ?? `Check the app registration's credentials: ${failure.detail}`,
        transient: false,
      };
    case 'unauthorized':
      return {
        summary: `${API_NAMES[failure.api]} refused the app's token.`,
        advice: 'Check AUTHORITY_HOST and the endpoints point at the same cloud; the token is refreshed on the next question.',
        transient: true,
      };
    case 'forbidden':
      return {
        summary: `The app is not allowed to ${failure.operation}: it lacks ${failure.missing}.`,
        advice: failure.api === 'graph'
          ? `Grant the Microsoft Graph application permission ${failure.missing} to the app registration and have an admin give consent (Entra admin center → App registrations → API permissions).`
          : `Give the app ${failure.missing} (Entra admin center → Roles and administrators, or Exchange RBAC for applications), with the Office 365 Exchange Online permission Exchange.ManageAsApp consented.`,
        transient: false,
      };
    case 'trace-not-provisioned':
      return {
        summary: "Message trace through Graph is not set up in this tenant: Microsoft's message-trace app has no service principal.",
        advice: 'An admin runs once: New-MgServicePrincipal -AppId 8bd644d1-64a1-4d4b-ae52-2e0cbf64e373 (Microsoft Graph PowerShell), then asks again.',
        transient: false,
      };
    case 'window':
      return {
        summary: `That time window cannot be traced: ${failure.detail}`,
        advice: 'Message trace covers the last 90 days, at most 10 days per question; name a narrower window (e.g. "yesterday" or "since Monday").',
        transient: false,
      };
    case 'throttled':
      return {
        summary: `${API_NAMES[failure.api]} is throttling the app${failure.retryAfterSeconds !== null ? ` for ${failure.retryAfterSeconds} s` : ''}.`,
        advice: `Ask again ${failure.retryAfterSeconds !== null ? `in ${formatWait(failure.retryAfterSeconds)}` : 'in a minute'}.`,
        transient: true,
      };
    case 'budget':
      return {
        summary: 'Message trace is limited to 100 requests per 5 minutes per tenant, and that allowance is used up right now.',
        advice: `Ask again in ${formatWait(failure.retryAfterSeconds)}; answers from the last minute are reused meanwhile.`,
        transient: true,
      };
    case 'unavailable':
      return { summary: `${API_NAMES[failure.api]} answered ${failure.status} after retries.`, advice: 'Ask again in a few minutes; check service health if it persists.', transient: true };
    case 'timeout':
      return { summary: `${API_NAMES[failure.api]} did not answer within ${Math.round(failure.afterMs / 100) / 10} s.`, advice: 'Ask again in a few minutes.', transient: true };
    case 'circuit-open':
      return {
        summary: `Calls to ${API_NAMES[failure.api]} (${failure.endpoint}) kept failing, so I paused them briefly.`,
        advice: 'Ask again in a minute.',
        transient: true,
      };
    case 'network':
      return { summary: `${API_NAMES[failure.api]} could not be reached (${failure.detail}).`, advice: 'Check the network path and proxy from the bot to Microsoft 365.', transient: true };
    case 'bad-response':
      return { summary: `${API_NAMES[failure.api]} sent an answer I could not read (${failure.detail}).`, advice: 'Ask again; if it persists, the API may have changed.', transient: true };
    case 'rejected':
      return { summary: `${API_NAMES[failure.api]} rejected the request (${failure.code}): ${failure.detail}`, advice: 'Rephrase the question (address, window); this is likely a bug if it persists.', transient: false };
    case 'cmdlet':
      return { summary: `${failure.cmdlet} failed: ${failure.detail}`, advice: 'Check the identity or parameters; the Exchange error is quoted above.', transient: failure.status >= 500 };
  }
}

function formatWait(seconds: number): string {
  return seconds < 90 ? `${Math.max(1, Math.ceil(seconds))} s` : `${Math.ceil(seconds / 60)} minutes`;
}
