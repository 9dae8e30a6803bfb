import type { AdaptiveCardJson } from '../cards/render';

/**
 * What the assistant answers, independent of the Teams SDK: the bot turns it into activities, the CLI into
 * JSON or text. `text` is always a plain rendering of the same answer (notifications, CLI, accessibility).
 */
export type Reply =
  | { readonly kind: 'card'; readonly card: AdaptiveCardJson; readonly text: string; readonly data?: unknown }
  | { readonly kind: 'text'; readonly text: string };

export const textReply = (text: string): Reply => ({ kind: 'text', text });
export const cardReply = (card: AdaptiveCardJson, text: string, data?: unknown): Reply => ({ kind: 'card', card, text, data });
