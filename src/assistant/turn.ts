import type { AdaptiveCardJson } from '../cards/render';
import type { ParsedRequest } from '../model/intent';

/** Who is asking or acting. `userId` is the Teams id (MRI, "29:…"); `aadObjectId` the Entra object id. */
export interface Actor {
  readonly userId: string;
  readonly aadObjectId: string | null;
  readonly name: string | null;
}

export type ConversationKind = 'personal' | 'channel' | 'groupChat';

export interface ConversationRef {
  readonly id: string;
  readonly kind: ConversationKind;
  readonly tenantId: string | null;
}

/** A message for a conversation other than the one being answered. */
export interface OutgoingMessage {
  readonly card: AdaptiveCardJson;
  /** Teams' notification and accessibility text. */
  readonly text: string;
}

export type PostResult =
  | { readonly kind: 'posted'; readonly conversationId: string; readonly activityId: string | null }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Reaches other conversations of the same Teams tenant from inside a turn (proactive messages), through the
 * connection Teams opened for this turn. A channel id starts a new thread there; any other id posts into it.
 */
export interface Outbox {
  post(conversationId: string, message: OutgoingMessage): Promise<PostResult>;
  /** The Teams ids (MRIs) of those Entra users who are members of the conversation; the others are left out. */
  memberIds(conversationId: string, aadObjectIds: readonly string[]): Promise<readonly string[]>;
}

/** A text file the user attached (.eml, .txt), already downloaded and size-checked by the bot layer. */
export interface TextAttachment {
  readonly name: string;
  readonly text: string;
}

/** One question, independent of the Teams SDK: what the bot layer hands to the assistant. */
export interface TurnInput {
  readonly text: string;
  readonly attachments: readonly TextAttachment[];
  /** Notices for the user from the bot layer (truncated text, ignored attachments). */
  readonly notices: readonly string[];
  readonly actor: Actor;
  readonly conversation: ConversationRef;
  /** IANA time zone from the Teams client (`localTimezone`), for "yesterday" and "this morning". */
  readonly timeZone: string | null;
  readonly now: Date;
  /** Absent outside Teams (the CLI, unit tests): nothing can be posted elsewhere. */
  readonly outbox?: Outbox;
}

/**
 * The last question as conversation state keeps it: only the fields that say something (no null, no empty list, no
 * `false`), since the state is read, hashed and written as JSON on every turn. Older state holds whole requests.
 */
export type RememberedRequest = Pick<ParsedRequest, 'intent'> & Partial<ParsedRequest>;

/** What a conversation remembers between turns, so that follow-ups ("and yesterday?") resolve. */
export interface ConversationMemory {
  readonly lastRequest?: RememberedRequest;
  /** The case that ties this conversation's questions, answers and actions together. */
  readonly caseId?: string;
}
