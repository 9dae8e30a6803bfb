import { demoScenario, DEMO_TENANT, startM365Emulator, type M365Emulator } from '../../src/emulator/m365';
import { detailKey } from '../../src/emulator/m365/state';
import { cardOf, cardText, startBotHarness, type BotHarness } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { executeActions, executeInvoke, invokeAnswer } from '../quarantine/support/invoke';
import { labProber, startConnectivityLab, type ConnectivityLab } from './support/lab';

/**
 * The whole path with nothing faked but Teams and the internet: the real composition from environment variables,
 * the Exchange admin client and Graph against the Microsoft 365 emulator (connectors, sendMail, message trace), and
 * the demo tenant's hybrid smart host as a real SMTP server on loopback.
 */
const ALEX = { userId: '29:alex', aadObjectId: '00000000-0000-0000-0000-00000000a1e0', name: 'Alex Wilber' };
const TEST_MAILBOX = 'it.admin@contoso.com';

describe('connectivity against the Microsoft 365 emulator', () => {
  let lab: ConnectivityLab;
  let emulator: M365Emulator;
  let bot: BotHarness;
  beforeAll(async () => {
    lab = await startConnectivityLab();
    const scenario = demoScenario();
    // Trace ingestion takes minutes in Exchange Online; a second keeps the test short and still asynchronous.
    scenario.limits.sendMailTraceDelaySeconds = 1;
    emulator = await startM365Emulator({ scenarios: [scenario] });
    bot = await startBotHarness({
      env: {
        ...emulator.envFor(DEMO_TENANT.id),
        DNS_SERVERS: lab.dns.address, SMTP_PORT: String(lab.port), SMTP_ALLOW_PRIVATE_TARGETS: 'true', BLOCKLISTS: 'bl.lab.test',
        TEST_MAILBOX, TEST_MESSAGE_WAIT_SECONDS: '0',
      },
      services: (_config, base) => ({
        ...base,
        // The lab's private CA stands in for the public roots a production smart host chains to.
        connectivity: { ...base.connectivity, smtp: labProber(lab) },
      }),
    });
  });
  afterAll(async () => {
    await bot?.close();
    await emulator?.close();
    await lab?.close();
  });

  const say = (text: string) => bot.say(text, { tenantId: DEMO_TENANT.id, from: { id: ALEX.userId, name: ALEX.name, aadObjectId: ALEX.aadObjectId } });
  const click = async (card: Record<string, any>) => {
    const [check] = executeActions(card);
    const response = await bot.post(executeInvoke(bot.connector.url, ALEX, check.verb, check.data, { tenantId: DEMO_TENANT.id, conversationId: `a:personal-${ALEX.userId}` }));
    return invokeAnswer(response.body);
  };
  /** Clicks "Check again" until the card reaches a final status (bounded: trace shows the message after ~1 s). */
  async function untilFinal(card: Record<string, any>): Promise<Record<string, any>> {
    for (let attempt = 0; attempt < 40 && executeActions(card).length > 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const answer = await click(card);
      if (!answer.card) throw new Error(`no card: ${answer.text}`);
      card = answer.card;
    }
    return card;
  }

  it('reads the hybrid connector from Exchange and reports the smart host certificate expiring in 9 days', async () => {
    const [reply] = await say('check the hybrid connector certificate');
    const card = cardOf(reply);
    expect(card).toBeDefined();
    expect(cardProblems(card!)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('Outbound to on-premises (Hybrid) (OnPremises)');
    expect(text).toMatch(/Smart host mail\.onprem\.contoso\.com .*certificate expires in 9 days/);
    expect(text).toContain('Inbound from on-premises (Hybrid)');
    expect(emulator.count('exo.Get-OutboundConnector')).toBeGreaterThanOrEqual(1);
    expect(lab.servers['mail.onprem.contoso.com'].seen.connections).toBeGreaterThanOrEqual(1);
  });

  it('sends a tagged test message with Graph sendMail and the card goes from Sent to Delivered', async () => {
    const [reply] = await say('send a test message to partner@northwind.net and tell me when it arrives');
    const card = cardOf(reply)!;
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('Sent, waiting for message trace');
    const sent = emulator.tenant(DEMO_TENANT.id).sentMail;
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ from: TEST_MAILBOX, to: ['partner@northwind.net'] });
    expect(sent[0].subject).toMatch(/^Mailflow Doctor test message MFD-[0-9A-F]{10}$/);

    const final = await untilFinal(card);
    expect(cardProblems(final)).toEqual([]);
    expect(cardText(final)).toContain('Delivered');
    expect(cardText(final)).toContain(sent[0].subject);
    expect(emulator.count('graph.messageTraces')).toBeGreaterThanOrEqual(2);
  });

  it('a test message that fails ends Failed, with the diagnosis of why', async () => {
    const [reply] = await say('send a test message to ghost@northwind.net');
    const card = cardOf(reply)!;
    // The far side refuses the recipient: the scenario's trace turns this message into a 550 5.1.10 failure.
    const state = emulator.tenant(DEMO_TENANT.id);
    const index = state.traces.findIndex((row) => row.recipientAddress === 'ghost@northwind.net');
    const row = state.traces[index];
    state.traces[index] = { ...row, status: 'failed' };
    state.details.set(detailKey(row.id, row.recipientAddress), [
      { id: row.id, messageId: row.messageId, dateTime: row.receivedDateTime, event: 'Submit', action: '', description: 'The message was submitted.', data: '' },
      {
        id: row.id, messageId: row.messageId, dateTime: row.receivedDateTime, event: 'Fail', action: '',
        description: 'Reason: [{LED=550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup};{MSG=};{FQDN=mx.northwind.net};{IP=198.51.100.7};{LRT=}];',
        data: '<root><MEP Name="ReturnCode" String="550" /></root>',
      },
    ]);
    const final = await untilFinal(card);
    expect(cardProblems(final)).toEqual([]);
    const text = cardText(final);
    expect(text).toContain('Failed');
    expect(text).toContain('Why it failed');
    // The runbook's own words: the root cause names the code, and next steps follow.
    expect(text).toMatch(/ghost@northwind\.net.*5\.1\.10/);
    expect(text).toContain('Next: ');
  });
});
