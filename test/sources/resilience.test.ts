import { explainFailure } from '../../src/sources/tenant';
import { FAST, startFixture, value, type Fixture } from './tenant-fixture';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const gapsBetween = (fx: Fixture, route: string) => {
  const times = fx.emulator.requests.filter((r) => r.route === route).map((r) => r.at);
  return times.slice(1).map((at, i) => at - times[i]);
};

describe('when Graph throttles or fails', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => {
    await fx.emulator.close();
  });
  beforeEach(() => {
    fx.emulator.faults.clear();
    fx.emulator.resetCounters();
  });

  it('waits as long as Retry-After says on a 429, then succeeds', async () => {
    fx.emulator.faults.set('graph.healthOverviews', { kind: 'status', status: 429, retryAfter: 1, times: 1 });
    const health = await fx.tenant.graph.exchangeHealth();
    expect(health.kind).toBe('ok');
    expect(fx.emulator.count('graph.healthOverviews')).toBe(2);
    expect(gapsBetween(fx, 'graph.healthOverviews')[0]).toBeGreaterThanOrEqual(950);
  });

  it('honours Retry-After on a 503 too', async () => {
    fx.emulator.faults.set('graph.domains', { kind: 'status', status: 503, retryAfter: 1, times: 1 });
    expect((await fx.tenant.graph.domains()).kind).toBe('ok');
    expect(gapsBetween(fx, 'graph.domains')[0]).toBeGreaterThanOrEqual(950);
  });

  it('does not wait a Retry-After longer than the budget: it says how long to wait instead', async () => {
    fx.emulator.faults.set('graph.domains', { kind: 'status', status: 429, retryAfter: 120, times: 1 });
    const domains = await fx.tenant.graph.domains();
    expect(domains).toMatchObject({ kind: 'failed', reason: { kind: 'throttled', retryAfterSeconds: 120 } });
    expect(domains.kind === 'failed' && explainFailure(domains.reason).advice).toContain('2 minutes');
    expect(fx.emulator.count('graph.domains')).toBe(1);
  });

  it('retries 500s with backoff and succeeds on the third try', async () => {
    fx.emulator.faults.set('graph.users', { kind: 'status', status: 500, times: 2 });
    expect(value(await fx.tenant.graph.findUserByAddress('bob.smith@contoso.com')).displayName).toBe('Bob Smith');
    expect(fx.emulator.count('graph.users')).toBe(3);
  });

  it('gives up after three tries of 500', async () => {
    fx.emulator.faults.set('graph.users', { kind: 'status', status: 500, times: 3 });
    const user = await fx.tenant.graph.findUserByAddress('bob.smith@contoso.com');
    expect(user).toMatchObject({ kind: 'failed', reason: { kind: 'unavailable', status: 500 } });
    expect(fx.emulator.count('graph.users')).toBe(3);
  });

  it('times out a request that hangs, retries, and reports a timeout', async () => {
    fx.emulator.faults.set('graph.healthOverviews', { kind: 'hang' });
    const health = await fx.tenant.graph.exchangeHealth();
    expect(health).toMatchObject({ kind: 'failed', reason: { kind: 'timeout', api: 'graph' } });
    expect(fx.emulator.count('graph.healthOverviews')).toBeGreaterThanOrEqual(2);
    expect(fx.emulator.count('graph.healthOverviews')).toBeLessThanOrEqual(3);
  });

  it('reports a body that is not JSON as a bad response, without retrying', async () => {
    fx.emulator.faults.set('graph.domains', { kind: 'malformed', times: 1 });
    expect(await fx.tenant.graph.domains()).toMatchObject({ kind: 'failed', reason: { kind: 'bad-response' } });
    expect(fx.emulator.count('graph.domains')).toBe(1);
  });

  it('retries a dropped connection', async () => {
    fx.emulator.faults.set('graph.domains', { kind: 'reset', times: 1 });
    expect((await fx.tenant.graph.domains()).kind).toBe('ok');
    expect(fx.emulator.count('graph.domains')).toBe(2);
  });

  it('never retries a quarantine release on a 500 (it changes state)', async () => {
    fx.emulator.faults.set('exo.Release-QuarantineMessage', { kind: 'status', status: 500, times: 1 });
    const release = await fx.tenant.exchange.releaseQuarantineMessage(fx.scenario.quarantine[0].identity);
    expect(release).toMatchObject({ kind: 'failed', reason: { kind: 'unavailable', status: 500 } });
    expect(fx.emulator.count('exo.Release-QuarantineMessage')).toBe(1);
  });

  it('retries Exchange cmdlets on 429 with Retry-After', async () => {
    fx.emulator.faults.set('exo.Get-TransportRule', { kind: 'status', status: 429, retryAfter: 1, times: 1 });
    expect(value(await fx.tenant.exchange.transportRules())).toHaveLength(2);
    expect(fx.emulator.count('exo.Get-TransportRule')).toBe(2);
  });
});

describe('the circuit breaker per endpoint', () => {
  it('opens after repeated failures, refuses calls without sending them, and closes again once the endpoint recovers', async () => {
    const fx = await startFixture(() => {}, { resilience: { ...FAST.resilience, breakerThreshold: 3, breakerHalfOpenAfterMs: 400 } });
    try {
      fx.emulator.faults.set('graph.domains', { kind: 'status', status: 500 });
      expect(await fx.tenant.graph.domains()).toMatchObject({ kind: 'failed', reason: { kind: 'unavailable' } });
      expect(fx.emulator.count('graph.domains')).toBe(3);

      const refused = await fx.tenant.graph.domains();
      expect(refused).toMatchObject({ kind: 'failed', reason: { kind: 'circuit-open', endpoint: 'graph.domains' } });
      expect(fx.emulator.count('graph.domains')).toBe(3);
      // other endpoints keep working
      expect((await fx.tenant.graph.exchangeHealth()).kind).toBe('ok');

      fx.emulator.faults.clear('graph.domains');
      await sleep(450);
      expect((await fx.tenant.graph.domains()).kind).toBe('ok'); // half-open test call succeeds: closed
      expect((await fx.tenant.graph.domains()).kind).toBe('ok');
      expect(fx.emulator.count('graph.domains')).toBe(5);
    } finally {
      await fx.emulator.close();
    }
  });
});

describe('the message-trace quota of 100 requests per 5 minutes', () => {
  it('queues or refuses in our own budget before Graph would throttle', async () => {
    const fx = await startFixture(() => {}, { ...FAST, traceGate: { budget: 2, maxQueueMs: 0 } });
    try {
      for (const recipient of ['bob.smith@contoso.com', 'jane.doe@contoso.com']) {
        expect((await fx.tenant.graph.traceMessages({ recipientAddress: recipient })).kind).toBe('ok');
      }
      const third = await fx.tenant.graph.traceMessages({ recipientAddress: 'megan.bowen@contoso.com' });
      expect(third).toMatchObject({ kind: 'failed', reason: { kind: 'budget' } });
      expect(third.kind === 'failed' && explainFailure(third.reason).summary).toContain('100 requests per 5 minutes');
      expect(fx.emulator.count('graph.messageTraces')).toBe(2);
      expect(fx.tenant.traceGate.remaining()).toBe(0);
      // a question already answered is still served from the cache
      expect((await fx.tenant.graph.traceMessages({ recipientAddress: 'bob.smith@contoso.com' })).kind).toBe('ok');
    } finally {
      await fx.emulator.close();
    }
  });

  it("maps Graph's own 429 (quota spent elsewhere) to throttled with the wait", async () => {
    const fx = await startFixture((scenario) => {
      scenario.limits.messageTraceRequestsPer5Minutes = 1;
    });
    try {
      expect((await fx.tenant.graph.traceMessages({ recipientAddress: 'bob.smith@contoso.com' })).kind).toBe('ok');
      const next = await fx.tenant.graph.traceMessages({ recipientAddress: 'jane.doe@contoso.com' });
      expect(next).toMatchObject({ kind: 'failed', reason: { kind: 'throttled', api: 'graph' } });
      expect(next.kind === 'failed' && next.reason.kind === 'throttled' && next.reason.retryAfterSeconds).toBeGreaterThan(250);
    } finally {
      await fx.emulator.close();
    }
  });
});
