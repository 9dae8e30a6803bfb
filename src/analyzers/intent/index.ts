import { emptyRequest, INTENT_KINDS, type Direction, type IntentKind, type ParsedRequest, type Symptom } from '../../model/intent';
import { completeFromPrevious } from './follow-up';
import { MAX_PARSE_CHARS, toPlainText } from './normalize';
import { detectPaste, type Paste } from './paste';
import { assignRoles, isMessageIdContext, wordsOf, type AddressRole } from './roles';
import { readSignals, type Signals } from './signals';
import { defaultTraceWindow, parseWindow, traceLimits } from './time';
import { tokenize, type Token } from './tokens';

export { MAX_PARSE_CHARS } from './normalize';
export { TRACE_MAX_QUERY_DAYS, TRACE_RETENTION_DAYS, DEFAULT_TRACE_HOURS, defaultTraceWindow, traceLimits } from './time';

export interface ParseContext {
  readonly now: Date;
  /** IANA zone of the person asking (Teams `localTimezone`); unknown zones are read as UTC. */
  readonly timeZone: string;
  /** The previous request in the conversation, for follow-ups. */
  readonly previous?: ParsedRequest;
}

/**
 * Understands one helpdesk message, deterministically: the intent, the people and domains involved, status codes,
 * the time window in UTC, and whether it completes the previous question ("and yesterday?", "release it").
 * Never throws: whatever it cannot read becomes `unknown`, which the bot answers with its help card.
 */
export function parseRequest(text: string, context: ParseContext): ParsedRequest {
  try {
    return parse(typeof text === 'string' ? text : '', context);
  } catch {
    // A parser bug must cost one answer ("I didn't understand"), not the conversation.
    return emptyRequest('unknown');
  }
}

/** What a message says on its own, before the conversation is consulted. */
export interface Reading {
  readonly request: ParsedRequest;
  /** The intent came from words that name it ("trace", "bounced", "check spf"), not only from an address or domain. */
  readonly explicit: boolean;
  readonly signals: Signals;
  readonly roles: readonly AddressRole[];
  /** Standalone domains named (not the domain part of an address). */
  readonly namedDomains: readonly string[];
  /** The person named a time; false when the window is the trace default. */
  readonly windowNamed: boolean;
  /** "the day before", "the week before": a window relative to the previous question's, in days (negative = earlier). */
  readonly shiftDays: number | null;
}

/**
 * The parser without its safety net: the same result as `parseRequest`, but a bug throws. The property tests call
 * this, so that the net in `parseRequest` cannot hide a crash.
 */
export function interpretRequest(text: string, context: ParseContext): ParsedRequest {
  return parse(text, context);
}

function parse(text: string, context: ParseContext): ParsedRequest {
  const reading = read(text, context);
  const previous = context.previous && INTENT_KINDS.includes(context.previous.intent) ? context.previous : undefined;
  const completed = previous ? completeFromPrevious(reading, previous, context) : null;
  return withTraceLimits(completed ?? reading.request, context.now);
}

export function read(text: string, context: ParseContext): Reading {
  const plain = toPlainText(text);
  const mentionOnly = plain.trim().length === 0 && /<at\b/i.test(text.slice(0, MAX_PARSE_CHARS));
  const paste = detectPaste(plain);
  const question = capQuestion(paste ? paste.question : plain);
  const tokens = tokenize(question);
  const words = wordsOf(tokens);
  // A paste's intent is its kind, whatever the words around it say (classify), and nothing else reads a paste's signals.
  const signals = paste ? NO_SIGNALS : readSignals(words);

  const emails = valuesOf(tokens, (token, i) => (token.kind === 'email' && !isMessageId(tokens, words, i) ? token.address : undefined));
  const messageId = findMessageId(tokens, words);
  const namedDomains = unique(valuesOf(tokens, (token) => (token.kind === 'domain' ? token.domain : undefined)));
  const ips = unique(valuesOf(tokens, (token) => (token.kind === 'ip' ? token.ip : undefined)));
  const quarantineId = findQuarantineId(question);
  const codes = unique(valuesOf(tokens, codeOf));
  const replyCodes = unique(valuesOf(tokens, (token) => (token.kind === 'number' && /^[245]\d\d$/.test(token.word) ? token.word : undefined)));

  const { intent, explicit } = mentionOnly ? { intent: 'help' as const, explicit: true } : classify(paste, signals, {
    emails, messageId, namedDomains, ips, codes, replyCodes, quarantineId, contentWords: signals.contentWords, empty: question.trim().length === 0,
  });

  // Roles come from the question; for a pasted header block, from its own From:/To: lines. Who a pasted NDR is about,
  // and its status codes, are the NDR analyzer's to read (its answer reports them, see Reply.found): it reads the
  // block anyway, and better.
  let roles: AddressRole[] = [];
  const defaultRole = signals.symptom === 'junk' || (intent === 'quarantine_list' && signals.inbound) ? 'sender' : 'recipient';
  if (paste?.kind === 'headers') {
    const blockText = linesWorthReading(paste).join('\n');
    const blockTokens = tokenize(blockText, 4000);
    roles = assignRoles(blockTokens, wordsOf(blockTokens), 'recipient', blockText);
  } else {
    roles = assignRoles(tokens, words, defaultRole, question);
  }
  const senders = roles.filter((role) => role.role === 'sender').map((role) => role.address);
  const recipients = roles.filter((role) => role.role === 'recipient').map((role) => role.address);

  const asksAboutDomains = intent === 'domain' || intent === 'smtp_test';
  const domains = asksAboutDomains && namedDomains.length === 0 ? unique(emails.map((address) => address.slice(address.lastIndexOf('@') + 1))) : namedDomains;
  const timeWords = paste ? null : timeText(question, tokens);
  const window = timeWords === null ? null : parseWindow(timeWords, context.now, context.timeZone);

  const symptom = intent === 'trace' ? signals.symptom ?? symptomOfCodes(codes) : null;
  const request: ParsedRequest = {
    ...emptyRequest(intent),
    symptom,
    senders,
    recipients,
    domains,
    codes,
    messageId,
    quarantineId,
    window: window ?? (intent === 'trace' ? defaultTraceWindow(context.now) : null),
    checks: intent === 'domain' ? signals.checks : [],
    ips,
    pasted: paste ? paste.block : null,
    direction: directionOf(intent, symptom, signals, roles),
    replyCodes: codes.length === 0 ? replyCodes : [],
  };
  const shiftDays = window || timeWords === null ? null : relativeShift(timeWords);
  return { request, explicit, signals, roles, namedDomains, windowNamed: window !== null, shiftDays };
}

/** The signals of a message without words. */
const NO_SIGNALS = readSignals([]);

/** What `pick` finds in each token, in order (a loop: flatMap would allocate an array per token). */
function valuesOf<T>(tokens: readonly Token[], pick: (token: Token, i: number) => T | undefined): T[] {
  const values: T[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const value = pick(tokens[i], i);
    if (value !== undefined) values.push(value);
  }
  return values;
}

const codeOf = (token: Token) => (token.kind === 'code' ? token.code : undefined);

interface Entities {
  readonly emails: readonly string[];
  readonly messageId: string | null;
  readonly namedDomains: readonly string[];
  readonly ips: readonly string[];
  readonly codes: readonly string[];
  readonly replyCodes: readonly string[];
  readonly quarantineId: string | null;
  readonly contentWords: number;
  readonly empty: boolean;
}

/**
 * The decision, most specific first: a pasted block, then the capabilities with their own vocabulary (quarantine,
 * test message, connector, SMTP test, IP check), then service health, codes, domain checks and finally mail traces.
 */
function classify(paste: Paste | null, s: Signals, e: Entities): { intent: IntentKind; explicit: boolean } {
  const personal = e.emails.length > 0 || e.messageId !== null;
  const anyEntity = personal || e.namedDomains.length > 0 || e.ips.length > 0 || e.codes.length > 0;
  if (paste) return { intent: paste.kind, explicit: true };
  if (e.empty) return { intent: 'unknown', explicit: false };
  if (s.thanksOnly && !anyEntity) return { intent: 'thanks', explicit: true };
  if (s.quarantine || e.quarantineId) return { intent: s.release ? 'quarantine_release' : 'quarantine_list', explicit: true };
  if (s.release && !s.symptom && !s.testMessage) return { intent: 'quarantine_release', explicit: true };
  if (s.testMessage && !s.symptom) return { intent: 'test_message', explicit: true };
  if (s.connector) return { intent: 'connector_check', explicit: true };
  if (s.smtpTest) return { intent: 'smtp_test', explicit: true };
  if (s.ipCheck && !personal) return { intent: 'ip_check', explicit: true };
  if (e.ips.length > 0 && !personal && !s.symptom && e.namedDomains.length === 0) return { intent: 'ip_check', explicit: s.contentWords > 0 };
  if (s.health && !personal && e.namedDomains.length === 0 && (s.serviceNamed || s.contentWords <= 3)) return { intent: 'health', explicit: true };
  // A code with no person to trace is best answered by explaining it ("got a bounce with 5.7.1").
  if (e.codes.length > 0 && !personal && !s.strongTrace) return { intent: 'code', explicit: s.codeWords || s.contentWords > 0 };
  if (e.replyCodes.length > 0 && !personal && s.codeWords && !s.symptom && e.namedDomains.length === 0) return { intent: 'code', explicit: true };
  if (s.checks.length > 0 && !(personal && s.symptom)) return { intent: 'domain', explicit: true };
  if (s.audit && (e.namedDomains.length > 0 || personal) && !s.symptom) return { intent: 'domain', explicit: true };
  if (personal) return { intent: 'trace', explicit: s.symptom !== null || s.trace };
  if (s.symptom || s.strongTrace) return { intent: 'trace', explicit: true };
  if (e.namedDomains.length > 0 && s.trace && s.contentWords > 1) return { intent: 'trace', explicit: true };
  if (s.help) return { intent: 'help', explicit: true };
  if (s.thanks && !anyEntity) return { intent: 'thanks', explicit: true };
  if (e.namedDomains.length > 0) return { intent: 'domain', explicit: false };
  if (e.codes.length > 0) return { intent: 'code', explicit: false };
  return { intent: 'unknown', explicit: false };
}

/** "getting 550 5.7.708 when sending to …": a permanent failure code is a bounce, a transient one a delay. */
function symptomOfCodes(codes: readonly string[]): Symptom | null {
  if (codes.some((code) => code.startsWith('5.'))) return 'bounce';
  if (codes.some((code) => code.startsWith('4.'))) return 'delay';
  return null;
}

function directionOf(intent: IntentKind, symptom: Symptom | null, s: Signals, roles: readonly AddressRole[]): Direction | null {
  if (intent !== 'trace' && intent !== 'quarantine_list' && intent !== 'quarantine_release') return null;
  if (roles.some((role) => role.ours && role.role === 'recipient')) return 'inbound';
  if (roles.some((role) => role.ours && role.role === 'sender')) return 'outbound';
  if (intent !== 'trace') return 'inbound';
  if (s.outbound && !s.inbound) return 'outbound';
  if (s.inbound && !s.outbound) return 'inbound';
  const bySymptom: Record<Symptom, Direction> = { bounce: 'outbound', delay: 'outbound', missing: 'inbound', junk: 'inbound' };
  return symptom ? bySymptom[symptom] : null;
}

function isMessageId(tokens: readonly Token[], words: readonly string[], i: number): boolean {
  const token = tokens[i];
  return token.kind === 'email' && isMessageIdContext(words, i) && (token.bracketed || words[i - 1] !== undefined);
}

function findMessageId(tokens: readonly Token[], words: readonly string[]): string | null {
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token.kind === 'email' && isMessageId(tokens, words, i)) return `<${token.raw}>`;
  }
  return null;
}

// Exchange quarantine identities are a GUID, or two GUIDs joined by a backslash.
const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const QUARANTINE_ID = new RegExp(`\\b${GUID}(?:\\\\${GUID})?\\b`, 'i');

function findQuarantineId(text: string): string | null {
  const match = QUARANTINE_ID.exec(text.length > 20000 ? text.slice(0, 20000) : text);
  return match ? match[0].toLowerCase() : null;
}

/** The question with addresses, domains, codes and IPs blanked out, lower case: what time phrases are read from. */
function timeText(question: string, tokens: readonly Token[]): string {
  let out = '';
  let at = 0;
  for (const token of tokens) {
    if (token.kind === 'word' || token.kind === 'number') continue;
    out += question.slice(at, token.start) + ' ';
    at = token.start + token.raw.length;
  }
  out += question.slice(at);
  return out.toLowerCase().replace(/[’']/g, '').replace(/\s+/g, ' ');
}

/** "and the day before?" only means something next to the previous question's window. */
function relativeShift(text: string): number | null {
  const match = /\b(?:the\s+)?(day|week)\s+before\b|\bthe\s+previous\s+(day|week)\b/.exec(text.length > 2000 ? text.slice(0, 2000) : text);
  if (!match) return null;
  return (match[1] ?? match[2]) === 'week' ? -7 : -1;
}

/**
 * A question longer than any typed one is pasted context (a forwarded thread): its head and its tail hold the
 * question; reading the middle too would only cost time on the 28 KB Teams allows.
 */
const QUESTION_HEAD = 6000;
const QUESTION_TAIL = 3000;
function capQuestion(question: string): string {
  if (question.length <= QUESTION_HEAD + QUESTION_TAIL) return question;
  return `${question.slice(0, QUESTION_HEAD)}\n${question.slice(question.length - QUESTION_TAIL)}`;
}

const ADDRESS_LINE = /^(?:from|to|cc|sender|return-path|reply-to|delivered-to|x-original-to|original-recipient|final-recipient|x-ms-exchange-organization-originalsender)\s*:/i;
/** How much of a pasted block is read: its first lines, up to a total length of the lines kept; each line cut. */
const READ_LINES = 3000;
const READ_CHARS = 8000;
const READ_LINE_CHARS = 600;

/** The lines of a pasted header block worth reading for its people: the address fields (who it is from and to). */
function linesWorthReading(paste: Paste): string[] {
  const lines = paste.block.split('\n', READ_LINES);
  const picked: string[] = [];
  let size = 0;
  for (let i = 0; i < lines.length && size < READ_CHARS; i += 1) {
    const line = lines[i];
    if (ADDRESS_LINE.test(line)) {
      picked.push(line.length > READ_LINE_CHARS ? line.slice(0, READ_LINE_CHARS) : line);
      size += line.length;
    }
  }
  return picked;
}

function withTraceLimits(request: ParsedRequest, now: Date): ParsedRequest {
  if (!request.window) return { ...request, queryWindows: undefined, windowNote: null };
  const limits = traceLimits(request.window, now);
  return { ...request, queryWindows: limits.queryWindows, windowNote: limits.windowNote };
}

export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
