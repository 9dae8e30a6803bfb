import type { Services } from '../../src/assistant/services';
import { ConfigError, loadConfig } from '../../src/config';
import { releasePolicyOf } from '../../src/quarantine';
import { startAzurite, type RunningAzurite } from '../../src/sources/storage';
import { cardOf, cardText, DEMO_TENANT_ID, startBotHarness, type BotHarness, type ConnectorCall } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { BOB, DANA, ERIN, FakeQuarantine, OTHER_TENANT, quarantined } from './support/fixtures';
import { executeActions, executeInvoke, invokeAnswer, type InvokeOptions } from './support/invoke';

const APPROVERS = '19:approvers@thread.tacv2';
const BOB_CHAT = 'a:bob-personal-chat';
const START = new Date('2026-11-20T14:00:00Z');

const message = (n: number) => quarantined({
  identity: `0000000${n}-bbbb-4bbb-8bbb-00000000000${n}\\22222222-0000-0000-0000-00000000000${n}`,
  subject: `Remittance advice ${n}`,
});

/** The approval cards the bot started as new threads in a channel (CreateConversation). */
const threadsStarted = (calls: readonly ConnectorCall[]) =>
  calls.filter((call) => call.method === 'POST' && call.path === '/v3/conversations');

const postedTo = (calls: readonly ConnectorCall[], conversationId: string) =>
  calls.filter((call) => call.method === 'POST' && call.path === `/v3/conversations/${conversationId}/activities`);

describe("approval cards posted to the approvers' channel (APPROVAL_CONVERSATION_ID)", () => {
  let azurite: RunningAzurite;
  let bot: BotHarness;
  const gateway = new FakeQuarantine([message(1), message(2), message(3), message(4), message(5)]);

  beforeAll(async () => {
    azurite = await startAzurite({ inMemory: true });
    bot = await startBotHarness({
      env: {
        STORAGE_CONNECTION_STRING: azurite.connectionString,
        ALLOWED_TENANT_IDS: DEMO_TENANT_ID,
        APPROVER_IDS: `${DANA.aadObjectId},${ERIN.userId}`,
        APPROVAL_CONVERSATION_ID: APPROVERS,
      },
      services: (_config, base): Services => ({ ...base, now: () => START, quarantine: { ...base.quarantine, gateway } }),
    });
    bot.connector.members.set(DANA.aadObjectId, { id: DANA.userId, name: DANA.name, aadObjectId: DANA.aadObjectId });
  }, 90_000);
  afterAll(async () => {
    await bot?.close();
    await azurite?.stop();
  }, 30_000);
  afterEach(() => {
    bot.connector.refuse = null;
  });

  const click = (from: typeof BOB, verb: string, data: Record<string, unknown>, options: InvokeOptions) =>
    bot.post(executeInvoke(bot.connector.url, from, verb, data, options));

  /** Bob asks for a release from his personal chat with the bot, with the list card's button. */
  async function requestFromPersonalChat(identity: string, reason: string) {
    const before = bot.connector.calls.length;
    const response = await click(BOB, 'quarantine.request', { identity, tenantId: DEMO_TENANT_ID, reason }, { conversationId: BOB_CHAT, conversationType: 'personal' });
    return { answer: invokeAnswer(response.body), calls: bot.connector.calls.slice(before) };
  }

  /** The thread Teams (here, the test connector) created for a CreateConversation call: `<channel>;messageid=<activity id>`. */
  const threadOf = (call: ConnectorCall) => `${APPROVERS};messageid=activity-${bot.connector.calls.indexOf(call) + 1}`;
  const requestIdOf = (card: unknown) => executeActions(card).find((action) => action.verb === 'quarantine.refresh')?.data.requestId;

  it('offers "Request release" in a personal chat, because the card has somewhere to go', async () => {
    const replies = await bot.say('anything quarantined from billing@litware.com?', { from: { id: BOB.userId, name: BOB.name, aadObjectId: BOB.aadObjectId }, conversationId: BOB_CHAT });
    const card = cardOf(replies.at(-1)!);
    expect(executeActions(card).map((action) => action.verb)).toContain('quarantine.request');
    expect(cardText(card)).not.toMatch(/nobody else can see an approval card/);
  });

  it('posts the approval card as a new thread in the approvers\' channel; the requester gets a status copy without buttons', async () => {
    const { answer, calls } = await requestFromPersonalChat(message(1).identity, 'remittance from our bank');
    const [thread] = threadsStarted(calls);
    expect(thread).toBeDefined();
    const posted = thread.activity as unknown as { channelData: { channel: { id: string }; tenant: { id: string } }; activity: { attachments: { content: Record<string, any> }[] } };
    expect(posted.channelData).toEqual({ channel: { id: APPROVERS }, tenant: { id: DEMO_TENANT_ID } });
    const approvalCard = posted.activity.attachments[0].content;
    expect(cardProblems(approvalCard)).toEqual([]);
    // Erin is configured by Teams id; Dana by Entra object id, found among the channel's members by Teams.
    expect(approvalCard.refresh.userIds).toEqual([ERIN.userId, DANA.userId]);
    expect(calls.some((call) => call.method === 'GET' && call.path === `/v3/conversations/${APPROVERS}/members/${DANA.aadObjectId}`)).toBe(true);
    expect(cardText(approvalCard)).toContain("Waiting for an approver; requested by Bob Helpdesk: 'remittance from our bank'");

    // Bob's own copy: the status and where it went; no decision buttons (he could not use them anyway), no refresh.
    if (!answer.card) throw new Error(`expected a card, got ${answer.text}`);
    expect(answer.card.refresh).toBeUndefined();
    expect(cardText(answer.card)).toContain("Sent to the approvers' channel");
    expect(executeActions(answer.card).map((action) => action.verb)).toEqual(['quarantine.refresh']);
  });

  it('an approver decides in the channel thread; Exchange releases once and Bob is told in his chat', async () => {
    const { answer, calls } = await requestFromPersonalChat(message(2).identity, 'payment confirmation');
    const requestId = requestIdOf(answer.card);
    const thread = threadOf(threadsStarted(calls)[0]);

    // Dana sees Approve / Reject in the channel thread (her refresh view)...
    const view = invokeAnswer((await click(DANA, 'quarantine.refresh', { requestId, tenantId: DEMO_TENANT_ID }, { conversationId: thread, trigger: 'automatic' })).body);
    expect(executeActions(view.card).map((action) => action.verb)).toEqual(expect.arrayContaining(['quarantine.approve', 'quarantine.reject']));

    // ...and approves there.
    const before = bot.connector.calls.length;
    const approved = invokeAnswer((await click(DANA, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT_ID }, { conversationId: thread })).body);
    expect(cardText(approved.card)).toMatch(/Released by Dana Approver at 14:00 UTC, requested by Bob Helpdesk: 'payment confirmation'/);
    expect(gateway.releases.filter((release) => release.identity === message(2).identity)).toHaveLength(1);

    const told = postedTo(bot.connector.calls.slice(before), BOB_CHAT);
    expect(told).toHaveLength(1);
    const toldCard = (told[0].activity.attachments?.[0] as { content: Record<string, any> }).content;
    expect(cardText(toldCard)).toMatch(/Released by Dana Approver/);
    expect(executeActions(toldCard)).toEqual([]);

    const audit = (await bot.services.quarantine.audit.list()).filter((entry) => entry.requestId === requestId).map((entry) => entry.event);
    expect(audit).toEqual(['requested', 'approved', 'released']);
  });

  it('refuses a decision sent from the requester\'s chat, even by an approver: only the channel\'s card decides', async () => {
    const { answer } = await requestFromPersonalChat(message(3).identity, 'statement from our bank');
    const requestId = requestIdOf(answer.card);
    const forged = invokeAnswer((await click(DANA, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT_ID }, { conversationId: BOB_CHAT, conversationType: 'personal' })).body);
    expect(forged.text).toMatch(/can only be decided from its approval card/);
    // Another channel's thread is not the approvers' channel either.
    const elsewhere = invokeAnswer((await click(DANA, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT_ID }, { conversationId: '19:approvers-old@thread.tacv2;messageid=1' })).body);
    expect(elsewhere.text).toMatch(/can only be decided from its approval card/);
    expect(gateway.releases.filter((release) => release.identity === message(3).identity)).toHaveLength(0);

    // An approver who opens Bob's copy sees the status and where to decide, not buttons that would be refused.
    const view = invokeAnswer((await click(ERIN, 'quarantine.refresh', { requestId, tenantId: DEMO_TENANT_ID }, { conversationId: BOB_CHAT, conversationType: 'personal' })).body);
    expect(executeActions(view.card).map((action) => action.verb)).not.toContain('quarantine.approve');
    expect(cardText(view.card)).toContain("Approvers decide this request on its card in the approvers' channel");
  });

  it('when Teams refuses the channel post, nothing is requested: Bob is told why, the audit says withdrawn, and asking again works', async () => {
    bot.connector.refuse = (call) => (call.path === '/v3/conversations' ? { status: 403, code: 'BotNotInConversationRoster' } : null);
    const failed = await requestFromPersonalChat(message(4).identity, 'bank notice');
    expect(failed.answer.text).toMatch(/could not post your request to the approvers' channel \(Teams answered 403: BotNotInConversationRoster/);
    expect(failed.answer.text).toMatch(/nothing was requested/);
    const withdrawn = (await bot.services.quarantine.audit.list()).filter((entry) => entry.messageIdentity === message(4).identity);
    expect(withdrawn.map((entry) => entry.event)).toEqual(['requested', 'withdrawn']);

    bot.connector.refuse = null;
    const again = await requestFromPersonalChat(message(4).identity, 'bank notice');
    expect(threadsStarted(again.calls)).toHaveLength(1);
    expect(cardText(again.answer.card)).toContain("Sent to the approvers' channel");
  });

  it('a release typed in a personal chat goes the same way', async () => {
    const before = bot.connector.calls.length;
    const replies = await bot.say(`release ${message(5).identity} because it is our bank's remittance`, {
      from: { id: BOB.userId, name: BOB.name, aadObjectId: BOB.aadObjectId }, conversationId: BOB_CHAT,
    });
    expect(threadsStarted(bot.connector.calls.slice(before))).toHaveLength(1);
    expect(cardText(cardOf(replies.at(-1)!))).toContain("Sent to the approvers' channel");
  });
});

describe('APPROVAL_CONVERSATION_ID configuration', () => {
  it('must be a Teams channel or group chat id', () => {
    expect(() => loadConfig({ APPROVAL_CONVERSATION_ID: 'General' })).toThrow(/APPROVAL_CONVERSATION_ID is invalid.*a Teams channel or group chat id/);
    expect(loadConfig({ APPROVAL_CONVERSATION_ID: APPROVERS }).APPROVAL_CONVERSATION_ID).toBe(APPROVERS);
  });

  it('belongs to one tenant: TENANT_ID, or the only tenant served; other tenants keep the asking conversation', () => {
    const settings = { ALLOWED_TENANT_IDS: [DEMO_TENANT_ID], APPROVER_IDS: [], APPROVER_GROUP_IDS: [], APPROVAL_TTL_HOURS: 24, APPROVAL_CONVERSATION_ID: APPROVERS };
    expect(releasePolicyOf(settings).approvalChannel).toEqual({ tenantId: DEMO_TENANT_ID, conversationId: APPROVERS });
    expect(() => releasePolicyOf({ ...settings, ALLOWED_TENANT_IDS: [DEMO_TENANT_ID, OTHER_TENANT] })).toThrow(ConfigError);
    expect(releasePolicyOf({ ...settings, ALLOWED_TENANT_IDS: [DEMO_TENANT_ID, OTHER_TENANT], TENANT_ID: OTHER_TENANT }).approvalChannel?.tenantId).toBe(OTHER_TENANT);
  });
});
