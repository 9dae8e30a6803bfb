import type { TokenCredential } from '@azure/identity';
import { failed, ok, type Result } from '../../model/result';
import { AccessTokens, createCredential } from './auth';
import { ExchangeAdminClient } from './exchange';
import type { TenantFailure } from './failures';
import { GraphClient } from './graph';
import { DEFAULT_RESILIENCE, TenantHttp, type ResilienceOptions } from './http';
import type { TenantProfile } from './profile';
import { DEFAULT_TRACE_GATE, TraceGate, type TraceGateOptions } from './trace-gate';

/** The clients for one configured tenant. */
export interface TenantClients {
  readonly tenantId: string;
  readonly domain: string | null;
  readonly graph: GraphClient;
  readonly exchange: ExchangeAdminClient;
  /** Token cache (shared by both clients): `requests` counts sign-ins. */
  readonly tokens: AccessTokens;
  /** The message-trace quota keeper: `remaining()` requests in the current 5 minutes. */
  readonly traceGate: TraceGate;
}

export interface DirectoryOptions {
  readonly resilience?: Partial<ResilienceOptions>;
  readonly traceGate?: Partial<TraceGateOptions>;
  readonly now?: () => Date;
  /** Replaces the @azure/identity credential (tests of the clients without a token endpoint). */
  readonly credentialFor?: (profile: TenantProfile) => TokenCredential;
}

/**
 * The tenants this deployment may read, each with its own credentials, token cache, circuits and trace budget.
 * A tenant that is not configured is refused here, before any call leaves the process.
 */
export class TenantDirectory {
  private readonly clients = new Map<string, TenantClients>();

  constructor(
    private readonly profiles: readonly TenantProfile[],
    private readonly options: DirectoryOptions = {},
  ) {}

  static empty(): TenantDirectory {
    return new TenantDirectory([]);
  }

  /** Configured tenant ids. */
  tenantIds(): readonly string[] {
    return this.profiles.map((profile) => profile.tenantId);
  }

  has(idOrDomain: string | null | undefined): boolean {
    return this.profileOf(idOrDomain) !== undefined;
  }

  /** The clients for a tenant id or initial domain; `not-configured` (and no call) for any other tenant. */
  forTenant(idOrDomain: string | null | undefined): Result<TenantClients, TenantFailure> {
    const profile = this.profileOf(idOrDomain);
    if (!profile) return failed({ kind: 'not-configured', tenantId: idOrDomain ?? null });
    let clients = this.clients.get(profile.tenantId);
    if (!clients) {
      clients = this.build(profile);
      this.clients.set(profile.tenantId, clients);
    }
    return ok(clients);
  }

  /** The one configured tenant, for the CLI without --tenant; refused when there are none or several. */
  onlyTenant(): Result<TenantClients, TenantFailure> {
    return this.profiles.length === 1 ? this.forTenant(this.profiles[0].tenantId) : failed({ kind: 'not-configured', tenantId: null });
  }

  private profileOf(idOrDomain: string | null | undefined): TenantProfile | undefined {
    if (!idOrDomain) return undefined;
    const wanted = idOrDomain.trim().toLowerCase();
    return this.profiles.find((profile) => profile.tenantId.toLowerCase() === wanted || profile.domain?.toLowerCase() === wanted);
  }

  private build(profile: TenantProfile): TenantClients {
    const credential = this.options.credentialFor ? this.options.credentialFor(profile) : createCredential(profile);
    const tokens = new AccessTokens(credential, profile.tenantId);
    const http = new TenantHttp(tokens, { ...DEFAULT_RESILIENCE, ...this.options.resilience });
    const traceGate = new TraceGate({ ...DEFAULT_TRACE_GATE, ...this.options.traceGate });
    return {
      tenantId: profile.tenantId,
      domain: profile.domain,
      tokens,
      traceGate,
      graph: new GraphClient({ endpoint: profile.graphEndpoint, http, tokens, traceGate, now: this.options.now }),
      exchange: new ExchangeAdminClient({ endpoint: profile.exchangeEndpoint, tenantId: profile.tenantId, http, tokens }),
    };
  }
}
