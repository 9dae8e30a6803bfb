import { z } from 'zod';
import { escapeCardText } from '../../cards/escape';
import { fitsWithin, MAX_CARD_BYTES, renderCard, type AdaptiveCardJson } from '../../cards/render';
import {
  checkConnectors, checkSendingIp, checkTestMessage, expiryPhrase, followTestMessage, isFinal, sendTestMessage, testInboundSmtp,
  type ConnectivityDeps, type ConnectorReport, type InboundHostReport, type InboundSmtpReport, type SendingIpReport,
  type TestMailSource, type TestMessage, type Verdict,
} from '../../diagnosis/connectivity';
import type { CheckFinding } from '../../model/check-finding';
import type { ParsedRequest } from '../../model/intent';
import { cardReply, textReply, type Reply } from '../../model/reply';
import type { CertificateSummary, SmtpProbe } from '../../sources/smtp';
import type { ActionHandler } from '../actions';
import type { Handler } from '../handler';
import type { Services } from '../services';

/** A transcript line in a card is cut here; the whole transcript is in the reply's data (and the CLI's JSON). */
const TRANSCRIPT_LINE_CHARS = 160;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const ADDRESS = /^[^\s@<>"]{1,64}@(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export const CONNECTIVITY_VERBS = { testMessageStatus: 'connectivity.test-message.status' } as const;

const SEVERITY_LOOK: Record<CheckFinding['severity'], { icon: string; color: string }> = {
  error: { icon: '⛔', color: 'Attention' },
  warning: { icon: '⚠️', color: 'Warning' },
  info: { icon: 'ℹ️', color: 'Default' },
};
const VERDICT_LOOK: Record<Verdict, { icon: string; color: string }> = {
  pass: { icon: '✅', color: 'Good' },
  warning: { icon: '⚠️', color: 'Warning' },
  fail: { icon: '⛔', color: 'Attention' },
};

// ---------------------------------------------------------------------------------------------------------------
// Wiring

export function connectivityDeps(services: Services): ConnectivityDeps {
  return {
    dns: services.dns,
    smtp: services.connectivity.smtp,
    port: services.config.SMTP_PORT,
    blocklists: services.config.BLOCKLISTS,
    allowPrivateTargets: services.config.SMTP_ALLOW_PRIVATE_TARGETS,
    now: services.now,
  };
}

const domainPart = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** The domain to test and the recipient to try: "test inbound mail to bob@contoso.com" tests bob; a bare domain, postmaster. */
export function inboundTarget(request: ParsedRequest): { domain: string; recipient: string } | null {
  const recipient = [...request.recipients, ...request.senders].find((address) => ADDRESS.test(address));
  const domain = request.domains.find((candidate) => DOMAIN.test(candidate)) ?? (recipient ? domainPart(recipient) : undefined);
  if (!domain) return null;
  // RFC 5321 §4.5.1: every domain that takes mail must accept postmaster.
  const sameDomain = recipient && domainPart(recipient) === domain.toLowerCase() ? recipient : `postmaster@${domain.toLowerCase()}`;
  return { domain: domain.toLowerCase(), recipient: sameDomain };
}

// ---------------------------------------------------------------------------------------------------------------
// Shared card pieces

/**
 * How much detail a card carries: a report about many chatty servers must still fit Teams' 28 KB, so a card is
 * rendered at the richest level that fits (see `renderFitting`).
 */
interface Detail {
  readonly transcriptLines: number;
  readonly textChars: number;
}
const DETAIL_LEVELS: readonly Detail[] = [
  { transcriptLines: 30, textChars: 600 },
  { transcriptLines: 12, textChars: 300 },
  { transcriptLines: 0, textChars: 160 },
  { transcriptLines: 0, textChars: 80 },
];
/** Room left for the activity envelope around the card. */
const CARD_BUDGET_BYTES = MAX_CARD_BYTES - 2048;

export function renderFitting(name: string, build: (detail: Detail) => object): AdaptiveCardJson {
  let card: AdaptiveCardJson | undefined;
  for (const detail of DETAIL_LEVELS) {
    card = renderCard(name, build(detail));
    if (fitsWithin(card, CARD_BUDGET_BYTES)) return card;
  }
  return card!;
}

/** Findings with their fix; a fix repeated by the same code on another host is shown once. */
function findingRows(findings: readonly CheckFinding[], detail: Detail = DETAIL_LEVELS[0]) {
  const fixed = new Set<string>();
  return findings.map((finding) => {
    const showFix = Boolean(finding.fix) && !fixed.has(finding.code);
    fixed.add(finding.code);
    return {
      ...SEVERITY_LOOK[finding.severity],
      message: escapeCardText(finding.message, detail.textChars),
      fix: showFix ? escapeCardText(finding.fix ?? '', detail.textChars) : '',
      hasFix: showFix,
    };
  });
}

const fact = (title: string, value: string, max = 300) => ({ title, value: escapeCardText(value, max) });

function certificateFacts(certificate: CertificateSummary, expectedName: string): { title: string; value: string }[] {
  const names = certificate.altNames.length > 0 ? certificate.altNames.join(', ') : certificate.subject;
  return [
    fact('Certificate', names),
    fact('Name', certificate.nameMatches || certificate.altNames.some((name) => name.toLowerCase() === expectedName.toLowerCase()) ? `matches ${expectedName}` : `does not match ${expectedName}`),
    fact('Issuer', certificate.issuer || 'unknown'),
    fact('Chain', certificate.trusted ? 'trusted' : `not trusted (${certificate.selfSigned ? 'self-signed' : certificate.trustError ?? 'unknown'})`),
    fact('Expires', expiryPhrase(certificate)),
  ];
}

function probeFacts(probe: SmtpProbe, expectedName: string, max = 300): { title: string; value: string }[] {
  const fact = (title: string, value: string) => ({ title, value: escapeCardText(value, max) });
  const facts = [fact('Address', `${probe.address}:${probe.port}`)];
  if (probe.kind === 'unreachable') {
    facts.push(fact('Connection', `${probe.step === 'connect' ? 'could not connect' : 'no usable greeting'}: ${probe.reply ?? probe.error}`));
    return facts;
  }
  facts.push(fact('Banner', probe.banner));
  const { offered, negotiated, error } = probe.starttls;
  facts.push(fact('STARTTLS', !offered ? 'not offered' : negotiated ? 'offered and negotiated' : `offered, handshake failed: ${error ?? ''}`));
  if (probe.tls) facts.push(fact('TLS', [probe.tls.protocol, probe.tls.cipher].filter(Boolean).join(', ')));
  if (probe.tls?.certificate) facts.push(...certificateFacts(probe.tls.certificate, expectedName));
  if (probe.recipient) facts.push(fact('Recipient', `${probe.recipient.address}: ${probe.recipient.verdict} (${probe.recipient.reply})`));
  if (probe.extensions.length > 0) facts.push(fact('Extensions', probe.extensions.join(', ')));
  if (probe.error) facts.push(fact('Session', probe.error));
  return facts;
}

function transcriptText(probe: SmtpProbe | null, maxLines: number): string {
  if (!probe || probe.transcript.length === 0 || maxLines === 0) return '';
  const lines = probe.transcript.flatMap((line) =>
    line.text.split(/\r?\n/).map((text) => `${line.from === 'client' ? 'C:' : 'S:'} ${text.length > TRANSCRIPT_LINE_CHARS ? text.slice(0, TRANSCRIPT_LINE_CHARS) + '…' : text}`),
  );
  const shown = lines.slice(0, maxLines);
  if (lines.length > shown.length) shown.push(`… ${lines.length - shown.length} more lines`);
  return escapeCardText(shown.join('\n'), 6000);
}

const plainFindings = (findings: readonly CheckFinding[]): string[] =>
  findings.map((finding) => `- [${finding.severity}] ${finding.message}${finding.fix ? ` Fix: ${finding.fix}` : ''}`);

// ---------------------------------------------------------------------------------------------------------------
// Inbound SMTP

const SMTP_HEADLINES: Record<Verdict, (domain: string) => string> = {
  pass: (domain) => `Mail can reach ${domain}: every MX host answered, offered TLS and accepted the test recipient.`,
  warning: (domain) => `Mail can reach ${domain}, with warnings.`,
  fail: (domain) => `Mail to ${domain} is likely to fail or be delayed.`,
};

function hostHeading(host: InboundHostReport): string {
  const priority = host.priority === null ? 'no MX, A record' : `MX ${host.priority}`;
  return `${host.name} (${priority})`;
}

export function smtpCardData(report: InboundSmtpReport, detail: Detail = DETAIL_LEVELS[0]) {
  const look = VERDICT_LOOK[report.verdict];
  const hostWord = report.hosts.length === 1 ? 'host' : 'hosts';
  return {
    title: `Inbound SMTP test: ${escapeCardText(report.domain, 253)}`,
    headline: `${look.icon} ${escapeCardText(SMTP_HEADLINES[report.verdict](report.domain))}`,
    headlineColor: look.color,
    scope: escapeCardText(
      `Tested ${report.hosts.length} ${hostWord} on port ${report.port} with recipient ${report.recipient} (MAIL FROM:<>, RCPT TO, then RSET and QUIT: no message was sent).`,
    ),
    hasFindings: report.findings.length > 0,
    findings: findingRows(report.findings, detail),
    hosts: report.hosts.map((host, index) => {
      const worst = host.findings.find((finding) => finding.severity === 'error') ?? host.findings.find((finding) => finding.severity === 'warning');
      const transcript = transcriptText(host.probe, detail.transcriptLines);
      return {
        icon: worst ? SEVERITY_LOOK[worst.severity].icon : '✅',
        heading: escapeCardText(hostHeading(host), 300),
        facts: host.probe ? probeFacts(host.probe, host.name, detail.textChars / 2) : [fact('Address', 'none: the name does not resolve')],
        hasTranscript: transcript.length > 0,
        transcriptId: `transcript-${index}`,
        transcript,
      };
    }),
    checkDomain: `check SPF, DKIM and DMARC for ${report.domain}`,
    testAgain: `test inbound mail to ${report.recipient.startsWith('postmaster@') ? report.domain : report.recipient}`,
  };
}

export function smtpText(report: InboundSmtpReport): string {
  const hosts = report.hosts.map((host) => {
    const probe = host.probe;
    const state = !probe ? 'no address' : probe.kind === 'unreachable' ? `unreachable (${probe.error})` : `answered; STARTTLS ${probe.starttls.negotiated ? 'ok' : probe.starttls.offered ? 'failed' : 'not offered'}`;
    return `- ${hostHeading(host)}: ${state}`;
  });
  return [`Inbound SMTP test for ${report.domain}: ${report.verdict}.`, ...hosts, ...plainFindings(report.findings)].join('\n');
}

export const answerSmtpTest: Handler = async (request, _turn, services) => {
  const target = inboundTarget(request);
  if (!target) return textReply('Which domain should I test? For example: "test inbound mail to contoso.com" or "test inbound mail to bob@contoso.com".');
  const report = await testInboundSmtp(target.domain, target.recipient, connectivityDeps(services));
  return cardReply(renderFitting('connectivity-smtp', (detail) => smtpCardData(report, detail)), smtpText(report), report);
};

// ---------------------------------------------------------------------------------------------------------------
// Sending IP

const BLOCKLIST_WORDS = { listed: '⛔ listed', 'not-listed': '✅ not listed', error: 'ℹ️ no answer' } as const;

export function ipCardData(report: SendingIpReport, detail: Detail = DETAIL_LEVELS[0]) {
  const look = VERDICT_LOOK[report.verdict];
  const headline = { pass: 'Looks like a good sending address.', warning: 'Usable, with warnings.', fail: 'Receivers are likely to refuse or junk mail from this address.' }[report.verdict];
  const ptr = report.ptr.length > 0 ? report.ptr.map((name) => name.name).join(', ') : report.ptrError ?? 'none';
  const dnsFacts = [
    fact('PTR', ptr),
    fact('Forward-confirmed', report.ptr.length === 0 ? 'n/a' : report.ptr.some((name) => name.confirmed) ? 'yes' : `no (${report.ptr.map((name) => `${name.name} → ${name.addresses.join(', ') || 'no address'}`).join('; ')})`),
  ];
  if (report.domain) {
    dnsFacts.push(fact(`SPF of ${report.domain}`, report.spf ? `${report.spf.result}${report.spf.record ? ` (${report.spf.record})` : ''}` : 'not evaluated', 500));
  }
  return {
    title: `Sending IP check: ${escapeCardText(report.ip, 64)}`,
    headline: `${look.icon} ${headline}`,
    headlineColor: look.color,
    hasFindings: report.findings.length > 0,
    findings: findingRows(report.findings, detail),
    dnsFacts,
    hasBlocklists: report.blocklists.length > 0,
    blocklists: report.blocklists.map((answer) =>
      fact(answer.zone, answer.status === 'listed' ? `${BLOCKLIST_WORDS.listed} (${answer.codes.join(', ')})` : BLOCKLIST_WORDS[answer.status]),
    ),
    checkAgain: `check IP ${report.ip}${report.domain ? ` for ${report.domain}` : ''}`,
  };
}

export function ipText(report: SendingIpReport): string {
  const lists = report.blocklists.map((answer) => `${answer.zone}: ${answer.status}`).join(', ');
  const lines = [`Sending IP ${report.ip}: ${report.verdict}.`, `PTR: ${report.ptr.map((name) => name.name).join(', ') || 'none'}.`];
  if (lists) lines.push(`Blocklists: ${lists}.`);
  if (report.spf && report.domain) lines.push(`SPF of ${report.domain}: ${report.spf.result}.`);
  return [...lines, ...plainFindings(report.findings)].join('\n');
}

export const answerIpCheck: Handler = async (request, _turn, services) => {
  const ip = request.ips[0];
  if (!ip) return textReply('Which sending IP should I check? For example: "is 203.0.113.25 blocklisted?" (add "for contoso.com" to check SPF too).');
  const sender = request.senders.find((address) => ADDRESS.test(address));
  const domain = request.domains.find((candidate) => DOMAIN.test(candidate)) ?? (sender ? domainPart(sender) : null);
  const report = await checkSendingIp(ip, domain, connectivityDeps(services));
  return cardReply(renderFitting('connectivity-ip', (detail) => ipCardData(report, detail)), ipText(report), report);
};

// ---------------------------------------------------------------------------------------------------------------
// Connectors

export function connectorCardData(report: ConnectorReport, detail: Detail = DETAIL_LEVELS[0]) {
  const look = VERDICT_LOOK[report.verdict];
  const tested = report.outbound.flatMap((connector) => connector.hosts).length;
  const headline = { pass: 'Every smart host answered with a valid certificate.', warning: 'Mail flows through the connectors, with warnings.', fail: 'Mail through a connector is likely to queue or fail.' }[report.verdict];
  return {
    headline: `${look.icon} ${headline}`,
    headlineColor: look.color,
    scope: `Read ${report.outbound.length} outbound and ${report.inbound.length} inbound connectors; connected to ${tested} smart host${tested === 1 ? '' : 's'} as Exchange Online would (STARTTLS and certificate), without sending mail.`,
    hasFindings: report.findings.length > 0,
    findings: findingRows(report.findings, detail),
    outbound: report.outbound.map((connector) => ({
      heading: escapeCardText(`${connector.name} (${connector.connectorType}${connector.enabled ? '' : ', disabled'})`, 300),
      facts: [
        fact('Routes', connector.useMxRecord ? 'by MX record' : `to ${connector.smartHosts.join(', ') || 'no smart host'}`),
        fact('TLS settings', connector.tlsSettings ?? 'opportunistic'),
        ...(connector.tlsDomain ? [fact('TLS domain', connector.tlsDomain)] : []),
        fact('Recipient domains', connector.recipientDomains.join(', ') || 'none'),
      ],
      hosts: connector.hosts.map((host) => {
        const worst = host.findings.find((finding) => finding.severity === 'error') ?? host.findings.find((finding) => finding.severity === 'warning');
        return {
          icon: worst ? SEVERITY_LOOK[worst.severity].icon : '✅',
          heading: escapeCardText(`Smart host ${host.host}`, 300),
          facts: host.probe
            ? probeFacts(host.probe, connector.tlsSettings === 'DomainValidation' && connector.tlsDomain ? connector.tlsDomain : host.host, detail.textChars / 2)
            : [fact('Address', 'none: the name does not resolve')],
        };
      }),
    })),
    hasInbound: report.inbound.length > 0,
    inbound: report.inbound.map((connector) =>
      fact(
        connector.name,
        `${connector.connectorType}${connector.enabled ? '' : ' (disabled)'}; certificate name: ${connector.tlsSenderCertificateName ?? 'any'}; TLS ${connector.requireTls ? 'required' : 'optional'}`,
      ),
    ),
  };
}

export function connectorText(report: ConnectorReport): string {
  const hosts = report.outbound.flatMap((connector) =>
    connector.hosts.map((host) => {
      const certificate = host.probe?.kind === 'session' ? host.probe.tls?.certificate : null;
      return `- ${connector.name} → ${host.host}: ${certificate ? `certificate ${expiryPhrase(certificate)}` : host.probe?.kind ?? 'no address'}`;
    }),
  );
  return [`Connector check: ${report.verdict}.`, ...hosts, ...plainFindings(report.findings)].join('\n');
}

export const answerConnectorCheck: Handler = async (_request, turn, services) => {
  const source = services.connectivity.tenant(turn.conversation.tenantId)?.connectors;
  if (!source) return textReply('Connector checks need the Microsoft 365 tenant connection (Exchange admin API), and none is configured for this bot (see docs/setup.md).');
  const report = await checkConnectors(source, connectivityDeps(services));
  return cardReply(renderFitting('connectivity-connectors', (detail) => connectorCardData(report, detail)), connectorText(report), report);
};

// ---------------------------------------------------------------------------------------------------------------
// Test message

const STATUS_LOOK: Record<TestMessage['status'], { icon: string; color: string; headline: string; explanation: string }> = {
  sent: { icon: '📨', color: 'Default', headline: 'Sent, waiting for message trace', explanation: 'Exchange Online accepted the message. Message trace usually shows it within 5 to 10 minutes; this card checks again when you open it or click "Check again".' },
  pending: { icon: '⏳', color: 'Default', headline: 'On its way', explanation: 'Message trace shows the message, still pending. This card checks again when you open it or click "Check again".' },
  delivered: { icon: '✅', color: 'Good', headline: 'Delivered', explanation: 'Message trace shows the test message Delivered: mail flows to this recipient.' },
  failed: { icon: '⛔', color: 'Attention', headline: 'Failed', explanation: 'Message trace shows the test message Failed.' },
  held: { icon: '⚠️', color: 'Warning', headline: 'Held by filtering', explanation: 'Exchange Online Protection quarantined the test message or filtered it as spam.' },
  timeout: { icon: '⚠️', color: 'Warning', headline: 'No final status yet', explanation: 'Message trace did not show a final status in time. Check again later, or trace the message.' },
  'send-failed': { icon: '⛔', color: 'Attention', headline: 'Could not send', explanation: 'Graph sendMail refused the test message.' },
};

/** The state travels in the card (Action.Execute data) and comes back untrusted; this is its shape. */
const testMessageSchema = z.object({
  tag: z.string().regex(/^MFD-[0-9A-F]{10}$/),
  mailbox: z.string().email(),
  recipient: z.string().email(),
  subject: z.string().max(200),
  sentAt: z.string().datetime(),
  status: z.enum(['sent', 'pending', 'delivered', 'failed', 'held', 'timeout', 'send-failed']),
  traceStatus: z.string().nullable(),
  traceId: z.string().max(100).nullable(),
  messageId: z.string().max(1000).nullable(),
  checkedAt: z.string().datetime(),
  detail: z.string().max(2000).nullable(),
});

/** What the card shows on failure: the trace's own reason, and where to look next. */
export interface TestMessageExtras {
  readonly diagnosis?: readonly string[];
  /** Teams user ids whose client refreshes the card on its own while it is watching (Universal Actions refresh). */
  readonly refreshUserIds?: readonly string[];
}

export function testMessageCardData(message: TestMessage, extras: TestMessageExtras = {}) {
  const look = STATUS_LOOK[message.status];
  const watching = !isFinal(message);
  const diagnosis = (extras.diagnosis ?? []).map((text) => ({ text: escapeCardText(text, 800) }));
  const facts = [
    fact('To', message.recipient),
    fact('From', message.mailbox),
    fact('Subject', message.subject),
    fact('Sent', message.sentAt.replace('T', ' ').slice(0, 19) + ' UTC'),
    fact('Trace status', message.traceStatus ?? 'not in trace yet'),
    fact('Last checked', message.checkedAt.replace('T', ' ').slice(0, 19) + ' UTC'),
  ];
  if (message.detail) facts.push(fact('Detail', message.detail, 600));
  return {
    title: `Test message to ${escapeCardText(message.recipient, 254)}`,
    icon: look.icon,
    headline: look.headline,
    headlineColor: look.color,
    explanation: look.explanation,
    facts,
    hasDiagnosis: diagnosis.length > 0,
    diagnosis,
    watching,
    final: !watching,
    failed: message.status === 'failed',
    verb: CONNECTIVITY_VERBS.testMessageStatus,
    state: { ...message },
    refreshUserIds: [...(extras.refreshUserIds ?? [])],
    whyQuestion: `why did mail to ${message.recipient} bounce?`,
    sendAgain: `send a test message to ${message.recipient}`,
  };
}

export function testMessageCard(message: TestMessage, extras: TestMessageExtras = {}): AdaptiveCardJson {
  const card = renderCard('connectivity-test-message', testMessageCardData(message, extras));
  // `$when` on the card-level refresh leaves `refresh: null` behind; a final card must carry no refresh at all.
  if (card.refresh === null) delete card.refresh;
  return card;
}

export function testMessageText(message: TestMessage): string {
  const look = STATUS_LOOK[message.status];
  return `Test message ${message.tag} to ${message.recipient}: ${look.headline}. ${look.explanation}${message.detail ? ` ${message.detail}` : ''}`;
}

/** On failure, the reason message trace gives (the Fail event's LED text) is the diagnosis we can show. */
async function diagnosisOf(message: TestMessage, source: TestMailSource): Promise<string[]> {
  if (message.status !== 'failed' || !source.explainFailure) return [];
  const result = await source.explainFailure(message);
  return result.kind === 'ok' ? [...result.value] : [];
}

async function testMessageReply(message: TestMessage, source: TestMailSource, refreshUserIds: readonly string[]): Promise<Reply> {
  const diagnosis = await diagnosisOf(message, source);
  return cardReply(testMessageCard(message, { diagnosis, refreshUserIds }), [testMessageText(message), ...diagnosis].join('\n'), message);
}

export const answerTestMessage: Handler = async (request, turn, services) => {
  const recipient = request.recipients.find((address) => ADDRESS.test(address));
  if (!recipient) return textReply('Who should get the test message? For example: "send a test message to partner@northwind.net".');
  const mailbox = services.config.TEST_MAILBOX;
  const source = services.connectivity.tenant(turn.conversation.tenantId)?.testMail;
  if (!mailbox || !source) {
    return textReply('Test messages need a test mailbox: set TEST_MAILBOX and connect the tenant (Graph Mail.Send limited to that mailbox by an application access policy; see docs/setup.md).');
  }
  const sent = await sendTestMessage(mailbox, recipient, source, services.now());
  // Within the turn we watch for a while (the bot shows its placeholder meanwhile and replaces it with this card);
  // after that the card's refresh and "Check again" button pick it up from where it is.
  const followed = await followTestMessage(sent, source, {
    intervalMs: services.config.TEST_MESSAGE_POLL_SECONDS * 1000,
    forMs: services.config.TEST_MESSAGE_WAIT_SECONDS * 1000,
    now: services.now,
  });
  return testMessageReply(followed, source, [turn.actor.userId]);
};

/** "Check again" and the automatic refresh: one more look at message trace, and the card replaced in place. */
export const refreshTestMessage: ActionHandler = async (input, services) => {
  const parsed = testMessageSchema.safeParse(input.data);
  if (!parsed.success) return { kind: 'message', text: 'This test message card is damaged or too old to refresh; send a new test message.' };
  const source = services.connectivity.tenant(input.conversation.tenantId)?.testMail;
  const message = parsed.data as TestMessage;
  if (!source || services.config.TEST_MAILBOX?.toLowerCase() !== message.mailbox.toLowerCase()) {
    return { kind: 'message', text: 'Test messages are not configured on this bot any more (TEST_MAILBOX).' };
  }
  const checked = await checkTestMessage(message, source, services.now());
  const reply = await testMessageReply(checked, source, [input.actor.userId]);
  return reply.kind === 'card' ? { kind: 'card', card: reply.card } : { kind: 'message', text: reply.text };
};

export const CONNECTIVITY_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  [CONNECTIVITY_VERBS.testMessageStatus]: refreshTestMessage,
};
