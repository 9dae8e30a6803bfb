import { distance } from 'fastest-levenshtein';
import type { DeliveryReading, DeliveryStory } from '../analyzers/trace';
import type { TraceMessage } from '../model/trace';
import type { DomainAuditSummary, DnsEvidence, Fetched, KnownRecipient, TenantEvidence } from './evidence';
import type { Evidence, FindingAction, Layer, SourceFailure } from './finding';
import { domainOf, hhmm, utc } from './format';

/** What the NDR knowledge says about a status code, in the words the card shows. */
export interface CodeAdvice {
  readonly title: string;
  readonly fixSteps: readonly string[];
}

export interface LayerContext {
  readonly tenant: TenantEvidence;
  readonly dns: DnsEvidence;
  readonly acceptedDomains: readonly string[];
  readonly codeAdvice: (status: string) => CodeAdvice | null;
}

/** The part of a finding that the layer checks decide. */
export interface LayerVerdict {
  readonly layer: Layer;
  readonly rootCause: string;
  readonly confidence: 'high' | 'medium' | 'low';
  readonly evidence: readonly Evidence[];
  readonly nextSteps: readonly string[];
  readonly actions: readonly FindingAction[];
  readonly sourceFailures: readonly SourceFailure[];
}

const verdict = (partial: Omit<LayerVerdict, 'evidence' | 'actions' | 'sourceFailures'> & Partial<LayerVerdict>): LayerVerdict => ({
  evidence: [], actions: [], sourceFailures: [], ...partial,
});

function failureOf<T>(fetched: Fetched<T>): SourceFailure[] {
  return fetched.kind === 'failed' ? [{ source: 'exchange-config', what: fetched.reason.what, advice: fetched.reason.advice }] : [];
}

const valueOr = <T>(fetched: Fetched<T>, fallback: T): T => (fetched.kind === 'ok' ? fetched.value : fallback);

function isOurs(address: string, context: LayerContext): boolean {
  const domain = domainOf(address);
  return context.acceptedDomains.some((accepted) => accepted.toLowerCase() === domain);
}

/** The nearest existing address for a typo: same domain, small edit distance on the local part. */
export function nearestAddress(address: string, known: readonly KnownRecipient[]): string | null {
  const target = address.toLowerCase();
  let best: { address: string; cost: number } | null = null;
  for (const recipient of known) {
    const candidate = recipient.address.toLowerCase();
    if (candidate === target || domainOf(candidate) !== domainOf(target)) continue;
    const cost = distance(candidate, target);
    if (cost <= Math.max(2, Math.floor(target.indexOf('@') / 3)) && (!best || cost < best.cost)) best = { address: candidate, cost };
  }
  return best?.address ?? null;
}

function auditEvidence(audit: DomainAuditSummary): Evidence[] {
  const facts: Evidence[] = [];
  if (audit.spfRecord) facts.push({ fact: `${audit.domain} SPF: ${audit.spfRecord}`, source: 'dns', at: audit.resolvedAt });
  if (audit.dmarcRecord) facts.push({ fact: `_dmarc.${audit.domain}: ${audit.dmarcRecord}`, source: 'dns', at: audit.resolvedAt });
  for (const finding of audit.findings.filter((item) => item.severity === 'error').slice(0, 3))
    facts.push({ fact: `${finding.code}: ${finding.message}`, source: 'dns', at: audit.resolvedAt });
  return facts;
}

function dnsFailure(fetched: Fetched<DomainAuditSummary>): SourceFailure[] {
  return fetched.kind === 'failed' ? [{ source: 'dns', what: fetched.reason.what, advice: fetched.reason.advice }] : [];
}

const AUTH_CODES = new Set(['5.7.509', '5.7.26', '5.7.23', '5.7.25', '5.7.27', '5.7.1']);

async function explainFailure(story: Extract<DeliveryStory, { outcome: 'failed' }>, message: TraceMessage, context: LayerContext): Promise<LayerVerdict> {
  const recipient = message.recipientAddress.toLowerCase();
  const sender = message.senderAddress.toLowerCase();
  const code = story.status ?? 'no status code';
  const advice = story.status ? context.codeAdvice(story.status) : null;
  const knowledgeSteps = advice?.fixSteps.slice(0, 3) ?? [];
  const knowledge: Evidence[] = advice ? [{ fact: `${code}: ${advice.title}`, source: 'ndr-knowledge', at: null }] : [];

  if (story.stoppedBy.kind === 'transport-rule') {
    const ruleName = story.stoppedBy.rule;
    const rules = await context.tenant.transportRules();
    const rule = valueOr(rules, []).find((item) => item.name.toLowerCase() === ruleName.toLowerCase());
    const condition = rule?.description ? ` ${rule.description.replace(/\s+/g, ' ').trim()}` : '';
    return verdict({
      layer: 'transport-rule',
      rootCause: `The mail flow rule "${ruleName}" rejected the message to ${recipient} (${code}).`,
      confidence: 'high',
      evidence: [
        ...knowledge,
        ...(rule ? [{ fact: `Rule "${rule.name}" (${rule.state}, ${rule.mode}):${condition}`, source: 'exchange-config' as const, at: null }] : []),
      ],
      nextSteps: [
        `Review the rule "${ruleName}" in the Exchange admin center (Mail flow > Rules): its conditions and exceptions.`,
        'If the message should pass, add an exception for this sender or recipient, or narrow the condition.',
        'Ask the sender to resend once the rule is changed.',
      ],
      sourceFailures: failureOf(rules),
    });
  }

  if (story.status === '5.2.2' || /mailbox ?full|quota/i.test(story.diagnostic)) {
    return verdict({
      layer: 'mailbox',
      rootCause: `${recipient}'s mailbox is full, so the message was rejected (${code}).`,
      confidence: 'high',
      evidence: knowledge,
      nextSteps: [
        `Ask ${recipient} to empty Deleted Items and archive or delete large messages.`,
        'Or raise the mailbox quota / enable the archive (online archive or auto-expanding archiving).',
        'Then ask the sender to resend.',
      ],
    });
  }

  if (story.stoppedBy.kind === 'recipient' || story.status === '5.1.10' || story.status === '5.1.1') {
    if (isOurs(recipient, context)) {
      const known = await context.tenant.recipients();
      const suggestion = nearestAddress(recipient, valueOr(known, []));
      return verdict({
        layer: 'recipient',
        rootCause: `${recipient} doesn't exist in ${domainOf(recipient)}${suggestion ? `; did you mean ${suggestion}?` : '.'}`,
        confidence: 'high',
        evidence: [
          ...knowledge,
          { fact: `Directory: no recipient has the address ${recipient}`, source: 'directory', at: null },
          ...(suggestion ? [{ fact: `Directory: ${suggestion} exists (nearest match)`, source: 'directory' as const, at: null }] : []),
        ],
        nextSteps: suggestion
          ? [`Resend to ${suggestion}.`, 'If the old address should keep working, add it as a proxy address (alias) of the mailbox.']
          : ['Check the spelling of the address with the sender.', 'If the person left, consider a shared mailbox or forwarding for the old address.'],
        sourceFailures: failureOf(known),
      });
    }
    return verdict({
      layer: 'recipient',
      rootCause: `${domainOf(recipient)}'s mail server says ${recipient} doesn't exist (${code}).`,
      confidence: 'high',
      evidence: knowledge,
      nextSteps: ['Ask the sender to check the address with the recipient by another channel.', 'Resend to the corrected address.'],
    });
  }

  if (story.status && AUTH_CODES.has(story.status) && (/dmarc|spf|dkim|authentic/i.test(story.diagnostic) || story.status !== '5.7.1')) {
    const sendingDomain = domainOf(sender);
    const audit = await context.dns.auditDomain(sendingDomain);
    const ipFact = message.fromIP ? ` The message left from ${message.fromIP}.` : '';
    const spfBroken = audit.kind === 'ok' && audit.value.findings.some((item) => item.code.startsWith('spf.') && item.severity === 'error');
    return verdict({
      layer: 'dmarc',
      rootCause: `${domainOf(recipient)} rejected the message because ${sendingDomain}'s DMARC check failed (${code}): the sending service is neither authorized by ${sendingDomain}'s SPF nor DKIM-signing as ${sendingDomain}.${ipFact}`,
      confidence: 'high',
      evidence: [...knowledge, ...(audit.kind === 'ok' ? auditEvidence(audit.value) : [])],
      nextSteps: [
        `Add the sending service to ${sendingDomain}'s SPF (its include: mechanism or IP) — keep the record under 10 DNS lookups.`,
        `Set up DKIM signing for ${sendingDomain} on that service (publish its selector CNAMEs), so DMARC passes by alignment.`,
        ...(spfBroken ? [`Fix the SPF errors on ${sendingDomain} first (see "check spf for ${sendingDomain}").`] : []),
        'Resend a test message and confirm it is delivered.',
      ],
      actions: [{ kind: 'ask', title: `Check ${sendingDomain}'s DNS`, question: `check spf dkim dmarc for ${sendingDomain}` }],
      sourceFailures: dnsFailure(audit),
    });
  }

  if (story.stoppedBy.kind === 'connector' || /certificate|TLS/i.test(story.diagnostic)) {
    const connectors = await context.tenant.outboundConnectors();
    const recipientDomain = domainOf(recipient);
    const connector = valueOr(connectors, []).find(
      (item) => (story.stoppedBy.kind === 'connector' && item.name === story.stoppedBy.connector) ||
        item.recipientDomains.some((domain) => domain === '*' || domain.toLowerCase() === recipientDomain),
    );
    return verdict({
      layer: 'connector',
      rootCause: `The outbound connector${connector ? ` "${connector.name}"` : ''} could not deliver to ${connector?.smartHosts.join(', ') || recipientDomain}: ${story.diagnostic.slice(0, 200)} (${code}).`,
      confidence: connector ? 'high' : 'medium',
      evidence: [
        ...knowledge,
        ...(connector ? [{ fact: `Connector "${connector.name}": smart hosts ${connector.smartHosts.join(', ') || '(MX)'}, TLS ${connector.tlsSettings ?? 'default'}${connector.tlsDomain ? ` for ${connector.tlsDomain}` : ''}`, source: 'exchange-config' as const, at: null }] : []),
      ],
      nextSteps: [
        'Check the certificate on the smart host: it must be valid, unexpired and match the name the connector expects (TlsDomain).',
        'Renew or replace the certificate, then validate the connector in the Exchange admin center.',
        'Queued messages are retried automatically once the connector works.',
      ],
      actions: connector?.smartHosts.length ? [{ kind: 'ask', title: 'Check the connector certificate', question: 'check the hybrid connector certificate' }] : [],
      sourceFailures: failureOf(connectors),
    });
  }

  const host = story.stoppedBy.kind === 'remote' ? story.stoppedBy.host : null;
  return verdict({
    layer: 'remote',
    rootCause: `${host ?? `${domainOf(recipient)}'s mail server`} refused the message to ${recipient}: ${story.diagnostic.slice(0, 200)}`,
    confidence: advice ? 'medium' : 'low',
    evidence: knowledge,
    nextSteps: knowledgeSteps.length > 0 ? knowledgeSteps : ['Send the NDR to the recipient\'s administrator: their server made this decision.'],
  });
}

/** SPF problems that make every receiver's SPF check fail (permerror), so the sender's mail looks spoofed. */
const SPF_PERMERROR = new Set(['spf.multiple-records', 'spf.syntax', 'spf.too-many-lookups', 'spf.void-lookups']);

/** Exchange Online's default bulk threshold: BCL at or above it is treated as bulk. */
const BULK_THRESHOLD = 7;

async function explainJunk(message: TraceMessage, levels: { at: string; scl: number | null; bcl: number | null }, delivered: boolean, context: LayerContext): Promise<LayerVerdict> {
  const sendingDomain = domainOf(message.senderAddress);
  const audit = isOurs(message.senderAddress, context) ? null : await context.dns.auditDomain(sendingDomain);
  const { scl, bcl } = levels;
  const levelFacts: Evidence[] = [
    ...(scl !== null ? [{ fact: `Spam confidence level (SCL) ${scl}${scl >= 5 ? ': spam' : ''}`, source: 'message-trace' as const, at: message.receivedDateTime }] : []),
    ...(bcl !== null ? [{ fact: `Bulk complaint level (BCL) ${bcl}${bcl >= BULK_THRESHOLD ? ': bulk mail over the default threshold' : ''}`, source: 'message-trace' as const, at: message.receivedDateTime }] : []),
  ];
  const spfError = audit?.kind === 'ok' ? audit.value.findings.find((item) => SPF_PERMERROR.has(item.code)) : undefined;
  if (audit?.kind === 'ok' && spfError) {
    return verdict({
      layer: 'spf',
      rootCause: `Mail from ${sendingDomain} is junked because ${sendingDomain}'s SPF is broken (${spfError.message.replace(/\.$/, '')}), so SPF fails with permerror and the message looks spoofed.`,
      confidence: 'high',
      evidence: [...levelFacts, ...auditEvidence(audit.value)],
      nextSteps: [
        `Ask ${sendingDomain}'s administrator to fix their SPF: ${spfError.fix ?? 'publish one valid SPF record'}.`,
        `Meanwhile, if the sender is trusted, add ${sendingDomain} to the Tenant Allow/Block List (spoofed senders) rather than a transport-rule bypass.`,
        ...(delivered ? ['Ask the user to mark the message "Not junk".'] : ['Release the message if it is legitimate.']),
      ],
      actions: [{ kind: 'ask', title: `Check ${sendingDomain}'s DNS`, question: `check spf for ${sendingDomain}` }],
    });
  }
  const bulk = bcl !== null && bcl >= BULK_THRESHOLD;
  const levelsText = [scl !== null ? `SCL ${scl}` : null, bcl !== null ? `BCL ${bcl}` : null].filter(Boolean).join(', ');
  const why = bulk ? "it is bulk mail above the anti-spam policy's bulk threshold" : 'the content filter rated it as spam';
  return verdict({
    layer: delivered ? 'delivered' : 'reputation',
    rootCause: delivered
      ? `Delivered at ${hhmm(levels.at)} to the Junk Email folder${levelsText ? ` (${levelsText})` : ''}: ${why}.`
      : `Exchange Online Protection filtered the message from ${message.senderAddress} as spam${levelsText ? ` (${levelsText})` : ''}: ${why}.`,
    confidence: levelFacts.length > 0 ? 'high' : 'medium',
    evidence: [...levelFacts, ...(audit?.kind === 'ok' ? auditEvidence(audit.value) : [])],
    nextSteps: [
      ...(bulk ? [`If the user wants this newsletter, raise the bulk threshold in the anti-spam policy, or allow ${sendingDomain} for this user (Safe Senders).`] : []),
      'Paste the message headers (X-Forefront-Antispam-Report) here to see every verdict in detail.',
      'If it is legitimate, report it to Microsoft as not junk (Submissions).',
    ],
    sourceFailures: audit ? dnsFailure(audit) : [],
  });
}

async function explainQuarantine(story: Extract<DeliveryStory, { outcome: 'quarantined' }>, message: TraceMessage, context: LayerContext): Promise<LayerVerdict> {
  const held = await context.tenant.quarantineFor(message.messageId);
  const item = valueOr(held, [])[0];
  const verdictWords: Record<string, string> = {
    'high-confidence-phish': 'high-confidence phishing', phish: 'phishing', malware: 'malware', spam: 'spam', bulk: 'bulk mail',
    'transport-rule': `the mail flow rule${story.rule ? ` "${story.rule}"` : ''}`, unknown: 'a filtering verdict',
  };
  const releasable = story.verdict !== 'malware' && item !== undefined && !/RELEASED/i.test(item.releaseStatus.replace(/NOTRELEASED/i, ''));
  return verdict({
    layer: 'quarantine',
    rootCause: `The message from ${message.senderAddress} to ${message.recipientAddress} was quarantined as ${verdictWords[story.verdict]} at ${hhmm(story.at)}.`,
    confidence: 'high',
    evidence: item
      ? [{ fact: `Quarantine: ${item.type} (policy ${item.policyName}), ${item.releaseStatus}${item.expires ? `, expires ${utc(item.expires)}` : ''}`, source: 'quarantine', at: null }]
      : [],
    nextSteps: story.verdict === 'malware'
      ? ['Malware is not released from chat: review it in the Microsoft Defender portal (Email & collaboration > Review > Quarantine).']
      : ['If the message is legitimate, request its release: an approver will review it.', 'Report it to Microsoft as a false positive so the filter learns.'],
    actions: releasable && item ? [{ kind: 'request-release', title: 'Request release', quarantineIdentity: item.identity }] : [],
    sourceFailures: failureOf(held),
  });
}

/** The layer check the evidence points to, for the message the answer is about. */
export async function explainReading(reading: DeliveryReading, message: TraceMessage, context: LayerContext): Promise<LayerVerdict> {
  const { story } = reading;
  switch (story.outcome) {
    case 'failed':
      return explainFailure(story, message, context);
    case 'quarantined':
      return explainQuarantine(story, message, context);
    case 'junked':
      return explainJunk(message, story, false, context);
    case 'delivered':
      if (story.folder === 'junk') return explainJunk(message, story, true, context);
      return verdict({
        layer: 'delivered',
        rootCause: `Delivered to ${message.recipientAddress}${story.folder === 'inbox' ? "'s inbox" : ''} at ${hhmm(story.at)}.`,
        confidence: 'high',
        nextSteps: ['Ask the recipient to search all folders (including Junk Email, Archive and Focused/Other) and check inbox rules.'],
      });
    case 'deferred': {
      const tls = /certificate|TLS/i.test(story.diagnostic);
      const where = story.remoteHost ?? domainOf(message.recipientAddress);
      return verdict({
        layer: tls ? 'connector' : 'delay',
        rootCause: `Delivery to ${message.recipientAddress} is delayed: ${where} ${/refus|connect/i.test(story.diagnostic) ? 'refuses connections' : 'did not accept it yet'} (${story.status ?? 'deferred'}); ${story.attempts} ${story.attempts === 1 ? 'attempt' : 'attempts'} since ${hhmm(story.firstAt)}, and Exchange keeps retrying.`,
        confidence: 'high',
        evidence: [{ fact: `Last error: ${story.diagnostic.slice(0, 240)}`, source: 'message-trace', at: story.lastAt }],
        nextSteps: [
          `Exchange Online retries for up to 24 hours before it sends an NDR; nothing to do on our side while ${where} is down.`,
          `Tell ${domainOf(message.recipientAddress)}'s administrator: their MX host does not accept connections.`,
          `Check their MX records: "check mx for ${domainOf(message.recipientAddress)}".`,
        ],
        actions: [{ kind: 'ask', title: `Test ${domainOf(message.recipientAddress)}'s mail servers`, question: `test inbound mail to ${domainOf(message.recipientAddress)}` }],
      });
    }
    case 'pending':
      return verdict({
        layer: 'delay',
        rootCause: `The message to ${message.recipientAddress} has been pending since ${hhmm(story.since)}; Exchange has not finished processing it.`,
        confidence: 'medium',
        nextSteps: ['Wait a few minutes and ask again; if it stays pending past an hour, check service health and the trace details.'],
      });
    case 'dropped':
      return verdict({
        layer: /rule/i.test(story.diagnostic) ? 'transport-rule' : 'quarantine',
        rootCause: `Exchange dropped the message to ${message.recipientAddress} without delivering it: ${story.diagnostic.slice(0, 200)}`,
        confidence: 'medium',
        nextSteps: ['Check mail flow rules that delete messages and the anti-malware policy.'],
      });
    case 'expanded':
      return verdict({
        layer: 'delivered',
        rootCause: `${message.recipientAddress} is a group: the message was expanded to its members at ${hhmm(story.at)}.`,
        confidence: 'medium',
        nextSteps: ['Ask about a specific member to see their copy.'],
      });
    case 'unknown':
      return verdict({
        layer: 'not-found',
        rootCause: `Message trace has the message to ${message.recipientAddress}, but not enough detail to say what happened.`,
        confidence: 'low',
        nextSteps: ['Run an extended message trace in the Exchange admin center for this message.'],
      });
  }
}
