import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { emulatorServerTls, testAppCertificatePath } from '../tls';
import { FaultTable, type Fault, type RouteName } from './faults';
import { handleGraph } from './graph';
import { handleExchange } from './exchange';
import type { Scenario } from './scenario';
import { TenantState } from './state';
export type { EmulatorRequest, EmulatorResponse } from './wire';
import { graphError, throttledBody, type EmulatorRequest, type EmulatorResponse } from './wire';
import { AUDIENCES, TokenIssuer, verifyClientAssertion, type AccessClaims, type Audience } from './tokens';

export interface EmulatorOptions {
  readonly scenarios: readonly Scenario[];
  readonly port?: number;
  /** "Now" for relative scenario times (default: the real clock at start). */
  readonly anchor?: Date;
}

/** One request as the emulator saw it: tests assert on counts ("exactly one trace request") and headers. */
export interface RequestRecord {
  readonly route: string;
  readonly method: string;
  readonly path: string;
  readonly tenantId: string | null;
  readonly status: number;
  readonly at: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
}

export interface M365Emulator {
  readonly url: string;
  readonly port: number;
  readonly faults: FaultTable;
  readonly requests: readonly RequestRecord[];
  /** Requests counted under a route name (e.g. `graph.messageTraces`, `exo.Release-QuarantineMessage`, `token`). */
  count(route: RouteName | string): number;
  resetCounters(): void;
  /** The live state of a tenant (by id or domain), for tests that change data at run time. */
  tenant(idOrDomain: string): TenantState;
  /**
   * IDENTITY_ENDPOINT and IDENTITY_HEADER of an App Service managed identity served by this emulator: with them in
   * process.env, @azure/identity's ManagedIdentityCredential signs in as the scenario app marked `managedIdentity`.
   */
  managedIdentityEnv(): Record<'IDENTITY_ENDPOINT' | 'IDENTITY_HEADER', string>;
  /** Environment variables that point the app's tenant clients at this emulator for the given scenario's first app. */
  envFor(idOrDomain: string, auth?: 'secret' | 'certificate'): Record<string, string>;
  close(): Promise<void>;
}

/**
 * A local Microsoft 365 over HTTPS: Entra token endpoint and OpenID metadata (so the real @azure/identity credentials
 * work), Graph and the Exchange admin API's InvokeCommand, with fault injection and request counters.
 */
export async function startM365Emulator(options: EmulatorOptions): Promise<M365Emulator> {
  const anchor = options.anchor ?? new Date();
  const tenants = options.scenarios.map((scenario) => new TenantState(scenario, anchor));
  const faults = new FaultTable();
  for (const scenario of options.scenarios) {
    for (const [route, fault] of Object.entries(scenario.faults)) faults.set(route as RouteName, fault);
  }
  const issuer = new TokenIssuer();
  const requests: RequestRecord[] = [];
  const identityHeader = randomUUID();
  const sockets = new Set<Socket>();
  let baseUrl = '';

  const findTenant = (name: string): TenantState | undefined => tenants.find((tenant) => tenant.ownsName(name));

  const server: Server = createServer({ ...emulatorServerTls() }, (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: graphError('InternalServerError', String((error as Error)?.message ?? error)) });
    });
  });
  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const rawBody = await readBody(req);
    const record = (route: string, tenantId: string | null, status: number, body?: unknown) =>
      requests.push({
        route, method: req.method ?? 'GET', path: url.pathname + url.search, tenantId, status, at: Date.now(), body,
        headers: {
          'x-anchormailbox': header(req, 'x-anchormailbox'),
          prefer: header(req, 'prefer'),
          'client-request-id': header(req, 'client-request-id'),
          authorization: header(req, 'authorization') ? 'Bearer …' : undefined,
        },
      });

    // Entra: OpenID metadata and the token endpoint (v2.0), per tenant.
    const openid = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (openid && req.method === 'GET') {
      const tenant = findTenant(openid[1]);
      const answer = await withFaults(['openid'], () =>
        tenant ? { status: 200, body: openIdMetadata(baseUrl, tenant.id) } : { status: 400, body: entraError('invalid_tenant', 90002, `Tenant '${openid[1]}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`) },
      );
      return finish(res, answer, (status) => record('openid', tenant?.id ?? null, status));
    }
    const keys = /^\/([^/]+)\/discovery\/v2\.0\/keys$/.exec(url.pathname);
    if (keys && req.method === 'GET') {
      // Entra serves the same signing keys for every tenant (and for "common").
      return finish(res, { status: 200, body: issuer.jwks() }, (status) => record('openid', findTenant(keys[1])?.id ?? null, status));
    }
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token && req.method === 'POST') {
      const tenant = findTenant(token[1]);
      const answer = await withFaults(['token'], () => issueToken(tenant, token[1], new URLSearchParams(rawBody)));
      return finish(res, answer, (status) => record('token', tenant?.id ?? null, status));
    }
    if (url.pathname === '/msi/token' && req.method === 'GET') {
      const answer = await withFaults(['managedIdentity'], () => managedIdentityToken(header(req, 'x-identity-header'), url.searchParams));
      return finish(res, answer, (status) => record('managedIdentity', null, status));
    }
    if (url.pathname === '/.well-known/emulator' && req.method === 'GET') {
      return send(res, { status: 200, body: { tenants: tenants.map((tenant) => ({ id: tenant.id, initialDomain: tenant.scenario.tenant.initialDomain })) } });
    }

    const graph = /^\/(v1\.0|beta)(\/.*)$/.exec(url.pathname);
    const exo = /^\/adminapi\/([^/]+)\/([^/]+)\/InvokeCommand$/.exec(url.pathname);
    if (!graph && !exo) {
      record('unknown', null, 404);
      return send(res, { status: 404, body: graphError('UnknownPath', `Resource not found for the segment '${url.pathname}'.`) });
    }
    const audience: Audience = graph ? 'graph' : 'exchange';
    const auth = authenticate(header(req, 'authorization'), audience);
    const baseRoute = graph ? 'graph' : 'exo.InvokeCommand';
    if ('error' in auth) {
      record(baseRoute, null, 401);
      return send(res, auth.error);
    }
    let body: unknown = undefined;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        record(baseRoute, auth.tenant.id, 400);
        return send(res, { status: 400, body: graphError('BadRequest', 'Unable to read JSON request payload.') });
      }
    }
    const request: EmulatorRequest = {
      method: req.method ?? 'GET', url, headers: req.headers, body, claims: auth.claims, tenant: auth.tenant, baseUrl, now: new Date(), routes: [],
    };
    let answer: EmulatorResponse | 'hang' | 'reset';
    if (graph) {
      const routed = handleGraph(request, graph[2]);
      answer = await withFaults(request.routes, routed, true);
    } else {
      const [, version, tenantSegment] = exo!;
      if (version !== 'beta') {
        // Only beta answers InvokeCommand (v1.0 → 405, measured by azure_auth).
        request.routes.push('exo.InvokeCommand');
        answer = { status: 405, body: graphError('MethodNotAllowed', 'The requested resource does not support http method.') };
      } else if (findTenant(tenantSegment) !== auth.tenant) {
        request.routes.push('exo.InvokeCommand');
        answer = { status: 403, body: '', raw: true };
      } else {
        const routed = handleExchange(request);
        answer = await withFaults(request.routes, routed, true);
      }
    }
    const status = typeof answer === 'string' ? 0 : answer.status;
    for (const route of request.routes.length > 0 ? request.routes : [baseRoute]) record(route, auth.tenant.id, status, body);
    return finish(res, answer);
  }

  /** Applies an injected fault (or the global latency) before the real answer. */
  async function withFaults(routes: readonly string[], answer: () => EmulatorResponse, addGlobalLatency = false): Promise<EmulatorResponse | 'hang' | 'reset'> {
    if (addGlobalLatency && faults.globalLatencyMs > 0) await sleep(faults.globalLatencyMs);
    const fault: Fault | undefined = faults.take(routes);
    if (!fault) return answer();
    switch (fault.kind) {
      case 'latency':
        await sleep(fault.ms);
        return answer();
      case 'status': {
        const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
        const body = fault.status === 429 ? throttledBody() : graphError(fault.status === 503 ? 'ServiceUnavailable' : fault.status >= 500 ? 'InternalServerError' : 'BadRequest', 'Injected fault.');
        return { status: fault.status, body, headers };
      }
      case 'malformed':
        return { status: 200, body: '{"value":[{"id":"truncated', raw: true, headers: { 'content-type': 'application/json' } };
      case 'hang':
        return 'hang';
      case 'reset':
        return 'reset';
    }
  }

  function finish(res: ServerResponse, answer: EmulatorResponse | 'hang' | 'reset', record?: (status: number) => void): void {
    if (answer === 'hang') {
      record?.(0);
      return; // the socket is destroyed on close
    }
    if (answer === 'reset') {
      record?.(0);
      res.socket?.destroy();
      return;
    }
    record?.(answer.status);
    send(res, answer);
  }

  function authenticate(authorization: string | undefined, audience: Audience): { claims: AccessClaims; tenant: TenantState } | { error: EmulatorResponse } {
    const unauthorized = (message: string): { error: EmulatorResponse } => ({
      error: {
        status: 401,
        body: audience === 'graph' ? graphError('InvalidAuthenticationToken', message) : '',
        raw: audience !== 'graph',
        headers: { 'WWW-Authenticate': `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token", error_description="${message}"` },
      },
    });
    const match = /^Bearer (.+)$/i.exec(authorization ?? '');
    if (!match) return unauthorized('Access token is empty.');
    const claims = issuer.verify(match[1]);
    if ('invalid' in claims) return unauthorized(`Access token validation failure: ${claims.invalid}`);
    if (claims.aud !== AUDIENCES[audience]) return unauthorized('Access token validation failure. Invalid audience.');
    const tenant = tenants.find((candidate) => candidate.id === claims.tid);
    if (!tenant) return unauthorized('The tenant of the token is unknown.');
    return { claims, tenant };
  }

  function issueToken(tenant: TenantState | undefined, tenantSegment: string, form: URLSearchParams): EmulatorResponse {
    if (!tenant) return { status: 400, body: entraError('invalid_request', 90002, `Tenant '${tenantSegment}' not found.`) };
    if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: entraError('unsupported_grant_type', 70003, 'The app requested an unsupported grant type.') };
    const clientId = form.get('client_id') ?? '';
    const app = tenant.scenario.apps.find((candidate) => candidate.clientId === clientId);
    if (!app) {
      return { status: 400, body: entraError('unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant.scenario.tenant.displayName}'.`) };
    }
    const assertion = form.get('client_assertion');
    if (assertion) {
      const problem = verifyClientAssertion(assertion, app, `${baseUrl}/${tenant.id}/oauth2/v2.0/token`);
      if (problem) return { status: 401, body: entraError('invalid_client', Number(/AADSTS(\d+)/.exec(problem)?.[1] ?? 700027), problem) };
    } else if (!app.clientSecret || form.get('client_secret') !== app.clientSecret) {
      return { status: 401, body: entraError('invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.') };
    }
    const scope = (form.get('scope') ?? '').split(' ').find((item) => item.endsWith('/.default')) ?? '';
    const audience = (Object.keys(AUDIENCES) as Audience[]).find((key) => `${AUDIENCES[key]}/.default` === scope);
    if (!audience) return { status: 400, body: entraError('invalid_resource', 500011, `The resource principal named ${scope} was not found in the tenant.`) };
    const lifetime = tenant.scenario.limits.tokenLifetimeSeconds;
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: issuer.issue(app, tenant.id, audience, lifetime, baseUrl) },
    };
  }

  /** App Service managed identity (api-version 2019-08-01): the secret header, `resource` without /.default. */
  function managedIdentityToken(secret: string | undefined, query: URLSearchParams): EmulatorResponse {
    if (secret !== identityHeader) return { status: 401, body: { error: 'unauthorized', error_description: 'X-IDENTITY-HEADER is missing or wrong.' } };
    const clientId = query.get('client_id');
    const owner = tenants
      .flatMap((tenant) => tenant.scenario.apps.filter((app) => app.managedIdentity).map((app) => ({ tenant, app })))
      .find(({ app }) => clientId === null || app.clientId === clientId);
    if (!owner) return { status: 400, body: { error: 'invalid_request', error_description: `No managed identity${clientId ? ` with client id ${clientId}` : ''} is assigned to this host.` } };
    const resource = (query.get('resource') ?? '').replace(/\/\.default$/, '').replace(/\/$/, '');
    const audience = (Object.keys(AUDIENCES) as Audience[]).find((key) => AUDIENCES[key] === resource);
    if (!audience) return { status: 400, body: { error: 'invalid_resource', error_description: `AADSTS500011: The resource principal named ${resource} was not found in the tenant.` } };
    const lifetime = owner.tenant.scenario.limits.tokenLifetimeSeconds;
    return {
      status: 200,
      body: {
        access_token: issuer.issue(owner.app, owner.tenant.id, audience, lifetime, baseUrl),
        expires_on: String(Math.floor(Date.now() / 1000) + lifetime),
        resource, token_type: 'Bearer', client_id: owner.app.clientId,
      },
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `https://127.0.0.1:${port}`;

  const emulator: M365Emulator = {
    url: baseUrl,
    port,
    faults,
    requests,
    count: (route) => requests.filter((item) => item.route === route).length,
    resetCounters: () => {
      requests.length = 0;
    },
    tenant(idOrDomain) {
      const tenant = findTenant(idOrDomain);
      if (!tenant) throw new Error(`no emulated tenant ${idOrDomain}`);
      return tenant;
    },
    managedIdentityEnv: () => ({ IDENTITY_ENDPOINT: `${baseUrl}/msi/token`, IDENTITY_HEADER: identityHeader }),
    envFor(idOrDomain, auth = 'secret') {
      const tenant = emulator.tenant(idOrDomain);
      const app = tenant.scenario.apps[0];
      return {
        TENANT_ID: tenant.id,
        TENANT_DOMAIN: tenant.scenario.tenant.initialDomain,
        TENANT_AUTH: auth,
        TENANT_CLIENT_ID: app.clientId,
        ...(auth === 'secret' ? { TENANT_CLIENT_SECRET: app.clientSecret ?? '' } : { TENANT_CERTIFICATE_PATH: testAppCertificatePath() }),
        AUTHORITY_HOST: baseUrl,
        GRAPH_ENDPOINT: baseUrl,
        EXCHANGE_ENDPOINT: baseUrl,
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
  return emulator;
}

function openIdMetadata(base: string, tenantId: string): Record<string, unknown> {
  return {
    token_endpoint: `${base}/${tenantId}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/${tenantId}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${tenantId}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/${tenantId}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/${tenantId}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/${tenantId}/oauth2/v2.0/logout`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
  };
}

/** Entra's OAuth error body (AADSTS code in the description, numeric codes alongside). */
function entraError(error: string, code: number, description: string): Record<string, unknown> {
  return {
    error,
    error_description: `AADSTS${code}: ${description.replace(/^AADSTS\d+: /, '')} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  };
}

function send(res: ServerResponse, answer: EmulatorResponse): void {
  const headers: Record<string, string> = { 'request-id': randomUUID(), ...answer.headers };
  if (answer.raw) {
    res.writeHead(answer.status, headers);
    res.end(typeof answer.body === 'string' ? answer.body : '');
    return;
  }
  res.writeHead(answer.status, { 'content-type': 'application/json; odata.metadata=minimal; charset=utf-8', ...headers });
  res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
