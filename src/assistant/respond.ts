import { parseRequest } from '../analyzers/intent';
import { textReply, type Reply } from '../model/reply';
import { HANDLERS } from './handlers';
import type { Services } from './services';
import type { ConversationMemory, TurnInput } from './turn';

export interface Answer {
  readonly replies: readonly Reply[];
  readonly memory: ConversationMemory;
}

/**
 * The assistant's front door: one question in, the replies out. It knows nothing of Teams; the bot and the
 * CLI's `ask` both call it, so what one shows the other shows too.
 */
export async function respond(turn: TurnInput, memory: ConversationMemory, services: Services): Promise<Answer> {
  const pasted = turn.attachments.map((attachment) => attachment.text);
  const text = [turn.text, ...pasted].filter((part) => part.trim().length > 0).join('\n\n');
  const request = parseRequest(text, { now: turn.now, timeZone: turn.timeZone ?? 'UTC', previous: memory.lastRequest });
  const notices = turn.notices.map(textReply);
  let reply: Reply;
  try {
    reply = await HANDLERS[request.intent](request, turn, services);
  } catch (error) {
    // A handler bug must not become a stack trace in the chat; the log keeps the detail.
    services.log.error({ err: error, intent: request.intent }, 'handler failed');
    reply = textReply('Sorry, something went wrong while answering that. The error was logged; please try again.');
  }
  return { replies: [reply, ...notices], memory: { ...memory, lastRequest: request } };
}
