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
}

/** What a conversation remembers between turns, so that follow-ups ("and yesterday?") resolve. */
export interface ConversationMemory {
  readonly lastRequest?: ParsedRequest;
  /** The case that ties this conversation's questions, answers and actions together. */
  readonly caseId?: string;
}
