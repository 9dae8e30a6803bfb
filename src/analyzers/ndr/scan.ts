import type { SmtpCommand } from './classify';
import { collapseSpaces, oneLine, oneLineLength } from './text';
import { anyOfPhrases, escapeRegExp } from '../strings';

/**
 * Reads the human-readable part of a bounce: Exchange's "Diagnostic information for administrators" and
 * "More Info for Email Admins" sections, and the recipient blocks every other MTA writes (Postfix's
 * "<bob@…>: host … said:", qmail's "<bob@…>:" paragraphs, Exim's indented address, Sendmail's transcript,
 * Gmail's "Technical details"). Everything is label- and structure-based, never tied to one sample, and every
 * regex is linear: bounded repetitions only.
 */

export interface BodyRecord {
  readonly recipient: string | null;
  readonly diagnostic: string;
  readonly status: string | null;
  readonly replyCode: number | null;
  readonly remoteHost: string | null;
  readonly command: SmtpCommand;
}

/** Lines we look at in one text part; a bounce's explanation is never longer. */
const MAX_LINES = 4000;
const MAX_BLOCK_LINES = 30;

/** An address, with RFC 5321's quoted local part ("john..doe"@example.com) allowed. */
const ADDRESS = /(?:"[^"\s@<>]{1,64}"|[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,128})@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/;

export function firstAddress(text: string): string | null {
  const match = addressIn(text);
  return match ? cleanAddress(match[0]) : null;
}

/** ADDRESS tried at one position. */
const ADDRESS_AT = new RegExp(ADDRESS.source, 'y');
const LONGEST_LOCAL_PART = 128;

/**
 * `ADDRESS.exec(text)`, found from the text's "@" signs: the regex alone would try every character as a start. An
 * address holds exactly one "@", so its only possible start is fixed by the characters before that sign: the opening
 * quote of a quoted local part, or the earliest local-part character of the unbroken run (at most 128) before it.
 */
function addressIn(text: string, from = 0): RegExpExecArray | null {
  for (let at = text.indexOf('@', from); at >= 0; at = text.indexOf('@', at + 1)) {
    const start = localPartStart(text, at, from);
    if (start < 0) continue;
    ADDRESS_AT.lastIndex = start;
    const match = ADDRESS_AT.exec(text);
    if (match) return match;
  }
  return null;
}

/** Every ADDRESS in a text, as a global search (the regex with the g flag) finds them. */
function addressesIn(text: string): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  for (let match = addressIn(text); match !== null; match = addressIn(text, match.index + match[0].length)) found.push(match);
  return found;
}

/** The text with every ADDRESS taken out (as a global replace with the regex would). */
function withoutAddresses(text: string): string {
  let rest = '';
  let position = 0;
  for (const match of addressesIn(text)) {
    rest += text.slice(position, match.index);
    position = match.index + match[0].length;
  }
  return position === 0 ? text : rest + text.slice(position);
}

/** Where the local part before the "@" at `at` would have to start (not before `from`), or -1 when nothing can. */
function localPartStart(text: string, at: number, from: number): number {
  if (at <= from) return -1;
  if (text.charCodeAt(at - 1) === 0x22) {
    const quote = at - 2 >= from ? text.lastIndexOf('"', at - 2) : -1;
    return quote >= from ? quote : -1;
  }
  let start = at;
  while (start > from && at - start < LONGEST_LOCAL_PART && isLocalPartChar(text.charCodeAt(start - 1))) start--;
  return start < at ? start : -1;
}

/** ADDRESS's unquoted local-part characters, by character code (all of them ASCII). */
const LOCAL_PART_CHARS = Uint8Array.from({ length: 128 }, (_, code) => (/[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/.test(String.fromCharCode(code)) ? 1 : 0));

function isLocalPartChar(code: number): boolean {
  return code < 128 && LOCAL_PART_CHARS[code] === 1;
}

export function cleanAddress(address: string): string {
  // (An address rarely starts with "m", let alone "mailto:": the regex only for those that do.)
  const trimmed = (address.charCodeAt(0) | 0x20) === 0x6d && /^mailto:/i.test(address) ? address.slice('mailto:'.length) : address;
  // The usual address has nothing to drop: no replacement needed.
  if (!STRAY.has(trimmed.charCodeAt(0)) && !STRAY.has(trimmed.charCodeAt(trimmed.length - 1))) return trimmed.toLowerCase();
  // Keep a quoted local part intact; otherwise drop stray quotes and dots that the surrounding prose left on it.
  if (/^"[^"]{1,64}"@/.test(trimmed)) return trimmed.replace(/[.'"]+$/, '').toLowerCase();
  return trimmed.replace(/^[.'"]+|[.'"]+$/g, '').toLowerCase();
}

/** The characters that prose leaves around an address: dots and quotes. */
const STRAY: ReadonlySet<number> = new Set(['.', "'", '"'].map((char) => char.charCodeAt(0)));

/**
 * Where the copy of the original message starts in a text part: nothing after it describes the failure. A bare
 * "original message" counts only after dashes ("----- Original message -----"); the dashes are matched as a branch of
 * their own rather than looked behind for, which costs the regex engine several times more on every line tried.
 */
const ORIGINAL_MARKERS =
  /^[ \t]*(?:-+[ \t]*(?:original|unsent|returned|undelivered|the original) (?:message|mail)\b|-*[ \t]*(?:(?:the |a |your )?(?:original |unsent |returned |undelivered )?(?:message|mail)(?: headers?)? (?:follows?|below)|original message headers|below this line is a copy of the message|-* ?this is a copy of the message|--- the header of the original message|headers of the original message|text of the original message|original message header|a copy of the original message|\[original message\]))/im;

/** The marker pattern tried at one line's start only. */
const MARKER_AT = new RegExp(ORIGINAL_MARKERS.source.slice(1), 'iy');
/** Every marker holds one of these words, at a word's start, so only the lines that hold one are tried. */
const MARKER_WORD = /\bm(?:essag|ail)/gi;

export function explanationArea(text: string): string {
  // Line ends other than "\n" would make the line-by-line search disagree with the regex's `^`.
  const otherLineEnds = text.includes('\r') || text.includes('\u2028') || text.includes('\u2029');
  const at = otherLineEnds ? (ORIGINAL_MARKERS.exec(text)?.index ?? -1) : markerLine(text);
  return at >= 0 ? text.slice(0, at) : text;
}

/** Where the first line that starts with an original-message marker starts, or -1 (ORIGINAL_MARKERS, tried per line). */
function markerLine(text: string): number {
  MARKER_WORD.lastIndex = 0;
  for (let word = MARKER_WORD.exec(text); word !== null; word = MARKER_WORD.exec(text)) {
    const start = text.lastIndexOf('\n', word.index) + 1;
    MARKER_AT.lastIndex = start;
    if (MARKER_AT.test(text)) return start;
    const end = text.indexOf('\n', word.index);
    if (end < 0) return -1;
    MARKER_WORD.lastIndex = end + 1;
  }
  return -1;
}

const ENHANCED = /(?<![\w.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/g;
const REPLY_THEN_ENHANCED = /(?<![\w.\-/:])([245]\d\d)[ -]['"#]?([245]\.\d{1,3}\.\d{1,3})(?!\.?\d)/;
const REPLY_THEN_ENHANCED_G = new RegExp(REPLY_THEN_ENHANCED.source, 'g');

/** Every "550 5.1.1"-style pair in a text, in order: a relayed error quotes the remote server's reply last. */
export function pairedStatuses(text: string): string[] {
  const window = text.slice(0, 8000);
  const statuses: string[] = [];
  REPLY_THEN_ENHANCED_G.lastIndex = 0;
  for (let match = REPLY_THEN_ENHANCED_G.exec(window); match !== null; match = REPLY_THEN_ENHANCED_G.exec(window)) statuses.push(match[2]);
  return statuses;
}
const REPLY = /(?<![\w.\-/:#%=])([45]\d\d)(?=[ \-:,;.)\]'"]|$)/;

/** The enhanced status code of a diagnostic; a code right after an SMTP reply code is the most trustworthy. */
export function findStatus(text: string): string | null {
  const paired = REPLY_THEN_ENHANCED.exec(text);
  if (paired) return paired[2];
  ENHANCED.lastIndex = 0;
  let match: RegExpExecArray | null;
  let fallback: string | null = null;
  while ((match = ENHANCED.exec(text)) !== null) {
    const code = `${match[1]}.${match[2]}.${match[3]}`;
    if (match[1] !== '2') return code;
    fallback ??= code;
  }
  return fallback;
}

export function findReplyCode(text: string): number | null {
  const paired = REPLY_THEN_ENHANCED.exec(text);
  if (paired) return Number(paired[1]);
  const match = REPLY.exec(text);
  return match ? Number(match[1]) : null;
}

/**
 * The wording that names the SMTP command a reply answered, first match wins. Each pattern is tried only when the
 * lower-cased text holds one of its `needs` (every alternative of the pattern contains one of them): most
 * diagnostics name no command, and a plain search rules them out faster than the pattern's alternatives can.
 */
const COMMANDS: readonly { readonly pattern: RegExp; readonly needs: readonly string[]; readonly command: SmtpCommand }[] = [
  // PIPELINING: the RCPT refusal arrives after ">>> DATA", followed by DATA's own "no valid recipients" reply.
  { pattern: />>> data <<< [45]\d\d(?:(?!<<<|>>>).){0,400}<<< [45]\d\d/i, needs: ['>>> data <<< '], command: 'RCPT' },
  {
    pattern: /in reply to (?:rcpt to|rcpt)\b|after rcpt to|did not like our rcpt|does not like recipient|>>> rcpt to|rcpt to:?\s*<[^>]{0,200}>[^<]{0,40}<<< [45]|error following rcpt|\[rcpt_to\]|smtp:rcpt|most progress was rcpt|after rcpt\b|for rcpt command/i,
    needs: ['rcpt', 'does not like recipient'],
    command: 'RCPT',
  },
  {
    pattern: /in reply to (?:end of )?data\b|after (?:end of )?data\b|did not like our (?:final )?data|failed after i sent the message|>>> data|error following data|after the end of data|\(data\)|for text command|smtp command\s+data/i,
    needs: ['data', 'failed after i sent the message', 'for text command'],
    command: 'DATA',
  },
  { pattern: /in reply to mail from|after mail from|sender was rejected|>>> mail from|\[mail_from\]|error following mail from/i, needs: ['mail from', 'sender was rejected', 'mail_from'], command: 'MAIL' },
  { pattern: /after (?:ehlo|helo)|in reply to (?:ehlo|helo)|my name was rejected|>>> (?:ehlo|helo)/i, needs: ['ehlo', 'helo', 'my name was rejected'], command: 'HELO' },
  {
    pattern: /refused to talk to me|after initial connection|greeting|while connected to|connection refused by|server refused/i,
    needs: ['refused to talk to me', 'after initial connection', 'greeting', 'while connected to', 'connection refused by', 'server refused'],
    command: 'CONN',
  },
];

/** Any word some command's wording needs: one scan rules out the texts that name no command (most of them). */
const ANY_COMMAND_WORD = anyOfPhrases(COMMANDS.flatMap((entry) => entry.needs));

export function detectCommand(text: string): SmtpCommand {
  // Wrapped lines split phrases ("in reply to\n    RCPT TO command"): match on the text with its whitespace collapsed.
  return commandInLine(collapseSpaces(text.slice(0, 20_000)));
}

/** `detectCommand` for a text whose whitespace is collapsed already (a `joinReplyLines` diagnostic). */
export function commandInLine(flat: string): SmtpCommand {
  const lower = flat.toLowerCase();
  if (!ANY_COMMAND_WORD.test(lower)) return null;
  for (const entry of COMMANDS) if (holdsAny(lower, entry.needs) && entry.pattern.test(flat)) return entry.command;
  return null;
}

function holdsAny(text: string, words: readonly string[]): boolean {
  for (const word of words) if (text.includes(word)) return true;
  return false;
}

/** Where the refusing host is named; a pattern with a `needs` phrase is tried only on a text that contains it. */
const HOST_PATTERNS: readonly (RegExp | { readonly pattern: RegExp; readonly needs: string })[] = [
  /\bhost ([A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63})\s?\[[0-9a-fA-F.:]{3,45}\] said/,
  /\bhost ([A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}) \[[0-9a-fA-F.:]{3,45}\]/,
  /Remote Server at ([A-Za-z0-9.-]{1,253})/i,
  /\bServer at ([A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}) \(/,
  /while talking to ([A-Za-z0-9.-]{1,253}?)\.?:/,
  /\bRemote server:\s*([A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63})/i,
  /\bhost: ([A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}) \([0-9a-fA-F.:]{3,45}\)/,
  /by ([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})\.? \[[0-9a-fA-F.:]{3,45}\]/,
  // Led by a host name, which could start anywhere: without the phrase, every letter would be tried as a start.
  { pattern: /([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}) \[[0-9a-fA-F.:]{3,45}\] did not like/, needs: ' did not like' },
  /\bServer ([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})\[[0-9a-fA-F.:]{3,45}\] failed/,
  /\b(?:connect to|Connected to) ([A-Za-z0-9.-]{1,253}[A-Za-z0-9])/,
  /^([0-9]{1,3}(?:\.[0-9]{1,3}){3}) (?:does not like|failed after)/m,
];

export function findRemoteHost(text: string): string | null {
  for (const entry of HOST_PATTERNS) {
    const pattern = entry instanceof RegExp ? entry : text.includes(entry.needs) ? entry.pattern : null;
    const match = pattern?.exec(text);
    if (match) return match[1].replace(/\.$/, '').toLowerCase();
  }
  return null;
}

/**
 * A multi-line SMTP reply repeats its codes on every line ("550-5.7.1 Messages with multiple\n550-5.7.1 addresses
 * in From:"); once joined, the repeats would split the sentence, so every repeat after the first is dropped.
 */
export function joinReplyLines(text: string): string {
  const line = oneLine(text);
  const first = REPLY_THEN_ENHANCED.exec(line);
  if (!first) return line.replace(/(\s)([245]\d\d)-(?=\S)/g, '$1');
  const start = (first.index ?? 0) + first[0].length;
  return line.slice(0, start) + line.slice(start).replace(repeatOf(first[1], first[2]), '');
}

/** The repeats of one "550 5.7.1" pair; compiled once per pair (a corpus uses a few dozen), the cache bounded. */
const REPEATS = new Map<string, RegExp>();

function repeatOf(replyCode: string, status: string): RegExp {
  const key = `${replyCode} ${status}`;
  let repeat = REPEATS.get(key);
  if (!repeat) {
    if (REPEATS.size >= 500) REPEATS.clear();
    repeat = new RegExp(`\\s${replyCode}[ -]${status.replace(/\./g, '\\.')}(?=\\s|$)`, 'g');
    REPEATS.set(key, repeat);
  }
  return repeat;
}

function record(recipient: string | null, diagnosticText: string, hostHint: string | null = null): BodyRecord {
  const diagnostic = joinReplyLines(diagnosticText).slice(0, 4000);
  return {
    recipient,
    diagnostic,
    status: pairedStatuses(diagnostic).pop() ?? findStatus(diagnostic),
    replyCode: findReplyCode(diagnostic),
    remoteHost: findRemoteHost(diagnosticText) ?? hostHint,
    command: detectCommand(diagnosticText),
  };
}

/** The first command any of the blocks names, or null. */
function firstCommand(blocks: readonly string[]): SmtpCommand {
  for (const block of blocks) {
    const command = detectCommand(block);
    if (command !== null) return command;
  }
  return null;
}

/**
 * `record` for a recipient block, each field worked out when first read: beside a DSN, which names most of it
 * already, one or two fields are asked for. With no command in the chosen block, the recipient's other blocks may
 * name it. A class, because an object literal with getters is slow to build; its fields are getters on the
 * prototype, so read them by name (a spread would copy none of them).
 */
class BlockRecord implements BodyRecord {
  /** Each field once worked out; `undefined` until then (null is a value: "none"). */
  private diagnosticText: string | undefined;
  private statusCode: string | null | undefined;
  private reply: number | null | undefined;
  private host: string | null | undefined;
  private smtpCommand: SmtpCommand | undefined;

  constructor(
    readonly recipient: string,
    private readonly block: string,
    private readonly otherBlocks: readonly string[],
  ) {}

  get diagnostic(): string {
    this.diagnosticText ??= joinReplyLines(this.block).slice(0, 4000);
    return this.diagnosticText;
  }

  get status(): string | null {
    if (this.statusCode === undefined) this.statusCode = pairedStatuses(this.diagnostic).pop() ?? findStatus(this.diagnostic);
    return this.statusCode;
  }

  get replyCode(): number | null {
    if (this.reply === undefined) this.reply = findReplyCode(this.diagnostic);
    return this.reply;
  }

  get remoteHost(): string | null {
    if (this.host === undefined) this.host = findRemoteHost(this.block);
    return this.host;
  }

  get command(): SmtpCommand {
    if (this.smtpCommand === undefined) this.smtpCommand = detectCommand(this.block) ?? firstCommand(this.otherBlocks);
    return this.smtpCommand;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Exchange Server / Exchange Online / Outlook.com

const EXO_LABELS = [
  'DSN generated by:', 'Remote server:', 'Message Hops', 'Original Message Headers', 'Original message headers:', 'Original Message Details',
  'How to Fix It', 'More Info for Email Admins', 'Error Details', 'Created Date:', 'Sender Address:', 'Recipient Address:', 'Subject:',
  'Status code:', 'Reported error:', 'Action Required', 'Diagnostic information for administrators:', 'Generating server:', 'Receiving server:',
];

const LONGEST_LABEL = Math.max(...EXO_LABELS.map((label) => label.length));
const LOWER_LABELS = EXO_LABELS.map((label) => label.toLowerCase());

/**
 * The value after a label, up to the next known label (works whether line breaks survived the paste or not). `after`:
 * where to start looking for the label.
 */
export function labelValue(text: string, label: string, maxLength = 2000, after = 0): string | null {
  const start = indexOfInsensitive(text, label, after);
  if (start < 0) return null;
  const from = start + label.length;
  const limit = Math.min(text.length, from + maxLength);
  const lower = lowerWindow(text);
  const lowerLabel = label.toLowerCase();
  const end = lower.length === text.length ? nextLabelBefore(labelMarks(text), from, limit, lowerLabel) : nextLabelInWindow(text, from, limit, lowerLabel);
  const value = oneLine(text.slice(from, end));
  return value.length > 0 ? value : null;
}

/** Where a known label starts in a text, and which. */
interface LabelMark {
  readonly at: number;
  readonly label: string;
}

/**
 * Every label as one expression, the longer of two labels that start alike first (so it is the one found), and the
 * labels that start each label (found where it is found). One pass over a text instead of one search per label: the
 * labels' first letters are common ones, and each search stopped at most of them.
 */
const LABEL_SEARCH = new RegExp([...LOWER_LABELS].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
const SHORTER_LABELS_AT_START = new Map(LOWER_LABELS.map((label) => [label, LOWER_LABELS.filter((other) => other !== label && label.startsWith(other))]));

/**
 * Every known label in a text, in order of position, overlapping ones too. Kept with the text's lower-cased copy,
 * which they are read from.
 */
function labelMarks(text: string): readonly LabelMark[] {
  const lower = lowerWindow(text);
  if (lowered.marks) return lowered.marks;
  const marks: LabelMark[] = [];
  LABEL_SEARCH.lastIndex = 0;
  for (let found = LABEL_SEARCH.exec(lower); found; found = LABEL_SEARCH.exec(lower)) {
    marks.push({ at: found.index, label: found[0] });
    for (const label of SHORTER_LABELS_AT_START.get(found[0]) ?? []) marks.push({ at: found.index, label });
    LABEL_SEARCH.lastIndex = found.index + 1;
  }
  lowered.marks = marks;
  return marks;
}

/** The start of the first other label in [from, limit), else `limit`. */
function nextLabelBefore(marks: readonly LabelMark[], from: number, limit: number, lowerLabel: string): number {
  let low = 0;
  let high = marks.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (marks[middle].at < from) low = middle + 1;
    else high = middle;
  }
  for (let index = low; index < marks.length && marks[index].at < limit; index++) {
    if (marks[index].label !== lowerLabel) return marks[index].at;
  }
  return limit;
}

/**
 * The same, by searching the value's window: for a text whose lower-cased copy is cut (longer than SEARCHED_CHARS) or
 * has moved (a letter whose lower case is longer), where the marks' positions are not the text's.
 */
function nextLabelInWindow(text: string, from: number, limit: number, lowerLabel: string): number {
  const window = text.slice(from, limit + LONGEST_LABEL).toLowerCase();
  let end = limit;
  for (const other of LOWER_LABELS) {
    if (other === lowerLabel) continue;
    const at = window.indexOf(other);
    if (at >= 0 && from + at < end) end = from + at;
  }
  return end;
}

/** The text last lower-cased by `lowerWindow` (the readers look for several labels in one text), and its label marks. */
let lowered: { text: string; lower: string; marks: readonly LabelMark[] | null } = { text: '', lower: '', marks: null };

/** How much of a text the case-insensitive searches read: more than any real bounce, bounded for a hostile one. */
const SEARCHED_CHARS = 400_000;

const searchedPart = (text: string): string => (text.length > SEARCHED_CHARS ? text.slice(0, SEARCHED_CHARS) : text);

/** The searched part of a text, lower-cased (the copy is reused for the same text). */
function lowerWindow(text: string): string {
  const window = searchedPart(text);
  if (lowered.text !== window) lowered = { text: window, lower: window.toLowerCase(), marks: null };
  return lowered.lower;
}

/**
 * False when a text certainly lacks a phrase in any letter case (its lower-cased copy doesn't hold it): a plain search
 * that rules most texts out before a case-insensitive regex looks for the phrase.
 */
export function mayHold(text: string, lowerPhrase: string): boolean {
  return text.length > SEARCHED_CHARS || lowerWindow(text).includes(lowerPhrase);
}

/** Case-insensitive `indexOf` within the searched part of a text, from `after` on. */
function indexOfInsensitive(text: string, needle: string, after = 0): number {
  const part = searchedPart(text);
  const lower = lowerWindow(text);
  if (lower.length === part.length) return lower.indexOf(needle.toLowerCase(), after);
  // Lower-casing changed the length (a dotted capital İ becomes two characters), so its positions are not the text's.
  const search = new RegExp(escapeRegExp(needle), 'gi');
  search.lastIndex = after;
  return search.exec(part)?.index ?? -1;
}

/** The current Outlook/OWA format: "Your message to … couldn't be delivered" … "Reported error:". */
export function scanExchangeCurrent(text: string): BodyRecord[] {
  const reported = labelValue(text, 'Reported error:');
  const statusLine = labelValue(text, 'Status code:', 200);
  if (!reported && !statusLine) return [];
  const recipientText = labelValue(text, 'Recipient Address:', 500);
  const yourMessage = /Your message to\s+(\S{1,200}?@\S{1,200}?)\s+couldn.t be delivered/i.exec(text);
  const recipients = new Set<string>();
  if (recipientText) for (const match of addressesIn(recipientText)) recipients.add(cleanAddress(match[0]));
  if (recipients.size === 0 && yourMessage) {
    const address = firstAddress(yourMessage[1]);
    if (address) recipients.add(address);
  }
  const diagnostic = reported ?? statusLine ?? '';
  const remote = labelValue(text, 'Remote server:', 300);
  const list = recipients.size > 0 ? [...recipients] : [null];
  return list.map((recipient) => {
    const base = record(recipient, diagnostic, remote ? remote.split(/\s/)[0].toLowerCase() : null);
    return base.status || !statusLine ? base : { ...base, status: findStatus(statusLine), replyCode: base.replyCode ?? findReplyCode(statusLine) };
  });
}

const CLASSIC_REPLY =
  /(?:Remote Server returned|Server at [^\n']{1,300}? returned|returned)\s+'([^\n]{1,2000}?)'(?=\s*(?:$|\n|Original message headers|[A-Za-z0-9._%+-]{1,64}@|\d{1,2}\/\d{1,2}\/\d{2,4}))|(#[245]\d\d[ -][^\n#]{0,1000}?##?)|(<[^<>\s]{1,253} #[245]\.\d{1,3}\.\d{1,3}[^<>]{0,1000}>)/gi;

/** The classic format: "Diagnostic information for administrators:" with "Remote Server returned '…'" per recipient. */
export function scanExchangeClassic(text: string): BodyRecord[] {
  const start = indexOfInsensitive(text, 'Diagnostic information for administrators');
  if (start < 0) return [];
  const rest = text.slice(start, start + 100_000);
  const end = /Original message headers|^Received: /im.exec(rest);
  const section = end ? rest.slice(0, end.index) : rest;
  const server = /(?:Generating|Receiving) server:\s*([A-Za-z0-9.-]{1,253})/i.exec(section);
  const records: BodyRecord[] = [];
  let previousEnd = 0;
  for (const match of section.matchAll(CLASSIC_REPLY)) {
    const before = section.slice(previousEnd, match.index);
    const addresses = addressesIn(before).map((found) => cleanAddress(found[0]));
    const recipient = addresses.length > 0 ? addresses[addresses.length - 1] : null;
    const said = match[1] ?? match[2] ?? match[3] ?? '';
    // A host named between the address and the reply ("contoso.com" or "mx.contoso.com") is the one that refused.
    const hostLine = recipient ? before.slice(before.lastIndexOf('@') + 1).split(/\s+/).slice(1).find((token) => /^[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}$/.test(token)) : undefined;
    const full = match[0];
    const previous = records[records.length - 1];
    if (!recipient && previous) {
      // Several attempts for one recipient, newest first. A bare "expired" (x.4.7) verdict hides the cause, which the
      // older attempt names ("441 4.4.1 … Failed to connect"); otherwise the newest, final reply stands.
      const merged = record(previous.recipient, `${previous.diagnostic} ${said}`, previous.remoteHost);
      const older = record(previous.recipient, said);
      const useOlder = !!previous.status && /^[45]\.4\.7$/.test(previous.status) && older.status !== null;
      records[records.length - 1] = useOlder
        ? { ...merged, status: older.status, replyCode: older.replyCode ?? merged.replyCode }
        : { ...merged, status: previous.status ?? older.status, replyCode: previous.replyCode ?? older.replyCode };
      previousEnd = (match.index ?? 0) + full.length;
      continue;
    }
    const rec = record(recipient, said.replace(/^#|##?$/g, ''), hostLine?.toLowerCase() ?? findRemoteHost(full));
    records.push(rec);
    previousEnd = (match.index ?? 0) + full.length;
    if (records.length >= 200) break;
  }
  if (records.length === 0) {
    // Exchange sometimes names the recipients without a server reply; the explanation above is all there is.
    const addresses = addressesIn(section).map((found) => cleanAddress(found[0]));
    const recipient = addresses[0] ?? null;
    if (recipient) records.push(record(recipient, section.replace(/Diagnostic information for administrators:?/i, '').replace(/(?:Generating|Receiving) server:\s*\S{1,253}/i, '')));
  }
  return server ? records.map((rec) => ({ ...rec, remoteHost: rec.remoteHost })) : records;
}

export function exchangeReportingHost(text: string): string | null {
  if (!mayHold(text, 'generating server') && !mayHold(text, 'receiving server') && !mayHold(text, 'dsn generated by')) return null;
  const match = /(?:Generating server|Receiving server|DSN generated by):\s*([A-Za-z0-9.-]{1,253}[A-Za-z0-9])/i.exec(text);
  return match ? match[1].toLowerCase() : null;
}

// ---------------------------------------------------------------------------------------------------------
// Generic recipient blocks (Postfix, qmail, Exim, Sendmail, Gmail, Domino, Courier …)

const HEADER_LIKE = /^\s*(?:To|From|Cc|Bcc|Subject|Sent|Date|Message-ID|Reply-To|Return-Path|Sender|Reporting-MTA|Received|Received-From-MTA|X-[\w-]{1,60}|In-Reply-To|References|Delivered-To|Envelope-To|Arrival-Date|Sender Address|Created Date|Original-Envelope-Id|DKIM-Signature|Authentication-Results|ARC-[\w-]{1,30}|List-[\w-]{1,30}|Content-[\w-]{1,30})\s*:/i;
const POSTFIX_LINE = /^\s*<([^<>\s]{1,320}@[^<>\s]{1,255})>(?:\s*\((?:expanded from|generated from)[^)]{0,400}\))?:\s*(.*)$/;
const SENTENCE_ANCHOR =
  /(?:your message to|deliver(?:ing|y)? (?:of )?(?:your )?(?:mail|message|e-?mail)? ?to|wasn'?t delivered to|was not delivered to|could not be delivered to|couldn'?t be delivered to|delivery to|unable to deliver (?:message )?to|failed to deliver to|undeliverable to|rejected recipient|not deliver(?:ed)? to|message for|recipient:?|address:|rcpt:|addressed to)\s*<?([^\s<>()"',;]{1,320}@[^\s<>()"',;]{1,255})/i;
const LEADING_ADDRESS = /^\s{0,8}<?([^\s<>()"',;]{1,320}@[^\s<>()"',;:]{1,255})>?(?:\s{1,8}|:\s*|\.{3}\s*)([[(A-Za-z0-9#<"'][^\n]{0,1000})$/;
const TRAILING_ADDRESS = /^[^@:]{1,60}:\s*<?[^\s<>()"',;]{1,320}@[^\s<>()"',;]{1,255}>?\s*$/;
const DATE_TAIL = /\bon\s+(?:mon|tue|wed|thu|fri|sat|sun|\d)/i;

interface Anchor {
  readonly line: number;
  readonly recipient: string;
  readonly inline: string;
  /**
   * `summary`: Sendmail's summary line, which concludes the transcript lines above it rather than introducing the lines
   * below. `folded`: Postfix's "<bob@…>: host … said:" line, whose reply continues on indented lines.
   */
  readonly kind: 'opens' | 'summary' | 'folded';
}

function anchorOf(line: string, index: number, exclude: ReadonlySet<string>): Anchor | null {
  const anchor = (recipient: string, inline: string, kind: Anchor['kind'] = 'opens'): Anchor => ({ line: index, recipient, inline, kind });
  if (!line.includes('@') || line.length > 1000) return null;
  const postfix = POSTFIX_LINE.exec(line);
  if (postfix) {
    const recipient = cleanAddress(postfix[1]);
    return exclude.has(recipient) ? null : anchor(recipient, postfix[2], 'folded');
  }
  if (HEADER_LIKE.test(line)) return null;
  // Sendmail's per-recipient summary after a transcript: "554 <bob@…>... Remote protocol error: …".
  const summary = /^\s{0,4}[45]\d\d <([^<>\s]{1,320}@[^<>\s]{1,255})>\.{3}\s?(.{1,1000})$/.exec(line);
  if (summary) {
    const recipient = cleanAddress(summary[1]);
    return exclude.has(recipient) ? null : anchor(recipient, line, 'summary');
  }
  // Exim's local deliveries ("pipe to |…", "save to /var/mail/…") name the recipient as "generated by bob@…".
  const generated = /^\s{0,12}generated by <?([^\s<>()"',;]{1,320}@[^\s<>()"',;]{1,255})>?\s*$/i.exec(line);
  if (generated) {
    const recipient = cleanAddress(generated[1]);
    return exclude.has(recipient) ? null : anchor(recipient, '');
  }
  const address = addressIn(line);
  if (!address) return null;
  const recipient = cleanAddress(address[0]);
  if (exclude.has(recipient)) return null;
  // "bob@contoso.com [User unknown]" / "bob@contoso.com Invalid Address, …": the address leads, the reason follows.
  const leading = LEADING_ADDRESS.exec(line);
  if (leading && cleanAddress(leading[1]) === recipient) return anchor(recipient, leading[2]);
  // "Unknown user: bob@contoso.com": a label, then the address ends the line.
  if (TRAILING_ADDRESS.test(line)) return anchor(recipient, line);
  // An address alone on its line (with <>, mailto:, a display copy, "on <date>" or a trailing colon) names a recipient.
  const residue = withoutAddresses(line)
    .replace(/mailto:|rfc822;?|RCPT TO:?|Recipient:?|Original-Recipient:?|Final-Recipient:?|[<>()[\]"':;,\s*-]/gi, '');
  const dated = DATE_TAIL.exec(line);
  if (residue.length <= 3 || (dated && dated.index > address.index)) return anchor(recipient, '');
  const sentence = SENTENCE_ANCHOR.exec(line);
  if (sentence) {
    const named = cleanAddress(sentence[1]);
    if (!exclude.has(named)) return anchor(named, line);
  }
  return null;
}

/** Recipient blocks: an anchor line naming a recipient, then the lines up to the next anchor. */
export function scanRecipientBlocks(area: string, exclude: ReadonlySet<string>): BodyRecord[] {
  const lines = new Lines(area);
  const anchors: Anchor[] = [];
  let folding = false;
  for (let i = 0; i < lines.length; i++) {
    // Postfix folds a long reply onto indented lines ("    <news@fabrikam.com> sender rejected …"): an address there
    // belongs to the reply (often the sender's), it names no new recipient.
    if (folding) {
      const line = lines.line(i);
      if (/^\s/.test(line) && line.trim().length > 0) continue;
    }
    folding = false;
    // Only a line with an address can name a recipient: the others are never cut out of the text.
    if (!lines.holdsAt(i)) continue;
    const line = lines.line(i);
    const anchor = anchorOf(line, i, exclude);
    const previous = anchors[anchors.length - 1];
    // Postfix folds "<bob@…>: host … said: 550 5.1.1\n    <bob@…>... User unknown": the same address again
    // right below continues the block, it doesn't start a new one.
    if (anchor && previous && previous.recipient === anchor.recipient && i - previous.line <= 3 && /^\s/.test(line)) continue;
    if (anchor) anchors.push(anchor);
    folding = anchor?.kind === 'folded';
    if (anchors.length > 500) break;
  }
  const byRecipient = new Map<string, Block[]>();
  const add = (recipient: string, block: Block) => {
    const blocks = byRecipient.get(recipient);
    if (blocks) blocks.push(block);
    else byRecipient.set(recipient, [block]);
  };
  for (let a = 0; a < anchors.length; a++) {
    const anchor = anchors[a];
    const end = Math.min(a + 1 < anchors.length ? anchors[a + 1].line : lines.length, anchor.line + 1 + MAX_BLOCK_LINES);
    if (anchor.kind === 'summary') {
      // The transcript since the previous recipient ("While talking to …", ">>> RCPT", "<<< 550 …") explains this one.
      const start = Math.max(a > 0 ? anchors[a - 1].line + 1 : 0, anchor.line - MAX_BLOCK_LINES);
      add(anchor.recipient, { text: lines.join(start, anchor.line + 1) });
      continue;
    }
    const block: Block = { text: anchor.line + 1 < end ? anchor.inline + '\n' + lines.join(anchor.line + 1, end) : anchor.inline };
    // Some MTAs (Lotus Notes, MailMarshal) write the reason first and the address after it.
    const from = a > 0 ? anchors[a - 1].line + 1 : 0;
    const before: Block = { text: lines.join(Math.max(from, anchor.line - 6), anchor.line) };
    // (An empty `before` scores 0, never a point above the block.)
    const reasonFirst = block.text.trim().length === 0 || (before.text.length > 0 && scoreOf(before) >= scoreOf(block) + 1);
    add(anchor.recipient, reasonFirst ? before : block);
  }
  const records: BodyRecord[] = [];
  for (const [recipient, blocks] of byRecipient) {
    // The same address often appears twice (a summary list, then the details): keep the most informative block.
    const best = mostInformative(blocks);
    records.push(new BlockRecord(recipient, best.text, blocks.filter((block) => block.text !== best.text).map((block) => block.text)));
  }
  return records;
}

/**
 * The first MAX_LINES lines of a text (as `split('\n', MAX_LINES)` cuts them), kept as offsets: a run of lines is
 * sliced from the text whole rather than joined again, and only the lines that are read become strings.
 */
class Lines {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** Where the next "@" at or after the line last asked about is (-1: none), so each line's check costs no new search. */
  private nextAt = -2;

  constructor(private readonly text: string) {
    for (let start = 0; this.starts.length < MAX_LINES; ) {
      const newline = text.indexOf('\n', start);
      this.starts.push(start);
      this.ends.push(newline < 0 ? text.length : newline);
      if (newline < 0) break;
      start = newline + 1;
    }
  }

  get length(): number {
    return this.starts.length;
  }

  line(index: number): string {
    return this.text.slice(this.starts[index], this.ends[index]);
  }

  /** `lines.slice(from, to).join('\n')`. */
  join(from: number, to: number): string {
    return from < to ? this.text.slice(this.starts[from], this.ends[to - 1]) : '';
  }

  /** Whether the line holds an "@" (asked of the lines in order). */
  holdsAt(index: number): boolean {
    const start = this.starts[index];
    if (this.nextAt !== -1 && this.nextAt < start) this.nextAt = this.text.indexOf('@', start);
    return this.nextAt >= 0 && this.nextAt < this.ends[index];
  }
}

/** A recipient's block of text, and its `informative` score once worked out (a block is compared at most twice). */
interface Block {
  readonly text: string;
  score?: number;
}

function scoreOf(block: Block): number {
  block.score ??= informative(block.text);
  return block.score;
}

/** The block with the highest `informative` score, the first one on a tie. */
function mostInformative(blocks: readonly Block[]): Block {
  let best = blocks[0];
  for (let i = 1; i < blocks.length; i++) if (scoreOf(blocks[i]) > scoreOf(best)) best = blocks[i];
  return best;
}

function informative(block: string): number {
  let score = oneLineLength(block, 400) / 400;
  if (REPLY.test(block)) score += 2;
  if (/[245]\.\d{1,3}\.\d{1,3}/.test(block)) score += 1;
  return score;
}

/** Sendmail-style transcripts: ">>> RCPT To:<bob@…>" then "<<< 550 …". */
export function scanTranscript(text: string): { command: SmtpCommand; replies: string } | null {
  const at = text.indexOf('>>> ');
  if (at < 0) {
    // A local mailer's transcript has no ">>>" lines, only its final reply ("554 5.3.0 unknown mailer error 255").
    const section = mayHold(text, 'transcript of session follows') ? /transcript of session follows/i.exec(text) : null;
    if (!section) return null;
    const replies = text.slice(section.index, section.index + 3000).split('\n').filter((line) => /^\s*[45]\d\d[ -]/.test(line));
    return replies.length > 0 ? { command: null, replies: replies.join(' ') } : null;
  }
  const slice = text.slice(at, at + 20_000);
  const lines = slice.split('\n');
  let command: SmtpCommand = null;
  const replies: string[] = [];
  let lastCommand: SmtpCommand = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const sent = /^>>>\s*(RCPT|MAIL|DATA|EHLO|HELO)/i.exec(line);
    if (sent) {
      const name = sent[1].toUpperCase();
      lastCommand = name === 'EHLO' || name === 'HELO' ? 'HELO' : (name as SmtpCommand);
      continue;
    }
    if (/^<<<\s*[45]\d\d/.test(line)) {
      // PIPELINING: two refusals in a row after ">>> DATA" are the RCPT's answer, then DATA's "no valid recipients".
      const next = lines.slice(i + 1, i + 6).find((later) => /^(?:<<<|>>>)/.test(later)) ?? '';
      const pipelined = lastCommand === 'DATA' && /^<<<\s*[45]\d\d/.test(next);
      command ??= pipelined ? 'RCPT' : lastCommand;
      replies.push(line.replace(/^<<<\s*/, ''));
    }
  }
  return replies.length > 0 ? { command, replies: replies.join(' ') } : null;
}

/**
 * Postfix's report to the postmaster about its own SMTP server ("Transcript of session follows." with " In: RCPT
 * TO:<…>" and " Out: 451 4.3.0 …" lines): the client's recipients and the server's first refusal.
 */
export function scanServerTranscript(text: string): BodyRecord[] {
  // Most bounces hold no " In:" line.
  if (!mayHold(text, 'in:')) return [];
  const at = text.search(/^\s{0,4}In:\s{1,8}(?:EHLO|HELO|MAIL|RCPT|DATA)\b/im);
  if (at < 0) return [];
  const lines = text.slice(at, at + 20_000).split('\n', 400);
  const recipients: string[] = [];
  let command: SmtpCommand = null;
  for (let i = 0; i < lines.length; i++) {
    const sent = /^\s{0,4}In:\s{1,8}(EHLO|HELO|MAIL|RCPT|DATA)\b(.*)$/i.exec(lines[i]);
    if (sent) {
      const name = sent[1].toUpperCase();
      command = name === 'EHLO' || name === 'HELO' ? 'HELO' : (name as SmtpCommand);
      const address = name === 'RCPT' ? firstAddress(sent[2]) : null;
      if (address && !recipients.includes(address)) recipients.push(address);
      continue;
    }
    const refused = /^\s{0,4}Out:\s{1,8}([45]\d\d[ -].{0,1000})$/i.exec(lines[i]);
    if (refused) return (recipients.length > 0 ? recipients : [null]).map((recipient) => ({ ...record(recipient, refused[1]), command }));
  }
  return [];
}

/** Whether a text reads like a bounce at all: the gate before the generic scanners trust an address line. */
const BOUNCE_WORDS =
  /undeliver|delivery (?:has )?failed|could ?n[o']t be delivered|could not be delivered|not be delivered|wasn'?t delivered|was not delivered|did not reach|delivery status notification|mail delivery (?:failed|failure|system|subsystem)|returned mail|failure notice|non-?delivery|delivery failure|permanent (?:fatal )?error|permanent failure|temporary failure|remote server returned|smtp error|said:\s*[45]\d\d|diagnostic-code|delivery to the following|could not deliver|unable to deliver|message not delivered|delivery has been delayed|has been delayed|rejected your message|couldn'?t deliver|not delivered to|bounce|mailer-daemon|failed permanently|giving up|error (?:message|code)|recipient address rejected|user unknown|host unknown|no such user|the following addresses had|transcript of session|your message to .{1,200} couldn.t be delivered|status code:\s*[45]/i;

export function looksLikeBounce(text: string): boolean {
  return BOUNCE_WORDS.test(text.slice(0, 200_000));
}

/** A bare SMTP reply ("550 5.7.708 Access denied …" or "5.1.10 …"), possibly after a question. */
export const BARE_REPLY = /(?:^|[\s"'`(])([45]\d\d)[ -]+#?([45]\.\d{1,3}\.\d{1,3})(?!\.?\d)[^\n]{0,2000}|(?:^|[\s"'`(])([45]\.\d{1,3}\.\d{1,3})(?!\.?\d)\s+[A-Za-z][^\n]{0,2000}/;
