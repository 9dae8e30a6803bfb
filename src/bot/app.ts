import { ActivityTypes, CardFactory, MemoryStorage, type Activity, type Storage, type TurnContext } from 'botbuilder';
import { Application, type TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import { handleAction, type ActionInput } from '../assistant/actions';
import { respond } from '../assistant/respond';
import type { Services } from '../assistant/services';
import type { ConversationMemory } from '../assistant/turn';
import { renderCard } from '../cards/render';
import type { Reply } from '../model/reply';
import { actorOf, conversationOf, isAddressedToBot, turnInputOf } from './activity';

interface ConversationScope {
  memory?: ConversationMemory;
}
type BotTurnState = TurnState<ConversationScope>;

export interface BotOptions {
  readonly adapter: TeamsAdapter;
  readonly services: Services;
  readonly storage?: Storage;
  /** After this long without an answer, a "looking into it" card is posted and later updated in place. */
  readonly placeholderAfterMs?: number;
}

export function activityOf(reply: Reply): Partial<Activity> {
  if (reply.kind === 'text') return { type: ActivityTypes.Message, text: reply.text };
  return {
    type: ActivityTypes.Message,
    summary: reply.text.slice(0, 200),
    attachments: [CardFactory.adaptiveCard(reply.card)],
  };
}

const sleep = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());

/** Teams wiring only: activities in, the assistant's replies out. Everything else lives outside src/bot. */
export function createBotApp(options: BotOptions): Application<BotTurnState> {
  const { services } = options;
  const placeholderAfterMs = options.placeholderAfterMs ?? 3000;
  const app = new Application<BotTurnState>({
    adapter: options.adapter,
    storage: options.storage ?? new MemoryStorage(),
    // teams-ai keeps one typing timer per Application, shared by concurrent turns; we send typing ourselves.
    startTypingTimer: false,
    removeRecipientMention: true,
  });

  app.conversationUpdate('membersAdded', async (context: TurnContext) => {
    const botJoined = (context.activity.membersAdded ?? []).some((member) => member.id === context.activity.recipient.id);
    if (!botJoined) return;
    const intro = 'Hi, I am Mailflow Doctor. Paste an NDR or message headers, or ask me about mail that went wrong.';
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(renderCard('help', { intro, examples: [] }))] });
  });

  app.adaptiveCards.actionExecute(/^.+$/, async (context, _state, data) => {
    const value = context.activity.value as { action?: { verb?: string }; trigger?: string } | undefined;
    const input: ActionInput = {
      verb: value?.action?.verb ?? '',
      data: (data ?? {}) as Record<string, unknown>,
      actor: actorOf(context.activity),
      conversation: conversationOf(context.activity),
      trigger: value?.trigger === 'automatic' ? 'automatic' : 'manual',
      now: services.now(),
    };
    const result = await handleAction(input, services);
    return result.kind === 'card' ? result.card : result.text;
  });

  // The catch-all message route must be registered last: teams-ai runs the first route that matches.
  app.activity(ActivityTypes.Message, async (context, state) => {
    if (!isAddressedToBot(context.activity)) return;
    if (!context.activity.text?.trim() && !context.activity.attachments?.length) return;
    await context.sendActivity({ type: ActivityTypes.Typing });
    const turn = turnInputOf(context.activity, services.now());
    const answering = respond(turn, state.conversation.memory ?? {}, services);
    const first = await Promise.race([answering, sleep(placeholderAfterMs)]);
    let placeholderId: string | undefined;
    if (first === 'timeout') {
      const placeholder = await context.sendActivity({
        attachments: [CardFactory.adaptiveCard(renderCard('working', {}))],
      });
      placeholderId = placeholder?.id;
    }
    const answer = await answering;
    state.conversation.memory = answer.memory;
    const [head, ...rest] = answer.replies;
    if (placeholderId && head) await context.updateActivity({ ...activityOf(head), id: placeholderId });
    else if (head) await context.sendActivity(activityOf(head));
    for (const reply of rest) await context.sendActivity(activityOf(reply));
  });

  app.error(async (context, error) => {
    services.log.error({ err: error }, 'turn failed');
    await context.sendActivity('Sorry, something went wrong on my side. The error was logged; please try again.');
  });

  return app;
}
