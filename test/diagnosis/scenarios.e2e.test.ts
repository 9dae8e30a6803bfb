import { startDemoStack, type DemoStack } from '../../src/demo/stack';
import { cardOf, cardText, startBotHarness, type BotHarness } from '../support/bot-harness';
import { cardProblems } from '../support/cards';
import { runCli } from '../support/cli';

/**
 * The demo tenant's ten situations (src/emulator/scenarios/contoso-demo.json with src/emulator/dns/demo-zones.ts),
 * each asked the way a helpdesk engineer would, through /api/messages and through `mailflow-doctor ask`.
 */
const SCENARIOS: readonly { name: string; ask: string; layer: string; rootCause: RegExp; evidence: RegExp }[] = [
  { name: '1 recipient not found (a typo)', ask: 'why did mail to bob.smtih@contoso.com bounce?', layer: 'recipient', rootCause: /did you mean bob\.smith@contoso\.com/, evidence: /5\.1\.10/ },
  { name: '2 outbound DMARC rejection', ask: 'why are emails from news@contoso.com to adatum.com bouncing?', layer: 'dmarc', rootCause: /contoso\.com's DMARC check failed \(5\.7\.509\)/, evidence: /v=spf1/ },
  { name: '3 two SPF records: inbound junked', ask: 'why did mail from invoices@fabrikam.com to megan.bowen@contoso.com go to junk?', layer: 'spf', rootCause: /fabrikam\.com's SPF is broken.*permerror/, evidence: /spf\.multiple-records/ },
  { name: '4 a mail flow rule rejects', ask: 'mail from vendor@tailspintoys.com to ap@contoso.com bounced', layer: 'transport-rule', rootCause: /"Block wire transfer requests from outside" rejected/, evidence: /Rule "Block wire transfer requests from outside"/ },
  { name: '5 quarantined as phish', ask: 'did jane.doe@contoso.com get the invoice from billing@litware.com?', layer: 'quarantine', rootCause: /quarantined as phishing/, evidence: /Quarantine: /i },
  { name: '6 delayed: the partner refuses connections', ask: 'why is mail from alex.wilber@contoso.com to orders@northwind.net delayed?', layer: 'health', rootCause: /mail\.northwind\.net refuses connections \(4\.4\.316\)/, evidence: /Defer/ },
  { name: '7 hybrid connector certificate', ask: 'mail from megan.bowen@contoso.com to pat.kim@onprem.contoso.com bounced', layer: 'connector', rootCause: /outbound connector "Outbound to on-premises \(Hybrid\)"/, evidence: /certificate/ },
  { name: '8 an active incident', ask: 'why is mail from alerts@adventure-works.com to jane.doe@contoso.com late?', layer: 'health', rootCause: /EX1187342/, evidence: /Service health EX1187342/ },
  { name: '9 mailbox full', ask: 'why did mail to lidia.holloway@contoso.com bounce?', layer: 'mailbox', rootCause: /mailbox is full/, evidence: /5\.2\.2/ },
  { name: '10 delivered to Junk Email', ask: 'why did mail from deals@wingtiptoys.com to megan.bowen@contoso.com go to junk?', layer: 'delivered', rootCause: /Junk Email folder \(SCL 6, BCL 7\)/, evidence: /BCL\) 7/ },
];

const LABELS: Record<string, string> = {
  recipient: 'Recipient', dmarc: 'DMARC', spf: 'SPF', 'transport-rule': 'Mail flow rule', quarantine: 'Quarantine', health: 'Service health',
  connector: 'Connector', mailbox: 'Mailbox', delivered: 'Delivered',
};

describe('"why did mail to X bounce?" in the demo tenant', () => {
  let stack: DemoStack;
  let bot: BotHarness;
  beforeAll(async () => {
    stack = await startDemoStack({ storage: false });
    bot = await startBotHarness({ env: stack.env, services: (_config, base) => ({ ...base, fetchMtaStsPolicy: stack.mtaStsPolicies }) });
  });
  afterAll(async () => {
    await bot?.close();
    await stack?.close();
  });

  describe.each(SCENARIOS)('$name', (scenario) => {
    it('through /api/messages: the card names the layer, the root cause and the evidence', async () => {
      const replies = await bot.say(scenario.ask);
      const card = cardOf(replies[replies.length - 1]);
      expect(card).toBeDefined();
      expect(cardProblems(card!)).toEqual([]);
      const text = cardText(card);
      expect(text).toMatch(scenario.rootCause);
      expect(text).toMatch(scenario.evidence);
      expect(card!.body.find((block: { type: string }) => block.type === 'FactSet').facts[0]).toEqual({ title: 'Layer', value: LABELS[scenario.layer] });
    });

    it('through `mailflow-doctor ask --tenant demo`: the same finding as JSON', async () => {
      const output = await runCli(['ask', '--tenant', 'demo', '--format', 'json', scenario.ask]);
      expect(output.code).toBe(0);
      const { intent, result } = JSON.parse(output.stdout) as { intent: string; result: { layer: string; rootCause: string; evidence: { fact: string }[] } };
      expect(intent).toBe('trace');
      expect(result.layer).toBe(scenario.layer);
      expect(result.rootCause).toMatch(scenario.rootCause);
      expect(result.evidence.map((item) => item.fact).join('\n')).toMatch(scenario.evidence);
    });
  });

  it('the quarantined message offers "Request release", which asks the quarantine capability', async () => {
    const replies = await bot.say('did jane.doe@contoso.com get the invoice from billing@litware.com?');
    const actions = (cardOf(replies[replies.length - 1])?.actions ?? []) as { title: string; data: { msteams: { value: string } } }[];
    const release = actions.find((action) => action.title === 'Request release');
    expect(release?.data.msteams.value).toMatch(/^release \S+/);
  });

  it('costs one Graph call for the trace list plus one per message examined (service health is read once a minute)', async () => {
    // A bot of its own, so that no answer is already in the message-trace cache of the bot above.
    const fresh = await startBotHarness({ env: stack.env });
    try {
      await fresh.say('why did mail to lidia.holloway@contoso.com bounce?');
      const graphCalls = () => stack.emulator.requests.filter((request) => request.route.startsWith('graph.')).length;
      const before = graphCalls();
      const replies = await fresh.say('why did mail to bob.smtih@contoso.com bounce?');
      const facts = cardOf(replies[replies.length - 1])!.body.find((block: { type: string }) => block.type === 'FactSet').facts;
      const examined = Number(facts[2].value);
      expect(examined).toBeGreaterThan(0);
      expect(graphCalls() - before).toBe(1 + examined);
    } finally {
      await fresh.close();
    }
  });

  it('degraded: with message trace forbidden, the card still comes and says which source failed', async () => {
    stack.emulator.faults.set('graph.messageTraces', { kind: 'status', status: 403 });
    try {
      const replies = await bot.say('why did mail to ops@northwind.net bounce?');
      const text = cardText(cardOf(replies[replies.length - 1]));
      expect(text).toMatch(/could not read message trace/i);
      expect(text).toMatch(/Some sources could not be read/);
    } finally {
      stack.emulator.faults.clear('graph.messageTraces');
    }
  });
});

describe('a slow answer', () => {
  it('posts "Looking into it" at once and updates that card in place with the answer', async () => {
    const stack = await startDemoStack({ storage: false });
    const bot = await startBotHarness({ env: stack.env, placeholderAfterMs: 100 });
    try {
      stack.emulator.faults.set('graph.messageTraces', { kind: 'latency', ms: 800 });
      const replies = await bot.say('why did mail to lidia.holloway@contoso.com bounce?');
      expect(replies.map((reply) => reply.method)).toEqual(['POST', 'PUT']);
      expect(cardText(cardOf(replies[0]))).toContain('Looking into it');
      expect(replies[1].path).toMatch(/\/activities\/activity-\d+$/);
      expect(cardText(cardOf(replies[1]))).toMatch(/mailbox is full/);
    } finally {
      await bot.close();
      await stack.close();
    }
  });
});

