import { demoScenario, startM365Emulator, DEMO_TENANT, type M365Emulator } from '../../src/emulator/m365';
import { cardOf, cardText, startBotHarness, type BotHarness } from '../support/bot-harness';
import { cardProblems } from '../support/cards';

describe('"is Exchange down?" in Teams, against the emulated contoso.com', () => {
  let emulator: M365Emulator;
  let bot: BotHarness;
  beforeAll(async () => {
    emulator = await startM365Emulator({ scenarios: [demoScenario()] });
    bot = await startBotHarness({ env: emulator.envFor(DEMO_TENANT.id) });
  });
  afterAll(async () => {
    await bot?.close();
    await emulator?.close();
  });
  beforeEach(() => {
    emulator.faults.clear();
    emulator.resetCounters();
  });

  it('leads with the active mail-flow incident and its ID, and keeps unrelated items apart', async () => {
    const [reply] = await bot.say('is exchange down?');
    const card = cardOf(reply);
    expect(card).toBeDefined();
    expect(cardProblems(card!)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('incident EX1187342 is affecting Exchange Online mail flow');
    expect(text).toContain('Some users may experience delays receiving email from external senders');
    expect(text).toContain('Service degradation');
    expect(text).toContain("rolling it back");
    // the search advisory is listed, but not as a mail-flow problem; resolved and other-service items are not shown
    expect(text).toContain('Other open Exchange Online items');
    expect(text).toContain('EX1189001');
    expect(text).not.toContain('EX1179905');
    expect(text).not.toContain('MO1190033');
    expect(emulator.count('graph.healthOverviews')).toBe(1); // one Graph request: the overview with its issues expanded
    expect(emulator.count('graph.issues')).toBe(0);
  });

  it('says plainly when nothing affects mail flow', async () => {
    const tenant = emulator.tenant(DEMO_TENANT.id);
    const saved = tenant.healthIssues.splice(0, tenant.healthIssues.length);
    try {
      const [reply] = await bot.say('is exchange down?');
      expect(cardText(cardOf(reply))).toContain('No: Microsoft reports no open incident or advisory affecting Exchange Online mail flow.');
    } finally {
      tenant.healthIssues.push(...saved);
    }
  });

  it('an advisory about mail flow is shown as such, without claiming an outage', async () => {
    const tenant = emulator.tenant(DEMO_TENANT.id);
    const incident = tenant.healthIssues.find((issue) => issue.id === 'EX1187342')!;
    incident.classification = 'advisory';
    try {
      const [reply] = await bot.say('is exchange down?');
      const card = cardOf(reply)!;
      expect(cardProblems(card)).toEqual([]);
      expect(cardText(card)).toContain('Exchange Online is up, with advisory EX1187342 about mail flow.');
    } finally {
      incident.classification = 'incident';
    }
  });

  it('explains what to fix when service health cannot be read', async () => {
    emulator.faults.set('graph.healthOverviews', { kind: 'status', status: 429, retryAfter: 300 });
    const [reply] = await bot.say('is exchange down?');
    expect(reply.activity.text).toContain('I could not read Exchange Online service health');
    expect(reply.activity.text).toContain('throttling');
  });

  it('refuses a tenant that is not configured, without calling Microsoft 365', async () => {
    const [reply] = await bot.say('is exchange down?', { tenantId: '77777777-7777-4777-8777-777777777777' });
    // the bot layer or the handler may refuse; either way the person reads why, and nothing reached Microsoft 365
    const shown = cardOf(reply) ? cardText(cardOf(reply)) : String(reply.activity.text);
    expect(shown).toContain('not configured for Mailflow Doctor');
    expect(emulator.requests).toHaveLength(0);
  });
});
