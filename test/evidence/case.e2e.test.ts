import { DEMO_PEOPLE } from '../../src/demo/people';
import { startDemoStack, type DemoStack } from '../../src/demo/stack';
import type { CaseRecord } from '../../src/evidence';
import { startAzurite, type RunningAzurite } from '../../src/sources/storage';
import { cardOf, startBotHarness, type BotHarness } from '../support/bot-harness';
import { runCli } from '../support/cli';
import { executeActions } from '../quarantine/support/invoke';
import { CHANNEL, EXPORT_KEY, exportButton, lastCard, MENTION, pressButton, ticketText } from './support';

const run = runCli;

const DANA = { id: '29:dana', name: DEMO_PEOPLE.dana.name, aadObjectId: DEMO_PEOPLE.dana.aadObjectId };
const DEMO = '11111111-1111-4111-8111-111111111111';

describe('a case: the questions, findings, actions and approvals of one conversation, kept in Azure Table storage', () => {
  let stack: DemoStack;
  let azurite: RunningAzurite;
  let bot: BotHarness;
  const conversationId = `${CHANNEL};messageid=case-1`;
  const inChannel = { conversationId, conversationType: 'channel' as const, extra: { entities: [MENTION] } as never };

  beforeAll(async () => {
    [stack, azurite] = await Promise.all([startDemoStack({ storage: false }), startAzurite({ inMemory: true })]);
    bot = await startBotHarness({ env: { ...stack.env, STORAGE_CONNECTION_STRING: azurite.connectionString, EXPORT_SIGNING_KEY: EXPORT_KEY } });
  }, 90_000);
  afterAll(async () => {
    await bot?.close();
    await Promise.allSettled([stack?.close(), azurite?.stop()]);
  }, 30_000);

  it('`mailflow-doctor case CASE-ID` prints what was asked, found and done, with the release approval from the audit log', async () => {
    const diagnosis = lastCard(await bot.say('<at>Mailflow Doctor</at> why did mail to lidia.holloway@contoso.com bounce?', inChannel))!;
    const caseId = /CASE-\d{8}-\w{6}/.exec(ticketText(diagnosis) ?? '')?.[0];
    expect(caseId).toBeDefined();
    const exported = await bot.post(pressButton(bot.connector.url, 'evidence.exportTrace', exportButton(diagnosis)!, { conversationId, kind: 'channel' }));
    expect(JSON.stringify(exported.body)).toMatch(/\/exports\//);

    const list = cardOf((await bot.say('<at>Mailflow Doctor</at> anything quarantined from billing@litware.com?', inChannel))[0])!;
    expect(ticketText(list)).toContain(caseId);
    const request = executeActions(list).find((action) => action.verb === 'quarantine.request')!;
    const requested = await bot.post(pressButton(bot.connector.url, 'quarantine.request', { ...request.data, reason0: 'invoice from our supplier' }, { conversationId, kind: 'channel' }));
    const approval = (requested.body as { value: Record<string, any> }).value;
    const requestId = String(approval.refresh.action.data.requestId);
    const approved = await bot.post(pressButton(bot.connector.url, 'quarantine.approve', { requestId, tenantId: DEMO }, { from: DANA, conversationId, kind: 'channel' }));
    expect(JSON.stringify(approved.body)).toMatch(/Released by Dana Kim/);

    const result = await run(['case', caseId!.toLowerCase()], { STORAGE_CONNECTION_STRING: azurite.connectionString });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout) as CaseRecord;
    expect(record.caseId).toBe(caseId);
    expect(record.tenantId).toBe(DEMO);
    expect(record.questions.map((question) => question.intent)).toEqual(['trace', 'quarantine_list']);
    expect(record.questions[0]).toMatchObject({ who: { userId: '29:alex', name: 'Alex Wilber' }, text: expect.stringContaining('lidia.holloway@contoso.com') });
    expect(record.questions[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(record.findings[0]).toMatchObject({ intent: 'trace', layer: 'mailbox', rootCause: expect.stringMatching(/mailbox is full/) });
    expect(record.findings[1]).toMatchObject({ intent: 'quarantine_list' });
    expect(record.actions.map((action) => action.verb)).toEqual(['evidence.exportTrace', 'quarantine.request', 'quarantine.approve']);
    expect(record.actions[1].refs.identity).toBe(request.data.identity);
    expect(record.actions[2]).toMatchObject({ who: { userId: '29:dana' }, refs: { requestId } });
    expect(record.approvals.map((entry) => entry.event)).toEqual(['requested', 'approved', 'released']);
    expect(record.approvals[1]).toMatchObject({ requestId, actor: { name: 'Dana Kim' } });
  });

  it('says so in one line for a case that does not exist, or a string that is not a case id', async () => {
    const missing = await run(['case', 'CASE-20200101-ABCDEF'], { STORAGE_CONNECTION_STRING: azurite.connectionString });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no case CASE-20200101-ABCDEF/);
    const malformed = await run(['case', 'TICKET-1'], { STORAGE_CONNECTION_STRING: azurite.connectionString });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/not a case id/);
  });

  it('without storage configured, says where the case log lives', async () => {
    const result = await run(['case', 'CASE-20200101-ABCDEF'], { STORAGE_CONNECTION_STRING: undefined, STORAGE_ACCOUNT_URL: undefined });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/STORAGE_CONNECTION_STRING/);
  });
});
