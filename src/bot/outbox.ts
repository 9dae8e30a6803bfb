import { CardFactory, type Activity, type TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { Outbox, OutgoingMessage, PostResult } from '../assistant/turn';
import { conversationOf } from './activity';

/** Channels are `…@thread.tacv2` (or the older `…@thread.skype`); group chats `…@thread.v2`; personal chats `a:…`. */
const CHANNEL_ID = /^19:[^;]+@thread\.(tacv2|skype)$/i;

function messageActivity(message: OutgoingMessage): Partial<Activity> {
  return { type: 'message', summary: message.text.slice(0, 200), attachments: [CardFactory.adaptiveCard(message.card)] };
}

/** "403 Forbidden: BotNotInConversationRoster" rather than a stack: the connector's status and error code. */
function reasonOf(error: unknown): string {
  const failure = error as { statusCode?: number; code?: string; message?: string; body?: { error?: { code?: string; message?: string } } };
  const code = failure.body?.error?.code ?? failure.code;
  const parts = [failure.statusCode ? `Teams answered ${failure.statusCode}` : null, code ?? null, failure.body?.error?.message ?? failure.message ?? null];
  return parts.filter(Boolean).join(': ').slice(0, 300) || 'Teams refused the message';
}

/**
 * Proactive messages from inside a turn, through the connector client the adapter created for it (same service
 * URL, same credentials). Only conversations of the turn's own tenant are reached.
 */
export function outboxOf(context: TurnContext): Outbox {
  return {
    async post(conversationId: string, message: OutgoingMessage): Promise<PostResult> {
      const client = context.turnState.get<ConnectorClient | undefined>(context.adapter.ConnectorClientKey);
      if (!client) return { kind: 'failed', reason: 'no connection to Teams in this turn' };
      const activity = messageActivity(message);
      try {
        if (CHANNEL_ID.test(conversationId)) {
          const tenantId = conversationOf(context.activity).tenantId;
          // A new thread in the channel (what Teams documents for proactive channel posts); its id names the thread.
          const created = await client.conversations.createConversation({
            isGroup: true,
            bot: context.activity.recipient,
            channelData: { channel: { id: conversationId }, ...(tenantId ? { tenant: { id: tenantId } } : {}) },
            tenantId: tenantId ?? undefined,
            activity: activity as Activity,
          });
          return { kind: 'posted', conversationId: created.id ?? conversationId, activityId: created.activityId ?? null };
        }
        const sent = await client.conversations.sendToConversation(conversationId, {
          ...activity,
          from: context.activity.recipient,
          conversation: { id: conversationId, isGroup: false, conversationType: '', name: '' },
        } as Activity);
        return { kind: 'posted', conversationId, activityId: sent.id ?? null };
      } catch (error) {
        return { kind: 'failed', reason: reasonOf(error) };
      }
    },

    async memberIds(conversationId: string, aadObjectIds: readonly string[]): Promise<readonly string[]> {
      const client = context.turnState.get<ConnectorClient | undefined>(context.adapter.ConnectorClientKey);
      if (!client) return [];
      // Teams looks a member up by Entra object id too; a thread's members are its channel's (the team's).
      const conversation = conversationId.split(';')[0];
      const found = await Promise.all(
        aadObjectIds.map((objectId) => client.conversations.getConversationMember(conversation, objectId).then((member) => member.id ?? null, () => null)),
      );
      return found.filter((id): id is string => typeof id === 'string' && id.length > 0);
    },
  };
}
