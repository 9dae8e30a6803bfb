import { randomInt } from 'node:crypto';
import { toPlainText } from '../analyzers/intent/normalize';
import type { Services } from '../assistant/services';
import type { TurnInput } from '../assistant/turn';
import type { CaseEntry } from '../model/case';
import { isSmallTalk, type ParsedRequest } from '../model/intent';
import type { Reply } from '../model/reply';
import { settledWithin } from '../ops/deadline';
import { withExportButton, withTicketCopy } from './card';
import { findingOf, ticketSummary, traceRowsOf } from './ticket';

/** Small talk and help are not a case; everything else a person asks is. */
export const opensCase = (request: ParsedRequest): boolean => !isSmallTalk(request.intent);

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * "CASE-20261122-7F3A9K": readable over the phone (no I, L, O, U), 32^6 ≈ 10^9 per day. A case opens with most
 * questions in a channel (each new post is a conversation of its own). randomInt draws from a pool Node refills in
 * batches; randomBytes called into OpenSSL each time (3 µs alone, 10–15 µs inside respond()'s profile).
 */
export function newCaseId(now: Date, randomIndex: (max: number) => number = randomInt): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += CROCKFORD[randomIndex(CROCKFORD.length)];
  return `CASE-${day}-${suffix}`;
}

/** A result card is an answer with data; help, refusals and "working on it" cards carry none (or say so). */
export function isResultCard(reply: Reply): reply is Extract<Reply, { kind: 'card' }> {
  if (reply.kind !== 'card' || reply.data === undefined || reply.data === null) return false;
  return !(typeof reply.data === 'object' && (reply.data as { refused?: unknown }).refused === true);
}

/**
 * How long an answer waits for its case entries. Normally they are written in milliseconds and the answer follows
 * them; when storage is down the SDK retries for far longer, and the person must not wait for the record.
 */
const CASE_WRITE_WAIT_MS = 2000;

/** Case writes never fail or stall an answer: storage trouble is logged, and the person still gets the card. */
export async function recordCase(services: Services, entries: readonly CaseEntry[]): Promise<void> {
  const cases = services.evidence?.cases;
  if (!cases || entries.length === 0) return;
  // A turn's entries (a question and its finding) go out together: one storage round trip of waiting, not two. Their
  // order survives: each append takes its row key (time, then a counter) in call order, once the table is there.
  const writing = Promise.all(entries.map(async (entry) => cases.append(entry))).catch((error: unknown) => {
    services.log.warn({ err: error, caseId: entries[0].caseId }, 'could not write to the case log');
  });
  await settledWithin(writing, CASE_WRITE_WAIT_MS);
}

const MAX_QUESTION_CHARS = 4000;

/**
 * The ticket quotes the question's first line as the person wrote it, not as Teams' HTML ("<p>…&nbsp;…"). Only a head
 * of the message is converted, cut before a tag, so a 28 KB paste is not read again for one line: a short head holds
 * the usual first line; a longer one is read when the first line runs on past the short one.
 */
const QUESTION_HEADS = [300, 1000];
function questionAsWritten(text: string): string {
  let plain = '';
  for (const size of QUESTION_HEADS) {
    if (text.length <= size) return toPlainText(text);
    const tag = text.lastIndexOf('<', size);
    plain = toPlainText(text.slice(0, tag > 0 ? tag : size));
    if (firstLineEnds(plain)) break;
  }
  return plain;
}

/** A line break follows the first line with text in it: reading more of the message cannot change that line. */
function firstLineEnds(plain: string): boolean {
  const start = plain.search(/\S/);
  return start >= 0 && plain.indexOf('\n', start) >= 0;
}

/** The question, and the finding of a result card. Each entry is one literal: a key added to a spread copy is slow (see emptyRequest). */
function caseEntriesOf(caseId: string, at: Date, request: ParsedRequest, reply: Reply, turn: TurnInput): CaseEntry[] {
  const { tenantId, id: conversationId } = turn.conversation;
  const when = at.toISOString();
  const question: CaseEntry = { caseId, at: when, tenantId, conversationId, who: turn.actor, kind: 'question', intent: request.intent, text: turn.text.slice(0, MAX_QUESTION_CHARS) };
  if (!isResultCard(reply)) return [question];
  const { layer, rootCause } = findingOf(request.intent, reply);
  return [question, { caseId, at: when, tenantId, conversationId, who: turn.actor, kind: 'finding', intent: request.intent, layer, rootCause }];
}

/**
 * What the evidence capability adds to an answer: the question and the finding in the case log, "Copy for ticket"
 * on every result card, and "Export trace (CSV)" on a diagnosis that read message trace rows.
 */
export async function withEvidence(
  input: { request: ParsedRequest; reply: Reply; turn: TurnInput; caseId: string | null },
  services: Services,
): Promise<Reply> {
  const { request, reply, turn, caseId } = input;
  const at = services.now?.() ?? turn.now;
  const recorded = recordCase(services, caseId && opensCase(request) ? caseEntriesOf(caseId, at, request, reply, turn) : []);
  let answer: Reply = reply;
  try {
    if (isResultCard(reply) && opensCase(request)) {
      const summary = ticketSummary({ request, reply, caseId, at, question: questionAsWritten(turn.text), askedBy: turn.actor.name ?? turn.actor.userId });
      const rows = traceRowsOf(reply.data);
      const exports = services.evidence?.exports;
      const tenantId = turn.conversation.tenantId;
      // The export button goes on first, so that a long summary is the one cut to fit, not the button dropped.
      const exportId = exports && tenantId && rows.length > 0 ? exports.newId() : null;
      const withButton = exportId && tenantId ? withExportButton(reply.card, exportId, tenantId, rows.length) : reply.card;
      let card = withTicketCopy(withButton, summary, caseId);
      if (exports && exportId && tenantId) {
        // Saved with the card that carries its button, so that the download link can be shown on that same card.
        const saved = await exports.save({ id: exportId, tenantId, caseId, rows, card, at }).catch((error: unknown) => {
          services.log.error({ err: error }, 'could not keep the trace rows for export; the answer goes without its export button');
          return null;
        });
        if (!saved) card = withTicketCopy(reply.card, summary, caseId);
      }
      answer = { ...reply, card };
    }
  } catch (error) {
    // The answer itself stands without its evidence buttons.
    services.log.error({ err: error, intent: request.intent }, 'could not add the ticket evidence to the card');
  }
  await recorded;
  return answer;
}
