import { cardOf, cardText, messageActivity, startBotHarness, type BotHarness } from '../support/bot-harness';
import { cardProblems } from '../support/cards';

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

  it('sends a typing indicator before the answer', async () => {
    const { replies } = await bot.post(messageActivity('help', bot.connector.url));
    expect(replies[0].activity.type).toBe('typing');
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
