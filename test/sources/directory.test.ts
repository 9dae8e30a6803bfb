import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { demoScenario, startM365Emulator, testAppCertificatePath, type M365Emulator, type Scenario } from '../../src/emulator/m365';
import { explainFailure, TenantDirectory, tenantProfilesFromConfig } from '../../src/sources/tenant';
import { FAST, profileFor, value } from './tenant-fixture';

/** A second emulated tenant, fabrikam.com, with its own app registration. */
function fabrikamScenario(): Scenario {
  const scenario = demoScenario();
  scenario.name = 'fabrikam';
  scenario.tenant = { id: '33333333-3333-4333-8333-333333333333', initialDomain: 'fabrikam.onmicrosoft.com', displayName: 'Fabrikam', messageTraceServicePrincipal: true };
  scenario.apps = [{ ...scenario.apps[0], clientId: '44444444-4444-4444-8444-444444444444', clientSecret: 'fabrikam-test-secret' }];
  scenario.domains = [{ id: 'fabrikam.onmicrosoft.com', isDefault: true, isInitial: true, isVerified: true, supportedServices: ['Email'] }];
  scenario.traces = scenario.traces.slice(0, 1).map((trace) => ({ ...trace, sender: 'ops@fabrikam.com', recipient: 'it@fabrikam.com' }));
  return scenario;
}

describe('tenant configuration', () => {
  it('builds one profile from TENANT_* and more from TENANTS_FILE, with secrets from named variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-tenants-'));
    const file = join(dir, 'tenants.json');
    writeFileSync(file, JSON.stringify({ tenants: [
      { tenantId: 'fabrikam.onmicrosoft.com', domain: 'fabrikam.onmicrosoft.com', auth: 'secret', clientId: 'c1', clientSecretEnv: 'FABRIKAM_SECRET' },
      { tenantId: '55555555-5555-4555-8555-555555555555', auth: 'managed-identity' },
    ] }));
    const config = loadConfig({ TENANT_ID: 't1', TENANT_AUTH: 'certificate', TENANT_CLIENT_ID: 'c0', TENANT_CERTIFICATE_PATH: '/x.pem', TENANTS_FILE: file, GRAPH_ENDPOINT: 'https://127.0.0.1:9/' });
    const profiles = tenantProfilesFromConfig(config, { FABRIKAM_SECRET: 's3cret' });
    expect(profiles.map((profile) => profile.auth.kind)).toEqual(['certificate', 'secret', 'managed-identity']);
    expect(profiles[1].auth).toEqual({ kind: 'secret', clientId: 'c1', clientSecret: 's3cret' });
    expect(profiles[0].graphEndpoint).toBe('https://127.0.0.1:9');
    expect(profiles[2].authorityHost).toBe('https://login.microsoftonline.com');
  });

  it('says in one line what a tenant entry lacks', () => {
    expect(() => tenantProfilesFromConfig(loadConfig({ TENANT_ID: 't1', TENANT_AUTH: 'secret', TENANT_CLIENT_ID: 'c0' }))).toThrow('TENANT_ID needs a client secret for TENANT_AUTH=secret');
    expect(() => tenantProfilesFromConfig(loadConfig({ TENANT_ID: 't1' }))).toThrow('TENANT_AUTH is not');
    expect(() => tenantProfilesFromConfig(loadConfig({ TENANTS_FILE: '/nonexistent/tenants.json' }))).toThrow('TENANTS_FILE /nonexistent/tenants.json cannot be read');
  });
});

describe('several tenants, one emulator', () => {
  let emulator: M365Emulator;
  const contoso = demoScenario();
  const fabrikam = fabrikamScenario();
  beforeAll(async () => {
    emulator = await startM365Emulator({ scenarios: [contoso, fabrikam] });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => emulator.resetCounters());

  it('refuses a tenant that is not configured, and sends nothing', async () => {
    const directory = new TenantDirectory([profileFor(emulator, contoso)], FAST);
    const refused = directory.forTenant(fabrikam.tenant.id);
    expect(refused).toMatchObject({ kind: 'failed', reason: { kind: 'not-configured', tenantId: fabrikam.tenant.id } });
    expect(refused.kind === 'failed' && explainFailure(refused.reason).summary).toContain('not configured');
    expect(directory.forTenant(null)).toMatchObject({ kind: 'failed', reason: { kind: 'not-configured' } });
    expect(emulator.requests).toHaveLength(0);
  });

  it("reads each tenant with its own credentials and sees only that tenant's data", async () => {
    const directory = new TenantDirectory([profileFor(emulator, contoso), profileFor(emulator, fabrikam)], FAST);
    const contosoRows = value(await value(directory.forTenant('contoso.onmicrosoft.com')).graph.traceMessages({ recipientAddress: 'bob.smtih@contoso.com' })).rows;
    const fabrikamRows = value(await value(directory.forTenant(fabrikam.tenant.id)).graph.traceMessages({ recipientAddress: 'it@fabrikam.com' })).rows;
    expect(contosoRows).toHaveLength(1);
    expect(fabrikamRows).toHaveLength(1);
    expect(value(await value(directory.forTenant(fabrikam.tenant.id)).graph.traceMessages({ recipientAddress: 'bob.smtih@contoso.com' })).rows).toEqual([]);
    expect(new Set(emulator.requests.filter((r) => r.route === 'token').map((r) => r.tenantId))).toEqual(new Set([contoso.tenant.id, fabrikam.tenant.id]));
  });

  it('signs in with the certificate credential too, configured as the emulator suggests', async () => {
    const directory = new TenantDirectory(tenantProfilesFromConfig(loadConfig(emulator.envFor(contoso.tenant.id, 'certificate'))), FAST);
    const exchange = value(directory.forTenant(contoso.tenant.id)).exchange;
    expect(value(await exchange.acceptedDomains()).length).toBeGreaterThan(0);
  });

  it('caches tokens until they expire: one sign-in per audience for many calls', async () => {
    const directory = new TenantDirectory([profileFor(emulator, contoso)], FAST);
    const tenant = value(directory.forTenant(contoso.tenant.id));
    await Promise.all([tenant.graph.domains(), tenant.graph.exchangeHealth(), tenant.graph.listUsers()]);
    await tenant.graph.domains();
    await tenant.exchange.remoteDomains();
    await tenant.exchange.transportRules();
    expect(tenant.tokens.requests).toBe(2);
    expect(emulator.count('token')).toBe(2);
  });

  it('a Graph token is refused by the Exchange admin API and vice versa', async () => {
    const directory = new TenantDirectory([profileFor(emulator, contoso)], FAST);
    const tenant = value(directory.forTenant(contoso.tenant.id));
    value(await tenant.graph.domains());
    value(await tenant.exchange.remoteDomains());
    const graphToken = value(await tenant.tokens.get('graph'));
    const exchangeToken = value(await tenant.tokens.get('exchange'));
    const onExchange = await fetch(`${emulator.url}/adminapi/beta/${contoso.tenant.id}/InvokeCommand`, {
      method: 'POST', headers: { authorization: `Bearer ${graphToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ CmdletInput: { CmdletName: 'Get-RemoteDomain', Parameters: {} } }),
    });
    const onGraph = await fetch(`${emulator.url}/v1.0/domains`, { headers: { authorization: `Bearer ${exchangeToken}` } });
    expect([onExchange.status, onGraph.status]).toEqual([401, 401]);
  });

  it('a tenant Entra does not know is reported as such', async () => {
    const profile = { ...profileFor(emulator, contoso), tenantId: '99999999-9999-4999-8999-999999999999' };
    const directory = new TenantDirectory([profile], FAST);
    const domains = await value(directory.forTenant(profile.tenantId)).graph.domains();
    expect(domains).toMatchObject({ kind: 'failed', reason: { kind: 'unknown-tenant', tenantId: profile.tenantId } });
  });

  it('a wrong client secret gets the "wrong secret" advice', async () => {
    const profile = { ...profileFor(emulator, contoso), auth: { kind: 'secret' as const, clientId: contoso.apps[0].clientId, clientSecret: 'not-the-secret' } };
    const domains = await value(new TenantDirectory([profile], FAST).forTenant(contoso.tenant.id)).graph.domains();
    expect(domains).toMatchObject({ kind: 'failed', reason: { kind: 'credentials', code: '7000215' } });
    expect(domains.kind === 'failed' && explainFailure(domains.reason).advice).toContain('secret value (not its ID)');
  });

  it('an app registration that is not in the tenant is named', async () => {
    const profile = { ...profileFor(emulator, contoso), auth: { kind: 'certificate' as const, clientId: '66666666-6666-4666-8666-666666666666', certificatePath: testAppCertificatePath() } };
    const domains = await value(new TenantDirectory([profile], FAST).forTenant(contoso.tenant.id)).graph.domains();
    expect(domains).toMatchObject({ kind: 'failed', reason: { kind: 'credentials', code: '700016' } });
  });
});

describe('managed identity (App Service endpoint)', () => {
  it('signs in with the real ManagedIdentityCredential when TENANT_AUTH=managed-identity', async () => {
    const scenario = demoScenario();
    scenario.apps[0].managedIdentity = true;
    const emulator = await startM365Emulator({ scenarios: [scenario] });
    const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };
    // MSAL reads the App Service variables from the environment when it picks the managed identity source.
    Object.assign(process.env, emulator.managedIdentityEnv());
    try {
      const profile = { ...profileFor(emulator, scenario), auth: { kind: 'managed-identity' as const, clientId: scenario.apps[0].clientId } };
      const tenant = value(new TenantDirectory([profile], FAST).forTenant(scenario.tenant.id));
      expect(value(await tenant.graph.domains()).length).toBeGreaterThan(0);
      expect(value(await tenant.exchange.remoteDomains()).length).toBe(1);
      expect(emulator.count('managedIdentity')).toBe(2);
      expect(emulator.count('token')).toBe(0);
    } finally {
      for (const [key, saved_] of Object.entries(saved)) {
        if (saved_ === undefined) delete process.env[key];
        else process.env[key] = saved_;
      }
      await emulator.close();
    }
  });
});
