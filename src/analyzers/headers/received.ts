import { isoUtc, locateLastDate, type HeaderDate } from './dates';
import { tokenize, type Token } from './tokens';

/** One Received field, read (RFC 5321 §4.4 plus the shapes Exchange, Postfix, Exim, Sendmail, Gmail, qmail and SES write). */
export interface ReceivedLine {
  readonly from: string | null;
  readonly by: string | null;
  readonly with: string | null;
  readonly id: string | null;
  readonly for: string | null;
  readonly date: HeaderDate | null;
}

export interface Hop {
  readonly index: number;
  readonly from: string | null;
  readonly by: string | null;
  readonly with: string | null;
  /** ISO 8601 UTC, or null when the line carries no date we can read. */
  readonly time: string | null;
  /** This hop's time minus the previous dated hop's; 0 for the first hop; a negative difference is shown as 0 (and flagged). */
  readonly delaySeconds: number | null;
}

/** What the hop table knows beyond the JSON contract: the raw differences, for findings about clocks. */
export interface HopTimeline {
  readonly hops: Hop[];
  /** Per hop index: the signed difference before clamping (negative = clocks out of order) and the dated hop it was taken from. */
  readonly rawDelays: ReadonlyMap<number, { readonly seconds: number; readonly after: number }>;
  readonly zoneAssumed: readonly number[];
}

const KEYWORDS = new Set(['from', 'by', 'via', 'with', 'id', 'for']);

export function parseReceived(value: string): ReceivedLine {
  const located = locateLastDate(value);
  let rest = value;
  if (located) {
    const semicolon = value.lastIndexOf(';', located.index);
    rest = value.slice(0, semicolon >= 0 && value.slice(semicolon + 1, located.index).trim().length < 20 ? semicolon : located.index);
  } else if (value.includes(';')) {
    rest = value.slice(0, value.lastIndexOf(';'));
  }
  const clauses = new Map<string, Token[]>();
  let clause: Token[] | null = null;
  const leading: Token[] = [];
  for (const token of tokenize(rest)) {
    const keyword = token.kind === 'word' ? token.text.toLowerCase() : '';
    if (KEYWORDS.has(keyword) && !clauses.has(keyword)) {
      clause = [];
      clauses.set(keyword, clause);
    } else (clause ?? leading).push(token);
  }
  const comments = [...leading, ...[...clauses.values()].flat()].filter((token) => token.kind === 'comment').map((token) => token.text);
  return {
    from: firstWord(clauses.get('from')) ?? specialFrom(comments),
    by: firstWord(clauses.get('by')),
    with: withProtocol(clauses.get('with')) ?? (comments.some((text) => /^qmail \d+ invoked\b/i.test(text)) ? 'qmail' : null),
    id: firstWord(clauses.get('id')),
    for: firstWord(clauses.get('for'))?.replace(/^<|>;?$/g, '') ?? null,
    date: located?.date ?? null,
  };
}

function firstWord(tokens: readonly Token[] | undefined): string | null {
  const word = tokens?.find((token) => token.kind === 'word')?.text;
  return word ? word.replace(/[,;]+$/, '') || null : null;
}

/** "with Microsoft SMTP Server (version=…) id …" is Exchange's protocol name; elsewhere the first word is the protocol. */
function withProtocol(tokens: readonly Token[] | undefined): string | null {
  const words = (tokens ?? []).filter((token) => token.kind === 'word').map((token) => token.text);
  if (words.length === 0) return null;
  if (/^microsoft$/i.test(words[0]) && /^smtp$/i.test(words[1] ?? '')) return 'Microsoft SMTP Server';
  return words[0].replace(/[,;]+$/, '') || null;
}

/** Sendmail "(from root@localhost)", Postfix "(Postfix, from userid 1000)", qmail "(qmail 42 invoked from network)". */
function specialFrom(comments: readonly string[]): string | null {
  for (const comment of comments) {
    const sendmail = /^from ([^\s()]+)/i.exec(comment);
    if (sendmail) return sendmail[1];
    const userid = /\bfrom userid (\d+)/i.exec(comment);
    if (userid) return `userid ${userid[1]}`;
    const qmail = /^qmail \d+ invoked (?:from (network)|by (uid \d+|alias|bounce))/i.exec(comment);
    if (qmail) return qmail[1] ?? qmail[2];
  }
  return null;
}

/** Received fields are newest first (each server prepends its own); hops are numbered oldest first. */
export function buildTimeline(receivedNewestFirst: readonly string[]): HopTimeline {
  const lines = [...receivedNewestFirst].reverse().map(parseReceived);
  const rawDelays = new Map<number, { seconds: number; after: number }>();
  const zoneAssumed: number[] = [];
  let previous: { ms: number; index: number } | null = null;
  const hops = lines.map((line, position): Hop => {
    const index = position + 1;
    let delaySeconds: number | null = null;
    if (line.date) {
      if (line.date.zoneAssumed) zoneAssumed.push(index);
      if (previous === null) delaySeconds = 0;
      else {
        const seconds = Math.round((line.date.epochMs - previous.ms) / 1000);
        rawDelays.set(index, { seconds, after: previous.index });
        delaySeconds = Math.max(0, seconds);
      }
      previous = { ms: line.date.epochMs, index };
    }
    return { index, from: line.from, by: line.by, with: line.with, time: line.date ? isoUtc(line.date.epochMs) : null, delaySeconds };
  });
  return { hops, rawDelays, zoneAssumed };
}
