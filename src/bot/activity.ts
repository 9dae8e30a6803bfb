import type { Activity } from 'botbuilder';
import type { ConversationKind, ConversationRef, Actor, Outbox, TurnInput } from '../assistant/turn';
import type { ReadAttachments } from './attachments';

/** Teams delivers at most ~28 KB of text in a message; anything longer is cut with a notice, never dropped silently. */
export const MAX_TEXT_CHARS = 28 * 1024;

export function actorOf(activity: Partial<Activity>): Actor {
  return {
    userId: activity.from?.id ?? 'unknown',
    aadObjectId: activity.from?.aadObjectId ?? null,
    name: activity.from?.name ?? null,
  };
}

export function conversationOf(activity: Partial<Activity>): ConversationRef {
  const type = activity.conversation?.conversationType;
  const kind: ConversationKind = type === 'channel' ? 'channel' : type === 'groupChat' ? 'groupChat' : 'personal';
  const channelTenant = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return { id: activity.conversation?.id ?? 'unknown', kind, tenantId: activity.conversation?.tenantId ?? channelTenant ?? null };
}

/** In channels and group chats the bot answers only when it is @mentioned; in personal chat, to everything. */
export function isAddressedToBot(activity: Partial<Activity>): boolean {
  if (conversationOf(activity).kind === 'personal') return true;
  const botId = activity.recipient?.id;
  return (activity.entities ?? []).some(
    (entity) => entity.type === 'mention' && (entity as { mentioned?: { id?: string } }).mentioned?.id === botId,
  );
}

/**
 * `files` are the activity's attachments already read by `readTextAttachments` (it downloads, so it is async); `outbox`
 * posts elsewhere in Teams. Both go into the one literal: a key added to a spread copy is slow (see emptyRequest).
 */
export function turnInputOf(activity: Partial<Activity>, now: Date, files?: ReadAttachments, outbox?: Outbox): TurnInput {
  const raw = typeof activity.text === 'string' ? activity.text : '';
  const notices: string[] = [];
  let text = raw;
  if (raw.length > MAX_TEXT_CHARS) {
    text = raw.slice(0, MAX_TEXT_CHARS);
    notices.push(`Your message was ${Math.round(raw.length / 1024)} KB; I read the first 28 KB of it.`);
  }
  notices.push(...(files?.notices ?? []));
  return {
    text,
    attachments: files?.attachments ?? [],
    notices,
    actor: actorOf(activity),
    conversation: conversationOf(activity),
    timeZone: activity.localTimezone ?? null,
    now,
    outbox,
  };
}
