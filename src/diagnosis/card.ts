import { renderCard, type AdaptiveCardJson } from '../cards/render';
import { escapeCardText } from '../cards/escape';
import type { Finding, Layer } from './finding';

const LAYER_LABELS: Record<Layer, string> = {
  health: 'Service health', recipient: 'Recipient', mailbox: 'Mailbox', connector: 'Connector', 'transport-rule': 'Mail flow rule',
  spf: 'SPF', dkim: 'DKIM', dmarc: 'DMARC', reputation: 'Reputation and filtering', quarantine: 'Quarantine', remote: 'Remote server',
  delay: 'Delivery delay', 'not-found': 'Not in message trace', delivered: 'Delivered',
};

const SOURCE_LABELS: Record<string, string> = {
  'service-health': 'Health', 'message-trace': 'Trace', 'ndr-knowledge': 'NDR code', 'exchange-config': 'Exchange', directory: 'Directory', dns: 'DNS', quarantine: 'Quarantine',
};

/**
 * "Request release" posts `release <identity>` as the user: the quarantine capability answers with the message's
 * own card, which asks for the reason and sends the request to the approvers.
 */
export const releaseQuestion = (quarantineIdentity: string) => `release ${quarantineIdentity}`;

/** Cards stay far below Teams' 28 KB limit: evidence and steps are capped, the rest is in the export. */
const MAX_EVIDENCE = 10;

export function diagnosisCard(finding: Finding, question: string): AdaptiveCardJson {
  const text = (value: string) => escapeCardText(value, 600);
  return renderCard('diagnosis', {
    heading: text(`You asked: ${question}`),
    rootCause: text(finding.rootCause),
    summary: finding.summary ? text(finding.summary) : '',
    layerLabel: LAYER_LABELS[finding.layer],
    confidence: finding.confidence,
    messagesExamined: String(finding.messagesExamined),
    health: finding.health.map((notice) => ({ ...notice, title: text(notice.title) })),
    nextSteps: finding.nextSteps.slice(0, 6).map((step, index) => ({ number: index + 1, text: text(step) })),
    evidence: finding.evidence.slice(0, MAX_EVIDENCE).map((item) => ({ source: SOURCE_LABELS[item.source] ?? item.source, fact: text(item.fact) })),
    sourceFailures: finding.sourceFailures.slice(0, 5).map((failure) => ({ what: text(failure.what), advice: text(failure.advice) })),
    asks: finding.actions.map((action) =>
      action.kind === 'ask' ? { title: action.title, question: action.question } : { title: action.title, question: releaseQuestion(action.quarantineIdentity) },
    ),
  });
}

/** The same answer as plain text: for the CLI's --format text, notifications and screen readers. */
export function diagnosisText(finding: Finding): string {
  const lines = [
    ...finding.health.map((notice) => `! ${notice.id} (${notice.classification}): ${notice.title}`),
    `${LAYER_LABELS[finding.layer]}: ${finding.rootCause}`,
    ...(finding.summary ? [finding.summary] : []),
    '',
    'Next steps:',
    ...finding.nextSteps.map((step, index) => `  ${index + 1}. ${step}`),
    '',
    'Evidence:',
    ...finding.evidence.map((item) => `  - [${SOURCE_LABELS[item.source] ?? item.source}] ${item.fact}`),
    ...(finding.sourceFailures.length > 0 ? ['', 'Could not read:', ...finding.sourceFailures.map((failure) => `  - ${failure.what}: ${failure.advice}`)] : []),
  ];
  return lines.join('\n');
}
