import { ActivityTypes, CardFactory, MemoryStorage, type Activity, type Storage, type TurnContext } from 'botbuilder';
// Through the modules we use rather than the package index, which also loads the AI planners, OpenAI client and
// tokenizer (about 15 MB of resident memory an idle bot never touches). test/bot/entry-points.test.ts guards the paths.
import { Application } from '@microsoft/teams-ai/lib/Application';
import type { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState';
import { handleAction, type ActionInput } from '../assistant/actions';
import { respond } from '../assistant/respond';
import type { Services } from '../assistant/services';
import type { ConversationMemory } from '../assistant/turn';
import { renderCard } from '../cards/render';
import { uploadAcceptedExport, type FileConsentAnswer } from '../evidence/file-consent';
import type { Reply } from '../model/reply';
import { admitTenant } from '../assistant/tenant-gate';
import { actorOf, conversationOf, isAddressedToBot, turnInputOf } from './activity';
import { readTextAttachments, type AttachmentReaderOptions } from './attachments';
import { outboxOf } from './outbox';
import { settledWithin } from '../ops/deadline';
import { startsTogether } from '../ops/together';

/** How long an answer may take before the person sees "typing…" (Teams shows it for about 3 s, or until a message). */
const TYPING_AFTER_MS = 250;

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
  /** How attached .eml/.txt files are downloaded (default: https only, 1 MB); tests point it at 127.0.0.1. */
  readonly attachments?: AttachmentReaderOptions;
}

export function activityOf(reply: Reply): Partial<Activity> {
  if (reply.kind === 'text') return { type: ActivityTypes.Message, text: reply.text };
  return {
    type: ActivityTypes.Message,
    summary: reply.text.slice(0, 200),
    attachments: [CardFactory.adaptiveCard(reply.card)],
  };
}

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

  app.adaptiveCards.actionExecute(/^.+$/, async (context, state, data) => {
    const value = context.activity.value as { action?: { verb?: string }; trigger?: string } | undefined;
    const input: ActionInput = {
      verb: value?.action?.verb ?? '',
      data: (data ?? {}) as Record<string, unknown>,
      actor: actorOf(context.activity),
      conversation: conversationOf(context.activity),
      trigger: value?.trigger === 'automatic' ? 'automatic' : 'manual',
      now: services.now(),
      caseId: state.conversation.memory?.caseId ?? null,
      outbox: outboxOf(context),
    };
    const result = await handleAction(input, services);
    // A file consent card (or any attachment an action offers) is a message of its own; the invoke answer is the text.
    if (result.kind === 'message' && result.attachments?.length) await context.sendActivity({ attachments: [...result.attachments] });
    if (result.kind === 'card' && !('refresh' in result.card)) {
      // A card without `refresh` is one person's view. teams-ai switches a route to REPLACE_FOR_ALL the first time
      // any card with `refresh` is returned and keeps that for every later invoke (the flag lives in a closure in
      // AdaptiveCards.actionExecute), which would show one approver's buttons to everyone. Answering the invoke
      // ourselves keeps a personal view personal; teams-ai then sends nothing more.
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: result.card } },
      });
    }
    return result.kind === 'card' ? result.card : result.text;
  });

  // Personal chat exports: Teams asked the person; on "Allow" the file goes to the upload URL Teams gave us.
  app.fileConsentAccept(async (context, state, response) => {
    const outcome = await uploadAcceptedExport(response as FileConsentAnswer, {
      tenantId: conversationOf(context.activity).tenantId,
      conversationId: conversationOf(context.activity).id,
      who: actorOf(context.activity),
      caseId: state.conversation.memory?.caseId ?? null,
      now: services.now(),
    }, services);
    await context.sendActivity(outcome.kind === 'uploaded' ? { attachments: [outcome.attachment] } : { text: outcome.text });
  });
  app.fileConsentDecline(async (context) => {
    await context.sendActivity('OK, I did not save the export. The button still works if you change your mind.');
  });

  // Questions read in the same turn of the event loop are answered back to back, while the assistant's code is in the
  // CPU's caches (src/ops/together.ts).
  const together = startsTogether();

  // The catch-all message route must be registered last: teams-ai runs the first route that matches.
  app.activity(ActivityTypes.Message, async (context, state) => {
    if (!isAddressedToBot(context.activity)) return;
    if (!context.activity.text?.trim() && !context.activity.attachments?.length) return;
    const answering = together(async () => {
      // Files are read only for a tenant the bot serves: a stranger's is refused in respond(), and nothing is downloaded
      // on its behalf first. A message without files (most) skips both.
      const { attachments } = context.activity;
      const files = attachments?.length && admitTenant(services, conversationOf(context.activity).tenantId).kind === 'served'
        ? await readTextAttachments(attachments, options.attachments)
        : undefined;
      const turn = turnInputOf(context.activity, services.now(), files, outboxOf(context));
      const answer = await respond(turn, state.conversation.memory ?? {}, services);
      // Only what is sent and kept: the parse and the analysis behind the card are garbage from here on, not carried
      // through the round trips to the Bot Connector (a busy bot has many turns there at once).
      return { memory: answer.memory, activities: answer.replies.map(activityOf) };
    });
    // Most answers are ready in milliseconds, and a typing indicator before them is one more round trip to the Bot
    // Connector per turn for a dot animation nobody sees. It is sent only once the answer has kept the person waiting.
    const typingAfterMs = Math.min(TYPING_AFTER_MS, placeholderAfterMs);
    let first = await settledWithin(answering, typingAfterMs);
    if (first.kind === 'pending') {
      await context.sendActivity({ type: ActivityTypes.Typing });
      first = await settledWithin(answering, placeholderAfterMs - typingAfterMs);
    }
    let placeholderId: string | undefined;
    if (first.kind === 'pending') {
      const placeholder = await context.sendActivity({
        attachments: [CardFactory.adaptiveCard(renderCard('working', {}))],
      });
      placeholderId = placeholder?.id;
    }
    const { memory, activities } = await answering;
    state.conversation.memory = memory;
    const [head, ...rest] = activities;
    if (placeholderId && head) await context.updateActivity({ ...head, id: placeholderId });
    else if (head) await context.sendActivity(head);
    for (const activity of rest) await context.sendActivity(activity);
  });

  app.error(async (context, error) => {
    services.log.error({ err: error }, 'turn failed');
    await context.sendActivity('Sorry, something went wrong on my side. The error was logged; please try again.');
  });

  return app;
}
