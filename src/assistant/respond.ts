import { parseRequest } from '../analyzers/intent';
import { newCaseId, opensCase, withEvidence } from '../evidence/answer';
import { emptyRequest, isSmallTalk, type ParsedRequest } from '../model/intent';
import { textReply, withPasteReading, type Reply } from '../model/reply';
import { recordTurn } from '../ops/telemetry';
import { HANDLERS } from './handlers';
import type { Services } from './services';
import { admitTenant, refusalReply } from './tenant-gate';
import type { ConversationMemory, RememberedRequest, TurnInput } from './turn';

/**
 * The memory after this turn: small talk is not a question to follow up on, and a 28 KB paste has no place in
 * conversation state. Objects are built whole, not spread with a key added: Node 20's V8 adds a key to a
 * spread copy through the runtime (see emptyRequest).
 */
function remember(memory: ConversationMemory, request: ParsedRequest, caseId: string | null): ConversationMemory {
  const lastRequest = isSmallTalk(request.intent) ? memory.lastRequest : keptOf(request);
  return caseId ? { lastRequest, caseId } : { lastRequest };
}

function keptOf(request: ParsedRequest): RememberedRequest {
  const kept: Record<string, unknown> = { intent: request.intent };
  for (const key of Object.keys(request) as (keyof ParsedRequest)[]) {
    if (key !== 'pasted' && saysSomething(request[key])) kept[key] = request[key];
  }
  return kept as RememberedRequest;
}

const saysSomething = (value: unknown): boolean => value !== null && value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0);

/** The last request as the parser takes it: whole, with what state left out back at its empty value. */
function recall(memory: ConversationMemory): ParsedRequest | undefined {
  const last = memory.lastRequest;
  return last && Object.assign(emptyRequest(last.intent), last);
}

export interface Answer {
  /** What the parser understood (the CLI prints it; the bot does not need it). */
  readonly request: ParsedRequest;
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
  const request = parseRequest(text, { now: turn.now, timeZone: turn.timeZone ?? 'UTC', previous: recall(memory) });
  const notices = turn.notices.map(textReply);
  const admitted = admitTenant(services, turn.conversation.tenantId);
  if (admitted.kind === 'refused') {
    // Refused before any handler runs, so no Graph, Exchange, DNS or SMTP call is made for a stranger's tenant.
    services.log.warn({ tenantId: admitted.tenantId, conversationKind: turn.conversation.kind, intent: request.intent }, 'refused a turn from a tenant this bot does not serve');
    return { request, replies: [refusalReply(admitted.tenantId)], memory };
  }
  let reply: Reply;
  const started = performance.now();
  try {
    reply = await HANDLERS[request.intent](request, turn, services);
    recordTurn(request.intent, performance.now() - started, 'ok');
  } catch (error) {
    // A handler bug must not become a stack trace in the chat; the log keeps the detail.
    services.log.error({ err: error, intent: request.intent }, 'handler failed');
    recordTurn(request.intent, performance.now() - started, 'error');
    reply = textReply('Sorry, something went wrong while answering that. The error was logged; please try again.');
  }
  // A pasted NDR's people and codes, as its analyzer read them (the parser leaves them to it).
  const understood = reply.kind === 'card' && reply.found ? withPasteReading(request, reply.found) : request;
  // The first real question opens the conversation's case; "Copy for ticket" and the case log hang off it.
  const caseId = memory.caseId ?? (opensCase(understood) ? newCaseId(turn.now) : null);
  reply = await withEvidence({ request: understood, reply, turn, caseId }, services);
  return { request: understood, replies: [reply, ...notices], memory: remember(memory, understood, caseId) };
}
