import table from '../../knowledge/bounce-reasons.json';
import { isReason, type Reason } from '../../model/reason';
import { parseStatusCode } from '../../model/status-code';

/**
 * Maps a bounce (status code, the server's words, the SMTP command it answered) to the shared reason
 * vocabulary. The knowledge is in src/knowledge/bounce-reasons.json; this file only applies its precedence:
 * a specific status code wins, then the first pass of text patterns (vetoed by a contradicting explicit code),
 * then a second pass, then the status's RFC 3463 subject.
 */

/** The SMTP stage a reply answered: it decides e.g. "user unknown" at RCPT (userunknown) vs after DATA (filtered). */
export type SmtpCommand = 'CONN' | 'HELO' | 'EHLO' | 'MAIL' | 'RCPT' | 'DATA' | null;

export interface BounceFacts {
  readonly status: string | null;
  readonly replyCode: number | null;
  readonly diagnostic: string;
  readonly action: string;
  readonly command: SmtpCommand;
  /** `SMTP` when the diagnostic is a remote server's reply; `X-UNIX` for a local mailer. */
  readonly diagnosticType: string;
  /** The servers involved (remote and reporting), when named. */
  readonly hosts?: readonly (string | null)[];
  /** The DSN's own Status was only a placeholder (absent or x.0.0): a code found elsewhere is second-hand. */
  readonly placeholderStatus?: boolean;
}

interface CompiledReason {
  readonly contains: readonly string[];
  readonly regex: readonly RegExp[];
}

const PATTERNS = new Map<Reason, CompiledReason>();
for (const [name, entry] of Object.entries(table.patterns)) {
  if (!isReason(name)) throw new Error(`bounce-reasons.json: unknown reason ${name}`);
  PATTERNS.set(name, { contains: entry.contains, regex: entry.regex.map((source) => new RegExp(source)) });
}

const STATUS_REASON = table.statusReason as Record<string, string>;
const VENDOR_REASON = table.vendorStatusReason as Record<string, string>;
const RETRIABLE = new Set<string>(table.retriable);
const DOMAIN_REASON = table.recipientDomainReason as Record<string, string>;

/** A reason fixed by the recipient's service (a Google Groups address), or null. */
export function reasonForRecipientDomain(recipient: string | null): Reason | null {
  if (!recipient) return null;
  const domain = recipient.slice(recipient.lastIndexOf('@') + 1);
  const reason = DOMAIN_REASON[domain];
  return reason && isReason(reason) ? reason : null;
}
const FIRST_PASS = table.firstPass.filter(isReason);
const SECOND_PASS = table.secondPass.filter(isReason);
const RCPT_TIME_PROVIDERS: readonly string[] = table.rcptTimeProviders;

function rcptTimeProvider(hosts: readonly (string | null)[] | undefined): boolean {
  return (hosts ?? []).some((host) => !!host && RCPT_TIME_PROVIDERS.some((domain) => host === domain || host.endsWith('.' + domain)));
}

const BEFORE_DATA: ReadonlySet<SmtpCommand> = new Set<SmtpCommand>(['CONN', 'HELO', 'EHLO', 'MAIL', 'RCPT']);

/** Texts longer than this are cut before matching: a diagnostic is a few lines, and patterns must stay cheap. */
const MAX_MATCH_TEXT = 4000;

export function matchesReason(reason: Reason, lowerText: string): boolean {
  const compiled = PATTERNS.get(reason);
  if (!compiled || lowerText.length === 0) return false;
  for (const phrase of compiled.contains) if (lowerText.includes(phrase)) return true;
  for (const regex of compiled.regex) if (regex.test(lowerText)) return true;
  return false;
}

/** The first reason (in the table's precedence) whose patterns the text contains, or null. */
export function reasonFromText(text: string): Reason | null {
  const lower = text.slice(0, MAX_MATCH_TEXT).toLowerCase();
  for (const reason of [...FIRST_PASS, ...SECOND_PASS]) if (matchesReason(reason, lower)) return reason;
  if (matchesReason('vacation', lower)) return 'vacation';
  return null;
}

function inRange(code: string, from: string, to: string): boolean {
  const [a, b, c] = code.split('.').map(Number);
  const [fa, fb, fc] = from.split('.').map(Number);
  const [, , tc] = to.split('.').map(Number);
  return a === fa && b === fb && c >= fc && c <= tc;
}

/** The reason a status code means on its own (RFC 3463 registry, then vendor codes), or null. */
export function reasonFromStatus(status: string | null): Reason | null {
  if (!status) return null;
  // A vendor's fixed meaning (Exchange Online's 5.1.10 = recipient not found) beats the generic registry's.
  const direct = VENDOR_REASON[status] ?? STATUS_REASON[status];
  if (direct && isReason(direct)) return direct;
  for (const range of table.vendorRanges) if (inRange(status, range.from, range.to) && isReason(range.reason)) return range.reason;
  return null;
}

function probe(reason: Reason, facts: BounceFacts, byStatus: Reason | null, lower: string, codeReason: Reason | null): boolean {
  const permanent = facts.status === null || facts.status.startsWith('5');
  // An explicit, specific code (5.2.2 mailbox full) is not overruled by a stray phrase, unless the server's words
  // say nothing of what the code means (a 5.2.1 "receiving mail at a rate that…" is a rate limit, not a filter).
  const explicitOther = codeReason !== null && codeReason !== reason && !RETRIABLE.has(codeReason) && matchesReason(codeReason, lower);
  if (reason === 'userunknown') {
    // A bad-address code in answer to MAIL FROM is about the sender's address, not the recipient's.
    if (facts.command === 'MAIL') return false;
    if (byStatus === 'userunknown') {
      // A "bad mailbox" code with words that say otherwise (full, moved, sender refused) is not an unknown user.
      return !(['mailboxfull', 'hasmoved', 'rejected', 'notaccept', 'blocked', 'authfailure', 'suspend', 'speeding'] as const).some((other) => matchesReason(other, lower));
    }
    if (explicitOther && byStatus !== 'filtered') return false;
    // After DATA the server has read the message: an "unknown user" there is a filter's verdict (Sisimai's rule).
    // When the bounce doesn't say which command failed: words of the reporting MTA itself (no SMTP reply code: "The
    // recipient name is not recognized") come from its own directory, so the address is unknown; a remote server's
    // "550 unknown user" could have come at RCPT or after DATA (Sisimai then says filtered), unless that server is a
    // large provider, which checks recipients at RCPT.
    const ownWords = facts.replyCode === null && !/(?:^|\s)[45]\d\d[\s:-]/.test(lower);
    const unknownStage = facts.command === null && (ownWords || rcptTimeProvider(facts.hosts));
    return (facts.command === 'RCPT' || unknownStage) && matchesReason('userunknown', lower);
  }
  if (reason === 'filtered') {
    if (byStatus === 'filtered') return matchesReason('userunknown', lower) || matchesReason('filtered', lower);
    if (explicitOther) return false;
    // Only servers that read the message (after DATA) filter it; earlier refusals are something else.
    if (BEFORE_DATA.has(facts.command)) return false;
    const remoteReply = facts.replyCode !== null || /(?:^|\s)[45]\d\d[\s:-]/.test(lower);
    return matchesReason('filtered', lower) || ((facts.command === 'DATA' || (remoteReply && !rcptTimeProvider(facts.hosts))) && matchesReason('userunknown', lower));
  }
  if (reason === 'hostunknown') {
    // "No MX" and "try again" DNS answers are a domain that takes no mail or a DNS outage, not a missing domain.
    if (!permanent || facts.command === 'MAIL' || matchesReason('notaccept', lower) || matchesReason('networkerror', lower)) return false;
    return byStatus === 'hostunknown' || (!explicitOther && matchesReason('hostunknown', lower));
  }
  // "Scored as spam" under a generic content code (5.6.0) is a spam verdict, not a format problem.
  if (byStatus === reason) return !(reason === 'contenterror' && (matchesReason('spamdetected', lower) || matchesReason('virusdetected', lower)));
  // An explicit, specific code (e.g. 5.2.2 mailbox full) is not overruled by a stray phrase.
  if (explicitOther) return false;
  return matchesReason(reason, lower);
}

/** Reasons that still apply when a server refused the connection or the greeting itself. */
const AT_CONNECT: readonly Reason[] = ['requireptr', 'toomanyconn', 'speeding', 'badreputation'];

/** Decides the reason for one recipient's bounce. */
export function classifyBounce(facts: BounceFacts): Reason {
  const lower = facts.diagnostic.slice(0, MAX_MATCH_TEXT).toLowerCase();
  const status = facts.status;
  if (status?.startsWith('2.') || facts.action === 'delivered') return 'delivered';
  const byStatus = reasonFromStatus(status);
  // Refused before any address was sent (connection, greeting, HELO): the client itself was blocked.
  if (facts.command === 'CONN' || facts.command === 'HELO' || facts.command === 'EHLO') {
    return AT_CONNECT.find((reason) => matchesReason(reason, lower)) ?? 'blocked';
  }

  for (const reason of FIRST_PASS) if (probe(reason, facts, byStatus, lower, byStatus)) return reason;

  if (byStatus === null || RETRIABLE.has(byStatus) || facts.diagnosticType !== 'SMTP') {
    for (const reason of SECOND_PASS) if (matchesReason(reason, lower)) return reason;
  }
  // Refused at MAIL FROM with no more specific words: the server refused the sender.
  if (facts.command === 'MAIL' && (byStatus === null || RETRIABLE.has(byStatus))) return 'rejected';
  // A local delivery program (procmail, a pipe) exited with an error ("X-Unix; 255") and the DSN says nothing more.
  const localMailer = facts.diagnosticType.toUpperCase().startsWith('X-UNIX');
  if (localMailer && facts.placeholderStatus) return 'mailererror';
  if (byStatus) return byStatus;
  if (localMailer) return 'mailererror';

  const code = status ? parseStatusCode(status) : null;
  if (code && code.subject === 6) return 'contenterror';
  if (code && code.subject === 7) return 'securityerror';
  if (facts.action === 'delayed' || facts.action === 'expired') return 'expired';
  if (matchesReason('vacation', lower)) return 'vacation';
  return lower.trim().length > 0 ? 'onhold' : 'undefined';
}
