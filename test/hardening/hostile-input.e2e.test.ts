import { readFileSync } from 'node:fs';
import { MAX_CARD_BYTES, cardBytes } from '../../src/cards/render';
import { escapeCardText } from '../../src/cards/escape';
import type { M365Emulator } from '../../src/emulator/m365';
import { projectPath } from '../../src/paths';
import { cardOf, cardText, startBotHarness, type BotHarness, type ConnectorCall } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { executeInvoke, invokeAnswer } from '../quarantine/support/invoke';
import { LogCapture, startEmulatedTenantBot } from './support';

const ndrFixture = readFileSync(projectPath('test', 'ndr', 'fixtures', 'exo-current.txt'), 'utf8');
const headersFixture = readFileSync(projectPath('test', 'headers', 'fixtures', 'exo-spoof-junked.txt'), 'utf8');

/** What an attacker (or a phishing mail someone pastes) puts in text the bot shows back. */
const LINK = '[Reset your password](https://evil.example/login)';
const MENTION = '<at>Megan Bowen</at>';
const TEMPLATE = '${$root.secret}';
const PAYLOAD = `${LINK} ${MENTION} ${TEMPLATE} ${'${'}if(true, 'pwned', '')}`;

/** Every string in a card, wherever it sits (text, facts, titles, action data). */
function strings(node: unknown, into: string[] = []): string[] {
  if (typeof node === 'string') into.push(node);
  else if (Array.isArray(node)) node.forEach((item) => strings(item, into));
  else if (node && typeof node === 'object') Object.values(node).forEach((item) => strings(item, into));
  return into;
}

/** The card a person sees holds the payload as inert text: no link to evil.example, no mention, no template. */
function expectDefused(card: Record<string, any> | undefined): void {
  expect(card).toBeDefined();
  expect(cardProblems(card!)).toEqual([]);
  for (const value of strings(card)) {
    expect(value).not.toMatch(/\]\s*\(https:\/\/evil\.example/);
    expect(value).not.toMatch(/<\/?at\b/i);
    expect(value).not.toContain('${');
  }
}

const texts = (replies: ConnectorCall[]) => replies.map((reply) => reply.activity.text ?? '').join('\n');

describe('escapeCardText defuses what Teams would render or expand', () => {
  it.each([
    ['a markdown link', LINK, /\]\s*\(/],
    ['a link with spaces before the parenthesis', '[x]   (https://evil.example)', /\]\s*\(/],
    ['a mention', MENTION, /<at\b/i],
    ['a mention with attributes and odd case', '<AT id="0">Admin</AT>', /<\/?at\b/i],
    ['a template expression', TEMPLATE, /\$\{/],
    ['nested template expressions', '$${${x}}', /\$\{/],
  ])('%s', (_kind, payload, forbidden) => {
    expect(escapeCardText(payload)).not.toMatch(forbidden);
  });

  it('keeps the words readable', () => {
    expect(escapeCardText(LINK).replace(/\u200b/g, '')).toBe(LINK);
  });
});

describe('hostile text pasted into the chat', () => {
  let emulator: M365Emulator;
  let bot: BotHarness;
  const log = new LogCapture();

  beforeAll(async () => {
    ({ emulator, bot } = await startEmulatedTenantBot(log));
  });
  afterAll(async () => {
    await bot?.close();
    await emulator?.close();
  });

  it('an NDR whose subject, recipient text and error carry links, mentions and templates', async () => {
    const ndr = ndrFixture
      .replace('Subject:\tQuarterly report', `Subject:\t${PAYLOAD}`)
      .replace('Recipient not found by SMTP address lookup', `Recipient not found by SMTP address lookup ${PAYLOAD}`)
      .replace("bob wasn't found at contoso.com.", `bob wasn't found at contoso.com. ${PAYLOAD}`);
    const replies = await bot.say(ndr);
    expectDefused(cardOf(replies[0]));
    expect(cardText(cardOf(replies[0]))).toContain('5.1.10');
  });

  it('message headers whose From and Subject carry links, mentions and templates', async () => {
    const headers = headersFixture
      .replace('Subject: Password expires today - keep your current password', `Subject: ${PAYLOAD}`)
      .replace('From: "Contoso IT Service Desk" <it-support@contoso.com>', `From: "${MENTION} ${LINK}" <it-support@contoso.com>`);
    const replies = await bot.say(headers);
    expectDefused(cardOf(replies[0]));
  });

  it('a question that carries them, echoed on the diagnosis card', async () => {
    const replies = await bot.say(`why did mail to bob.smtih@contoso.com bounce? ${PAYLOAD}`);
    const card = cardOf(replies[0]);
    expectDefused(card);
    expect(cardText(card)).toContain('bob.smtih@contoso.com');
  });

  it('a status code question with a payload', async () => {
    const replies = await bot.say(`what does 5.7.26 mean ${PAYLOAD}`);
    expectDefused(cardOf(replies[0]));
  });

  it('cuts a message over 28 KB to its first 28 KB, says so, and still answers from what it read', async () => {
    const filler = '\nPlease see the attached log.'.repeat(2000);
    const text = ndrFixture + filler;
    expect(text.length).toBeGreaterThan(28 * 1024);
    const replies = await bot.say(text);
    const card = cardOf(replies[0]);
    expect(cardProblems(card!)).toEqual([]);
    expect(cardText(card)).toContain('5.1.10');
    expect(texts(replies)).toContain(`Your message was ${Math.round(text.length / 1024)} KB; I read the first 28 KB of it.`);
  });

  it('does not say anything about a message just under the limit', async () => {
    const text = (ndrFixture + ' '.repeat(28 * 1024)).slice(0, 28 * 1024);
    const replies = await bot.say(text);
    expect(texts(replies)).not.toContain('I read the first 28 KB');
  });

  it('answers a 1 MB paste of noise with a card Teams accepts, not an error', async () => {
    const noise = `${PAYLOAD} Received: from a (b [1.2.3.4]) 550 5.1.1 <x@y.z>\n`.repeat(Math.ceil((1024 * 1024) / 120));
    const replies = await bot.say(noise.slice(0, 1024 * 1024));
    expect(replies.length).toBeGreaterThanOrEqual(2);
    const card = cardOf(replies[0]);
    if (card) {
      expectDefused(card);
      expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    }
    expect(texts(replies)).toContain('I read the first 28 KB of it.');
    expect(texts(replies)).not.toMatch(/something went wrong/i);
  });
});

describe('malformed requests to /api/messages', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot?.close();
  });

  const raw = async (body: string, contentType = 'application/json') => {
    const response = await fetch(`${bot.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': contentType }, body });
    return { status: response.status, body: await response.text() };
  };

  it.each([
    ['broken JSON', '{not json'],
    ['JSON null', 'null'],
    ['a JSON array', '[]'],
    ['an activity type that is not a string', '{"type":5}'],
    ['a message with no sender or conversation', '{"type":"message","text":5}'],
    ['a conversation that is a number', '{"type":"message","from":"x","conversation":7}'],
    ['an invoke with a string value', '{"type":"invoke","name":"adaptiveCard/action","value":"x"}'],
    ['deeply nested JSON', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`],
  ])('answers %s with a short error, never a stack trace or an internal message', async (_kind, body) => {
    const response = await raw(body);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.body).not.toMatch(/\bat \w|node_modules|\/work\/|\.ts:\d|<pre>|TypeError|Cannot read/);
    expect(response.body.length).toBeLessThan(200);
  });

  it('refuses a body over the size limit without reading it all', async () => {
    const response = await raw(JSON.stringify({ type: 'message', text: 'x'.repeat(5 * 1024 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.body).not.toMatch(/node_modules|<pre>/);
  });

  it.each([['__proto__'], ['constructor'], ['toString'], ['hasOwnProperty']])('answers a card action with the verb %s as an unknown button', async (verb) => {
    const response = await bot.post(executeInvoke(bot.connector.url, { userId: '29:alex', aadObjectId: null, name: 'Alex' }, verb, {}));
    expect(response.status).toBe(200);
    expect(invokeAnswer(response.body).text).toBe(`This button (${verb}) is not something I know how to do.`);
  });

  it.each([
    ['a string', 'x'],
    ['an array', ['a', 'b']],
    ['null', null],
    ['an object with a poisoned prototype', JSON.parse('{"__proto__":{"tenantId":"x"},"requestId":{"$gt":""}}')],
  ])('answers a quarantine button whose data is %s without failing', async (_kind, data) => {
    const response = await bot.post(executeInvoke(bot.connector.url, { userId: '29:alex', aadObjectId: null, name: 'Alex' }, 'quarantine.approve', data as never));
    expect(response.status).toBe(200);
    expect(JSON.stringify(response.body)).not.toMatch(/TypeError|node_modules/);
  });

  it('is still healthy afterwards', async () => {
    const [reply] = await bot.say('help');
    expect(cardText(cardOf(reply))).toContain('Here is what I can do');
  });
});
