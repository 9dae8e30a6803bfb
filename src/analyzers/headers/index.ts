import PostalMime from 'postal-mime';
import { bySeverity, type CheckFinding } from '../../model/check-finding';
import { antispamFindings, antispamVerdict, readAntispam, type AntispamReport } from './antispam';
import { summarizeAuth, type AuthSummary, type DkimVerdict } from './auth';
import { authFindings } from './auth-findings';
import { addressDomain } from './addresses';
import { isoUtc, parseHeaderDate } from './dates';
import { HeaderModel } from './model';
import { buildTimeline, type Hop } from './received';
import { slowestHop, timingFindings } from './timing';

export { HeaderModel } from './model';
export { parseReceived, type Hop, type ReceivedLine } from './received';
export { parseAuthResults } from './auth-results';
export { authMeaning, AUTH_MEANINGS } from './auth-findings';
export { antispamVerdict, type AntispamReport, type AntispamField } from './antispam';
export { describeHold, formatDuration } from './timing';
export { organizationalDomain } from './addresses';
export type { Alignment, AuthSummary, CompositeAuth, DkimVerdict } from './auth';
export { NOTICEABLE_SECONDS } from './timing';

export interface SlowestHop {
  readonly index: number;
  readonly from: string | null;
  readonly by: string | null;
  readonly delaySeconds: number;
}

/** The JSON contract of `mailflow-doctor headers` (issue 4), plus the discriminator. */
export interface HeadersFound {
  readonly kind: 'headers';
  readonly hops: Hop[];
  readonly totalSeconds: number | null;
  readonly slowestHop: SlowestHop | null;
  readonly auth: AuthSummary;
  readonly antispam: AntispamReport;
  readonly messageId: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly subject: string | null;
  readonly date: string | null;
  readonly findings: CheckFinding[];
  /** Beyond the JSON contract (the CLI leaves it out): each DKIM signature's own verdict, for the card. */
  readonly dkimSignatures: DkimVerdict[];
}

export interface NoHeaders {
  readonly kind: 'no-headers';
  /** What we expected to find, in words a person can act on. */
  readonly expected: string;
}

export type HeaderReport = HeadersFound | NoHeaders;

export const NO_HEADERS_EXPECTED =
  'No message headers found. Paste the full Internet headers: they start with lines such as "Received: from …" and ' +
  '"Authentication-Results: …". In Outlook: File > Properties > Internet headers; in Outlook on the web: … > View > View message details.';

/** Fields that only a message header has; a chat line with a colon is not enough. */
const MAIL_FIELDS = [
  'Received', 'Authentication-Results', 'ARC-Authentication-Results', 'ARC-Seal', 'DKIM-Signature', 'Message-ID',
  'Return-Path', 'Received-SPF', 'X-Forefront-Antispam-Report', 'X-Microsoft-Antispam', 'MIME-Version', 'Date', 'From', 'To', 'Subject',
];

/**
 * Reads pasted message headers: the path hop by hop with delays, the authentication verdicts and alignment, and what
 * Exchange Online Protection decided. Never throws: anything that is not a header block gives `no-headers`.
 */
export function analyzeHeaders(text: string): HeaderReport {
  const model = HeaderModel.parse(typeof text === 'string' ? text : '');
  const present = MAIL_FIELDS.filter((name) => model.has(name));
  if (!model.has('Received') && present.length < 2) return { kind: 'no-headers', expected: NO_HEADERS_EXPECTED };

  const timeline = buildTimeline(model.all('Received'));
  const { hops } = timeline;
  const dated = hops.filter((hop) => hop.time !== null);
  const totalSeconds = dated.length > 0 ? Math.max(0, Math.round((Date.parse(dated[dated.length - 1].time!) - Date.parse(dated[0].time!)) / 1000)) : null;
  const slowest = slowestHop(hops);
  const { auth, dkimSignatures } = summarizeAuth(model);
  const antispam = readAntispam(model);
  const findings = [...timingFindings(timeline), ...authFindings(auth, dkimSignatures), ...antispamFindings(antispam)].sort(bySeverity);
  const date = model.first('Date');
  const parsedDate = date ? parseHeaderDate(date) : null;
  return {
    kind: 'headers',
    hops,
    totalSeconds,
    slowestHop: slowest ? { index: slowest.index, from: slowest.from, by: slowest.by, delaySeconds: slowest.delaySeconds ?? 0 } : null,
    auth: { ...auth, spfClientIp: auth.spfClientIp ?? antispam.CIP?.value ?? null },
    antispam,
    messageId: messageIdOf(model.first('Message-ID')),
    from: decoded(model.first('From')),
    to: decoded(model.first('To')),
    subject: decoded(model.first('Subject')),
    date: parsedDate ? isoUtc(parsedDate.epochMs) : date,
    findings,
    dkimSignatures,
  };
}

/** RFC 2047 encoded words ("=?utf-8?B?…?=") as Subject and From carry them; a broken one stays as written. */
function decoded(value: string | null): string | null {
  if (value === null || !value.includes('=?')) return value;
  try {
    return PostalMime.decodeWords(value).trim();
  } catch {
    return value;
  }
}

/** "<id@host>" as written (Exchange message trace takes it with the brackets). */
function messageIdOf(value: string | null): string | null {
  if (!value) return null;
  const bracketed = /<[^<>\s]{1,500}>/.exec(value);
  return bracketed ? bracketed[0] : value.trim().split(/\s/)[0] || null;
}

/** The sender's domain a helpdesk would check next: the From domain, else the envelope sender's. */
export function senderDomain(report: HeadersFound): string | null {
  return report.auth.headerFromDomain ?? report.auth.mailFromDomain ?? addressDomain(report.from);
}
