import { DEMO_TENANT, type M365Emulator } from '../../src/emulator/m365';
import { cardOf, cardText, startBotHarness, type BotHarness } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { executeInvoke, invokeAnswer } from '../quarantine/support/invoke';
import { FOREIGN_TENANT, LogCapture, MENTION, startEmulatedTenantBot } from './support';

const REFUSAL = 'This organisation is not served by this Mailflow Doctor';
const QUARANTINED = '9f3c2a10-5b7d-4e2f-a1c3-08de1f2a3b4c\\7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const HELPDESK = { userId: '29:it-admin', aadObjectId: '1a0d0000-0000-4000-8000-000000000009', name: 'IT Admin' };

describe('a tenant that is not configured talks to the bot', () => {
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
  beforeEach(() => {
    emulator.resetCounters();
    log.clear();
  });

  const refusalLogLines = () => log.records().filter((record) => String(record.msg).includes('tenant this bot does not serve'));

  it('serves the configured tenant (the control case): the trace reaches message trace', async () => {
    const [reply] = await bot.say('why did mail to bob.smtih@contoso.com bounce?');
    expect(cardText(cardOf(reply))).not.toContain(REFUSAL);
    expect(emulator.count('graph.messageTraces')).toBeGreaterThan(0);
  });

  it.each([
    ['a delivery question', 'why did mail to bob.smtih@contoso.com bounce?'],
    ['a service health question', 'is exchange down?'],
    ['a quarantine question', 'anything quarantined from billing@litware.com?'],
    ['a test message', 'send a test message to bob.smith@contoso.com'],
    ['a pasted NDR (no tenant data needed, still refused)', 'Remote Server returned \'550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\''],
  ])('%s gets the refusal card, a log line and no Graph or Exchange call', async (_situation, text) => {
    const replies = await bot.say(text, { tenantId: FOREIGN_TENANT });
    expect(replies).toHaveLength(1);
    const card = cardOf(replies[0]);
    expect(card).toBeDefined();
    expect(cardProblems(card!)).toEqual([]);
    expect(cardText(card)).toContain(REFUSAL);
    expect(cardText(card)).toContain(FOREIGN_TENANT);
    expect(emulator.requests).toEqual([]);
    const lines = refusalLogLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, tenantId: FOREIGN_TENANT });
  });

  it('refuses a channel message whose tenant is only in channelData', async () => {
    const replies = await bot.say('<at>Mailflow Doctor</at> is exchange down?', {
      tenantId: FOREIGN_TENANT, conversationType: 'channel',
      extra: {
        entities: [MENTION],
        conversation: { id: '19:foreign@thread.tacv2', conversationType: 'channel', isGroup: true, name: '' },
      } as never,
    });
    expect(cardText(cardOf(replies[0]))).toContain(REFUSAL);
    expect(emulator.requests).toEqual([]);
  });

  it('refuses an activity that names no tenant at all (another channel than Teams)', async () => {
    const replies = await bot.say('is exchange down?', { extra: { conversation: { id: 'a:webchat', conversationType: 'personal', isGroup: false, name: '' }, channelData: {} } as never });
    expect(cardText(cardOf(replies[0]))).toContain(REFUSAL);
    expect(emulator.requests).toEqual([]);
  });

  it('refuses a card action (quarantine approval) from a foreign tenant, without calling Exchange', async () => {
    const response = await bot.post(
      executeInvoke(bot.connector.url, HELPDESK, 'quarantine.request', { identity: QUARANTINED, tenantId: FOREIGN_TENANT, reasonField: 'reason0', reason0: 'let me in' }, { tenantId: FOREIGN_TENANT }),
    );
    expect(response.status).toBe(200);
    const answer = invokeAnswer(response.body);
    expect(cardText(answer.card)).toContain(REFUSAL);
    expect(emulator.requests).toEqual([]);
    expect(refusalLogLines()).toEqual([expect.objectContaining({ tenantId: FOREIGN_TENANT, verb: 'quarantine.request' })]);
  });

  it('refuses a card action from the served tenant whose data names a foreign tenant (forged card data)', async () => {
    const response = await bot.post(
      executeInvoke(bot.connector.url, HELPDESK, 'quarantine.approve', { requestId: 'forged', tenantId: FOREIGN_TENANT }, { tenantId: DEMO_TENANT.id }),
    );
    expect(cardText(invokeAnswer(response.body).card)).toContain(REFUSAL);
    expect(emulator.requests).toEqual([]);
  });

  it('treats tenant ids case-insensitively, as Entra does', async () => {
    const [reply] = await bot.say('is exchange down?', { tenantId: DEMO_TENANT.id.toUpperCase() });
    expect(cardText(cardOf(reply))).not.toContain(REFUSAL);
  });
});

describe('ALLOWED_TENANT_IDS', () => {
  const ALLOWED = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness({ env: { ALLOWED_TENANT_IDS: ` ${ALLOWED} ,` } });
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('serves a listed tenant without credentials (pasted NDRs and DNS checks need none)', async () => {
    const [reply] = await bot.say('help', { tenantId: ALLOWED });
    expect(cardText(cardOf(reply))).toContain('Here is what I can do');
  });

  it('refuses every other tenant', async () => {
    const [reply] = await bot.say('help', { tenantId: FOREIGN_TENANT });
    expect(cardText(cardOf(reply))).toContain(REFUSAL);
  });

  it('a card action from another tenant is refused too', async () => {
    const response = await bot.post(executeInvoke(bot.connector.url, HELPDESK, 'quarantine.approve', { requestId: 'x' }, { tenantId: FOREIGN_TENANT }));
    expect(cardText(invokeAnswer(response.body).card)).toContain(REFUSAL);
  });
});

describe('no tenant configured and no allow list (local, paste-only use)', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('serves any conversation: there is nothing tenant-specific to protect', async () => {
    const [reply] = await bot.say('help', { tenantId: FOREIGN_TENANT });
    expect(cardText(cardOf(reply))).toContain('Here is what I can do');
  });
});
