import { explainFailure } from '../../src/sources/tenant';
import { startFixture, value, type Fixture } from './tenant-fixture';

const MINUTE = 60_000;
const ago = (minutes: number) => new Date(Date.now() - minutes * MINUTE);

describe('Graph message trace against the emulated contoso.com', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => {
    await fx.emulator.close();
  });
  beforeEach(() => fx.emulator.resetCounters());

  it('finds the bounced message to the mistyped address, with its failure events', async () => {
    const list = value(await fx.tenant.graph.traceMessages({ recipientAddress: 'bob.smtih@contoso.com', window: { start: ago(180), end: new Date() } }));
    expect(list.rows).toHaveLength(1);
    const [row] = list.rows;
    expect(row).toMatchObject({ senderAddress: 'alex.wilber@contoso.com', status: 'failed', subject: 'Q3 budget review' });
    const events = value(await fx.tenant.graph.traceDetails(row.id, row.recipientAddress));
    expect(events.map((event) => event.event)).toEqual(['Submit', 'Fail']);
    expect(events[1].description).toContain('5.1.10');
    expect(fx.emulator.requests.find((r) => r.route === 'graph.messageTraces')?.path).toContain('recipientAddress%20eq%20');
  });

  it('filters by sender and status, and quotes addresses with an apostrophe', async () => {
    const failedToAdatum = value(await fx.tenant.graph.traceMessages({ senderAddress: 'news@contoso.com', status: 'failed' }));
    expect(failedToAdatum.rows.map((row) => row.recipientAddress).sort()).toEqual(['lee.chen@adatum.com', 'purchasing@adatum.com', 'sam.taylor@adatum.com']);
    const none = value(await fx.tenant.graph.traceMessages({ senderAddress: "o'brien@contoso.com" }));
    expect(none.rows).toEqual([]);
  });

  it('pages across @odata.nextLink until every row is read', async () => {
    const all = value(await fx.tenant.graph.traceMessages({ window: { start: ago(47 * 60), end: new Date() }, pageSize: 3 }));
    expect(all.rows.length).toBe(fx.scenario.traces.length);
    expect(new Set(all.rows.map((row) => `${row.id}|${row.recipientAddress}`)).size).toBe(all.rows.length);
    expect(fx.emulator.count('graph.messageTraces')).toBe(Math.ceil(fx.scenario.traces.length / 3));
    const firstPages = value(await fx.tenant.graph.traceMessages({ window: { start: ago(47 * 60), end: new Date() }, pageSize: 2, maxRows: 4 }));
    expect(firstPages).toMatchObject({ truncated: true });
    expect(firstPages.rows).toHaveLength(4);
  });

  it('refuses a window Graph would reject, without calling it', async () => {
    const tooLong = await fx.tenant.graph.traceMessages({ window: { start: ago(11 * 24 * 60), end: new Date() } });
    const tooOld = await fx.tenant.graph.traceMessages({ window: { start: ago(95 * 24 * 60), end: ago(94 * 24 * 60) } });
    expect(tooLong).toMatchObject({ kind: 'failed', reason: { kind: 'window' } });
    expect(tooOld).toMatchObject({ kind: 'failed', reason: { kind: 'window' } });
    expect(tooLong.kind === 'failed' && explainFailure(tooLong.reason).advice).toContain('10 days');
    expect(fx.emulator.count('graph.messageTraces')).toBe(0);
  });

  it('50 concurrent identical trace questions cause exactly one trace request, and the answer is reused', async () => {
    const window = { start: ago(120), end: new Date() };
    const answers = await Promise.all(Array.from({ length: 50 }, () => fx.tenant.graph.traceMessages({ recipientAddress: 'orders@northwind.net', window })));
    expect(answers.every((answer) => answer.kind === 'ok' && answer.value.rows.length === 1)).toBe(true);
    expect(fx.emulator.count('graph.messageTraces')).toBe(1);
    // seconds later, the same question is served from the 60 s cache
    const again = await fx.tenant.graph.traceMessages({ recipientAddress: 'ORDERS@northwind.net', window: { start: window.start, end: new Date() } });
    expect(value(again).rows).toHaveLength(1);
    expect(fx.emulator.count('graph.messageTraces')).toBe(1);
  });
});

describe('service health, domains, users and groups', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => {
    await fx.emulator.close();
  });

  it('reports Exchange Online degraded with the active incident affecting mail flow', async () => {
    const health = value(await fx.tenant.graph.exchangeHealth());
    expect(health.status).toBe('serviceDegradation');
    expect(health.activeIssues.map((issue) => issue.id).sort()).toEqual(['EX1187342', 'EX1189001']);
    const incident = health.activeIssues.find((issue) => issue.id === 'EX1187342')!;
    expect(incident).toMatchObject({ classification: 'incident', affectsMailFlow: true, isResolved: false });
    expect(incident.latestUpdate).toContain('rolling it back');
    expect(health.activeIssues.find((issue) => issue.id === 'EX1189001')?.affectsMailFlow).toBe(false);
  });

  it('concurrent health questions share one request', async () => {
    fx.emulator.resetCounters();
    const answers = await Promise.all(Array.from({ length: 20 }, () => fx.tenant.graph.exchangeHealth()));
    expect(answers.every((answer) => answer.kind === 'ok')).toBe(true);
    expect(fx.emulator.count('graph.healthOverviews')).toBe(1);
  });

  it('lists domains and the DNS records Microsoft 365 expects for contoso.com', async () => {
    const domains = value(await fx.tenant.graph.domains());
    expect(domains.find((domain) => domain.isDefault)?.id).toBe('contoso.com');
    expect(domains.find((domain) => domain.isInitial)?.id).toBe('contoso.onmicrosoft.com');
    const records = value(await fx.tenant.graph.domainServiceRecords('contoso.com'));
    expect(records.find((record) => record.recordType === 'Mx')?.mailExchange).toBe('contoso-com.mail.protection.outlook.com');
    expect(records.find((record) => record.recordType === 'Txt')?.text).toContain('v=spf1');
    expect(await fx.tenant.graph.domainServiceRecords('tailspintoys.com')).toEqual({ kind: 'notFound' });
  });

  it('finds a user by any of their addresses, and says notFound for the typo', async () => {
    const bob = value(await fx.tenant.graph.findUserByAddress('bob@contoso.com'));
    expect(bob.addresses).toContain('bob.smith@contoso.com');
    expect(await fx.tenant.graph.findUserByAddress('bob.smtih@contoso.com')).toEqual({ kind: 'notFound' });
    const everyone = value(await fx.tenant.graph.listUsers());
    expect(everyone.map((user) => user.mail)).toContain('lidia.holloway@contoso.com');
  });

  it('reads approver group membership both ways', async () => {
    const group = fx.scenario.groups[0];
    expect(value(await fx.tenant.graph.groupMemberIds(group.id))).toContain('00000000-0000-0000-0000-00000000a1e0');
    expect(value(await fx.tenant.graph.checkMemberGroups('00000000-0000-0000-0000-00000000a1e0', [group.id]))).toEqual([group.id]);
    expect(value(await fx.tenant.graph.checkMemberGroups('0e9a0e9a-0000-4000-8000-000000000003', [group.id]))).toEqual([]);
  });

  it('sends a test message that shows up in message trace after the ingestion delay', async () => {
    fx.emulator.tenant('contoso.com').scenario.limits.sendMailTraceDelaySeconds = 1; // long enough that a stalled test process cannot miss the empty first look
    expect(await fx.tenant.graph.sendMail('it.admin@contoso.com', ['orders@tailspintoys.com'], 'Mailflow Doctor test 42', 'test')).toEqual({ kind: 'ok', value: undefined });
    const query = { senderAddress: 'it.admin@contoso.com', subjectContains: 'test 42', window: { start: ago(5), end: new Date() } } as const;
    expect(value(await fx.tenant.graph.traceMessages(query)).rows).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const cached = value(await fx.tenant.graph.traceMessages(query));
    expect(cached.rows).toEqual([]); // the 60 s cache still answers...
    const later = value(await fx.tenant.graph.traceMessages({ ...query, fresh: true })); // ...unless the poller asks for fresh rows
    expect(later.rows).toMatchObject([{ recipientAddress: 'orders@tailspintoys.com', status: 'delivered' }]);
  });
});

describe('Graph permissions mapped to advice', () => {
  it('a withheld ServiceHealth.Read.All becomes "grant ServiceHealth.Read.All"', async () => {
    const fx = await startFixture((scenario) => {
      scenario.apps[0].graphRoles = scenario.apps[0].graphRoles.filter((role) => role !== 'ServiceHealth.Read.All');
    });
    try {
      const health = await fx.tenant.graph.exchangeHealth();
      expect(health).toMatchObject({ kind: 'failed', reason: { kind: 'forbidden', api: 'graph' } });
      const advice = health.kind === 'failed' ? explainFailure(health.reason) : undefined;
      expect(advice?.summary).toContain('ServiceHealth.Read.All');
      expect(advice?.advice).toContain('admin');
    } finally {
      await fx.emulator.close();
    }
  });

  it('a withheld ExchangeMessageTrace.Read.All names that permission', async () => {
    const fx = await startFixture((scenario) => {
      scenario.apps[0].graphRoles = scenario.apps[0].graphRoles.filter((role) => role !== 'ExchangeMessageTrace.Read.All');
    });
    try {
      const trace = await fx.tenant.graph.traceMessages({ recipientAddress: 'bob.smith@contoso.com' });
      expect(trace).toMatchObject({ kind: 'failed', reason: { kind: 'forbidden', missing: expect.stringContaining('ExchangeMessageTrace.Read.All') } });
    } finally {
      await fx.emulator.close();
    }
  });

  it('a tenant without the message-trace service principal gets the New-MgServicePrincipal advice', async () => {
    const fx = await startFixture((scenario) => {
      scenario.tenant.messageTraceServicePrincipal = false;
    });
    try {
      const trace = await fx.tenant.graph.traceMessages({ recipientAddress: 'bob.smith@contoso.com' });
      expect(trace).toMatchObject({ kind: 'failed', reason: { kind: 'trace-not-provisioned' } });
      expect(trace.kind === 'failed' && explainFailure(trace.reason).advice).toContain('New-MgServicePrincipal -AppId 8bd644d1-64a1-4d4b-ae52-2e0cbf64e373');
    } finally {
      await fx.emulator.close();
    }
  });
});
