import { WHO_ACTS_LABEL, type WhoActs } from '../analyzers/ndr';
import type { Finding } from '../diagnosis/finding';
import type { ParsedRequest } from '../model/intent';
import type { Reply } from '../model/reply';
import type { TraceMessage } from '../model/trace';

/**
 * "Copy for ticket": the answer as plain text a helpdesk pastes into its ticket. Root cause first, then the
 * evidence with UTC times and sources, the DNS records as resolved (and when), the trace rows, what to do next,
 * and the case id that leads back to the full record. Pure: it reads the request, the reply and its data.
 */
export interface TicketContext {
  readonly request: ParsedRequest;
  readonly reply: Extract<Reply, { kind: 'card' }>;
  readonly caseId: string | null;
  /** When the answer was made: the time of the DNS answers and checks it holds. */
  readonly at: Date;
  /** The question as asked (first line), for the reader of the ticket. */
  readonly question?: string;
  readonly askedBy?: string | null;
}

/** Rows in a ticket: the first few tell the story; all of them are in the CSV export. */
const MAX_TRACE_ROWS = 10;
const MAX_EVIDENCE = 12;

export const utcStamp = (value: string | Date | null): string => {
  if (value === null) return 'time n/a';
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
};

const SOURCE_NAMES: Record<string, string> = {
  'service-health': 'Service health (Graph)', 'message-trace': 'Message trace (Graph)', 'ndr-knowledge': 'NDR code table',
  'exchange-config': 'Exchange Online configuration', directory: 'Directory (Get-Recipient)', dns: 'DNS', quarantine: 'Quarantine (Get-QuarantineMessage)',
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The diagnosis result: a Finding has a layer, a root cause, evidence and next steps. */
export function isFinding(data: unknown): data is Finding {
  return isObject(data) && typeof data.layer === 'string' && typeof data.rootCause === 'string' && Array.isArray(data.evidence) && Array.isArray(data.nextSteps);
}

export function traceRowsOf(data: unknown): readonly TraceMessage[] {
  return isFinding(data) && Array.isArray(data.traceRows) ? data.traceRows : [];
}

/** What the case log keeps as "the finding" of an answer: a layer (or the kind of check) and one sentence. */
export function findingOf(intent: string, reply: Extract<Reply, { kind: 'card' }>): { layer: string; rootCause: string } {
  const data = reply.data;
  if (isFinding(data)) return { layer: data.layer, rootCause: data.rootCause };
  if (isObject(data) && data.kind === 'ndr' && isObject(data.explanation)) {
    const first = Array.isArray(data.results) && isObject(data.results[0]) ? data.results[0] : {};
    return { layer: `ndr:${String(first.reason ?? 'unknown')}`, rootCause: String(data.explanation.title) };
  }
  const firstLine = reply.text.split('\n').find((line) => line.trim().length > 0) ?? '';
  return { layer: intent, rootCause: firstLine.slice(0, 500) };
}

function traceTable(rows: readonly TraceMessage[]): string[] {
  if (rows.length === 0) return [];
  const shown = [...rows].sort((a, b) => a.receivedDateTime.localeCompare(b.receivedDateTime)).slice(-MAX_TRACE_ROWS);
  return [
    '',
    `## Message trace rows (${rows.length}${rows.length > shown.length ? `, latest ${shown.length} shown; all in the CSV export` : ''})`,
    'date_time_utc | sender | recipient | status | from_ip | to_ip | subject | message_id',
    ...shown.map((row) => [utcStamp(row.receivedDateTime), row.senderAddress, row.recipientAddress, row.status, row.fromIP || '-', row.toIP || '-', row.subject.slice(0, 80), row.messageId].join(' | ')),
  ];
}

function findingSections(finding: Finding): string[] {
  const dns = finding.evidence.filter((item) => item.source === 'dns');
  const other = finding.evidence.filter((item) => item.source !== 'dns');
  return [
    `Root cause (${finding.layer}, ${finding.confidence} confidence): ${finding.rootCause}`,
    ...(finding.summary ? [`Scope: ${finding.summary}`] : []),
    `Messages examined: ${finding.messagesExamined}`,
    ...finding.health.map((notice) => `Active incident: ${notice.id} (${notice.classification}, ${notice.status}) since ${utcStamp(notice.startDateTime)}: ${notice.title}`),
    '',
    '## Evidence',
    ...other.slice(0, MAX_EVIDENCE).map((item) => `- ${utcStamp(item.at)} [${SOURCE_NAMES[item.source] ?? item.source}] ${item.fact}`),
    ...(dns.length > 0 ? ['', '## DNS records as resolved', ...dns.map((item) => `- resolved ${utcStamp(item.at)}: ${item.fact}`)] : []),
    ...traceTable(finding.traceRows ?? []),
    ...(finding.sourceFailures.length > 0 ? ['', '## Could not read', ...finding.sourceFailures.map((failure) => `- [${SOURCE_NAMES[failure.source] ?? failure.source}] ${failure.what}: ${failure.advice}`)] : []),
    '',
    '## Next steps',
    ...finding.nextSteps.map((step, index) => `${index + 1}. ${step}`),
  ];
}

interface NdrLike {
  kind: 'ndr';
  results: { recipient: string | null; status: string | null; replyCode: number | null; reason: string; action: string; diagnostic: string; remoteHost: string | null }[];
  reportingHost: string | null;
  sender: string | null;
  subject: string | null;
  origin: string;
  explanation: { title: string; meaning: string; fixSteps: string[]; whoActs: WhoActs; docs: string };
}

function ndrSections(report: NdrLike, stamp: string): string[] {
  return [
    `Root cause: ${report.explanation.title}`,
    `Meaning: ${report.explanation.meaning}`,
    `Who acts: ${WHO_ACTS_LABEL[report.explanation.whoActs]}`,
    '',
    `## Evidence (from the pasted NDR, read ${stamp})`,
    `- Generated by: ${report.origin === 'exchange-online' ? 'Exchange Online' : 'a remote mail server'}${report.reportingHost ? ` (${report.reportingHost})` : ''}`,
    ...(report.sender ? [`- Original sender: ${report.sender}`] : []),
    ...(report.subject ? [`- Subject: ${report.subject}`] : []),
    ...report.results.slice(0, 10).map((result) =>
      `- ${result.recipient ?? 'unknown recipient'}: ${[result.replyCode, result.status].filter(Boolean).join(' ') || 'no code'} (${result.reason}, ${result.action})${result.remoteHost ? ` at ${result.remoteHost}` : ''}: ${result.diagnostic.slice(0, 300)}`),
    ...(report.results.length > 10 ? [`- …and ${report.results.length - 10} more recipients`] : []),
    '',
    '## Next steps',
    ...report.explanation.fixSteps.map((step, index) => `${index + 1}. ${step}`),
    ...(report.explanation.docs ? [`Reference: ${report.explanation.docs}`] : []),
  ];
}

interface DomainLike {
  domain: string;
  checks: string[];
  status: Record<string, string>;
  spf: { records: string[]; lookups: number } | null;
  dkim: { selectors: { name: string; present: boolean; cnameTarget: string | null; keyType: string | null; bits: number | null }[] } | null;
  dmarc: { record: string | null } | null;
  mx: { hosts: { exchange: string; priority: number }[] } | null;
  mtaSts: { record: string | null; policyUrl: string | null } | null;
  findings: { severity: string; code: string; message: string; fix?: string | null }[];
  correctedRecords: { name: string; type: string; value: string }[];
}

const isDomainAudit = (data: unknown): data is DomainLike =>
  isObject(data) && typeof data.domain === 'string' && Array.isArray(data.checks) && isObject(data.status) && Array.isArray(data.findings);

function domainSections(audit: DomainLike, stamp: string): string[] {
  const problems = audit.findings.filter((finding) => finding.severity !== 'info');
  const records: string[] = [];
  for (const record of audit.spf?.records ?? []) records.push(`- ${audit.domain} TXT "${record}" (${audit.spf?.lookups ?? 0} of 10 SPF lookups)`);
  if (audit.spf && audit.spf.records.length === 0) records.push(`- ${audit.domain} TXT: no SPF record`);
  if (audit.dmarc) records.push(`- _dmarc.${audit.domain} TXT ${audit.dmarc.record ? `"${audit.dmarc.record}"` : ': no DMARC record'}`);
  for (const selector of audit.dkim?.selectors ?? []) {
    records.push(`- ${selector.name}._domainkey.${audit.domain}: ${selector.present ? `${selector.cnameTarget ? `CNAME ${selector.cnameTarget}, ` : ''}${selector.keyType ?? 'key'} ${selector.bits ?? '?'} bits` : 'not published'}`);
  }
  for (const host of audit.mx?.hosts ?? []) records.push(`- ${audit.domain} MX ${host.priority} ${host.exchange}`);
  if (audit.mx && audit.mx.hosts.length === 0) records.push(`- ${audit.domain} MX: none`);
  if (audit.mtaSts) records.push(`- _mta-sts.${audit.domain} TXT ${audit.mtaSts.record ? `"${audit.mtaSts.record}"` : ': none'}`);
  return [
    `Root cause: ${problems[0]?.message ?? `${audit.domain}: all checks pass (${audit.checks.join(', ')})`}`,
    `Checks: ${audit.checks.map((check) => `${check} ${audit.status[check] ?? 'pass'}`).join(', ')}`,
    '',
    `## DNS records as resolved ${stamp} (DNS)`,
    ...records,
    '',
    '## Evidence',
    ...audit.findings.slice(0, MAX_EVIDENCE).map((finding) => `- ${stamp} [DNS] ${finding.severity} ${finding.code}: ${finding.message}`),
    '',
    '## Next steps',
    ...problems.filter((finding) => finding.fix).map((finding, index) => `${index + 1}. ${finding.fix}`),
    ...audit.correctedRecords.map((record) => `- Publish at ${record.name} (${record.type}): ${record.value}`),
    ...(problems.length === 0 ? ['Nothing to fix.'] : []),
  ];
}

interface HeadersLike {
  kind: 'headers';
  hops: { index: number; from: string | null; by: string | null; time: string | null; delaySeconds: number | null }[];
  totalSeconds: number | null;
  auth: { spf: string | null; dkim: string | null; dmarc: string | null; compauth: unknown; spfClientIp: string | null; headerFromDomain: string | null };
  messageId: string | null;
  from: string | null;
  to: string | null;
  subject: string | null;
  date: string | null;
  findings: { severity: string; code: string; message: string; fix?: string | null }[];
}

function headersSections(report: HeadersLike, stamp: string): string[] {
  const problems = report.findings.filter((finding) => finding.severity !== 'info');
  return [
    `Root cause: ${problems[0]?.message ?? 'No problem found in the headers.'}`,
    `Message: ${report.subject ?? '(no subject)'} from ${report.from ?? '?'} to ${report.to ?? '?'}${report.date ? `, dated ${utcStamp(report.date)}` : ''}${report.messageId ? `, Message-ID ${report.messageId}` : ''}`,
    `Authentication: SPF ${report.auth.spf ?? 'none'}, DKIM ${report.auth.dkim ?? 'none'}, DMARC ${report.auth.dmarc ?? 'none'}${report.auth.spfClientIp ? ` (client IP ${report.auth.spfClientIp})` : ''}`,
    '',
    `## Evidence (from the pasted headers, read ${stamp})`,
    ...report.findings.slice(0, MAX_EVIDENCE).map((finding) => `- [Headers] ${finding.severity} ${finding.code}: ${finding.message}`),
    '',
    `## Hops${report.totalSeconds !== null ? ` (${report.totalSeconds} s end to end)` : ''}`,
    ...report.hops.slice(0, 15).map((hop) => `${hop.index}. ${utcStamp(hop.time)} ${hop.from ?? '?'} -> ${hop.by ?? '?'}${hop.delaySeconds ? ` (+${hop.delaySeconds} s)` : ''}`),
    ...(report.hops.length > 15 ? [`…and ${report.hops.length - 15} more hops`] : []),
    '',
    '## Next steps',
    ...(problems.filter((finding) => finding.fix).map((finding, index) => `${index + 1}. ${finding.fix}`) as string[]),
    ...(problems.length === 0 ? ['Nothing to fix in the headers.'] : []),
  ];
}

interface QuarantinedLike {
  identity: string;
  receivedAt: string;
  sender: string;
  recipients: string[];
  subject: string;
  typeLabel: string;
  policyName: string | null;
  expiresAt: string;
  releaseStatus: string;
}

const isQuarantineList = (data: unknown): data is { messages: QuarantinedLike[] } =>
  isObject(data) && Array.isArray(data.messages) && data.messages.every((message) => isObject(message) && typeof message.identity === 'string');

function quarantineSections(list: { messages: QuarantinedLike[] }, stamp: string): string[] {
  return [
    `Root cause: ${list.messages.length} message${list.messages.length === 1 ? '' : 's'} held in quarantine (read ${stamp}).`,
    '',
    '## Evidence [Quarantine (Get-QuarantineMessage)]',
    ...list.messages.map((message) =>
      `- received ${utcStamp(message.receivedAt)}: "${message.subject || '(no subject)'}" from ${message.sender} to ${message.recipients.join(', ')}; ${message.typeLabel}${message.policyName ? ` / ${message.policyName}` : ''}; ${message.releaseStatus}; expires ${utcStamp(message.expiresAt)}; identity ${message.identity}`),
    '',
    '## Next steps',
    '1. Release only after checking the sender and the content; "Request release" sends the request to an approver.',
    '2. Malware and high-confidence phish are reviewed in the Microsoft Defender portal.',
  ];
}

/** The plain-text summary; `maxChars` clips it with a note that says where the rest is. */
export function ticketSummary(context: TicketContext, maxChars = 12_000): string {
  const { request, reply, caseId } = context;
  // The answer's time, as every line of the ticket that names it writes it.
  const stamp = utcStamp(context.at);
  const data = reply.data;
  let body: string[];
  if (isFinding(data)) body = findingSections(data);
  else if (isObject(data) && data.kind === 'ndr' && isObject(data.explanation)) body = ndrSections(data as unknown as NdrLike, stamp);
  else if (isObject(data) && data.kind === 'headers' && Array.isArray(data.hops)) body = headersSections(data as unknown as HeadersLike, stamp);
  else if (isDomainAudit(data)) body = domainSections(data, stamp);
  else if (isQuarantineList(data)) body = quarantineSections(data, stamp);
  else body = [`## Answer (${stamp})`, reply.text];
  const question = context.question?.split('\n').find((line) => line.trim().length > 0)?.trim().slice(0, 200);
  const lines = [
    `# Mailflow Doctor ${caseId ?? '(no case)'}: ${request.intent}`,
    ...(question ? [`Asked: "${question}"${context.askedBy ? ` by ${context.askedBy}` : ''} at ${stamp}`] : [`Answered: ${stamp}`]),
    '',
    ...body,
    '',
    `Case record: mailflow-doctor case ${caseId ?? '(none)'}`,
  ];
  const text = lines.join('\n').replace(/\n{3,}/g, '\n\n');
  if (text.length <= maxChars) return text;
  const note = `\n… (cut to fit the card; the full record: mailflow-doctor case ${caseId ?? '(none)'})`;
  return text.slice(0, Math.max(0, maxChars - note.length)) + note;
}
