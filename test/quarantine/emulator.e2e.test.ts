import { demoScenario, processTrustsEmulatorCa, startM365Emulator, DEMO_TENANT, type M365Emulator } from '../../src/emulator/m365';
import { startAzurite, type RunningAzurite } from '../../src/sources/storage';
import { cardOf, cardText, startBotHarness, type BotHarness } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { executeActions, executeInvoke, invokeAnswer } from './support/invoke';

/**
 * The whole path with nothing faked but Teams: the real composition (createServices from environment variables),
 * the Exchange admin client and Graph against the Microsoft 365 emulator, requests and audit in Azurite.
 * Approvers are the members of the demo tenant's "Mail Flow Approvers" group, read through Graph.
 */
const APPROVER_GROUP = 'a9970000-0000-4000-8000-0000000000a1';
const ALEX = { userId: '29:alex', aadObjectId: '00000000-0000-0000-0000-00000000a1e0', name: 'Alex Wilber' };
const IT_ADMIN = { userId: '29:it-admin', aadObjectId: '1a0d0000-0000-4000-8000-000000000009', name: 'IT Admin' };
const BOB = { userId: '29:bob-smith', aadObjectId: 'b0b5b0b5-0000-4000-8000-000000000002', name: 'Bob Smith' };
const MEGAN = { userId: '29:megan', aadObjectId: '0e9a0e9a-0000-4000-8000-000000000003', name: 'Megan Bowen' };
const PHISH_FALSE_POSITIVE = '9f3c2a10-5b7d-4e2f-a1c3-08de1f2a3b4c\\7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const WEEKLY_DEALS = 'c4d5e6f7-0a1b-4c2d-9e3f-08de1f2b0d1e\\5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c';
const LOOKALIKE_PHISH = '3b7e9d21-6c4a-4f8e-b2d1-08de1f2a9c7e\\1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const CHANNEL = '19:mailflow-approvals@thread.tacv2';
const MENTION = { type: 'mention', text: '<at>Mailflow Doctor</at>', mentioned: { id: '28:mailflow-doctor', name: 'Mailflow Doctor' } };

describe('quarantine release against the Microsoft 365 emulator and Azurite', () => {
  let emulator: M365Emulator;
  let azurite: RunningAzurite;
  let bot: BotHarness;

  const startBot = () =>
    startBotHarness({
      env: {
        ...emulator.envFor(DEMO_TENANT.id),
        STORAGE_CONNECTION_STRING: azurite.connectionString,
        APPROVER_GROUP_IDS: APPROVER_GROUP,
      },
    });

  beforeAll(async () => {
    // The emulator serves TLS from a test CA that Node trusts only through NODE_EXTRA_CA_CERTS, read at start-up.
    if (!processTrustsEmulatorCa()) throw new Error('run with NODE_EXTRA_CA_CERTS=src/emulator/tls/ca.pem (the emulator\'s test CA)');
    emulator = await startM365Emulator({ scenarios: [demoScenario()] });
    azurite = await startAzurite({ inMemory: true });
    bot = await startBot();
  }, 90_000);
  afterAll(async () => {
    await bot?.close();
    await azurite?.stop();
    await emulator?.close();
  }, 30_000);

  const click = (from: typeof BOB, verb: string, data: Record<string, unknown>, replyToId = 'approval-card') =>
    bot.post(executeInvoke(bot.connector.url, from, verb, data, { conversationId: CHANNEL, tenantId: DEMO_TENANT.id, replyToId }));

  async function requestRelease(identity: string, reason: string) {
    const response = await click(BOB, 'quarantine.request', { identity, tenantId: DEMO_TENANT.id, reasonField: 'reason0', reason0: reason }, 'list-card');
    const card = invokeAnswer(response.body).card;
    if (!card) throw new Error(`no approval card: ${JSON.stringify(response.body)}`);
    return { card, requestId: String(card.refresh.action.data.requestId) };
  }

  it('lists quarantine from a chat question, with why EOP held each message', async () => {
    const [reply] = await bot.say('<at>Mailflow Doctor</at> anything quarantined from billing@litware.com?', {
      from: { id: ALEX.userId, name: ALEX.name, aadObjectId: ALEX.aadObjectId },
      conversationType: 'channel', conversationId: CHANNEL, tenantId: DEMO_TENANT.id, extra: { entities: [MENTION] },
    });
    const card = cardOf(reply);
    expect(card).toBeDefined();
    expect(cardProblems(card!)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('Invoice INV-20931 for October');
    expect(text).toContain('jane.doe@contoso.com');
    expect(text).toContain('Phish / Office365 AntiPhish Default');
    expect(text).toContain('Not released');
    expect(executeActions(card).map((action) => action.verb)).toEqual(['quarantine.request']);
    expect(emulator.count('exo.Get-QuarantineMessageHeader')).toBeGreaterThan(0);
  });

  it('a typed "release … because …" posts the approval card; an approver rejects it from there', async () => {
    // The approver group's members (read through Graph) whom Teams finds in the channel see the buttons without asking.
    // IT Admin is in the channel; Alex, though in the group, is not; Bob is in the channel but not in the group.
    bot.connector.members.set(IT_ADMIN.aadObjectId, { id: IT_ADMIN.userId, name: IT_ADMIN.name, aadObjectId: IT_ADMIN.aadObjectId });
    bot.connector.members.set(BOB.aadObjectId, { id: BOB.userId, name: BOB.name, aadObjectId: BOB.aadObjectId });
    const replies = await bot.say(`<at>Mailflow Doctor</at> release ${LOOKALIKE_PHISH} because AP says it is a real Microsoft notice`, {
      from: { id: BOB.userId, name: BOB.name, aadObjectId: BOB.aadObjectId },
      conversationType: 'channel', conversationId: CHANNEL, tenantId: DEMO_TENANT.id, extra: { entities: [MENTION] },
    });
    const card = cardOf(replies[0]);
    expect(card).toBeDefined();
    expect(cardProblems(card!)).toEqual([]);
    expect(cardText(card)).toContain("Waiting for an approver; requested by Bob Smith: 'AP says it is a real Microsoft notice'");
    expect(card!.refresh.action.verb).toBe('quarantine.refresh');
    expect(card!.refresh.userIds).toEqual([IT_ADMIN.userId]);
    expect(emulator.count('graph.groupMembers')).toBeGreaterThan(0);
    const requestId = String(card!.refresh.action.data.requestId);
    emulator.resetCounters();
    const rejected = await click(IT_ADMIN, 'quarantine.reject', { requestId, tenantId: DEMO_TENANT.id, rejectReason: 'lookalike domain micros0ft-support.example' }, replies[0].activity.id ?? 'approval-card');
    expect(cardText(invokeAnswer(rejected.body).card)).toMatch(/Rejected by IT Admin at \d\d:\d\d UTC: 'lookalike domain micros0ft-support.example'/);
    expect(emulator.count('exo.Release-QuarantineMessage')).toBe(0);
  });

  it('two approvers approve at the same moment: the emulator receives exactly one Release-QuarantineMessage', async () => {
    const { card, requestId } = await requestRelease(PHISH_FALSE_POSITIVE, 'invoice from our supplier');
    expect(cardText(card)).toContain("requested by Bob Smith: 'invoice from our supplier'");
    emulator.resetCounters();
    const [first, second] = await Promise.all([
      click(ALEX, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT.id }),
      click(IT_ADMIN, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT.id }),
    ]);
    expect(emulator.count('exo.Release-QuarantineMessage')).toBe(1);
    const texts = [first, second].map((response) => cardText(invokeAnswer(response.body).card));
    expect(texts.filter((text) => /Released by (Alex Wilber|IT Admin) at \d\d:\d\d UTC, requested by Bob Smith: 'invoice from our supplier'/.test(text)).length).toBeGreaterThanOrEqual(1);
    expect(texts.filter((text) => /already approved by (Alex Wilber|IT Admin)/.test(text))).toHaveLength(1);
    // Exchange now reports the message released.
    const row = emulator.tenant(DEMO_TENANT.id).quarantine.find((item) => item.record.identity === PHISH_FALSE_POSITIVE);
    expect(row?.releasedBy.length).toBeGreaterThan(0);
  });

  it('refuses someone outside the approver group (checked through Graph) and audits it', async () => {
    const { requestId } = await requestRelease(WEEKLY_DEALS, 'Alex wants the deals');
    emulator.resetCounters();
    const response = await click(MEGAN, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT.id });
    expect(cardText(invokeAnswer(response.body).card)).toContain('Only quarantine approvers can approve or reject release requests.');
    expect(emulator.count('graph.checkMemberGroups')).toBeGreaterThan(0);
    expect(emulator.count('exo.Release-QuarantineMessage')).toBe(0);
    const audit = (await bot.services.quarantine.audit.list()).filter((entry) => entry.requestId === requestId);
    expect(audit.map((entry) => entry.event)).toEqual(['requested', 'refused']);
  });

  it('in a personal chat, lists quarantine but sends release requests to a channel where approvers can see them', async () => {
    const [reply] = await bot.say('anything quarantined from promo@bestdeals.example?', { from: { id: BOB.userId, name: BOB.name, aadObjectId: BOB.aadObjectId } });
    const card = cardOf(reply);
    expect(cardText(card)).toContain('Weekly deals just for you');
    expect(cardText(card)).toContain('Ask for a release in your helpdesk channel');
    expect(executeActions(card)).toEqual([]);
    const typed = await bot.say(`release ${WEEKLY_DEALS} because I want it`, { from: { id: BOB.userId, name: BOB.name, aadObjectId: BOB.aadObjectId } });
    expect(typed[0].activity.text).toContain('Ask for a release in your helpdesk channel');
  });

  it('keeps the pending request across a restart of the bot; an approver then releases it', async () => {
    const pending = (await bot.services.quarantine.requests.latestFor(DEMO_TENANT.id, WEEKLY_DEALS)) as string;
    expect((await bot.services.quarantine.requests.get(pending))?.request.state.status).toBe('pending');
    await bot.close();
    bot = await startBot();
    emulator.resetCounters();
    const response = await click(IT_ADMIN, 'quarantine.approve', { requestId: pending, tenantId: DEMO_TENANT.id, reportFalsePositive: 'true' });
    expect(cardText(invokeAnswer(response.body).card)).toMatch(/Released by IT Admin at \d\d:\d\d UTC, requested by Bob Smith: 'Alex wants the deals' \(reported as false positive\)/);
    expect(emulator.count('exo.Release-QuarantineMessage')).toBe(1);
    const call = emulator.requests.find((request) => request.route === 'exo.Release-QuarantineMessage');
    expect(JSON.stringify(call?.body)).toContain('"ReleaseToAll":true');
    expect(JSON.stringify(call?.body)).toContain('"ReportFalsePositive":true');
  });
});
