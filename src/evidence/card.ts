import { escapeCardText } from '../cards/escape';
import { cardBytes, cardBytesAtMost, fitsWithin, MAX_CARD_BYTES, type AdaptiveCardJson } from '../cards/render';

/** Card verbs of the evidence capability. */
export const EVIDENCE_VERBS = { exportTrace: 'evidence.exportTrace' } as const;

/** Room for the activity envelope around the card (the same margin the headers card keeps). */
const CARD_BUDGET = MAX_CARD_BYTES - 2048;

type CardAction = Record<string, unknown>;
type CardElement = Record<string, unknown>;

/**
 * The evidence buttons sit in one ActionSet at the end of the card's body, not in its `actions`: the answer card's
 * own buttons stay as its capability made them, and the evidence set can be found and changed by its id.
 */
const EVIDENCE_SET_ID = 'evidence-actions';

function bodyOf(card: AdaptiveCardJson): CardElement[] {
  return Array.isArray(card.body) ? (card.body as CardElement[]) : [];
}

function evidenceSet(card: AdaptiveCardJson): CardElement | undefined {
  return bodyOf(card).find((element) => element.id === EVIDENCE_SET_ID);
}

function withActions(card: AdaptiveCardJson, extra: readonly CardAction[]): AdaptiveCardJson {
  const existing = evidenceSet(card);
  const actions = [...((existing?.actions as CardAction[] | undefined) ?? []), ...extra];
  const set: CardElement = { type: 'ActionSet', id: EVIDENCE_SET_ID, separator: true, spacing: 'Medium', actions };
  const body = existing ? bodyOf(card).map((element) => (element === existing ? set : element)) : [...bodyOf(card), set];
  return { ...card, body };
}

function ticketAction(summary: string): CardAction {
  return {
    type: 'Action.ShowCard',
    title: 'Copy for ticket',
    card: {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: 'Select the text below and copy it into your ticket.', wrap: true, isSubtle: true, size: 'Small' },
        // The summary holds remote text (NDR lines, subjects): defused like any user text before it goes into a card.
        { type: 'TextBlock', text: escapeCardText(summary, summary.length + 1), wrap: true, fontType: 'Monospace', size: 'Small' },
      ],
    },
  };
}

/**
 * Adds "Copy for ticket" to a result card. The summary is cut until the whole card fits Teams' limit; when even
 * a short summary would not fit, it says where the full record is instead.
 */
export function withTicketCopy(card: AdaptiveCardJson, summary: string, caseId: string | null): AdaptiveCardJson {
  let text = summary;
  for (let attempt = 0; attempt < 8; attempt++) {
    const candidate = withActions(card, [ticketAction(text)]);
    // The cheap bound settles the usual card; only one near the limit is serialised to measure by how much it is over.
    if (cardBytesAtMost(candidate) <= CARD_BUDGET) return candidate;
    const over = cardBytes(candidate) - CARD_BUDGET;
    if (over <= 0) return candidate;
    const note = `\n… (cut to fit the card; the full record: mailflow-doctor case ${caseId ?? '(none)'})`;
    // Bytes over the budget, plus some slack for multi-byte characters and JSON escapes.
    const keep = text.length - over - note.length - 256;
    if (keep < 200) break;
    text = text.slice(0, keep) + note;
  }
  return withActions(card, [ticketAction(`The answer is too large to copy from this card. Full record: mailflow-doctor case ${caseId ?? '(none)'}`)]);
}

/** "Export trace (CSV)": the export is kept server-side; the button names it, and the tenant it belongs to. */
export function withExportButton(card: AdaptiveCardJson, exportId: string, tenantId: string, rowCount: number): AdaptiveCardJson {
  const button: CardAction = {
    type: 'Action.Execute',
    title: 'Export trace (CSV)',
    verb: EVIDENCE_VERBS.exportTrace,
    tooltip: `The ${rowCount} message trace row${rowCount === 1 ? '' : 's'} behind this answer, as the admin center exports them`,
    data: { exportId, tenantId },
  };
  const decorated = withActions(card, [button]);
  return fitsWithin(decorated, CARD_BUDGET - 1) ? decorated : card;
}

/** The answer card with the download link under it, shown to the person who clicked (not to the channel). */
export function withDownloadLink(card: AdaptiveCardJson, url: string, expiresAt: string, ttlMinutes: number, rowCount: number): AdaptiveCardJson {
  const expires = `${expiresAt.slice(0, 10)} ${expiresAt.slice(11, 16)} UTC`;
  const notice: CardElement = {
    type: 'Container',
    style: 'emphasis',
    separator: true,
    items: [
      { type: 'TextBlock', text: `Message trace export ready: ${rowCount} row${rowCount === 1 ? '' : 's'} (CSV).`, wrap: true, weight: 'Bolder' },
      { type: 'TextBlock', text: `The link works once and expires in ${ttlMinutes} minutes (${expires}). Only you see it.`, wrap: true, isSubtle: true, size: 'Small' },
      { type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: 'Download CSV', url }] },
    ],
  };
  // The export button gives way to the link; "Copy for ticket" stays.
  const body = bodyOf(card).map((element) =>
    element.id === EVIDENCE_SET_ID ? { ...element, actions: ((element.actions as CardAction[]) ?? []).filter((action) => action.verb !== EVIDENCE_VERBS.exportTrace) } : element,
  );
  return { ...card, body: [...body, notice] };
}
