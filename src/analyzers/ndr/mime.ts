import PostalMime from 'postal-mime';
import { TextDecoder } from 'node:util';

/**
 * A lenient, synchronous MIME walker for bounce messages. postal-mime's full parser is asynchronous, and
 * `analyzeNdr` must stay synchronous (the bot, the CLI and the bench call it inline); bounces are also often
 * broken (missing closing boundaries, 8-bit text in 7-bit parts), so we split parts ourselves, tolerate every
 * defect, and use postal-mime only for RFC 2047 encoded words in headers.
 */

export interface MimeHeaders {
  /** How many distinct fields the block holds. */
  readonly size: number;
  /** The unfolded, decoded values of a field (by lower-case name), in order of appearance. */
  values(lowerName: string): readonly string[];
}

export interface MimePart {
  readonly headers: MimeHeaders;
  /** Lower-case `type/subtype`; `text/plain` when absent. */
  readonly contentType: string;
  /** The decoded body text (leaf parts) or the preamble (multiparts). */
  readonly body: string;
  readonly children: readonly MimePart[];
}

/** Bounces nest at most a few levels; a deeper tree is garbage or an attack. */
const MAX_DEPTH = 6;
const MAX_PARTS = 64;
const MAX_HEADER_FIELDS = 400;

export function headerValue(headers: MimeHeaders, name: string): string | null {
  const values = headers.values(name.toLowerCase());
  return values.length > 0 ? values[0] : null;
}

export function headerValues(headers: MimeHeaders, name: string): readonly string[] {
  return headers.values(name.toLowerCase());
}

/** Splits a message into its header block and body at the first empty line. */
export function splitHeaderBody(text: string): { head: string; body: string } {
  // Without carriage returns the empty line is "\n\n": a plain search instead of a regex over the whole text.
  const crlf = text.includes('\r');
  const match = crlf ? /\r?\n\r?\n/.exec(text) : null;
  const at = crlf ? match?.index ?? -1 : text.indexOf('\n\n');
  if (at < 0) return { head: text, body: '' };
  return { head: text.slice(0, at), body: text.slice(at + (match ? match[0].length : 2)) };
}

/** Characters a line may not hold for its value to be read (the value runs to the end of the line). */
const LINE_BREAKS = /[\r\u2028\u2029]/;
/** RFC 5322 §2.2: a field name is 1 to 76 printable ASCII characters other than the colon. */
const MAX_FIELD_NAME = 76;

/** Where the header field on the line at `start` has its colon, or -1 when the line is no field (RFC 5322 §2.2). */
function fieldColon(text: string, start: number, end: number): number {
  const limit = Math.min(end, start + MAX_FIELD_NAME);
  for (let i = start; i <= limit && i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3a) return i > start ? i : -1;
    if (code < 0x21 || code > 0x7e) return -1;
  }
  return -1;
}

const NO_VALUES: readonly string[] = Object.freeze([]);

interface HeaderField {
  /** Per occurrence, the [start, end) of its value on the field's line and of each folded line. */
  readonly occurrences: number[][];
  /** The unfolded, decoded values, worked out when first asked for. */
  values: readonly string[] | null;
}

/**
 * A parsed header block. Parsing only notes where each field's lines are; a value is unfolded and decoded when it is
 * first asked for, because a reader asks for a handful of the fields (a returned message brings dozens).
 */
class HeaderBlock implements MimeHeaders {
  /** Lower-cased field name → where its occurrences are, and their values once asked for. */
  private readonly fields = new Map<string, HeaderField>();

  constructor(private readonly text: string) {}

  get size(): number {
    return this.fields.size;
  }

  /** A new occurrence of a field, whose value starts at `start` on its line: its list of line spans. */
  add(name: string, start: number, end: number): number[] {
    const spans = [start, end];
    const field = this.fields.get(name);
    if (field) field.occurrences.push(spans);
    else this.fields.set(name, { occurrences: [spans], values: null });
    return spans;
  }

  values(lowerName: string): readonly string[] {
    const field = this.fields.get(lowerName);
    // Most fields asked for are absent (Reply-To, Sender, X-Failed-Recipients …).
    if (!field) return NO_VALUES;
    field.values ??= field.occurrences.map((spans) => decodeHeaderWords(this.unfold(spans).trim()));
    return field.values;
  }

  /** The field's line joined with its folded lines, each of those trimmed and after one space. */
  private unfold(spans: readonly number[]): string {
    let value = this.text.slice(spans[0], spans[1]);
    for (let i = 2; i < spans.length; i += 2) value += ' ' + this.text.slice(spans[i], spans[i + 1]).trim();
    return value;
  }
}

/** Parses an RFC 5322 header block, unfolding continuation lines; stops at the first line that is no header. */
export function parseHeaderBlock(head: string): MimeHeaders {
  const text = head.includes('\r') ? head.replace(/\r\n/g, '\n') : head;
  // Looked for once in the block, so that the lines of the usual block need no check of their own. Three plain
  // searches, not the regex: a search for a character beyond Latin-1 in a Latin-1 string ends at once.
  const mayHoldBreaks = text.includes('\r') || text.includes('\u2028') || text.includes('\u2029');
  const block = new HeaderBlock(text);
  /** The line spans of the field being read, which its folded lines join. */
  let field: number[] | null = null;
  let count = 0;
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const lineStart = start;
    start = end + 1;
    const first = text.charCodeAt(lineStart);
    if ((first === 0x20 || first === 0x09) && field !== null) {
      field.push(lineStart, end);
      continue;
    }
    const colon = mayHoldBreaks && LINE_BREAKS.test(text.slice(lineStart, end)) ? -1 : fieldColon(text, lineStart, end);
    if (colon < 0) {
      if (isBlank(text, lineStart, end)) continue;
      break;
    }
    if (++count > MAX_HEADER_FIELDS) break;
    const next = text.charCodeAt(colon + 1);
    field = block.add(text.slice(lineStart, colon).toLowerCase(), next === 0x20 || next === 0x09 ? colon + 2 : colon + 1, end);
  }
  return block;
}

/** Whether text[start, end) holds only whitespace (as `trim` sees it). */
function isBlank(text: string, start: number, end: number): boolean {
  return end === start || text.slice(start, end).trim().length === 0;
}

function decodeHeaderWords(value: string): string {
  if (!value.includes('=?')) return value;
  try {
    return PostalMime.decodeWords(value);
  } catch {
    return value;
  }
}

/** `type/subtype` and its parameters (boundary, charset, report-type), lower-cased names. */
export function parseContentType(value: string | null): { type: string; params: Record<string, string> } {
  if (!value) return { type: 'text/plain', params: {} };
  // The pieces between the semicolons, found with `indexOf`: `split` costs more here than all the rest.
  const firstSemicolon = value.indexOf(';');
  const params: Record<string, string> = {};
  for (let semicolon = firstSemicolon; semicolon >= 0; ) {
    const next = value.indexOf(';', semicolon + 1);
    const piece = value.slice(semicolon + 1, next < 0 ? value.length : next);
    semicolon = next;
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    let val = piece.slice(eq + 1).trim();
    if (val.startsWith('"')) val = val.slice(1, val.indexOf('"', 1) > 0 ? val.indexOf('"', 1) : undefined);
    if (key) params[key] = val;
  }
  // Broken MTAs fold the parameters without the ';' ("text/plain\n   charset=…"): the type is the first word only.
  const typePart = (firstSemicolon < 0 ? value : value.slice(0, firstSemicolon)).trim();
  const space = typePart.search(/\s/);
  return { type: (space < 0 ? typePart : typePart.slice(0, space)).toLowerCase() || 'text/plain', params };
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** Whether every character is ASCII: its UTF-8 form is then exactly as long (counted natively, several times faster than a regex). */
function isAscii(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') === text.length;
}

const QP_ESCAPE = /=([0-9A-Fa-f]{2})/g;

function decodeQuotedPrintable(text: string): Uint8Array {
  const source = text.replace(/=\r?\n/g, '');
  // Plain ASCII (the usual case): the escapes become Latin-1 characters, and the string becomes bytes natively.
  if (isAscii(source)) {
    const latin1 = source.includes('=') ? source.replace(QP_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : source;
    return Buffer.from(latin1, 'latin1');
  }
  // Every UTF-16 unit becomes at most three bytes; one buffer, no per-byte array growth.
  const bytes = new Uint8Array(source.length * 3);
  let length = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source.charCodeAt(i);
    const high = char === 0x3d && i + 2 < source.length ? hexValue(source.charCodeAt(i + 1)) : -1;
    const low = high >= 0 ? hexValue(source.charCodeAt(i + 2)) : -1;
    if (low >= 0) {
      bytes[length++] = high * 16 + low;
      i += 2;
    } else if (char < 0x80) {
      bytes[length++] = char;
    } else {
      // Already-decoded text (the file was read as UTF-8): keep it as UTF-8 bytes, one UTF-16 unit at a time
      // (a lone surrogate half becomes U+FFFD, as Buffer.from would make it).
      length = writeUtf8Unit(bytes, length, char);
    }
  }
  return bytes.subarray(0, length);
}

function writeUtf8Unit(bytes: Uint8Array, at: number, unit: number): number {
  let i = at;
  const code = unit >= 0xd800 && unit <= 0xdfff ? 0xfffd : unit;
  if (code < 0x800) {
    bytes[i++] = 0xc0 | (code >> 6);
  } else {
    bytes[i++] = 0xe0 | (code >> 12);
    bytes[i++] = 0x80 | ((code >> 6) & 0x3f);
  }
  bytes[i++] = 0x80 | (code & 0x3f);
  return i;
}

const decoders = new Map<string, TextDecoder | null>();

function decodeBytes(bytes: Uint8Array, charset: string | undefined): string {
  const label = (charset ?? 'utf-8').toLowerCase().replace(/^x-/, '');
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label === 'us-ascii' || label === 'ascii' ? 'utf-8' : label, { fatal: false });
    } catch {
      decoder = null;
    }
    decoders.set(label, decoder);
  }
  return (decoder ?? new TextDecoder('utf-8')).decode(bytes);
}

function decodeBody(body: string, encoding: string | null, charset: string | undefined): string {
  const cte = (encoding ?? '').trim().toLowerCase();
  if (cte === 'base64') {
    const clean = body.replace(/[^A-Za-z0-9+/=]/g, '');
    return decodeBytes(Buffer.from(clean, 'base64'), charset);
  }
  if (cte === 'quoted-printable') return decodeBytes(decodeQuotedPrintable(body), charset);
  // 7bit/8bit: 7-bit charsets such as ISO-2022-JP still need decoding; 8-bit text was read as UTF-8 already.
  if (charset && /iso-2022/i.test(charset) && body.includes('\x1b')) return decodeBytes(Buffer.from(body, 'latin1'), charset);
  return body;
}

/**
 * Splits a multipart body at its delimiter lines (RFC 2046 §5.1.1). Only the delimiter lines are looked at; the
 * parts are sliced out whole, so a long attachment costs one `indexOf`, not a split into lines.
 */
function splitMultipart(raw: string, boundary: string): { preamble: string; parts: string[] } {
  const body = raw.includes('\r') ? raw.replace(/\r\n/g, '\n') : raw;
  const delimiter = '--' + boundary;
  const parts: string[] = [];
  let preamble = '';
  /** Where the part being read starts, or -1 between parts. */
  let current = -1;
  /** The start of the first line not yet looked at. */
  let position = 0;
  for (;;) {
    const at = nextDelimiterLine(body, delimiter, position);
    // Lines before the first delimiter are the preamble; lines after a closing delimiter are dropped.
    if (current < 0 && parts.length === 0) preamble += at < 0 ? body.slice(position) + '\n' : body.slice(position, at);
    if (at < 0) break;
    const lineEnd = body.indexOf('\n', at);
    const next = lineEnd < 0 ? body.length + 1 : lineEnd + 1;
    const rest = body.slice(at + delimiter.length, lineEnd < 0 ? body.length : lineEnd);
    position = next;
    if (rest.startsWith('--') || rest.trim().length === 0) {
      if (current >= 0) parts.push(body.slice(current, at - 1));
      current = rest.startsWith('--') ? -1 : next;
      if (parts.length >= MAX_PARTS) return { preamble, parts };
    } else if (current < 0) {
      // A longer boundary that merely starts with ours: an ordinary line, which opens a part of its own.
      current = at;
    }
    if (position > body.length) break;
  }
  if (current >= 0 && current <= body.length) parts.push(body.slice(current));
  return { preamble, parts };
}

/** The start of the next line at or after `from` that begins with the delimiter, or -1. */
function nextDelimiterLine(body: string, delimiter: string, from: number): number {
  let at = body.indexOf(delimiter, from);
  while (at > 0 && body.charCodeAt(at - 1) !== 0x0a) at = body.indexOf(delimiter, at + 1);
  return at;
}

/** A leaf whose body is decoded only when read: most parts of a bounce (the returned attachments) never are. */
class LeafPart implements MimePart {
  readonly children: readonly MimePart[] = [];
  private decoded: string | undefined;

  constructor(
    readonly headers: MimeHeaders,
    readonly contentType: string,
    private readonly raw: string,
    private readonly encoding: string | null,
    private readonly charset: string | undefined,
  ) {}

  get body(): string {
    this.decoded ??= decodeBody(this.raw, this.encoding, this.charset);
    return this.decoded;
  }
}

/**
 * Parses an entity (a whole message or one body part) recursively. An attached message (message/rfc822) is not
 * parsed further: a reader needs only its headers (`parseHeaderBlock` on its body) or its text.
 */
export function parseMime(text: string, depth = 0, defaultType = 'text/plain'): MimePart {
  const { head, body } = splitHeaderBody(text);
  const headers = parseHeaderBlock(head);
  const rawType = headerValue(headers, 'content-type');
  const { type, params } = parseContentType(rawType ?? defaultType);
  const encoding = headerValue(headers, 'content-transfer-encoding');
  if (type.startsWith('multipart/') && params.boundary && depth < MAX_DEPTH) {
    const { preamble, parts } = splitMultipart(body, params.boundary);
    const childDefault = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    return { headers, contentType: type, body: preamble, children: parts.map((part) => parseMime(part, depth + 1, childDefault)) };
  }
  return new LeafPart(headers, type, body, encoding, params.charset);
}
