import type { AdaptiveCardJson } from '../cards/render';
import type { ParsedRequest } from './intent';

/**
 * What the assistant answers, independent of the Teams SDK: the bot turns it into activities, the CLI into
 * JSON or text. `text` is always a plain rendering of the same answer (notifications, CLI, accessibility).
 */
export type Reply =
  | { readonly kind: 'card'; readonly card: AdaptiveCardJson; readonly text: string; readonly data?: unknown; readonly found?: PeopleFound }
  | { readonly kind: 'text'; readonly text: string };

/**
 * Who a pasted block is about, as the analyzer that answered read it. The intent parser leaves a pasted NDR's people
 * to the NDR analyzer, which reads the whole report anyway; respond() and the CLI's `intent` put them into the
 * request (`withPeople`).
 */
export interface PeopleFound {
  readonly senders: readonly string[];
  readonly recipients: readonly string[];
}

/** The request with the people an analyzer found in its paste. */
export const withPeople = (request: ParsedRequest, found: PeopleFound): ParsedRequest => ({ ...request, senders: found.senders, recipients: found.recipients });

export const textReply = (text: string): Reply => ({ kind: 'text', text });
export const cardReply = (card: AdaptiveCardJson, text: string, data?: unknown, found?: PeopleFound): Reply =>
  found ? { kind: 'card', card, text, data, found } : { kind: 'card', card, text, data };
