import exoCodes from '../../knowledge/exo-ndr-codes.json';
import extra from '../../knowledge/ndr-codes-extra.json';
import reasonTexts from '../../knowledge/reason-explanations.json';
import rfc3463 from '../../knowledge/rfc3463.json';
import type { Reason } from '../../model/reason';
import { parseStatusCode } from '../../model/status-code';
import { classifyBounce, reasonFromStatus, reasonFromText } from './classify';
import type { CodeExplanation, Explanation, ExplanationSource, WhoActs } from './types';

/** Turns codes and reasons into plain-words explanations, from the tables in src/knowledge. */

const EXO_DOCS_BASE = 'https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/';
const EXO_NDR_DOCS = 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online';
const RFC3463_DOCS = 'https://www.rfc-editor.org/rfc/rfc3463';
const WHO: readonly WhoActs[] = ['sender', 'sender-admin', 'recipient-admin', 'microsoft', 'wait'];

interface ExoRow {
  readonly code: string;
  readonly description: string;
  readonly likely_causes: string;
  readonly fix: string;
  readonly fix_pages: readonly string[];
}

interface ExtraEntry {
  readonly code: string;
  readonly title: string;
  readonly meaning: string;
  readonly likelyCauses: readonly string[];
  readonly fixSteps: readonly string[];
  readonly whoActs: string;
  readonly docs: string;
}

interface ReasonText {
  readonly title: string;
  readonly titleGeneric: string;
  readonly meaning: string;
  readonly likelyCauses: readonly string[];
  readonly fixSteps: readonly string[];
  readonly whoActs: string;
}

const REASON_TEXTS = reasonTexts.reasons as Record<string, ReasonText>;
const EXTRA = new Map<string, ExtraEntry>(extra.codes.map((entry) => [entry.code, entry]));
const EXTRA_WHO = extra.whoActs as Record<string, string>;

/** A Microsoft row's `code` may be "5.7.13 or 135", "5.4.6 or 5.4.14" or a range "5.7.606-649". */
interface ExoMatcher {
  readonly row: ExoRow;
  matches(code: string): boolean;
}

function matcherFor(row: ExoRow): ExoMatcher | null {
  const raw = row.code.trim();
  const range = /^([245])\.(\d{1,3})\.(\d{1,3})-(\d{1,3})$/.exec(raw);
  if (range) {
    const [, klass, subject, from, to] = range;
    return {
      row,
      matches: (code) => {
        const parsed = parseStatusCode(code);
        return !!parsed && parsed.klass === Number(klass) && parsed.subject === Number(subject) && parsed.detail >= Number(from) && parsed.detail <= Number(to);
      },
    };
  }
  const codes = new Set<string>();
  const first = /^([245]\.\d{1,3})\.(\d{1,3})/.exec(raw);
  for (const piece of raw.split(/\s+or\s+/)) {
    if (/^[245]\.\d{1,3}\.\d{1,3}$/.test(piece)) codes.add(piece);
    else if (/^\d{1,3}$/.test(piece) && first) codes.add(`${first[1]}.${piece}`);
  }
  return codes.size > 0 ? { row, matches: (code) => codes.has(code) } : null;
}

const EXO_MATCHERS = (exoCodes as readonly ExoRow[]).map(matcherFor).filter((m): m is ExoMatcher => m !== null);

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter((word) => word.length > 3));
}

/** Each row's description words, for telling apart the rows that share a code. */
const DESCRIPTION_WORDS = new Map<ExoRow, readonly string[]>(EXO_MATCHERS.map(({ row }) => [row, [...words(row.description)]]));

/** The rows per code, looked up once per code (the table has 71 rows and few codes recur); the cache is bounded. */
const ROWS_BY_CODE = new Map<string, readonly ExoRow[]>();

function exoRowsFor(code: string): readonly ExoRow[] {
  let rows = ROWS_BY_CODE.get(code);
  if (!rows) {
    if (ROWS_BY_CODE.size >= 1000) ROWS_BY_CODE.clear();
    rows = EXO_MATCHERS.filter((matcher) => matcher.matches(code)).map((matcher) => matcher.row);
    ROWS_BY_CODE.set(code, rows);
  }
  return rows;
}

/** Microsoft lists some codes twice (5.4.1, 5.7.1): the row whose description shares most words with the server's text wins. */
function exoRowFor(code: string, diagnostic: string): ExoRow | null {
  const rows = exoRowsFor(code);
  if (rows.length <= 1) return rows[0] ?? null;
  const said = words(diagnostic);
  let best = rows[0];
  let bestScore = -1;
  for (const row of rows) {
    const score = (DESCRIPTION_WORDS.get(row) ?? []).filter((word) => said.has(word)).length;
    if (score > bestScore) {
      best = row;
      bestScore = score;
    }
  }
  return best;
}

/** Microsoft's texts are Markdown: keep the words of links, drop the syntax. */
function plain(markdown: string): string {
  return markdown
    .replace(/!\[[^\]]{0,200}\]\([^)]{0,400}\)/g, '')
    .replace(/\[([^\]]{0,300})\]\([^)]{0,400}\)/g, '$1')
    .replace(/`/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function sentences(text: string, max = 6): string[] {
  return plain(text)
    .split(/(?<=[.!?])\s+(?=[A-Z])/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0)
    .slice(0, max);
}

function docsFor(row: ExoRow): string {
  const page = row.fix_pages.find((name) => !name.startsWith('../') && name.endsWith('.md'));
  return page ? EXO_DOCS_BASE + page.replace(/^\.\//, '').replace(/\.md$/, '') : EXO_NDR_DOCS;
}

/** A Microsoft row's texts in plain words, as explanations show them. */
interface RowTexts {
  readonly meaning: string;
  readonly causes: readonly string[];
  readonly fixes: readonly string[];
  readonly docs: string;
}

/** Worked out on first use and kept: the rows are a fixed table of 71, and many bounces cite the same few. */
const ROW_TEXTS = new Map<ExoRow, RowTexts>();

function rowTextsOf(row: ExoRow): RowTexts {
  let texts = ROW_TEXTS.get(row);
  if (!texts) {
    texts = { meaning: plain(row.description), causes: sentences(row.likely_causes), fixes: sentences(row.fix), docs: docsFor(row) };
    ROW_TEXTS.set(row, texts);
  }
  return texts;
}

function asWho(value: string | undefined, fallback: WhoActs): WhoActs {
  return value && (WHO as readonly string[]).includes(value) ? (value as WhoActs) : fallback;
}

export interface Subject {
  readonly recipient?: string | null;
  readonly remote?: string | null;
}

function fill(template: string, generic: string, subject: Subject): string {
  // Most templates name no one: nothing to fill.
  if (!template.includes('{')) return template;
  const recipient = subject.recipient ?? null;
  const domain = recipient && recipient.includes('@') ? recipient.slice(recipient.lastIndexOf('@') + 1) : null;
  const values: Record<string, string | null> = { recipient, domain, remote: subject.remote ?? null };
  const pieces = piecesOf(template);
  let filled = pieces[0];
  for (let i = 1; i < pieces.length; i += 2) {
    const value = values[pieces[i]];
    if (!value) return generic;
    filled += value + pieces[i + 1];
  }
  return filled;
}

/**
 * A template split at its placeholders: literal text at even indexes, a placeholder's name at odd ones. Kept per
 * template: they are the titles of the tables in src/knowledge, a fixed few dozen.
 */
const TEMPLATE_PIECES = new Map<string, readonly string[]>();

function piecesOf(template: string): readonly string[] {
  let pieces = TEMPLATE_PIECES.get(template);
  if (!pieces) {
    pieces = template.split(/\{(recipient|domain|remote)\}/);
    TEMPLATE_PIECES.set(template, pieces);
  }
  return pieces;
}

const VAGUE_REASONS: ReadonlySet<Reason> = new Set<Reason>(['onhold', 'undefined', 'systemerror', 'securityerror']);

/** The plain-words explanation of a reason alone. */
export function explainReason(reason: Reason, subject: Subject = {}, docs = EXO_NDR_DOCS): Explanation {
  const text = REASON_TEXTS[reason] ?? REASON_TEXTS.undefined;
  return {
    title: fill(text.title, text.titleGeneric, subject),
    meaning: text.meaning,
    likelyCauses: text.likelyCauses,
    fixSteps: text.fixSteps,
    whoActs: asWho(text.whoActs, 'recipient-admin'),
    docs,
  };
}

function rfcMeaning(code: string): string | null {
  const parsed = parseStatusCode(code);
  if (!parsed) return null;
  const klass = (rfc3463.classes as Record<string, string>)[String(parsed.klass)];
  const subject = (rfc3463.subjects as Record<string, string>)[String(parsed.subject)];
  const detail = (rfc3463.details as Record<string, string>)[`${parsed.subject}.${parsed.detail}`];
  return [detail ? `${code}: ${detail}.` : `${code}:`, subject, klass].filter(Boolean).join(' ');
}

/**
 * Explains one status code, using (in order) our own table, Microsoft's NDR table, then the reason the code
 * and the server's words point to, with RFC 3463's class/subject/detail as the meaning.
 */
export function explainStatus(code: string | null, diagnostic: string, reason: Reason, subject: Subject = {}): { source: ExplanationSource; explanation: Explanation } {
  if (code) {
    // A registry code (5.7.1) means different things at different servers: the Exchange Online reading only
    // applies when the server's words agree with it. Microsoft-only codes (detail ≥ 100) always apply.
    const parsed = parseStatusCode(code);
    const byStatus = reasonFromStatus(code);
    const applies = !!parsed && (parsed.detail >= 100 || VAGUE_REASONS.has(reason) || byStatus === reason || byStatus === null);
    const known = applies ? EXTRA.get(code) : undefined;
    if (known) {
      const fallback = explainReason(reason, subject);
      return {
        source: 'known',
        explanation: {
          title: fill(known.title, fallback.title, subject),
          meaning: known.meaning,
          likelyCauses: known.likelyCauses,
          fixSteps: known.fixSteps,
          whoActs: asWho(known.whoActs, fallback.whoActs),
          docs: known.docs,
        },
      };
    }
    const row = applies ? exoRowFor(code, diagnostic) : null;
    if (row) {
      const texts = rowTextsOf(row);
      const byReason = explainReason(reason, subject, texts.docs);
      return {
        source: 'microsoft',
        explanation: {
          title: VAGUE_REASONS.has(reason) ? `${row.description.replace(/\.$/, '')} (${code})` : byReason.title,
          meaning: texts.meaning,
          likelyCauses: texts.causes.length > 0 ? texts.causes : byReason.likelyCauses,
          fixSteps: texts.fixes.length > 0 ? texts.fixes : byReason.fixSteps,
          whoActs: asWho(EXTRA_WHO[row.code], byReason.whoActs),
          docs: texts.docs,
        },
      };
    }
    const meaning = rfcMeaning(code);
    const byReason = explainReason(reason, subject, RFC3463_DOCS);
    return { source: 'rfc3463', explanation: { ...byReason, meaning: meaning ? `${byReason.meaning} ${meaning}` : byReason.meaning } };
  }
  return { source: 'text', explanation: explainReason(reason, subject) };
}

const REPLY_AND_CODE = /(?:^|[^\d.])([245]\d\d)(?:[\s-]+|$)(?:#?([245]\.\d{1,3}\.\d{1,3}))?/;

/** `explainCode("5.7.708")`, `explainCode("550 5.7.708 Access denied …")` or a bare server reply; null when there is nothing to explain. */
export function explainCode(codeOrReply: string): CodeExplanation | null {
  const text = codeOrReply.slice(0, 4000).trim();
  if (text.length === 0) return null;
  const parsed = parseStatusCode(text);
  const code = parsed ? `${parsed.klass}.${parsed.subject}.${parsed.detail}` : null;
  const reply = REPLY_AND_CODE.exec(text);
  const replyCode = reply ? Number(reply[1]) : null;
  const textReason = reasonFromText(text);
  if (!code && !textReason) return null;
  const hasWords = text.replace(/[\d.#\s]/g, '').length > 0;
  const reason = hasWords
    ? classifyBounce({ status: code, replyCode, diagnostic: text, action: code?.startsWith('4') ? 'delayed' : 'failed', command: null, diagnosticType: '' })
    : reasonFromStatus(code) ?? (code?.startsWith('4') ? 'expired' : 'onhold');
  const { source, explanation } = explainStatus(code, text, reason);
  return { code, replyCode, reason, source, explanation };
}
