import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type AccessToken,
  type TokenCredential,
} from '@azure/identity';
import { failed, ok, type Result } from '../../model/result';
import type { TenantFailure } from './failures';
import { DEFAULT_ENDPOINTS, type TenantProfile } from './profile';

/** The two resources the bot reads; `.default` asks for every application permission already consented. */
export const SCOPES = {
  graph: 'https://graph.microsoft.com/.default',
  exchange: 'https://outlook.office365.com/.default',
} as const;
export type Audience = keyof typeof SCOPES;

/** The @azure/identity credential the profile asks for. */
export function createCredential(profile: TenantProfile): TokenCredential {
  // Instance discovery asks login.microsoftonline.com about the authority; a private authority (the emulator, a
  // sovereign proxy) is not in its list, so discovery is off whenever the authority host is not the public one.
  const options = {
    authorityHost: profile.authorityHost,
    disableInstanceDiscovery: profile.authorityHost !== DEFAULT_ENDPOINTS.authorityHost,
  };
  const auth = profile.auth;
  switch (auth.kind) {
    case 'secret':
      return new ClientSecretCredential(profile.tenantId, auth.clientId, auth.clientSecret, options);
    case 'certificate':
      return new ClientCertificateCredential(profile.tenantId, auth.clientId, { certificatePath: auth.certificatePath }, options);
    case 'managed-identity':
      return auth.clientId ? new ManagedIdentityCredential({ clientId: auth.clientId }) : new ManagedIdentityCredential();
  }
}

/** Refresh a little before expiry, so a token never expires between our check and the API's. */
const EXPIRY_MARGIN_MS = 2 * 60_000;

/**
 * Access tokens per audience, cached until shortly before they expire; concurrent callers share one request.
 * (MSAL caches too, but this keeps even the cache lookup and its logging off the hot path and lets tests count.)
 */
export class AccessTokens {
  private readonly cached = new Map<Audience, AccessToken>();
  private readonly pending = new Map<Audience, Promise<Result<string, TenantFailure>>>();
  /** Token requests that reached the credential (for tests and metrics). */
  requests = 0;

  constructor(
    private readonly credential: TokenCredential,
    private readonly tenantId: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(audience: Audience): Promise<Result<string, TenantFailure>> {
    const cached = this.cached.get(audience);
    if (cached && cached.expiresOnTimestamp - EXPIRY_MARGIN_MS > this.now()) return ok(cached.token);
    let pending = this.pending.get(audience);
    if (!pending) {
      pending = this.fetch(audience).finally(() => this.pending.delete(audience));
      this.pending.set(audience, pending);
    }
    return pending;
  }

  /** Forget a token the API refused (401), so the next call signs in again. */
  invalidate(audience: Audience): void {
    this.cached.delete(audience);
  }

  /** The `roles` and `wids` claims of the cached token, to tell which permission a 403 is about. */
  claims(audience: Audience): { roles: string[]; wids: string[] } | null {
    const token = this.cached.get(audience)?.token;
    if (!token) return null;
    try {
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { roles?: unknown; wids?: unknown };
      const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
      return { roles: strings(payload.roles), wids: strings(payload.wids) };
    } catch {
      return null; // not a JWT we can read: the advice falls back to the operation's documented permission
    }
  }

  private async fetch(audience: Audience): Promise<Result<string, TenantFailure>> {
    this.requests += 1;
    try {
      const token = await this.credential.getToken(SCOPES[audience]);
      if (!token) return failed({ kind: 'credentials', code: 'unknown', detail: 'the credential returned no token' });
      this.cached.set(audience, token);
      return ok(token.token);
    } catch (error) {
      return failed(credentialFailure(error, this.tenantId));
    }
  }
}

/** Maps @azure/identity / MSAL errors to a failure a person can act on, keyed on AADSTS codes. */
export function credentialFailure(error: unknown, tenantId: string): TenantFailure {
  const err = error as { name?: string; message?: string; errorResponse?: { errorCodes?: number[]; error_codes?: number[] } };
  const message = String(err?.message ?? error);
  const codes = err?.errorResponse?.errorCodes ?? err?.errorResponse?.error_codes ?? [];
  const code = String(codes[0] ?? /AADSTS(\d+)/.exec(message)?.[1] ?? '');
  if (code === '90002' || /endpoints_resolution_error|invalid_tenant|tenant .* not found/i.test(message)) {
    return { kind: 'unknown-tenant', tenantId, detail: firstLine(message) };
  }
  if (err?.name === 'CredentialUnavailableError' || /managed ?identity/i.test(message)) {
    return { kind: 'credentials', code: 'managedIdentity', detail: firstLine(message) };
  }
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|certificate|self.signed|UNABLE_TO_VERIFY/i.test(message) && !code) {
    return { kind: 'credentials', code: 'network', detail: `the sign-in endpoint could not be reached: ${firstLine(message)}` };
  }
  return { kind: 'credentials', code: code || 'unknown', detail: firstLine(message) };
}

const firstLine = (text: string): string => text.split('\n')[0].slice(0, 300);
