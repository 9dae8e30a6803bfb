import { createServices } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { respond } from '../../src/assistant/respond';
import { HANDLERS } from '../../src/assistant/handlers';
import type { Services } from '../../src/assistant/services';
import type { TurnInput } from '../../src/assistant/turn';
import type { IntentKind, ParsedRequest } from '../../src/model/intent';
import { textReply } from '../../src/model/reply';
import { cardOf, cardText, startBotHarness, type BotHarness } from '../support/bot-harness';

const NOW = new Date('2026-11-20T15:00:00Z');

/** An Exchange Online NDR as Teams delivers a paste of it: the people in it are read by the NDR analyzer. */
const TEAMS_NDR = [
  '<p>what does this mean?</p>',
  '<p>Your message to kim.akers@northwindtraders.com couldn&#39;t be delivered.</p>',
  "<p>kim.akers wasn&#39;t found at northwindtraders.com.</p>",
  '<p>Diagnostic information for administrators:</p>',
  '<p>Generating server: DM6PR11MB4321.namprd11.prod.outlook.com</p>',
  '<p>kim.akers@northwindtraders.com<br>Remote Server returned &#39;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup&#39;</p>',
  '<p>Original message headers:</p>',
  '<p>From: Alex Wilber &lt;alex.wilber@contoso.com&gt;<br>To: kim.akers@northwindtraders.com<br>Subject: Contract draft</p>',
].join('');

/**
 * Follow-ups resolved from conversation state, end to end: a real Activity posted to /api/messages, the bot's
 * conversation memory, the parser, and the handler the request is routed to. The handlers under test are replaced by
 * recorders (their own tests cover their answers), so what is asserted is the request the follow-up resolved to.
 */
describe('a follow-up question in the same conversation', () => {
  let bot: BotHarness;
  const seen: ParsedRequest[] = [];
  const recorded: IntentKind[] = ['trace', 'domain', 'quarantine_list', 'quarantine_release'];

  beforeAll(async () => {
    for (const intent of recorded) {
      jest.spyOn(HANDLERS, intent).mockImplementation(async (request) => {
        seen.push(request);
        return textReply(`recorded ${request.intent}`);
      });
    }
    bot = await startBotHarness({ services: (_config, base) => ({ ...base, now: () => NOW }) });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await bot.close();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('"and yesterday?" re-asks the last trace for yesterday in the asker’s time zone', async () => {
    const conversationId = 'a:follow-up-yesterday';
    await bot.say('why did my email to sam@contoso.com bounce', { conversationId, timezone: 'America/New_York' });
    const replies = await bot.say('and yesterday?', { conversationId, timezone: 'America/New_York' });

    expect(replies.map((reply) => reply.activity.text)).toEqual(['recorded trace']);
    expect(seen[1]).toMatchObject({
      intent: 'trace', symptom: 'bounce', recipients: ['sam@contoso.com'], followUp: true,
      window: { start: '2026-11-19T05:00:00Z', end: '2026-11-20T05:00:00Z' },
    });
  });

  it('"check their SPF" after a bounce checks the recipient’s domain', async () => {
    const conversationId = 'a:follow-up-their-spf';
    await bot.say('jill@contoso.com can’t send to orders@adatum.com, she gets an NDR', { conversationId });
    await bot.say('check their SPF', { conversationId });
    expect(seen.map((request) => request.intent)).toEqual(['trace', 'domain']);
    expect(seen[1]).toMatchObject({ domains: ['adatum.com'], checks: ['spf'], followUp: true });
  });

  it('"release it" in a channel, @mentioned, releases the message the last answer listed', async () => {
    const channel = {
      conversationId: '19:helpdesk@thread.tacv2',
      conversationType: 'channel' as const,
      extra: { entities: [{ type: 'mention', text: '<at>Mailflow Doctor</at>', mentioned: { id: '28:mailflow-doctor', name: 'Mailflow Doctor' } }] },
    };
    await bot.say('<at>Mailflow Doctor</at> show quarantine for ed@contoso.com', channel);
    await bot.say('<at>Mailflow Doctor</at> release it', channel);
    expect(seen.map((request) => request.intent)).toEqual(['quarantine_list', 'quarantine_release']);
    expect(seen[1]).toMatchObject({ recipients: ['ed@contoso.com'], followUp: true });
  });

  it('"check their SPF" after a pasted NDR checks the domain of the recipient the NDR names', async () => {
    const conversationId = 'a:follow-up-after-ndr';
    const replies = await bot.say(TEAMS_NDR, { conversationId });
    expect(cardText(cardOf(replies[0]))).toContain('NDR explained');
    await bot.say('check their SPF', { conversationId });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ intent: 'domain', domains: ['northwindtraders.com'], checks: ['spf'], followUp: true });
  });

  it('does not resolve a follow-up against another conversation', async () => {
    await bot.say('why did my email to sam@contoso.com bounce', { conversationId: 'a:one' });
    const replies = await bot.say('and yesterday?', { conversationId: 'a:two' });
    expect(seen).toHaveLength(1);
    expect(cardText(cardOf(replies[0]))).toContain("I didn't understand that");
  });

  it('answers "thanks" with a short reply, not the help card', async () => {
    const replies = await bot.say('thanks, that fixed it', { conversationId: 'a:thanks' });
    expect(replies).toHaveLength(1);
    expect(replies[0].activity.text).toMatch(/welcome/i);
    expect(cardOf(replies[0])).toBeUndefined();
  });
});

describe('respond() with conversation memory', () => {
  const services: Services = { ...createServices(loadConfig({ LOG_LEVEL: 'silent' }), silentLogger), now: () => NOW };
  const turn = (text: string): TurnInput => ({
    text, attachments: [], notices: [], now: NOW, timeZone: 'America/New_York',
    actor: { userId: '29:alex', aadObjectId: null, name: 'Alex' }, conversation: { id: 'a:1', kind: 'personal', tenantId: null },
  });

  it('hands the trace handler a request completed from memory, and remembers the completed one', async () => {
    const seen: ParsedRequest[] = [];
    const spy = jest.spyOn(HANDLERS, 'trace').mockImplementation(async (request) => {
      seen.push(request);
      return textReply('ok');
    });
    try {
      const first = await respond(turn('did pat@contoso.com get the mail from quotes@northwind.net?'), {}, services);
      const second = await respond(turn('what about jane@contoso.com?'), first.memory, services);
      const third = await respond(turn('and yesterday?'), second.memory, services);
      expect(seen[1]).toMatchObject({ senders: ['quotes@northwind.net'], recipients: ['jane@contoso.com'], symptom: 'missing', followUp: true });
      expect(seen[2]).toMatchObject({ recipients: ['jane@contoso.com'], window: { start: '2026-11-19T05:00:00Z' }, followUp: true });
      // State keeps what says something; the parser gets it back whole and completes the next question from it.
      expect(third.memory.lastRequest).toEqual({ intent: 'trace', senders: ['quotes@northwind.net'], recipients: ['jane@contoso.com'], symptom: 'missing', direction: 'inbound', window: seen[2].window, queryWindows: seen[2].queryWindows, followUp: true });
      const fourth = await respond(turn('and the day before?'), JSON.parse(JSON.stringify(third.memory)), services);
      expect(seen[3]).toMatchObject({ senders: ['quotes@northwind.net'], recipients: ['jane@contoso.com'], symptom: 'missing', window: { start: '2026-11-18T05:00:00Z' }, followUp: true });
      expect(fourth.memory.lastRequest).toMatchObject({ recipients: ['jane@contoso.com'] });
    } finally {
      spy.mockRestore();
    }
  });

  it('remembers who a pasted NDR is about as the NDR analyzer read them, not the paste itself', async () => {
    const answer = await respond(turn(TEAMS_NDR), {}, services);
    expect(answer.request).toMatchObject({ intent: 'ndr', senders: ['alex.wilber@contoso.com'], recipients: ['kim.akers@northwindtraders.com'], codes: ['5.1.10'] });
    expect(answer.memory.lastRequest).toEqual({ intent: 'ndr', senders: ['alex.wilber@contoso.com'], recipients: ['kim.akers@northwindtraders.com'], codes: ['5.1.10'] });
  });
});
