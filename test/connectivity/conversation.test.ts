import type { CmdletRow, TestMailSource } from '../../src/diagnosis/connectivity';
import { failed, ok } from '../../src/model/result';
import type { TraceMessage } from '../../src/model/trace';
import { cardOf, cardText, DEMO_TENANT_ID, startBotHarness, type BotHarness } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { executeActions, executeInvoke, invokeAnswer } from '../quarantine/support/invoke';
import { labProber, startConnectivityLab, type ConnectivityLab } from './support/lab';

const TEST_MAILBOX = 'mailflow-test@contoso.com';

/**
 * Graph sendMail and message trace as the tenant behaves: a sent message shows up in trace only after a while
 * (here: from the second look on), Delivered, or Failed for a recipient the far side does not know.
 */
function fakeTenantMail() {
  const sent: { mailbox: string; to: string; subject: string; looks: number; at: string }[] = [];
  const source: TestMailSource = {
    async send(input) {
      if (input.mailbox !== TEST_MAILBOX) return failed('403 ErrorAccessDenied: Access to OData is disabled (application access policy)');
      sent.push({ ...input, looks: 0, at: new Date().toISOString() });
      return ok(undefined);
    },
    async findTrace(input) {
      const message = sent.find((candidate) => candidate.to === input.recipient && candidate.subject.includes(input.subjectContains));
      if (!message) return ok([]);
      message.looks += 1;
      if (message.looks < 2) return ok([]);
      const row: TraceMessage = {
        id: 'c1d2e3f4-5678-49ab-9cde-0123456789ab', senderAddress: message.mailbox, recipientAddress: message.to,
        messageId: '<DM6PR11MB1234ABCD@DM6PR11MB1234.namprd11.prod.outlook.com>', receivedDateTime: message.at, subject: message.subject,
        size: 4096, fromIP: '', toIP: '198.51.100.7', status: message.to.startsWith('ghost@') ? 'Failed' : 'Delivered',
      };
      return ok([row]);
    },
    async explainFailure(message) {
      return ok([`The remote server rejected ${message.recipient}: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup.`]);
    },
  };
  return { source, sent };
}

const HYBRID: CmdletRow = {
  Name: 'Outbound to 6d2b1f1e-hybrid', Enabled: true, ConnectorType: 'OnPremises', SmartHosts: ['mail.contoso.com'],
  UseMXRecord: false, TlsSettings: 'DomainValidation', TlsDomain: 'mail.contoso.com', RecipientDomains: ['contoso.mail.onmicrosoft.com'],
};

describe('connectivity tests from the chat', () => {
  let lab: ConnectivityLab;
  let bot: BotHarness;
  const mail = fakeTenantMail();
  beforeAll(async () => {
    lab = await startConnectivityLab();
    bot = await startBotHarness({
      env: {
        DNS_SERVERS: lab.dns.address, SMTP_PORT: String(lab.port), SMTP_ALLOW_PRIVATE_TARGETS: 'true', BLOCKLISTS: 'bl.lab.test,dnsbl.lab.test',
        TEST_MAILBOX, TEST_MESSAGE_WAIT_SECONDS: '0',
      },
      services: (_config, base) => ({
        ...base,
        connectivity: {
          // The lab's private CA stands in for the public roots a production server chains to.
          smtp: labProber(lab),
          tenant: (tenantId) =>
            tenantId === DEMO_TENANT_ID
              ? { connectors: { run: async (cmdlet) => ok(cmdlet === 'Get-OutboundConnector' ? [HYBRID] : []) }, testMail: mail.source }
              : null,
        },
      }),
    });
  });
  afterAll(async () => {
    await bot?.close();
    await lab?.close();
  });

  const ALEX = { userId: '29:alex', aadObjectId: null, name: 'Alex' };
  /** Clicks the card's first Action.Execute ("Check again") and returns what the invoke answered. */
  const checkAgain = async (card: Record<string, any>) => {
    const [check] = executeActions(card);
    return invokeAnswer((await bot.post(executeInvoke(bot.connector.url, ALEX, check.verb, check.data))).body);
  };

  it('"test inbound mail to contoso.com" answers with the connectivity card of both MX hosts', async () => {
    const [reply] = await bot.say('test inbound mail to contoso.com');
    const card = cardOf(reply);
    expect(card).toBeDefined();
    expect(cardProblems(card!)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('Inbound SMTP test: contoso.com');
    expect(text).toContain('mx1.contoso.com (MX 10)');
    expect(text).toContain('mx2.contoso.com (MX 20)');
    expect(text).toMatch(/certificate expires in 9 days/);
    expect(text).toContain('offered and negotiated');
    expect(text).toMatch(/postmaster@contoso\.com: accepted \(250/);
    expect(text).toContain('no message was sent');
    expect(lab.servers['mx1.contoso.com'].seen.dataCommands).toBe(0);
  });

  it('tests the named recipient and shows the server\'s refusal', async () => {
    const [reply] = await bot.say('test inbound mail to ghost@northwind.net');
    const text = cardText(cardOf(reply));
    expect(text).toContain('Mail to northwind.net is likely to fail');
    expect(text).toContain('550 5.1.10 RESOLVER.ADR.RecipientNotFound');
  });

  it('"is 203.0.113.77 blocklisted?" answers with the blocklists and reverse DNS', async () => {
    const [reply] = await bot.say('is our outbound IP 203.0.113.77 blocklisted?');
    const card = cardOf(reply);
    expect(cardProblems(card!)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('Sending IP check: 203.0.113.77');
    expect(text).toMatch(/listed on bl\.lab\.test \(127\.0\.0\.2\)/);
    expect(text).toContain('host77.dsl.isp.example');
  });

  it('"check the hybrid connector certificate" connects to the smart host and says when it expires', async () => {
    const [reply] = await bot.say('check the hybrid connector certificate');
    const card = cardOf(reply);
    expect(cardProblems(card!)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('Outbound to 6d2b1f1e-hybrid (OnPremises)');
    expect(text).toMatch(/Smart host mail\.contoso\.com .*certificate expires in 9 days/);
    expect(text).toContain('DomainValidation');
  });

  it('"send a test message to …" posts a Sent card that turns Delivered in place', async () => {
    const [reply] = await bot.say('send a test message to partner@northwind.net and tell me when it arrives');
    const card = cardOf(reply)!;
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toContain('Sent, waiting for message trace');
    expect(mail.sent.map((message) => [message.mailbox, message.to])).toEqual([[TEST_MAILBOX, 'partner@northwind.net']]);
    expect(card.refresh?.userIds).toEqual(['29:alex']);
    expect(executeActions(card).map((action) => action.title)).toEqual(['Check again']);

    // First look: trace does not show it yet; the card stays "Sent".
    const first = await checkAgain(card);
    expect(first.type).toBe('card');
    expect(cardText(first.card)).toContain('Sent, waiting for message trace');

    // Second look: Delivered, and nothing left to refresh.
    const second = await checkAgain(first.card!);
    expect(cardProblems(second.card!)).toEqual([]);
    expect(cardText(second.card)).toContain('Delivered');
    expect(cardText(second.card)).toContain('Trace status\ndelivered');
    expect(second.card?.refresh).toBeUndefined();
    expect(executeActions(second.card)).toEqual([]);
  });

  it('a failing test message ends Failed, with the reason from message trace', async () => {
    const [reply] = await bot.say('send a test message to ghost@northwind.net');
    let card = cardOf(reply)!;
    for (let look = 0; look < 2; look += 1) card = (await checkAgain(card)).card!;
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('Failed');
    expect(text).toContain('Why it failed');
    expect(text).toContain('550 5.1.10 RESOLVER.ADR.RecipientNotFound');
    expect(text).toContain('Why did it fail?');
  });

  it('answers a tenant that is not connected to this bot without reading anything', async () => {
    const other = { tenantId: '99999999-9999-4999-8999-999999999999' };
    const [connectors] = await bot.say('check the hybrid connector certificate', other);
    expect(connectors.activity.text).toMatch(/Connector checks need the Microsoft 365 tenant connection/);
    const before = mail.sent.length;
    const [message] = await bot.say('send a test message to partner@northwind.net', other);
    expect(message.activity.text).toMatch(/Test messages need a test mailbox/);
    expect(mail.sent).toHaveLength(before);
  });

  it('asks for what it needs when the question names no target', async () => {
    const [smtp] = await bot.say('run an inbound SMTP test');
    const [ip] = await bot.say('is our outbound IP blocklisted?');
    expect(smtp.activity.text).toMatch(/^Which domain should I test\?/);
    expect(ip.activity.text).toMatch(/^Which sending IP should I check\?/);
  });

  it('refuses a tampered test message card', async () => {
    const response = await bot.post(executeInvoke(bot.connector.url, ALEX, 'connectivity.test-message.status', { tag: 'x', mailbox: 'evil@example.com' }));
    expect(invokeAnswer(response.body)).toMatchObject({ type: 'message', text: expect.stringContaining('damaged') });
  });
});
