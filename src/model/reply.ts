import type { AdaptiveCardJson } from '../cards/render';
import type { ParsedRequest } from './intent';

/**
 * What the assistant answers, independent of the Teams SDK: the bot turns it into activities, the CLI into
 * JSON or text. `text` is always a plain rendering of the same answer (notifications, CLI, accessibility).
 */
export type Reply =
  | { readonly kind: 'card'; readonly card: AdaptiveCardJson; readonly text: string; readonly data?: unknown; readonly found?: PasteReading }
  | { readonly kind: 'text'; readonly text: string };

/**
 * What the analyzer that answered read in a pasted block: who it is about, and the status codes it reports. The intent
 * parser leaves a pasted NDR to the NDR analyzer, which reads the whole report anyway; respond() and the CLI's `intent`
 * put its reading into the request (`withPasteReading`).
 */
export interface PasteReading {
  readonly senders: readonly string[];
  readonly recipients: readonly string[];
  /** Enhanced status codes ("5.1.10"), first seen first. */
  readonly codes: readonly string[];
}

/**
 * At most this many codes once a paste's are added: an NDR to 500 recipients would otherwise put all its codes in the
 * request and the conversation's memory.
 */
const MAX_REQUEST_CODES = 10;

/** The request with what an analyzer read in its paste: its people, and its codes after any the question named. */
export const withPasteReading = (request: ParsedRequest, reading: PasteReading): ParsedRequest => ({
  ...request,
  senders: reading.senders,
  recipients: reading.recipients,
  codes: reading.codes.length === 0 ? request.codes : [...new Set([...request.codes, ...reading.codes])].slice(0, MAX_REQUEST_CODES),
});

export const textReply = (text: string): Reply => ({ kind: 'text', text });
export const cardReply = (card: AdaptiveCardJson, text: string, data?: unknown, found?: PasteReading): Reply =>
  found ? { kind: 'card', card, text, data, found } : { kind: 'card', card, text, data };
