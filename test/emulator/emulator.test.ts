import { createPublicKey, generateKeyPairSync, type JsonWebKey as NodeJsonWebKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulatorCommand } from '../../src/cli/commands/emulator';
import { CliError } from '../../src/cli/io';
import { demoScenario, loadScenarioFile, parseScenario, ScenarioError, DEMO_TENANT } from '../../src/emulator/m365';
import { startFixture, value, type Fixture } from '../sources/tenant-fixture';

const MINUTE = 60_000;

describe('mailflow-doctor emulator', () => {
  it('serves the demo tenant over HTTPS on loopback and prints the settings that point the bot at it', async () => {
    const { emulator, summary } = await startEmulatorCommand({ port: '0', latency: '0' });
    try {
      expect(summary.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(summary.tenants).toEqual([{ id: DEMO_TENANT.id, initialDomain: 'contoso.onmicrosoft.com', name: 'contoso-demo' }]);
      expect(summary.NODE_EXTRA_CA_CERTS).toMatch(/src\/emulator\/tls\/ca\.pem$/);
      expect(summary.env).toMatchObject({ TENANT_ID: DEMO_TENANT.id, TENANT_AUTH: 'secret', AUTHORITY_HOST: summary.url, GRAPH_ENDPOINT: summary.url });
      const metadata = await fetch(`${summary.url}/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
      expect(((await metadata.json()) as { token_endpoint: string }).token_endpoint).toBe(`${summary.url}/${DEMO_TENANT.id}/oauth2/v2.0/token`);
    } finally {
      await emulator.close();
    }
  });

  it('says in one line what is wrong with a scenario file or an option', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-scenario-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...demoScenario(), tenant: { id: 'not-a-guid', initialDomain: 'x.onmicrosoft.com', displayName: 'X' } }));
    await expect(startEmulatorCommand({ port: '0', latency: '0', scenario: [bad] })).rejects.toThrow(/bad\.json: tenant\.id: Invalid uuid/);
    await expect(startEmulatorCommand({ port: '0', latency: '0', scenario: [join(dir, 'missing.json')] })).rejects.toThrow('no such file');
    await expect(startEmulatorCommand({ port: '70000', latency: '0' })).rejects.toBeInstanceOf(CliError);
  });
});

describe('scenario files', () => {
  it('round-trip through a file, and times are minutes relative to start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-scenario-'));
    const file = join(dir, 'demo.json');
    writeFileSync(file, JSON.stringify(demoScenario()));
    expect(loadScenarioFile(file).traces.length).toBe(demoScenario().traces.length);
    const fx = await startFixture();
    try {
      const typo = fx.emulator.tenant(DEMO_TENANT.id).traces.find((row) => row.recipientAddress === 'bob.smtih@contoso.com')!;
      const minutesAgo = (Date.now() - Date.parse(typo.receivedDateTime)) / MINUTE;
      expect(minutesAgo).toBeGreaterThan(94);
      expect(minutesAgo).toBeLessThan(97);
    } finally {
      await fx.emulator.close();
    }
  });

  it('rejects a scenario with a bad fault', () => {
    expect(() => parseScenario({ ...demoScenario(), faults: { 'graph.domains': { kind: 'explode' } } })).toThrow(ScenarioError);
  });
});

describe('the demo tenant holds the ten situations of issue 7', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => {
    await fx.emulator.close();
  });

  const failureText = async (recipient: string) => {
    const [row] = value(await fx.tenant.graph.traceMessages({ recipientAddress: recipient })).rows;
    const events = value(await fx.tenant.graph.traceDetails(row.id, recipient));
    return { row, text: events.map((event) => `${event.event}: ${event.description}`).join('\n') };
  };

  it.each([
    ['1 recipient not found', 'bob.smtih@contoso.com', 'failed', '550 5.1.10 RESOLVER.ADR.RecipientNotFound'],
    ['2 outbound DMARC rejection', 'sam.taylor@adatum.com', 'failed', '5.7.509 Access denied, sending domain contoso.com does not pass DMARC'],
    ['3 inbound junked after SPF permerror', 'megan.bowen@contoso.com', 'filteredAsSpam', 'spf=permerror'],
    ['4 mail flow rule rejection', 'ap@contoso.com', 'failed', "Transport rule: 'Block wire transfer requests from outside'"],
    ['5 quarantined as phish', 'jane.doe@contoso.com', 'quarantined', 'quarantined (Phish)'],
    ['6 remote refuses connections', 'orders@northwind.net', 'pending', '451 4.4.316 Connection refused'],
    ['7 hybrid connector certificate expired', 'pat.kim@onprem.contoso.com', 'failed', 'certificate presented by mail.onprem.contoso.com expired'],
    ['9 mailbox full', 'lidia.holloway@contoso.com', 'failed', '554 5.2.2 mailbox full'],
  ])('%s', async (_name, recipient, status, evidence) => {
    // jane.doe and megan.bowen have two messages each; take the one of this situation
    const rows = value(await fx.tenant.graph.traceMessages({ recipientAddress: recipient, status: status as 'failed' })).rows;
    expect(rows.length).toBeGreaterThan(0);
    const events = value(await fx.tenant.graph.traceDetails(rows[0].id, recipient));
    expect(events.map((event) => `${event.event}: ${event.description}`).join('\n')).toContain(evidence);
  });

  it('8 an active EX incident with a message delayed meanwhile', async () => {
    const health = value(await fx.tenant.graph.exchangeHealth());
    expect(health.activeIssues.find((issue) => issue.classification === 'incident')?.id).toMatch(/^EX\d+$/);
    const delayed = value(await fx.tenant.graph.traceMessages({ senderAddress: 'alerts@adventure-works.com' })).rows;
    expect(delayed[0].status).toBe('pending');
  });

  it('10 delivered to the Junk Email folder with SCL evidence, and a plain inbox delivery', async () => {
    const { row, text } = await failureText('bob.smith@contoso.com');
    expect(row.status).toBe('delivered');
    expect(text).toContain('Inbox folder');
    const junk = value(await fx.tenant.graph.traceMessages({ senderAddress: 'deals@wingtiptoys.com' })).rows[0];
    const events = value(await fx.tenant.graph.traceDetails(junk.id, junk.recipientAddress));
    expect(events.find((event) => event.event === 'Spam')?.data).toContain('<MEP Name="SCL" Integer="6" />');
    expect(events.at(-1)?.description).toContain('Junk Email folder');
  });

  it('2 groups: 3 of 4 messages to adatum.com failed', async () => {
    const rows = value(await fx.tenant.graph.traceMessages({ senderAddress: 'news@contoso.com' })).rows;
    expect(rows.filter((row) => row.recipientAddress.endsWith('@adatum.com')).map((row) => row.status).sort()).toEqual(['delivered', 'failed', 'failed', 'failed']);
  });
});

describe('the emulated endpoints keep Graph and Exchange rules', () => {
  let fx: Fixture;
  let graphToken: string;
  let exchangeToken: string;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${fx.emulator.url}${path}`, { headers: { authorization: `Bearer ${graphToken}`, ...headers } });
  const invoke = (body: unknown, version = 'beta') =>
    fetch(`${fx.emulator.url}/adminapi/${version}/${DEMO_TENANT.id}/InvokeCommand`, {
      method: 'POST', headers: { authorization: `Bearer ${exchangeToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
  beforeAll(async () => {
    fx = await startFixture();
    graphToken = value(await fx.tenant.tokens.get('graph'));
    exchangeToken = value(await fx.tenant.tokens.get('exchange'));
  });
  afterAll(async () => {
    await fx.emulator.close();
  });
  beforeEach(() => {
    fx.emulator.faults.clear();
    fx.emulator.resetCounters();
  });

  const traces = (filter: string, extra = '') => get(`/v1.0/admin/exchange/tracing/messageTraces?$filter=${encodeURIComponent(filter)}${extra}`);
  const iso = (minutesAgo: number) => new Date(Date.now() - minutesAgo * MINUTE).toISOString().replace(/\.\d{3}Z$/, 'Z');

  it('message trace: a window over 10 days, a start over 90 days ago, one bound only, or `or` is a 400', async () => {
    const statuses = await Promise.all([
      traces(`receivedDateTime ge ${iso(11 * 1440)} and receivedDateTime le ${iso(0)}`),
      traces(`receivedDateTime ge ${iso(91 * 1440)} and receivedDateTime le ${iso(90 * 1440)}`),
      traces(`receivedDateTime ge ${iso(60)}`),
      traces(`senderAddress eq 'a@contoso.com' or senderAddress eq 'b@contoso.com'`),
      traces(`size eq 5`),
      get(`/v1.0/admin/exchange/tracing/messageTraces?$top=6000`),
    ].map(async (response) => (await response).status));
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400]);
  });

  it('message trace without a time filter returns the last 48 hours only', async () => {
    fx.emulator.tenant(DEMO_TENANT.id).traces.push({ ...fx.emulator.tenant(DEMO_TENANT.id).traces[0], id: 'old', receivedDateTime: iso(49 * 60) });
    const body = (await (await get('/v1.0/admin/exchange/tracing/messageTraces')).json()) as { value: { id: string }[] };
    expect(body.value.map((row) => row.id)).not.toContain('old');
    expect(body.value).toHaveLength(fx.scenario.traces.length);
    fx.emulator.tenant(DEMO_TENANT.id).traces.pop();
  });

  it('beta answers the same as v1.0, and InvokeCommand answers only on beta', async () => {
    expect((await get('/beta/admin/exchange/tracing/messageTraces')).status).toBe(200);
    expect((await invoke({ CmdletInput: { CmdletName: 'Get-AcceptedDomain', Parameters: {} } }, 'v1.0')).status).toBe(405);
  });

  it('an unknown cmdlet is a 403 with an empty body, as on the real endpoint', async () => {
    const response = await invoke({ CmdletInput: { CmdletName: 'Set-Mailbox', Parameters: {} } });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('');
  });

  it('Get-MessageTraceV2 and Get-MessageTraceDetailV2 answer through InvokeCommand', async () => {
    const list = (await (await invoke({ CmdletInput: { CmdletName: 'Get-MessageTraceV2', Parameters: { RecipientAddress: ['lidia.holloway@contoso.com'] } } })).json()) as { value: Record<string, unknown>[] };
    expect(list.value[0]).toMatchObject({ Status: 'Failed', RecipientAddress: 'lidia.holloway@contoso.com' });
    const detail = (await (await invoke({ CmdletInput: { CmdletName: 'Get-MessageTraceDetailV2', Parameters: { MessageTraceId: list.value[0].MessageTraceId, RecipientAddress: 'lidia.holloway@contoso.com' } } })).json()) as { value: { Detail: string }[] };
    expect(detail.value.map((row) => row.Detail).join(' ')).toContain('5.2.2');
  });

  it('the quota: after the limit, 429 with Retry-After and the activityLimitReached body', async () => {
    fx.emulator.tenant(DEMO_TENANT.id).scenario.limits.messageTraceRequestsPer5Minutes = 2;
    try {
      fx.emulator.tenant(DEMO_TENANT.id).traceRequestTimes.length = 0;
      await get('/v1.0/admin/exchange/tracing/messageTraces');
      await get('/v1.0/admin/exchange/tracing/messageTraces');
      const third = await get('/v1.0/admin/exchange/tracing/messageTraces');
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(250);
      expect(((await third.json()) as { error: { code: string } }).error.code).toBe('activityLimitReached');
    } finally {
      fx.emulator.tenant(DEMO_TENANT.id).scenario.limits.messageTraceRequestsPer5Minutes = 100;
      fx.emulator.tenant(DEMO_TENANT.id).traceRequestTimes.length = 0;
    }
  });

  it('faults wear off after `times`, count per route, and a global latency applies to every call', async () => {
    fx.emulator.faults.set('graph.domains', { kind: 'status', status: 500, times: 2 });
    expect((await get('/v1.0/domains')).status).toBe(500);
    expect((await get('/v1.0/domains')).status).toBe(500);
    expect((await get('/v1.0/domains')).status).toBe(200);
    expect(fx.emulator.count('graph.domains')).toBe(3);
    fx.emulator.faults.globalLatencyMs = 150;
    try {
      const started = Date.now();
      await get('/v1.0/domains');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      fx.emulator.faults.globalLatencyMs = 0;
    }
  });

  it('a token for an unknown resource is refused with AADSTS500011', async () => {
    const response = await fetch(`${fx.emulator.url}/${DEMO_TENANT.id}/oauth2/v2.0/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO_TENANT.clientId, client_secret: DEMO_TENANT.clientSecret, scope: 'https://vault.azure.net/.default' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_codes: number[] }).error_codes).toEqual([500011]);
  });

  it('signs access tokens with RS256 under a kid that the jwks_uri of the OpenID metadata publishes', async () => {
    const response = await fetch(`${fx.emulator.url}/${DEMO_TENANT.id}/oauth2/v2.0/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO_TENANT.clientId, client_secret: DEMO_TENANT.clientSecret, scope: 'https://graph.microsoft.com/.default' }),
    });
    const { access_token: token } = (await response.json()) as { access_token: string };
    const decoded = jwt.decode(token, { complete: true });
    expect(decoded?.header).toMatchObject({ alg: 'RS256', typ: 'JWT' });

    const metadata = (await (await fetch(`${fx.emulator.url}/${DEMO_TENANT.id}/v2.0/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
    const { keys } = (await (await fetch(metadata.jwks_uri)).json()) as { keys: (NodeJsonWebKey & { kid: string })[] };
    const key = keys.find((candidate) => candidate.kid === decoded?.header.kid);
    expect(key).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
    const claims = jwt.verify(token, createPublicKey({ key: key!, format: 'jwk' }), { algorithms: ['RS256'], audience: 'https://graph.microsoft.com' }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ tid: DEMO_TENANT.id, appid: DEMO_TENANT.clientId, idtyp: 'app' });
    // A token signed with any other key is refused by the emulator's Graph.
    const forged = jwt.sign({ ...claims }, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, { algorithm: 'RS256', keyid: key!.kid });
    const refused = await fetch(`${fx.emulator.url}/v1.0/domains`, { headers: { authorization: `Bearer ${forged}` } });
    expect(refused.status).toBe(401);
  });
});
