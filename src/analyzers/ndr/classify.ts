import table from '../../knowledge/bounce-reasons.json';
import { isReason, type Reason } from '../../model/reason';
import { parseStatusCode } from '../../model/status-code';
import { escapeRegExp } from '../strings';

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
  /** The failed recipient: its domain names the provider when the refusing host is not named. */
  readonly recipient?: string | null;
}

/**
 * One regex per reason: its phrases (escaped) and its regexes as a single alternation, so a diagnostic is scanned
 * once per reason instead of once per phrase.
 */
const PATTERNS = new Map<Reason, RegExp>();
for (const [name, entry] of Object.entries(table.patterns)) {
  if (!isReason(name)) throw new Error(`bounce-reasons.json: unknown reason ${name}`);
  const alternatives = [...entry.contains.map(escapeRegExp), ...entry.regex.map((source) => `(?:${source})`)];
  if (alternatives.length > 0) PATTERNS.set(name, new RegExp(alternatives.join('|')));
}

/** Maps, not the JSON objects: the status looked up is a fresh string each time, which a Map finds about 2.5× faster. */
const STATUS_REASON = new Map<string, string>(Object.entries(table.statusReason));
const VENDOR_REASON = new Map<string, string>(Object.entries(table.vendorStatusReason));
const RETRIABLE = new Set<string>(table.retriable);
/** Reasons the classifier reaches only by elimination (Sisimai's "retry" set): another source of evidence may overrule them. */
export const RETRIABLE_GUESS: ReadonlySet<string> = RETRIABLE;
const DOMAIN_REASON = table.recipientDomainReason as Record<string, string>;

/** A reason fixed by the recipient's service (a Google Groups address), or null. */
export function reasonForRecipientDomain(recipient: string | null): Reason | null {
  if (!recipient) return null;
  const domain = recipient.slice(recipient.lastIndexOf('@') + 1);
  const reason = DOMAIN_REASON[domain];
  return reason && isReason(reason) ? reason : null;
}
/**
 * A provider that documents its own error vocabulary (Cox's AUP#CXBL, Orange's OFR_506, Facebook's RCP-P2, Yahoo's
 * wording, docomo's stage-dependent "550 Unknown user"): the table entry in bounce-reasons.json, compiled once.
 */
interface Provider {
  readonly name: string;
  /** Whether a host or domain is the provider's. */
  readonly covers: (host: string) => boolean;
  readonly code: RegExp | null;
  readonly codes: Readonly<Record<string, string>>;
  readonly ranges: readonly (readonly [number, number, string])[];
  readonly phrases: readonly (readonly [string, readonly string[]])[];
  readonly statusReason: Readonly<Record<string, string>>;
  readonly commandReason: Readonly<Record<string, string>>;
}

interface ProviderEntry {
  name: string;
  domains: string[];
  code?: string;
  codes?: Record<string, string>;
  ranges?: (number | string)[][];
  phrases?: Record<string, string[]>;
  statusReason?: Record<string, string>;
  commandReason?: Record<string, string>;
}

const PROVIDERS: readonly Provider[] = (table.providers as ProviderEntry[]).map((entry) => {
  const reasons = [
    ...Object.values(entry.codes ?? {}), ...(entry.ranges ?? []).map((range) => String(range[2])), ...Object.keys(entry.phrases ?? {}),
    ...Object.values(entry.statusReason ?? {}), ...Object.values(entry.commandReason ?? {}),
  ];
  for (const reason of reasons) if (!isReason(reason)) throw new Error(`bounce-reasons.json: provider ${entry.name}: unknown reason ${reason}`);
  return {
    name: entry.name,
    covers: domainSet(entry.domains.map((domain) => domain.toLowerCase())),
    code: entry.code ? new RegExp(entry.code) : null,
    codes: entry.codes ?? {},
    ranges: (entry.ranges ?? []).map((range) => [Number(range[0]), Number(range[1]), String(range[2])] as const),
    phrases: Object.entries(entry.phrases ?? {}),
    statusReason: entry.statusReason ?? {},
    commandReason: entry.commandReason ?? {},
  };
});

/** Whether a host is one of the domains or under one of them; the dotted suffixes are built once. */
function domainSet(domains: readonly string[]): (host: string) => boolean {
  const suffixes = domains.map((domain) => '.' + domain);
  return (host) => domains.includes(host) || suffixes.some((suffix) => host.endsWith(suffix));
}

/** The provider that refused the message: named by the refusing host, else by the recipient's domain. */
function providerOf(remoteHost: string | null | undefined, recipient: string | null | undefined): Provider | null {
  const host = remoteHost?.toLowerCase().replace(/\.$/, '') ?? '';
  const domain = recipient ? recipient.slice(recipient.lastIndexOf('@') + 1).toLowerCase() : '';
  for (const candidate of [host, domain]) {
    if (!candidate) continue;
    const provider = PROVIDERS.find((entry) => entry.covers(candidate));
    if (provider) return provider;
  }
  return null;
}

/** What the provider's own vocabulary says about this bounce, or null when none of its codes or phrases is present. */
function providerVerdict(provider: Provider, facts: BounceFacts, lower: string): Reason | null {
  const found = provider.code?.exec(lower);
  if (found) {
    const code = found[1];
    const direct = provider.codes[code];
    if (direct) return direct as Reason;
    const number = Number(code);
    const range = Number.isFinite(number) ? provider.ranges.find(([from, to]) => number >= from && number <= to) : undefined;
    if (range) return range[2] as Reason;
  }
  if (facts.status && provider.statusReason[facts.status]) return provider.statusReason[facts.status] as Reason;
  for (const [reason, phrases] of provider.phrases) if (phrases.some((phrase) => lower.includes(phrase))) return reason as Reason;
  const placeholder = facts.status === null || /^[45]\.0\.0$/.test(facts.status);
  if (placeholder && facts.command && provider.commandReason[facts.command]) return provider.commandReason[facts.command] as Reason;
  return null;
}

const BOUNCE_CATEGORY = table.bounceCategories as Record<string, string>;

/** The reason a sending MTA's own bounce category means (PowerMTA's "bad-mailbox" …), or null. */
export function reasonForBounceCategory(category: string | undefined): Reason | null {
  const reason = category ? BOUNCE_CATEGORY[category.trim().toLowerCase()] : undefined;
  return reason && isReason(reason) ? reason : null;
}

const GMAIL_STATES = table.gmailStates as Record<string, string[]>;
const GMAIL_STATE = /\(state (\d{1,2})\)/;

const FIRST_PASS = table.firstPass.filter(isReason);
const SECOND_PASS = table.secondPass.filter(isReason);
const RCPT_TIME_PROVIDER = domainSet(table.rcptTimeProviders);

function rcptTimeProvider(hosts: readonly (string | null)[] | undefined): boolean {
  return (hosts ?? []).some((host) => !!host && RCPT_TIME_PROVIDER(host));
}

const BEFORE_DATA: ReadonlySet<SmtpCommand> = new Set<SmtpCommand>(['CONN', 'HELO', 'EHLO', 'MAIL', 'RCPT']);

/** Texts longer than this are cut before matching: a diagnostic is a few lines, and patterns must stay cheap. */
const MAX_MATCH_TEXT = 4000;

export function matchesReason(reason: Reason, lowerText: string): boolean {
  const pattern = PATTERNS.get(reason);
  return pattern !== undefined && lowerText.length > 0 && pattern.test(lowerText);
}

/** A lower-cased diagnostic and which reasons' wording it contains: the rules ask about a reason several times. */
interface Wording {
  readonly lower: string;
  says(reason: Reason): boolean;
}

function wordingOf(lower: string): Wording {
  const known = new Map<Reason, boolean>();
  return {
    lower,
    says(reason) {
      let found = known.get(reason);
      if (found === undefined) {
        found = matchesReason(reason, lower);
        known.set(reason, found);
      }
      return found;
    },
  };
}

/** The first reason (in the table's precedence) whose patterns the text contains, or null. */
export function reasonFromText(text: string): Reason | null {
  const lower = text.slice(0, MAX_MATCH_TEXT).toLowerCase();
  for (const reason of [...FIRST_PASS, ...SECOND_PASS]) if (matchesReason(reason, lower)) return reason;
  if (matchesReason('vacation', lower)) return 'vacation';
  return null;
}

/** Vendor code ranges ("5.7.606" to "5.7.649" = blocked), parsed once. */
const VENDOR_RANGES = table.vendorRanges.flatMap((range) => {
  const [klass, subject, from] = range.from.split('.').map(Number);
  const to = Number(range.to.split('.')[2]);
  return isReason(range.reason) ? [{ klass, subject, from, to, reason: range.reason }] : [];
});

/** The reason a status code means on its own (RFC 3463 registry, then vendor codes), or null. */
export function reasonFromStatus(status: string | null): Reason | null {
  if (!status) return null;
  // A vendor's fixed meaning (Exchange Online's 5.1.10 = recipient not found) beats the generic registry's.
  const direct = VENDOR_REASON.get(status) ?? STATUS_REASON.get(status);
  if (direct && isReason(direct)) return direct;
  const parts = status.split('.');
  const klass = Number(parts[0]);
  const subject = Number(parts[1]);
  const detail = Number(parts[2]);
  const range = VENDOR_RANGES.find((entry) => entry.klass === klass && entry.subject === subject && detail >= entry.from && detail <= entry.to);
  return range ? range.reason : null;
}

const REMOTE_WORDING: readonly string[] = table.remoteReplyWording;

/**
 * Whether the diagnostic is the reporting MTA's own verdict (its directory said "The recipient name is not recognized")
 * rather than a remote server's reply passed on: no reply code anywhere ("550 …", "ERROR_CODE :550"), not typed as an
 * SMTP reply, not led by a status code ("5.3.0 - Other mail system problem …"), and not a large provider's own wording.
 */
function ownWords(facts: BounceFacts, lower: string): boolean {
  if (facts.replyCode !== null || facts.diagnosticType.toUpperCase() === 'SMTP') return false;
  if (/(?:^|\s|code\s?:\s?)[45]\d\d(?:[\s:,-]|$)/.test(lower) || /^\s*[45]\.\d{1,3}\.\d{1,3}\b/.test(lower)) return false;
  return !REMOTE_WORDING.some((phrase) => lower.includes(phrase));
}

const LOCAL_AGENTS: readonly string[] = table.localDeliveryAgents;

/** Words of the local delivery agent ("mail.local: unknown user: bob"): the message reached the mailbox store itself. */
function localAgent(lower: string): boolean {
  return LOCAL_AGENTS.some((agent) => lower.includes(agent));
}

function probe(reason: Reason, facts: BounceFacts, byStatus: Reason | null, words: Wording, codeReason: Reason | null): boolean {
  const lower = words.lower;
  const permanent = facts.status === null || facts.status.startsWith('5');
  // An explicit, specific code (5.2.2 mailbox full) is not overruled by a stray phrase, unless the server's words
  // say nothing of what the code means (a 5.2.1 "receiving mail at a rate that…" is a rate limit, not a filter).
  const explicitOther = codeReason !== null && codeReason !== reason && !RETRIABLE.has(codeReason) && words.says(codeReason);
  if (reason === 'userunknown') {
    // A bad-address code in answer to MAIL FROM is about the sender's address, not the recipient's.
    if (facts.command === 'MAIL') return false;
    if (byStatus === 'userunknown') {
      // A "bad mailbox" code with words that say otherwise (full, moved, sender refused) is not an unknown user.
      return !(['mailboxfull', 'hasmoved', 'rejected', 'notaccept', 'blocked', 'authfailure', 'suspend', 'speeding'] as const).some((other) => words.says(other));
    }
    if (explicitOther && byStatus !== 'filtered') return false;
    // After DATA the server has read the message: an "unknown user" there is a filter's verdict (Sisimai's rule).
    // When the bounce doesn't say which command failed: words of the reporting MTA itself (no SMTP reply code: "The
    // recipient name is not recognized") come from its own directory, so the address is unknown; a remote server's
    // "550 unknown user" could have come at RCPT or after DATA (Sisimai then says filtered), unless that server is a
    // large provider, which checks recipients at RCPT.
    const unknownStage = facts.command === null && (ownWords(facts, lower) || rcptTimeProvider(facts.hosts) || localAgent(lower));
    return (facts.command === 'RCPT' || unknownStage) && words.says('userunknown');
  }
  if (reason === 'filtered') {
    if (byStatus === 'filtered') return words.says('userunknown') || words.says('filtered');
    if (explicitOther) return false;
    // Only servers that read the message (after DATA) filter it; earlier refusals are something else.
    if (BEFORE_DATA.has(facts.command)) return false;
    const remoteReply = !ownWords(facts, lower) && !localAgent(lower);
    return words.says('filtered') || ((facts.command === 'DATA' || (remoteReply && !rcptTimeProvider(facts.hosts))) && words.says('userunknown'));
  }
  if (reason === 'hostunknown') {
    // "No MX" and "try again" DNS answers are a domain that takes no mail or a DNS outage, not a missing domain.
    if (!permanent || facts.command === 'MAIL' || words.says('notaccept') || words.says('networkerror')) return false;
    return byStatus === 'hostunknown' || (!explicitOther && words.says('hostunknown'));
  }
  // "Scored as spam" under a generic content code (5.6.0) is a spam verdict, not a format problem.
  if (byStatus === reason) return !(reason === 'contenterror' && (words.says('spamdetected') || words.says('virusdetected')));
  // An explicit, specific code (e.g. 5.2.2 mailbox full) is not overruled by a stray phrase.
  if (explicitOther) return false;
  return words.says(reason);
}

/** Reasons that still apply when a server refused the connection or the greeting itself. */
const AT_CONNECT: readonly Reason[] = ['requireptr', 'toomanyconn', 'speeding', 'badreputation'];

/** Decides the reason for one recipient's bounce. */
export function classifyBounce(facts: BounceFacts): Reason {
  const lower = facts.diagnostic.slice(0, MAX_MATCH_TEXT).toLowerCase();
  const words = wordingOf(lower);
  const status = facts.status;
  if (status?.startsWith('2.') || facts.action === 'delivered') return 'delivered';
  const byStatus = reasonFromStatus(status);
  // A provider's documented code or wording says what it meant, whatever the generic rules would read into it.
  const provider = providerOf(facts.hosts?.[0], facts.recipient);
  const verdict = provider ? providerVerdict(provider, facts, lower) : null;
  if (verdict) return verdict;
  // Gmail names the stage of a relayed refusal; a generic status (x.y.0) says no more than the stage does.
  // A specific status (5.7.1) keeps its own meaning.
  const state = GMAIL_STATES[GMAIL_STATE.exec(lower)?.[1] ?? ''];
  if (state && isReason(state[1]) && (status === null || /\.0$/.test(status))) return state[1];
  // Refused before any address was sent (connection, greeting, HELO): the client itself was blocked.
  if (facts.command === 'CONN' || facts.command === 'HELO' || facts.command === 'EHLO') {
    return AT_CONNECT.find((reason) => words.says(reason)) ?? 'blocked';
  }

  for (const reason of FIRST_PASS) if (probe(reason, facts, byStatus, words, byStatus)) return reason;

  if (byStatus === null || RETRIABLE.has(byStatus) || facts.diagnosticType !== 'SMTP') {
    for (const reason of SECOND_PASS) if (words.says(reason)) return reason;
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
  if (words.says('vacation')) return 'vacation';
  return lower.trim().length > 0 ? 'onhold' : 'undefined';
}
