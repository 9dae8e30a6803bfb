import PostalMime from 'postal-mime';
import { TextDecoder } from 'node:util';

/**
 * A lenient, synchronous MIME walker for bounce messages. postal-mime's full parser is asynchronous, and
 * `analyzeNdr` must stay synchronous (the bot, the CLI and the bench call it inline); bounces are also often
 * broken (missing closing boundaries, 8-bit text in 7-bit parts), so we split parts ourselves, tolerate every
 * defect, and use postal-mime only for RFC 2047 encoded words in headers.
 */

export interface MimeHeaders {
  /** Lower-cased field name → unfolded values, in order of appearance. */
  readonly fields: ReadonlyMap<string, readonly string[]>;
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
  const values = headers.fields.get(name.toLowerCase());
  return values && values.length > 0 ? values[0] : null;
}

export function headerValues(headers: MimeHeaders, name: string): readonly string[] {
  return headers.fields.get(name.toLowerCase()) ?? [];
}

/** Splits a message into its header block and body at the first empty line. */
export function splitHeaderBody(text: string): { head: string; body: string } {
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) return { head: text, body: '' };
  return { head: text.slice(0, match.index), body: text.slice(match.index + match[0].length) };
}

const FIELD_LINE = /^([!-9;-~]{1,76}):[ \t]?(.*)$/;

/** Parses an RFC 5322 header block, unfolding continuation lines; stops at the first line that is no header. */
export function parseHeaderBlock(head: string): MimeHeaders {
  const fields = new Map<string, string[]>();
  let name: string | null = null;
  let value = '';
  let count = 0;
  const flush = () => {
    if (name === null) return;
    const list = fields.get(name) ?? [];
    list.push(decodeHeaderWords(value.trim()));
    fields.set(name, list);
    name = null;
  };
  for (const line of head.split(/\r?\n/)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && name !== null) {
      value += ' ' + line.trim();
      continue;
    }
    const match = FIELD_LINE.exec(line);
    if (!match) {
      if (line.trim().length === 0) continue;
      break;
    }
    flush();
    if (++count > MAX_HEADER_FIELDS) break;
    name = match[1].toLowerCase();
    value = match[2];
  }
  flush();
  return { fields };
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
  const [typePart, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const piece of rest) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    let val = piece.slice(eq + 1).trim();
    if (val.startsWith('"')) val = val.slice(1, val.indexOf('"', 1) > 0 ? val.indexOf('"', 1) : undefined);
    if (key) params[key] = val;
  }
  // Broken MTAs fold the parameters without the ';' ("text/plain\n   charset=…"): the type is the first word only.
  return { type: typePart.trim().split(/\s/, 1)[0].toLowerCase() || 'text/plain', params };
}

function decodeQuotedPrintable(text: string): Uint8Array {
  const bytes: number[] = [];
  const source = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < source.length; i++) {
    const char = source.charCodeAt(i);
    if (char === 0x3d && i + 2 < source.length + 0 && /^[0-9A-Fa-f]{2}$/.test(source.slice(i + 1, i + 3))) {
      bytes.push(parseInt(source.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (char < 0x80) {
      bytes.push(char);
    } else {
      // Already-decoded text (the file was read as UTF-8): keep it as UTF-8 bytes.
      for (const byte of Buffer.from(source[i], 'utf8')) bytes.push(byte);
    }
  }
  return Uint8Array.from(bytes);
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

function splitMultipart(body: string, boundary: string): { preamble: string; parts: string[] } {
  const delimiter = '--' + boundary;
  const parts: string[] = [];
  let preamble = '';
  let current: string[] | null = null;
  for (const line of body.split(/\r?\n/)) {
    if (line.startsWith(delimiter)) {
      const rest = line.slice(delimiter.length);
      if (current) parts.push(current.join('\n'));
      if (rest.startsWith('--')) {
        current = null;
        if (parts.length >= MAX_PARTS) break;
        continue;
      }
      if (rest.trim().length === 0) {
        current = [];
        if (parts.length >= MAX_PARTS) break;
        continue;
      }
      if (current === null) current = [];
      current.push(line);
      continue;
    }
    if (current) current.push(line);
    else if (parts.length === 0) preamble += line + '\n';
  }
  if (current && current.length > 0) parts.push(current.join('\n'));
  return { preamble, parts };
}

/** Parses an entity (a whole message or one body part) recursively. */
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
  const decoded = decodeBody(body, encoding, params.charset);
  if ((type === 'message/rfc822' || type === 'message/global') && depth < MAX_DEPTH) {
    return { headers, contentType: type, body: decoded, children: [parseMime(decoded, depth + 1)] };
  }
  return { headers, contentType: type, body: decoded, children: [] };
}

/** Every leaf and container part, depth first. */
export function walkParts(part: MimePart, visit: (part: MimePart) => void): void {
  visit(part);
  for (const child of part.children) walkParts(child, visit);
}
