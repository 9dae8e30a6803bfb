import { cardOf, cardText, messageActivity, startBotHarness, type BotHarness } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import type { DnsResolver } from '../../src/sources/dns';

describe('a helpdesk engineer talking to the bot', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('answers "help" with a card of clickable examples', async () => {
    const [reply] = await bot.say('help');
    const card = cardOf(reply);
    expect(card).toBeDefined();
    expect(cardProblems(card!)).toEqual([]);
    expect(cardText(card)).toContain('why did mail to bob@contoso.com bounce?');
  });

  it('answers a quick question without a typing indicator first', async () => {
    // "help" is answered in milliseconds; "typing…" is only worth a round trip when the person is kept waiting.
    const { replies } = await bot.post(messageActivity('help', bot.connector.url));
    expect(replies.map((reply) => reply.activity.type)).toEqual(['message']);
    expect(cardText(cardOf(replies[0]))).toContain('Here is what I can do');
  });

  it('ignores a channel message that does not @mention it', async () => {
    const replies = await bot.say('help', { conversationType: 'channel', conversationId: '19:channel@thread.tacv2' });
    expect(replies).toEqual([]);
  });

  it('answers in a channel when @mentioned', async () => {
    const replies = await bot.say('<at>Mailflow Doctor</at> help', {
      conversationType: 'channel',
      conversationId: '19:channel@thread.tacv2',
      extra: {
        entities: [{ type: 'mention', text: '<at>Mailflow Doctor</at>', mentioned: { id: '28:mailflow-doctor', name: 'Mailflow Doctor' } }],
      },
    });
    expect(cardText(cardOf(replies[0]))).toContain('Here is what I can do');
  });

  it('answers /healthz', async () => {
    const response = await fetch(`${bot.server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('listens on loopback only when no bot credentials are configured', () => {
    expect(bot.server.host).toBe('127.0.0.1');
  });
});

describe('a question whose answer keeps the person waiting', () => {
  // DNS that answers only when the test lets it: the answer is held for as long as the test needs, with no clock.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const heldDns: DnsResolver = {
    async query() {
      await held;
      return { kind: 'temperror', reason: 'timeout', message: 'no answer' };
    },
    stats: () => ({ sent: 0, cached: 0 }),
  };
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness({ services: (_config, base) => ({ ...base, dns: heldDns }), placeholderAfterMs: 60_000 });
  });
  afterAll(async () => {
    release();
    await bot.close();
  });

  it('shows "typing…" while the answer is being worked out, then the answer', async () => {
    const asked = bot.post(messageActivity('check SPF for contoso.com', bot.connector.url, { conversationId: 'a:held-dns' }));
    // The typing indicator arrives while DNS still holds the answer back: nothing else can have been sent yet.
    while (!bot.connector.calls.some((call) => call.activity.type === 'typing')) await new Promise((resolve) => setImmediate(resolve));
    expect(bot.connector.calls.filter((call) => call.activity.type !== 'typing')).toEqual([]);
    release();
    const { replies } = await asked;
    expect(replies.map((reply) => reply.activity.type)).toEqual(['typing', 'message']);
    expect(cardOf(replies[1])).toBeDefined();
  });
});
