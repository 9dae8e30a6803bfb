import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_ZONES, mergeZones, startDnsServer, type RunningDnsServer } from '../../src/emulator/dns';
import { demoScenario, processTrustsEmulatorCa, startM365Emulator, DEMO_TENANT, type Fault, type M365Emulator } from '../../src/emulator/m365';
import { startAzurite, type RunningAzurite } from '../../src/sources/storage';
import { executeInvoke, invokeAnswer } from '../quarantine/support/invoke';
import { cardOf, cardText, startBotHarness, type BotHarness, type ConnectorCall } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { LogCapture, loggingInto } from './support';

/**
 * Microsoft 365, DNS and storage fail in the ways they do in production; the bot answers with what it could
 * find and says what it could not, never crashes, and loses no release request or audit entry.
 */
const TYPO = 'why did mail to bob.smtih@contoso.com bounce?';
const DEGRADED = 'I could not read message trace';

const lastCard = (replies: ConnectorCall[]) => cardOf([...replies].reverse().find((reply) => cardOf(reply)));
const allText = (replies: ConnectorCall[]) => replies.map((reply) => `${reply.activity.text ?? ''}\n${cardText(cardOf(reply))}`).join('\n');

describe('faults: Microsoft 365 and DNS misbehave during a diagnosis', () => {
  let emulator: M365Emulator;
  let dns: RunningDnsServer;
  const log = new LogCapture();
  const bots: BotHarness[] = [];

  /** A fresh bot per case: each has its own circuit breakers, as after a restart. */
  const startBot = async () => {
    const bot = await startBotHarness({ env: { ...emulator.envFor(DEMO_TENANT.id), DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '500' }, services: loggingInto(log) });
    bots.push(bot);
    return bot;
  };

  beforeAll(async () => {
    if (!processTrustsEmulatorCa()) throw new Error('run with NODE_EXTRA_CA_CERTS=src/emulator/tls/ca.pem (the emulator\'s test CA)');
    emulator = await startM365Emulator({ scenarios: [demoScenario()] });
    dns = await startDnsServer({
      zones: mergeZones(DEMO_ZONES, {
        // SERVFAIL for the tenant's own domain, and a DMARC name whose server never answers.
        'contoso.com': { fault: 'servfail' },
        '_dmarc.fabrikam.com': { fault: 'timeout' },
      }),
    });
  });
  afterAll(async () => {
    for (const bot of bots) await bot.close();
    await dns?.close();
    await emulator?.close();
  });
  beforeEach(() => {
    emulator.faults.clear();
    emulator.resetCounters();
    log.clear();
  });

  const faults: [string, Fault][] = [
    ['throttles message trace (429 with Retry-After)', { kind: 'status', status: 429, retryAfter: 1 }],
    ['fails with 500', { kind: 'status', status: 500 }],
    ['answers 200 with malformed JSON', { kind: 'malformed' }],
    ['never answers (hang)', { kind: 'hang' }],
  ];

  it.each(faults)('Graph %s: a degraded diagnosis card, not an error', async (_fault, fault) => {
    emulator.faults.set('graph.messageTraces', fault);
    const bot = await startBot();
    const replies = await bot.say(TYPO);
    const card = lastCard(replies);
    expect(card).toBeDefined();
    expect(cardProblems(card!)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain(DEGRADED);
    expect(text).toMatch(/Confidence\s+low/);
    expect(allText(replies)).not.toMatch(/something went wrong/i);
    // Retries are bounded: at most three tries of a failing call in one answer.
    expect(emulator.count('graph.messageTraces')).toBeGreaterThanOrEqual(1);
    expect(emulator.count('graph.messageTraces')).toBeLessThanOrEqual(3);
    expect(log.text).not.toContain('turn failed');
  }, 40_000);

  it('waits as long as Retry-After says before trying message trace again', async () => {
    emulator.faults.set('graph.messageTraces', { kind: 'status', status: 429, retryAfter: 2, times: 1 });
    const bot = await startBot();
    const replies = await bot.say(TYPO);
    const calls = emulator.requests.filter((request) => request.route === 'graph.messageTraces');
    expect(calls.map((call) => call.status)).toEqual([429, 200]);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(2000);
    expect(cardText(lastCard(replies))).toContain('did you mean bob.smith@contoso.com');
  }, 40_000);

  it('answers normally again once Graph recovers', async () => {
    const bot = await startBot();
    emulator.faults.set('graph.messageTraces', { kind: 'status', status: 500 });
    expect(cardText(lastCard(await bot.say(TYPO)))).toContain(DEGRADED);
    emulator.faults.clear();
    expect(cardText(lastCard(await bot.say(TYPO)))).toContain('did you mean bob.smith@contoso.com');
  }, 40_000);

  it('Exchange failing (500) while listing quarantine: a clear message, no crash', async () => {
    emulator.faults.set('exo.InvokeCommand', { kind: 'status', status: 500 });
    const bot = await startBot();
    const replies = await bot.say('anything quarantined from billing@litware.com?');
    expect(replies.length).toBeGreaterThanOrEqual(1);
    expect(allText(replies)).toMatch(/could not|couldn't|try again/i);
    expect(allText(replies)).not.toMatch(/something went wrong/i);
  }, 40_000);

  it('DNS SERVFAIL for the domain: the SPF check says it could not read the record', async () => {
    const bot = await startBot();
    const card = lastCard(await bot.say('check spf for contoso.com'));
    expect(cardProblems(card!)).toEqual([]);
    expect(cardText(card)).toMatch(/could not be read: SERVFAIL/);
  });

  it('DNS timeout for the DMARC record: the check says so instead of waiting forever', async () => {
    const bot = await startBot();
    const card = lastCard(await bot.say('check dmarc for fabrikam.com'));
    expect(cardProblems(card!)).toEqual([]);
    expect(cardText(card)).toMatch(/tim(ed|e) ?out|could not|no answer/i);
    expect(cardText(card)).not.toMatch(/All requested checks pass/);
  });

  it('DNS SERVFAIL during a diagnosis: message trace still finds the typo', async () => {
    const bot = await startBot();
    const card = lastCard(await bot.say(TYPO));
    expect(cardText(card)).toContain('did you mean bob.smith@contoso.com');
  });
});

describe('faults: storage (Azurite) stops in the middle of an approval', () => {
  const PHISH = '9f3c2a10-5b7d-4e2f-a1c3-08de1f2a3b4c\\7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
  const APPROVER_GROUP = 'a9970000-0000-4000-8000-0000000000a1';
  const BOB = { userId: '29:bob-smith', aadObjectId: 'b0b5b0b5-0000-4000-8000-000000000002', name: 'Bob Smith' };
  const IT_ADMIN = { userId: '29:it-admin', aadObjectId: '1a0d0000-0000-4000-8000-000000000009', name: 'IT Admin' };
  const CHANNEL = '19:mailflow-approvals@thread.tacv2';
  let emulator: M365Emulator;
  let azurite: RunningAzurite;
  let bot: BotHarness;
  let location: string;
  let ports: { blobPort: number; tablePort: number };

  beforeAll(async () => {
    emulator = await startM365Emulator({ scenarios: [demoScenario()] });
    location = mkdtempSync(join(tmpdir(), 'mailflow-hardening-'));
    azurite = await startAzurite({ location });
    ports = { blobPort: Number(new URL(azurite.blobUrl).port), tablePort: Number(new URL(azurite.tableUrl).port) };
    bot = await startBotHarness({ env: { ...emulator.envFor(DEMO_TENANT.id), STORAGE_CONNECTION_STRING: azurite.connectionString, APPROVER_GROUP_IDS: APPROVER_GROUP } });
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
    await azurite?.stop();
    await emulator?.close();
    if (location) rmSync(location, { recursive: true, force: true });
  });

  const click = (from: typeof BOB, verb: string, data: Record<string, unknown>) =>
    bot.post(executeInvoke(bot.connector.url, from, verb, data, { conversationId: CHANNEL, tenantId: DEMO_TENANT.id, replyToId: 'approval-card' }));

  it('keeps the pending request and its audit trail, and releases exactly once after storage returns', async () => {
    const requested = await click(BOB, 'quarantine.request', { identity: PHISH, tenantId: DEMO_TENANT.id, reasonField: 'reason0', reason0: 'invoice from our supplier' });
    const requestId = String(invokeAnswer(requested.body).card?.refresh.action.data.requestId);
    expect(requestId).not.toBe('undefined');

    await azurite.stop();
    emulator.resetCounters();
    const during = await click(IT_ADMIN, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT.id });
    expect(during.status).toBe(200);
    const answer = invokeAnswer(during.body);
    expect(`${answer.text ?? ''}${cardText(answer.card)}`).toMatch(/try again/i);
    // Nothing was released while the request could not be claimed: no double release later.
    expect(emulator.count('exo.Release-QuarantineMessage')).toBe(0);
    const health = await fetch(`${bot.server.url}/healthz`);
    expect(health.status).toBe(200);

    azurite = await startAzurite({ location, ...ports });
    expect((await bot.services.quarantine.requests.get(requestId))?.request.state.status).toBe('pending');
    const after = await click(IT_ADMIN, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT.id });
    expect(cardText(invokeAnswer(after.body).card)).toMatch(/Released by IT Admin/);
    expect(emulator.count('exo.Release-QuarantineMessage')).toBe(1);
    const audit = (await bot.services.quarantine.audit.list()).filter((entry) => entry.requestId === requestId);
    expect(audit.map((entry) => entry.event)).toEqual(['requested', 'approved', 'released']);
  }, 120_000);

  it('storage lost between the release and its record: the audit entry is written once storage returns', async () => {
    const WEEKLY_DEALS = 'c4d5e6f7-0a1b-4c2d-9e3f-08de1f2b0d1e\\5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c';
    const requested = await click(BOB, 'quarantine.request', { identity: WEEKLY_DEALS, tenantId: DEMO_TENANT.id, reasonField: 'reason0', reason0: 'newsletter we subscribed to' });
    const requestId = String(invokeAnswer(requested.body).card?.refresh.action.data.requestId);
    emulator.resetCounters();
    // Exchange takes its time releasing; storage goes away meanwhile.
    emulator.faults.set('exo.Release-QuarantineMessage', { kind: 'latency', ms: 4000, times: 1 });
    const approving = click(IT_ADMIN, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT.id });
    // Storage goes once the claim is recorded ("approved" is the last write before Release-QuarantineMessage), not a
    // fixed second after Exchange was first asked: on a loaded machine the claim's writes can take longer than that.
    await waitFor(async () => (await bot.services.quarantine.audit.list()).some((entry) => entry.requestId === requestId && entry.event === 'approved'));
    await azurite.stop();
    const during = await approving;
    expect(during.status).toBe(200);
    azurite = await startAzurite({ location, ...ports });
    // Let the bot catch up on what it could not write.
    await waitFor(async () => (await bot.services.quarantine.requests.get(requestId))?.request.state.status === 'released', 60_000);
    const audit = (await bot.services.quarantine.audit.list()).filter((entry) => entry.requestId === requestId);
    expect(audit.map((entry) => entry.event)).toEqual(['requested', 'approved', 'released']);
    expect(emulator.count('exo.Release-QuarantineMessage')).toBe(1);
  }, 180_000);
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
