import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import { parse as parseHost } from 'tldts';
import { SHORTHAND, TYPO_TARGETS } from './vocabulary';

/**
 * A word of the question, classified once. Entities (addresses, domains, codes, IPs) are recognised per token, so
 * no regular expression ever runs over the whole text looking for an "@" (that is where e-mail regexes go quadratic).
 */
export type Token =
  | { readonly kind: 'word'; readonly word: string; readonly raw: string; readonly start: number }
  | { readonly kind: 'email'; readonly address: string; readonly raw: string; readonly start: number; readonly bracketed: boolean }
  | { readonly kind: 'domain'; readonly domain: string; readonly raw: string; readonly start: number }
  | { readonly kind: 'code'; readonly code: string; readonly raw: string; readonly start: number }
  | { readonly kind: 'ip'; readonly ip: string; readonly raw: string; readonly start: number }
  | { readonly kind: 'number'; readonly word: string; readonly raw: string; readonly start: number };

/** Longer runs are not words or addresses (base64, DKIM signatures): they are skipped, not analysed. */
const MAX_TOKEN_CHARS = 320;
// Tokens are runs of anything but white space and the delimiters people put around addresses. The scan looks each
// character up in a table filled from this class as characters are first seen: a regular expression's exec per token
// cost more than classifying the token.
const DELIMITER = /[\s<>()[\]{}"«»“”!?|,;*]/;
/** Per UTF-16 code unit: 0 not seen yet, 1 a delimiter, 2 part of a token. */
const CHARACTER_KIND = new Uint8Array(0x10000);

function isDelimiter(code: number): boolean {
  let kind = CHARACTER_KIND[code];
  if (kind === 0) kind = CHARACTER_KIND[code] = DELIMITER.test(String.fromCharCode(code)) ? 1 : 2;
  return kind === 1;
}

const EMAIL = /^[\p{L}\p{N}._%+'’=$&#~^-]{1,64}@([\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,8})$/u;
const HOST = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,62})(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,62}))*\.(?:[\p{L}]{2,63}|xn--[a-z0-9-]{1,59})$/u;
const CODE = /^#?([245])\.(\d{1,3})\.(\d{1,3})$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV6_CHARS = /^[0-9a-f:.]{2,45}$/i;
/** "To:bob@x", "FROM=deals@x", "mailto:bob@x": the key is a cue word, the rest the address. */
const KEYED = /^([a-z][a-z-]{0,20})[:=](.+@.+)$/i;
const KEY_WORDS = new Set(['to', 'from', 'cc', 'bcc', 'mailto', 'sender', 'recipient', 'rcpt', 'mailfrom', 'smtp', 'sip', 'mail', 'envelope-from', 'envelope-to', 'return-path', 'frm', 'recipientaddress', 'senderaddress']);

export function tokenize(text: string, maxTokens = 20000): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (tokens.length < maxTokens) {
    while (at < text.length && isDelimiter(text.charCodeAt(at))) at += 1;
    if (at === text.length) break;
    const start = at;
    let lettersOnly = true;
    while (at < text.length && !isDelimiter(text.charCodeAt(at))) {
      if (!isAsciiLetter(text.charCodeAt(at))) lettersOnly = false;
      at += 1;
    }
    if (at - start <= MAX_TOKEN_CHARS) classify(text.slice(start, at), start, text, tokens, lettersOnly);
  }
  return tokens;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function startsWithDigitOrHash(value: string): boolean {
  const first = value.charCodeAt(0);
  return first === 35 || (first >= 48 && first <= 57);
}

function classify(raw: string, start: number, text: string, out: Token[], lettersOnly: boolean): void {
  // Most tokens are plain words ("bounced", "Your", "NDR"): no entity and no punctuation can hide in them.
  if (lettersOnly) {
    out.push({ kind: 'word', word: correctWord(raw.toLowerCase()), raw, start });
    return;
  }
  let value = withoutEdgePunctuation(raw);
  if (value.length === 0) return;
  if (value.includes('@')) {
    const keyed = KEYED.exec(value);
    if (keyed && KEY_WORDS.has(keyed[1].toLowerCase())) {
      out.push({ kind: 'word', word: keyed[1].toLowerCase(), raw: keyed[1], start });
      value = keyed[2];
      start += keyed[1].length + 1;
    }
    const email = EMAIL.exec(value);
    if (email) {
      const domain = toAsciiDomain(email[1]);
      if (domain) {
        const local = value.slice(0, value.length - email[1].length - 1).toLowerCase();
        const bracketed = text[start - 1] === '<';
        out.push({ kind: 'email', address: `${local}@${domain}`, raw: value, start, bracketed });
        return;
      }
    }
    out.push({ kind: 'word', word: value.toLowerCase(), raw: value, start });
    return;
  }
  // Codes ("5.7.1", "#5.7.1"), IPv4 addresses and numbers start with a digit or "#": other tokens skip those patterns.
  const numeric = startsWithDigitOrHash(value);
  const code = numeric ? CODE.exec(value) : null;
  if (code) {
    out.push({ kind: 'code', code: `${code[1]}.${Number(code[2])}.${Number(code[3])}`, raw: value, start });
    return;
  }
  if (numeric && IPV4.test(value)) {
    if (value.split('.').every((octet) => Number(octet) <= 255)) {
      out.push({ kind: 'ip', ip: value, raw: value, start });
      return;
    }
  }
  if (value.includes(':') && IPV6_CHARS.test(value) && (value.includes('::') || value.split(':').length >= 4) && ipaddr.IPv6.isValid(value)) {
    out.push({ kind: 'ip', ip: value.toLowerCase(), raw: value, start });
    return;
  }
  if (value.includes('.')) {
    const host = hostOf(value);
    if (host) {
      out.push({ kind: 'domain', domain: host, raw: value, start });
      return;
    }
  }
  const lower = value.toLowerCase();
  if (numeric && /^\d+$/.test(lower)) {
    out.push({ kind: 'number', word: lower, raw: value, start });
    return;
  }
  for (const part of splitWord(lower)) out.push({ kind: 'word', word: correctWord(part), raw: value, start });
}

// Trailing sentence punctuation and quotes are not part of an address or a word; nor is a possessive "'s".
const EDGE_PUNCTUATION = "'‘’`.:";
function withoutEdgePunctuation(raw: string): string {
  const last = raw[raw.length - 1];
  const possessive = (last === 's' || last === 'S') && (raw[raw.length - 2] === "'" || raw[raw.length - 2] === '’');
  if (!possessive && !EDGE_PUNCTUATION.includes(raw[0]) && !EDGE_PUNCTUATION.includes(last)) return raw;
  return raw.replace(/^['‘’`.:]+/, '').replace(/(?:'s|’s)$/i, '').replace(/['‘’`.:]+$/, '');
}

/** "contoso.com", "https://www.contoso.com/", "bücher.de" → the ASCII host; file names and versions → null. */
function hostOf(value: string): string | null {
  let host = value;
  const url = /^(?:https?|ftp):\/\/([^/?#]{1,253})/i.exec(host);
  if (url) host = url[1];
  else if (host.includes('/')) return null;
  host = host.replace(/:\d{1,5}$/, '').replace(/^www\./i, '');
  if (!HOST.test(host)) return null;
  const ascii = toAsciiDomain(host);
  if (!ascii) return null;
  const parsed = parseHost(ascii);
  return parsed.isIcann && parsed.domain ? ascii : null;
}

export function toAsciiDomain(domain: string): string | null {
  const ascii = domainToASCII(domain.toLowerCase());
  return ascii.length > 0 && ascii.includes('.') ? ascii : null;
}

/** "outlook/exchange" and "spf+dmarc" are two words. Apostrophes go: "didn't" → "didnt". */
function splitWord(lower: string): string[] {
  const cleaned = lower.replace(/['‘’`]/g, '');
  if (!/[/+&]/.test(cleaned)) return cleaned.length > 0 ? [cleaned] : [];
  return cleaned.split(/[/+&]+/).filter((part) => part.length > 0);
}

// One-deletion neighbourhoods of the canonical words (SymSpell): a typo one edit away shares a deletion with its target,
// found by a few map lookups instead of comparing against every word.
const DELETIONS = new Map<string, string>();
const CANONICAL = new Set(TYPO_TARGETS);
for (const target of TYPO_TARGETS) {
  for (const variant of [target, ...deletions(target)]) if (!DELETIONS.has(variant)) DELETIONS.set(variant, target);
}

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i += 1) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

// Every word read recently with its correction (most are their own), so a word seen before costs one lookup. Cleared
// when full, like the formatter cache in time.ts: recomputing is cheap, and a flood of distinct tokens must not pin memory.
const corrections = new Map<string, string>();

export function correctWord(word: string): string {
  const known = corrections.get(word);
  if (known !== undefined) return known;
  const result = correctionOf(word);
  if (corrections.size >= 5000) corrections.clear();
  corrections.set(word, result);
  return result;
}

function correctionOf(word: string): string {
  const short = SHORTHAND.get(word);
  if (short) return short;
  if (word.length < 5 || word.length > 20 || CANONICAL.has(word) || !/^[a-z-]+$/.test(word)) return word;
  let corrected = DELETIONS.get(word);
  if (corrected === undefined) {
    for (const variant of deletions(word)) {
      corrected = DELETIONS.get(variant);
      if (corrected !== undefined) break;
    }
  }
  // Plural and verb forms of a target are not typos of another target ("messaged" is not "message").
  return corrected !== undefined && Math.abs(corrected.length - word.length) <= 1 && !isInflection(word, corrected) ? corrected : word;
}

function isInflection(word: string, target: string): boolean {
  return word === `${target}s` || word === `${target}d` || word === `${target}ed` || target === `${word}s`;
}
