import { MemoryStorage } from 'botbuilder';
import { answerToReplay, startFloorServer, type FloorServer } from '../../src/bench/floor-server';
import { messageActivity, postJson } from '../../src/bench/connector';
import { pastedNdr } from '../../src/bench/samples';
import { startBotHarness, type BotHarness } from '../support/bot-harness';

/**
 * Bench section 6 splits the NDR path's cost with a replay route: it must carry exactly the NDR path's bytes (the
 * same message in, the same card and conversation state out), or the split measures something else.
 */
describe('the bench floor: echo and replay routes beside the bot', () => {
  let harness: BotHarness;
  let floor: FloorServer;
  const storage = new MemoryStorage();

  beforeAll(async () => {
    harness = await startBotHarness({ storage });
    floor = await startFloorServer(() => answerToReplay(pastedNdr(), harness.services));
  });
  afterAll(async () => {
    await floor.close();
    await harness.close();
  });

  /** The case id and the time a card was made (to the second) differ between two answers to the same paste; nothing else may. */
  const comparable = (value: unknown) =>
    JSON.stringify(value)
      .replace(/CASE-\d{8}-[0-9A-Z]{6}/g, 'CASE-…')
      .replace(/\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?/g, '…');

  async function replies(url: string, text: string, conversationId: string) {
    const status = await postJson(url, messageActivity(text, harness.connector.url, conversationId));
    expect(status).toBe(200);
    return harness.connector.calls.filter((call) => call.path.includes(`/v3/conversations/${conversationId}/`));
  }

  it('the replay route sends the NDR path\'s card for the same paste, and leaves the same conversation state', async () => {
    const [bot] = await replies(`${harness.server.url}/api/messages`, pastedNdr(), 'a:floor-bot');
    const [replayed] = await replies(`${floor.url}/api/replay`, pastedNdr(), 'a:floor-replay');
    expect(bot.activity.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(comparable(replayed.activity.attachments)).toBe(comparable(bot.activity.attachments));
    expect(replayed.activity.summary).toBe(bot.activity.summary);

    const botState = Object.entries(await storage.read(Object.keys((storage as unknown as { memory: Record<string, string> }).memory)))
      .find(([key]) => key.endsWith('/conversations/a:floor-bot'))?.[1] as { memory?: unknown } | undefined;
    const { memory } = await answerToReplay(pastedNdr(), harness.services);
    expect(botState?.memory).toBeDefined();
    expect(comparable(memory)).toBe(comparable(botState?.memory));
  });

  it('the echo route sends the text back', async () => {
    const [echo] = await replies(`${floor.url}/api/messages`, 'why did mail to bob@contoso.com bounce?', 'a:floor-echo');
    expect(echo.activity.text).toBe('echo: why did mail to bob@contoso.com bounce?');
  });
});
