import { anyOfPhrases, contiguous } from '../strings';

/**
 * Tells a pasted non-delivery report or header block from a question. An NDR is recognised by the sentences every
 * mail system writes in one (Exchange, Gmail, Postfix, RFC 3464 DSN fields); a header block by lines that are
 * message header fields. The question, if any, is whatever comes before the block.
 */

export type PasteKind = 'ndr' | 'headers';

export interface Paste {
  readonly kind: PasteKind;
  /** The question typed above the block ("what does this mean?"), possibly empty. */
  readonly question: string;
  /** The block itself, from its first recognised line. */
  readonly block: string;
}

/** Sentences and fields found in bounces (lower case). Two of them, or one in a multi-line paste, make an NDR. */
const NDR_MARKERS: readonly string[] = [
  'delivery has failed', "couldn't be delivered", 'could not be delivered', "wasn't delivered", 'was not delivered',
  'remote server returned', 'diagnostic information for administrators', 'final-recipient:', 'diagnostic-code:',
  'delivery status notification', 'mail delivery subsystem', 'undeliverable:', 'message not delivered', 'mail delivery failed',
  'returned mail:', 'action: failed', 'action: delayed', 'status: 5.', 'status: 4.', 'this is the mail system at host',
  'i\'m sorry to have to inform you', 'the response was:', 'delivery to the following recipient', 'generating server:',
  'address not found', 'reporting-mta:', 'delivery incomplete', 'temporary problem delivering', 'delivery delayed',
  'delivery has been delayed', 'original message headers', 'unable to deliver your message', 'your message to',
  'the following addresses had permanent fatal errors', 'permanent error', 'undelivered mail returned to sender',
  'non-delivery report', 'message could not be delivered', 'message wasn\'t delivered',
];
/**
 * All markers in one alternation: the text is scanned once instead of once per marker (40 scans of a 28 KB paste).
 */
const NDR_MARKER_SEARCH = anyOfPhrases(NDR_MARKERS, 'g');
/** Markers that open the NDR block: where the question ends. */
const NDR_OPENERS: readonly string[] = [
  'delivery has failed', 'your message to', "couldn't be delivered", 'undeliverable', 'delivery status notification',
  'mail delivery subsystem', 'message not delivered', 'reporting-mta:', 'final-recipient:', 'this is the mail system',
  'mail delivery failed', 'returned mail', 'address not found', 'delivery incomplete', 'undelivered mail',
];

const HEADER_LINE = /^([A-Za-z][A-Za-z0-9-]{1,60}):[ \t]?/;
/** Fields that only a header block has; "Subject:" alone could be an e-mail body. */
const TRANSPORT_HEADERS = new Set([
  'received', 'authentication-results', 'arc-authentication-results', 'arc-seal', 'arc-message-signature', 'dkim-signature',
  'return-path', 'received-spf', 'x-forefront-antispam-report', 'x-microsoft-antispam', 'x-ms-exchange-organization-scl',
  'x-ms-exchange-organization-authas', 'x-originating-ip', 'x-mailer', 'mime-version', 'content-type', 'x-ms-has-attach',
  'x-ms-publictraffictype', 'x-ms-exchange-crosstenant-id', 'authentication-results-original', 'x-spam-status', 'x-google-dkim-signature',
  'thread-index', 'x-ms-tnef-correlator', 'delivered-to', 'x-received', 'x-gm-message-state', 'message-id',
]);
const COMMON_HEADERS = new Set(['from', 'to', 'cc', 'subject', 'date', 'sender', 'reply-to', 'in-reply-to', 'references', 'content-transfer-encoding']);

/** Lines beyond this are not inspected: a header block shows itself long before. */
const MAX_LINES = 4000;

export function detectPaste(text: string): Paste | null {
  if (text.length < 60 || !/[\n:]/.test(text)) return null;
  const markers = countMarkers(text.toLowerCase(), 2);
  // Split only when needed, and once: an NDR with two markers never is (its block start is read line by line).
  let allLines: string[] | undefined;
  const lines = () => (allLines ??= text.split('\n', MAX_LINES));
  const isNdr = markers >= 2 || (markers >= 1 && text.length >= 150 && nonEmptyLines(lines()) >= 3);
  if (isNdr) return split('ndr', text, ndrBlockStart(text));
  // Header fields are counted only for what is not an NDR (an NDR quotes headers too, and wins).
  const { headerLines, transport, firstHeader } = headerFields(lines());
  const isHeaders = (headerLines >= 3 && transport >= 1) || (headerLines >= 2 && transport >= 2);
  return isHeaders ? split('headers', text, offsetOfLine(lines(), firstHeader)) : null;
}

/** Lines that are known header fields, how many of them only a header block has, and where the first one is. */
function headerFields(lines: readonly string[]): { headerLines: number; transport: number; firstHeader: number } {
  let transport = 0;
  let headerLines = 0;
  let firstHeader = -1;
  for (let i = 0; i < lines.length; i += 1) {
    const field = HEADER_LINE.exec(lines[i]);
    if (!field) continue;
    const name = field[1].toLowerCase();
    const known = TRANSPORT_HEADERS.has(name) || name.startsWith('x-ms-') || name.startsWith('x-microsoft-') || name.startsWith('arc-');
    if (known || COMMON_HEADERS.has(name)) {
      headerLines += 1;
      if (known) transport += 1;
      if (firstHeader < 0) firstHeader = i;
    }
  }
  return { headerLines, transport, firstHeader };
}

/** How many different markers `lower` contains, counting no further than `enough` (all a decision needs). */
function countMarkers(lower: string, enough: number): number {
  const found = new Set<string>();
  NDR_MARKER_SEARCH.lastIndex = 0;
  for (let match = NDR_MARKER_SEARCH.exec(lower); match !== null; match = NDR_MARKER_SEARCH.exec(lower)) {
    // Every marker that starts here, not only the one the alternation took; the next search starts one character on,
    // so a marker inside another ("wasn't delivered" in "message wasn't delivered") is found too.
    for (const marker of NDR_MARKERS) if (lower.startsWith(marker, match.index)) found.add(marker);
    if (found.size >= enough) return found.size;
    NDR_MARKER_SEARCH.lastIndex = match.index + 1;
  }
  return found.size;
}

function nonEmptyLines(lines: readonly string[]): number {
  let count = 0;
  // \S is exactly what trim() keeps (white space and line terminators are the same set), without a trimmed copy.
  for (const line of lines) if (/\S/.test(line)) count += 1;
  return count;
}

const opensNdr = (lowerLine: string): boolean => NDR_OPENERS.some((opener) => lowerLine.includes(opener)) || HEADER_LINE.test(lowerLine);

/**
 * Where the NDR block starts: the first of the first MAX_LINES lines that opens one, else the start of the text. Read
 * line by line up to it (usually the first or second line), without splitting the whole paste.
 */
function ndrBlockStart(text: string): number {
  let start = 0;
  for (let i = 0; i < MAX_LINES; i += 1) {
    const newline = text.indexOf('\n', start);
    if (opensNdr(text.slice(start, newline < 0 ? text.length : newline).toLowerCase())) return start;
    if (newline < 0) break;
    start = newline + 1;
  }
  return 0;
}

function offsetOfLine(lines: readonly string[], index: number): number {
  let offset = 0;
  for (let i = 0; i < index; i += 1) offset += lines[i].length + 1;
  return offset;
}

function split(kind: PasteKind, text: string, offset: number): Paste {
  // The block is read again and again by its analyzer: as a string of its own, not through a slice of the message.
  return { kind, question: text.slice(0, offset).trim(), block: contiguous(text.slice(offset).trim()) };
}
