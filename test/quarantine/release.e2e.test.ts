import { answerQuarantineList } from '../../src/assistant/handlers/quarantine';
import type { Services } from '../../src/assistant/services';
import type { TurnInput } from '../../src/assistant/turn';
import { emptyRequest } from '../../src/model/intent';
import { startAzurite, type RunningAzurite } from '../../src/sources/storage';
import { cardText, DEMO_TENANT_ID, startBotHarness, type BotHarness } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { BOB, DANA, ERIN, FakeQuarantine, MALLORY, OTHER_TENANT, quarantined } from './support/fixtures';
import { executeActions, executeInvoke, invokeAnswer, type InvokeOptions } from './support/invoke';

/** Messages in the fake Exchange quarantine; each test works on its own so the tests stay independent. */
const INVOICE = quarantined({ identity: '00000001-aaaa-4aaa-8aaa-000000000001\\11111111-0000-0000-0000-000000000001' });
const NEWSLETTER = quarantined({
  identity: '00000002-aaaa-4aaa-8aaa-000000000002\\11111111-0000-0000-0000-000000000002',
  sender: 'news@fabrikam.com', subject: 'November deals', type: 'Bulk', typeLabel: 'Bulk', recipients: ['jane@contoso.com', 'lee@contoso.com'],
});
const PAYLOAD = quarantined({
  identity: '00000003-aaaa-4aaa-8aaa-000000000003\\11111111-0000-0000-0000-000000000003',
  sender: 'scan@litware.example', subject: 'Scanned document', type: 'Malware', typeLabel: 'Malware', policyType: 'AntiMalwarePolicy',
});
const numbered = (n: number) => quarantined({
  identity: `0000000${n}-aaaa-4aaa-8aaa-00000000000${n}\\11111111-0000-0000-0000-00000000000${n}`,
  subject: `Purchase order ${n}`,
});

const START = new Date('2026-11-20T14:00:00Z');
const CHANNEL = '19:helpdesk@thread.tacv2';

describe('quarantine release with four-eyes approval, through /api/messages', () => {
  let azurite: RunningAzurite;
  let bot: BotHarness;
  let clock = START;
  const gateway = new FakeQuarantine([INVOICE, NEWSLETTER, PAYLOAD, numbered(4), numbered(5), numbered(6), numbered(7), numbered(8)]);

  const startBot = () =>
    startBotHarness({
      env: {
        STORAGE_CONNECTION_STRING: azurite.connectionString,
        ALLOWED_TENANT_IDS: DEMO_TENANT_ID,
        // Dana by Entra object id, Erin by Teams id: both forms are accepted.
        APPROVER_IDS: `${DANA.aadObjectId},${ERIN.userId}`,
      },
      services: (_config, base): Services => ({ ...base, now: () => clock, quarantine: { ...base.quarantine, gateway } }),
    });

  beforeAll(async () => {
    azurite = await startAzurite({ inMemory: true });
    bot = await startBot();
  }, 90_000);
  afterAll(async () => {
    await bot?.close();
    await azurite?.stop();
  }, 30_000);
  beforeEach(() => {
    clock = START;
  });

  const click = (from: typeof BOB, verb: string, data: Record<string, unknown>, options: InvokeOptions = {}) =>
    bot.post(executeInvoke(bot.connector.url, from, verb, data, { conversationId: CHANNEL, ...options }));

  /** Bob clicks "Request release" on the list card and types a reason; the card becomes the approval card. */
  async function requestRelease(identity: string, reason: string, from = BOB) {
    const response = await click(from, 'quarantine.request', { identity, tenantId: DEMO_TENANT_ID, reasonField: 'reason0', reason0: reason }, { replyToId: `list-${identity.slice(0, 8)}` });
    const answer = invokeAnswer(response.body);
    if (!answer.card) throw new Error(`no approval card: ${answer.text}`);
    const requestId = String(answer.card.refresh?.action?.data?.requestId);
    return { ...response, card: answer.card, requestId };
  }

  /** The audit entries of one request (the clock restarts per test, so time order mixes tests). */
  const auditOf = async (requestId: string) => (await bot.services.quarantine.audit.list()).filter((entry) => entry.requestId === requestId);

  function listTurn(): TurnInput {
    return {
      text: 'anything quarantined from billing@litware.com?', attachments: [], notices: [],
      actor: BOB, conversation: { id: CHANNEL, kind: 'channel', tenantId: DEMO_TENANT_ID }, timeZone: 'UTC', now: clock,
    };
  }

  describe('listing quarantine', () => {
    it('shows sender, recipient, subject, received, type and policy, expiry, release state and why EOP held it', async () => {
      const reply = await answerQuarantineList({ ...emptyRequest('quarantine_list'), senders: ['billing@litware.com'] }, listTurn(), bot.services);
      if (reply.kind !== 'card') throw new Error('expected a card');
      expect(cardProblems(reply.card)).toEqual([]);
      const text = cardText(reply.card);
      for (const shown of ['billing@litware.com', 'jane@contoso.com', 'Invoice 2211 for October', '2026-11-20 13:58 UTC', 'Spam / Default', '2026-12-20 13:58 UTC', 'Not released']) {
        expect(text).toContain(shown);
      }
      // The header analyzer explains the hold from Get-QuarantineMessageHeader.
      expect(text).toMatch(/SPF fail/);
      const request = executeActions(reply.card).find((action) => action.verb === 'quarantine.request');
      expect(request?.data).toMatchObject({ identity: INVOICE.identity, tenantId: DEMO_TENANT_ID });
    });

    it('offers no release for malware and points to the Defender portal', async () => {
      const reply = await answerQuarantineList({ ...emptyRequest('quarantine_list'), senders: ['scan@litware.example'] }, listTurn(), bot.services);
      if (reply.kind !== 'card') throw new Error('expected a card');
      expect(cardText(reply.card)).toMatch(/malware cannot be released from chat/i);
      expect(JSON.stringify(reply.card)).toContain('https://security.microsoft.com/quarantine');
      expect(executeActions(reply.card)).toEqual([]);
    });

    it('refuses a malware release asked through a forged card, and audits it', async () => {
      const response = await click(BOB, 'quarantine.request', { identity: PAYLOAD.identity, tenantId: DEMO_TENANT_ID, reason: 'I trust it' });
      expect(invokeAnswer(response.body).text).toMatch(/Malware cannot be released from chat/);
      const audit = (await bot.services.quarantine.audit.list()).filter((entry) => entry.messageIdentity === PAYLOAD.identity);
      expect(audit).toMatchObject([{ event: 'refused', actor: { userId: BOB.userId }, detail: 'request: Malware cannot be released from chat' }]);
    });
  });

  describe('request, approve, reject', () => {
    it('request: the list card becomes the approval card for everyone, with the approvers in refresh.userIds', async () => {
      const { card, replies, requestId } = await requestRelease(INVOICE.identity, 'invoice from our supplier');
      expect(cardProblems(card)).toEqual([]);
      expect(card.refresh).toEqual({
        action: { type: 'Action.Execute', verb: 'quarantine.refresh', data: { requestId, tenantId: DEMO_TENANT_ID } },
        userIds: [ERIN.userId],
      });
      expect(cardText(card)).toContain("Waiting for an approver; requested by Bob Helpdesk: 'invoice from our supplier'");
      // The shared view has no decision buttons, only "Refresh".
      expect(executeActions(card).map((action) => action.verb)).toEqual(['quarantine.refresh']);
      // teams-ai replaced the card message for everyone (REPLACE_FOR_ALL, because the card has `refresh`).
      expect(replies.map((call) => call.method)).toEqual(['PUT']);
      expect(replies[0].path).toContain(`/activities/list-${INVOICE.identity.slice(0, 8)}`);
      expect((await auditOf(requestId)).at(-1)).toMatchObject({ event: 'requested', requestId, detail: 'invoice from our supplier' });
    });

    it('renders per user: approvers get Approve/Reject, everyone else the status', async () => {
      const { requestId } = await requestRelease(numbered(8).identity, 'purchase order we expect');
      const approverView = await click(ERIN, 'quarantine.refresh', { requestId, tenantId: DEMO_TENANT_ID }, { trigger: 'automatic' });
      const approverCard = invokeAnswer(approverView.body).card!;
      expect(cardProblems(approverCard)).toEqual([]);
      expect(executeActions(approverCard).map((action) => action.verb)).toEqual(['quarantine.approve', 'quarantine.reject']);
      expect(cardText(approverCard)).toContain('Also allow this sender');
      expect(cardText(approverCard)).toContain('Report as false positive');
      // A personal view goes to the invoke only: no `refresh`, so nothing is replaced for everyone.
      expect(approverCard.refresh).toBeUndefined();
      expect(approverView.replies).toEqual([]);

      const otherView = await click(MALLORY, 'quarantine.refresh', { requestId, tenantId: DEMO_TENANT_ID });
      const otherCard = invokeAnswer(otherView.body).card!;
      expect(executeActions(otherCard).map((action) => action.verb)).toEqual(['quarantine.refresh']);
      expect(cardText(otherCard)).toContain('Waiting for an approver');
      expect(otherView.replies).toEqual([]);

      // The requester is an onlooker of their own request.
      const requesterCard = invokeAnswer((await click(BOB, 'quarantine.refresh', { requestId })).body).card!;
      expect(executeActions(requesterCard).map((action) => action.verb)).not.toContain('quarantine.approve');
    });

    it('approve: one Release-QuarantineMessage, and every copy of the card says who released it', async () => {
      const { requestId } = await requestRelease(INVOICE.identity, 'invoice from our supplier');
      const before = gateway.releases.length;
      clock = new Date('2026-11-20T14:05:00Z');
      const response = await click(DANA, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT_ID, allowSender: 'true', reportFalsePositive: 'false' });
      const card = invokeAnswer(response.body).card!;
      expect(cardText(card)).toContain("Released by Dana Approver at 14:05 UTC, requested by Bob Helpdesk: 'invoice from our supplier' (sender allowed)");
      expect(executeActions(card)).toEqual([]);
      expect(response.replies.map((call) => call.method)).toEqual(['PUT']);
      expect(cardText(response.replies[0].activity.attachments?.[0].content)).toContain('Released by Dana Approver at 14:05 UTC');
      expect(gateway.releases.slice(before)).toEqual([
        { tenantId: DEMO_TENANT_ID, identity: INVOICE.identity, options: { allowSender: true, reportFalsePositive: false } },
      ]);
      const audit = (await bot.services.quarantine.audit.list()).filter((entry) => entry.requestId === requestId).map((entry) => entry.event);
      expect(audit).toEqual(['requested', 'approved', 'released']);
    });

    it('reject: the card says who rejected and why; nothing is released', async () => {
      const { requestId } = await requestRelease(NEWSLETTER.identity, 'Lee subscribed to it');
      const before = gateway.releases.length;
      clock = new Date('2026-11-20T14:07:00Z');
      const response = await click(ERIN, 'quarantine.reject', { requestId, tenantId: DEMO_TENANT_ID, rejectReason: 'bulk mail stays in quarantine' });
      const text = cardText(invokeAnswer(response.body).card);
      expect(text).toContain("Rejected by Erin Approver at 14:07 UTC: 'bulk mail stays in quarantine'; requested by Bob Helpdesk: 'Lee subscribed to it'");
      expect(response.replies.map((call) => call.method)).toEqual(['PUT']);
      expect(gateway.releases.length).toBe(before);
    });
  });

  describe('the rules, enforced on every click', () => {
    it('refuses a user who is not an approver, says so on the card, and audits it', async () => {
      const { requestId } = await requestRelease(numbered(4).identity, 'order confirmation');
      const before = gateway.releases.length;
      const response = await click(MALLORY, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT_ID });
      const card = invokeAnswer(response.body).card!;
      expect(cardText(card)).toContain('Only quarantine approvers can approve or reject release requests. Nothing was done.');
      expect(executeActions(card).map((action) => action.verb)).not.toContain('quarantine.approve');
      expect(response.replies).toEqual([]);
      expect(gateway.releases.length).toBe(before);
      expect((await auditOf(requestId)).at(-1)).toMatchObject({
        event: 'refused', requestId, actor: { userId: MALLORY.userId, name: 'Mallory Intern' }, detail: 'approve: not an approver',
      });
    });

    it('refuses self-approval (four eyes)', async () => {
      const { requestId } = await requestRelease(numbered(5).identity, 'my own supplier', ERIN);
      const before = gateway.releases.length;
      const response = await click(ERIN, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT_ID });
      expect(cardText(invokeAnswer(response.body).card)).toContain('another approver has to decide it');
      expect(gateway.releases.length).toBe(before);
    });

    it('two approvers at the same moment: exactly one release; the other hears who approved', async () => {
      const { requestId } = await requestRelease(numbered(6).identity, 'PO 6 is expected');
      const before = gateway.releases.length;
      const callsBefore = bot.connector.calls.length;
      const [first, second] = await Promise.all([
        click(DANA, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT_ID }),
        click(ERIN, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT_ID }),
      ]);
      expect(gateway.releases.length - before).toBe(1);
      const texts = [first, second].map((response) => cardText(invokeAnswer(response.body).card));
      // The loser sees the state at the moment it lost: released, or still being released by the winner.
      expect(texts.every((text) => /Released by (Dana|Erin) Approver|Approved by (Dana|Erin) Approver at \d\d:\d\d UTC; releasing now/.test(text))).toBe(true);
      // The winner's card replaces the message for everyone; the other approver alone is told it was already done.
      expect(texts.filter((text) => /Nothing to do: this request was already approved by (Dana|Erin) Approver/.test(text))).toHaveLength(1);
      // (Each post's `replies` may include the other's call, as both were in flight; count the connector's log once.)
      expect(bot.connector.calls.slice(callsBefore).map((call) => call.method)).toEqual(['PUT']);
      // A double click afterwards changes nothing either.
      await click(DANA, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT_ID });
      expect(gateway.releases.length - before).toBe(1);
    });

    it('refuses an expired request', async () => {
      const { requestId } = await requestRelease(numbered(7).identity, 'PO 7');
      clock = new Date(START.getTime() + 25 * 3600_000);
      const response = await click(DANA, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT_ID });
      expect(cardText(invokeAnswer(response.body).card)).toMatch(/This request expired at 2026-11-21T14:00:00.000Z/);
      expect((await bot.services.quarantine.requests.get(requestId))?.request.state.status).toBe('expired');
      expect((await bot.services.quarantine.audit.list()).some((entry) => entry.event === 'expired' && entry.requestId === requestId)).toBe(true);
    });

    it('refuses forged invokes: an unknown request id, another tenant named on the card, a user of another tenant', async () => {
      const { requestId } = await requestRelease(NEWSLETTER.identity, 'second try', MALLORY);
      const before = gateway.releases.length;
      const unknown = await click(DANA, 'quarantine.approve', { requestId: 'f0f0f0f0-0000-4000-8000-000000000000', tenantId: DEMO_TENANT_ID });
      expect(invokeAnswer(unknown.body).text).toMatch(/could not find that release request/);
      // Another tenant, named on the card or as the user's own: the bot's tenant gate refuses before the workflow runs.
      const otherTenantOnCard = await click(DANA, 'quarantine.approve', { requestId, tenantId: OTHER_TENANT });
      expect(cardText(invokeAnswer(otherTenantOnCard.body).card)).toMatch(/not served by this Mailflow Doctor/);
      const otherTenantUser = await click(DANA, 'quarantine.approve', { requestId }, { tenantId: OTHER_TENANT });
      expect(cardText(invokeAnswer(otherTenantUser.body).card)).toMatch(/not served by this Mailflow Doctor/);
      const otherConversation = await click(DANA, 'quarantine.approve', { requestId }, { conversationId: '19:elsewhere@thread.tacv2' });
      expect(invokeAnswer(otherConversation.body).text).toMatch(/only be decided from its approval card/);
      expect(gateway.releases.length).toBe(before);
      expect([unknown, otherTenantOnCard, otherTenantUser, otherConversation].every((response) => response.replies.length === 0)).toBe(true);
      const refused = (await bot.services.quarantine.audit.list()).filter((entry) => entry.event === 'refused' && entry.actor.userId === DANA.userId);
      expect(refused.map((entry) => entry.detail)).toEqual(expect.arrayContaining([
        expect.stringMatching(/^approve: no release request f0f0f0f0/), 'approve: invoked from another conversation',
      ]));
      expect((await bot.services.quarantine.requests.get(requestId))?.request.state.status).toBe('pending');
    });
  });

  it('a pending request survives a restart of the bot and is then approved', async () => {
    const identity = numbered(8).identity;
    const pending = await click(BOB, 'quarantine.request', { identity, tenantId: DEMO_TENANT_ID, reason: 'PO 8 again' });
    const requestId = String(invokeAnswer(pending.body).card?.refresh?.action?.data?.requestId);
    await bot.close();
    bot = await startBot();
    const before = gateway.releases.length;
    const response = await click(DANA, 'quarantine.approve', { requestId, tenantId: DEMO_TENANT_ID });
    expect(cardText(invokeAnswer(response.body).card)).toContain('Released by Dana Approver');
    expect(gateway.releases.length - before).toBe(1);
  });
});
