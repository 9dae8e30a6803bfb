import { addressDomain } from './addresses';
import { tokenize } from './tokens';

/**
 * Authentication-Results (RFC 8601) and its ARC twin, as Microsoft, Google and others write them. Microsoft omits the
 * authserv-id, writes "sender IP is …" in a comment and adds compauth and action=; we read them all the same way.
 */
export interface AuthResult {
  readonly method: string;
  readonly result: string;
  /** Properties such as smtp.mailfrom, header.d, header.from, action, reason (keys lower-case). */
  readonly props: Readonly<Record<string, string>>;
  readonly comments: readonly string[];
}

export interface AuthResultsField {
  readonly authservId: string | null;
  readonly instance: number | null;
  readonly results: readonly AuthResult[];
}

export function parseAuthResults(value: string): AuthResultsField {
  let authservId: string | null = null;
  let instance: number | null = null;
  const results: AuthResult[] = [];
  for (const [position, segment] of splitTopLevel(value, ';').entries()) {
    const { words, comments } = wordsAndComments(segment);
    if (words.length === 0) continue;
    const instanceMatch = /^i=(\d{1,3})$/i.exec(words[0]);
    if (instanceMatch && words.length === 1) {
      instance = Number(instanceMatch[1]);
      continue;
    }
    if (!words[0].includes('=')) {
      // The authserv-id ("mx.google.com", "mx.microsoft.com 1"); "none" means no results at all.
      if (position <= 1 && authservId === null) authservId = words[0];
      continue;
    }
    let current: { method: string; result: string; props: Record<string, string>; comments: string[] } | null = null;
    for (const word of words) {
      const equals = word.indexOf('=');
      if (equals <= 0) continue;
      const key = word.slice(0, equals).toLowerCase();
      const raw = word.slice(equals + 1).replace(/^"|"$/g, '');
      if (!key.includes('.') && current === null) {
        current = { method: key, result: raw.toLowerCase(), props: {}, comments: [...comments] };
        results.push(current);
      } else if (current) current.props[key] = raw;
    }
  }
  return { authservId, instance, results };
}

/** Splits on a separator outside comments and quotes. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"' && depth === 0) quoted = !quoted;
    else if (!quoted && char === '(') depth++;
    else if (!quoted && char === ')' && depth > 0) depth--;
    else if (!quoted && depth === 0 && char === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function wordsAndComments(segment: string): { words: string[]; comments: string[] } {
  const tokens = tokenize(segment);
  const comments = tokens.filter((token) => token.kind === 'comment').map((token) => token.text);
  const words: string[] = [];
  for (const token of tokens) {
    if (token.kind !== 'word') continue;
    // "dkim = pass" is legal (RFC 8601 allows CFWS around "="): glue the pieces back into one word.
    const last = words.length - 1;
    if (last >= 0 && (words[last].endsWith('=') || token.text.startsWith('='))) words[last] += token.text;
    else words.push(token.text);
  }
  return { words, comments };
}

/** The signing domain a dkim result names: header.d, else the domain of header.i. */
export function dkimDomainOf(result: AuthResult): string | null {
  const d = result.props['header.d'];
  if (d && d.toLowerCase() !== 'none') return addressDomain(d);
  return addressDomain(result.props['header.i']);
}
