import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRequest } from '../../src/analyzers/intent';
import { cardOf, cardText, startBotHarness, type BotHarness } from '../support/bot-harness';
import { cardProblems } from '../support/cards';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

/** What Teams posts when someone pastes a block: one <p> per line, leading spaces as &nbsp;, "<" as &lt;. */
function asTeamsHtml(question: string, block: string): string {
  const escaped = block.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<p>${question}</p>` + escaped.split('\n').map((line) => `<p>${line.replace(/^ /, '&nbsp;')}</p>`).join('');
}

function buttons(card: Record<string, any> | undefined): string[] {
  return (card?.actions ?? []).map((action: { data?: { msteams?: { value?: string } } }) => action.data?.msteams?.value ?? '');
}

describe('a helpdesk engineer pastes the headers of a late message', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('gets a headers card that says where it waited and why', async () => {
    const [reply] = await bot.say(asTeamsHtml('why did this arrive 2 hours late?', fixture('exo-inbound-held-in-eop.txt')));
    const card = cardOf(reply);
    expect(card).toBeDefined();
    expect(cardProblems(card!)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('Message headers');
    expect(text).toContain('Slowest: hop 3, 2 h 31 min inside Exchange Online Protection: it was held for filtering');
    expect(text).toContain('SFV:NSPM — content filter found it clean');
    expect(buttons(card)).toEqual([
      'check spf dkim dmarc for fabrikam.com',
      'trace message id <20240305101455.4Tq1Xw2Kz3z9sKp@mailer.fabrikam.com>',
    ]);
  });

  it('gets the verdict in plain words for a junked spoof pasted as plain text', async () => {
    const [reply] = await bot.say(fixture('exo-spoof-junked.txt'));
    const text = cardText(cardOf(reply));
    expect(text).toContain('SFV:SPM — content filter marked it spam');
    expect(text).toContain('Composite authentication fail reason 000');
  });

  it("the card's buttons ask questions the bot understands", () => {
    const context = { now: new Date('2026-11-20T15:00:00Z'), timeZone: 'UTC' };
    const domain = parseRequest('check spf dkim dmarc for fabrikam.com', context);
    expect(domain.intent).toBe('domain');
    expect(domain.domains).toEqual(['fabrikam.com']);
    const trace = parseRequest('trace message id <20240305101455.4Tq1Xw2Kz3z9sKp@mailer.fabrikam.com>', context);
    expect(trace.intent).toBe('trace');
    expect(trace.messageId).toBe('<20240305101455.4Tq1Xw2Kz3z9sKp@mailer.fabrikam.com>');
  });
});
