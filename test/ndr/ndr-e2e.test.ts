import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cardOf, cardText, messageActivity, startBotHarness, type BotHarness } from '../support/bot-harness';
import { cardProblems } from '../support/cards';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

/** Teams posts a pasted block as HTML paragraphs. */
const asTeamsHtml = (text: string) =>
  text.split('\n').map((line) => `<p>${line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\t/g, '&nbsp;')}</p>`).join('');

describe('a helpdesk engineer pastes an NDR into the chat', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('answers a pasted Exchange Online NDR with the NDR card: code, cause in plain words, fix', async () => {
    const [reply] = await bot.say(fixture('exo-current.txt'));
    const card = cardOf(reply);
    expect(card).toBeDefined();
    expect(cardProblems(card!)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('NDR explained');
    expect(text).toContain('550 5.1.10');
    expect(text).toContain("bob@contoso.com doesn't exist at contoso.com");
    expect(text).toMatch(/How to fix it[\s\S]*1\. /);
  });

  it('reads the same NDR as Teams delivers it, wrapped in HTML', async () => {
    const [reply] = await bot.say(`why did this bounce?${asTeamsHtml(fixture('exo-classic.txt'))}`, { extra: { textFormat: 'xml' } as never });
    const text = cardText(cardOf(reply));
    expect(text).toContain('megan@contoso.com');
    expect(text).toContain('554 5.2.2');
  });

  it('answers NDRs pasted at the same moment in different chats each in its own chat, about its own recipient', async () => {
    // Questions that arrive together are answered back to back (src/ops/together.ts); none may take another's answer.
    const recipients = ['ana', 'ben', 'cho', 'dev', 'eli'].map((name) => `${name}@contoso.com`);
    const conversationOf = (index: number) => `a:paste-together-${index}`;
    const before = bot.connector.calls.length;
    const statuses = await Promise.all(
      recipients.map(async (recipient, index) => {
        const activity = messageActivity(fixture('exo-current.txt').replaceAll('bob@contoso.com', recipient), bot.connector.url, { conversationId: conversationOf(index) });
        return (await bot.post(activity)).status;
      }),
    );
    expect(statuses).toEqual(recipients.map(() => 200));
    const calls = bot.connector.calls.slice(before);
    recipients.forEach((recipient, index) => {
      const replies = calls.filter((call) => call.path.startsWith(`/v3/conversations/${conversationOf(index)}/`));
      expect(replies).toHaveLength(1);
      const text = cardText(cardOf(replies[0]));
      expect(text).toContain(`${recipient} doesn't exist at contoso.com`);
      for (const other of recipients.filter((_, i) => i !== index)) expect(text).not.toContain(other);
    });
  });

  it('answers "what does 5.7.708 mean?" with the code card', async () => {
    const [reply] = await bot.say('what does 5.7.708 mean?');
    const card = cardOf(reply);
    expect(cardProblems(card!)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('Status code 5.7.708');
    expect(text).toContain("The sender's email admin");
  });
});
