import type { AdaptiveCardJson } from '../cards/render';
import { EVIDENCE_ACTIONS } from '../evidence/actions';
import { recordCase } from '../evidence/answer';
import { CONNECTIVITY_ACTIONS } from './handlers/connectivity';
import { QUARANTINE_ACTIONS } from './handlers/quarantine';
import type { Services } from './services';
import { admitTenant, refusalReply } from './tenant-gate';
import type { Actor, ConversationRef, Outbox } from './turn';

/** A card button press (Action.Execute). `data` comes from the card and is never trusted. */
export interface ActionInput {
  readonly verb: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly actor: Actor;
  readonly conversation: ConversationRef;
  /** `automatic` for a refresh that Teams fires on its own (per-user views), `manual` for a click. */
  readonly trigger: 'manual' | 'automatic';
  readonly now: Date;
  /** The conversation's case (from its memory), so that the press is recorded with the questions it follows. */
  readonly caseId?: string | null;
  /** Absent outside Teams: nothing can be posted to other conversations. */
  readonly outbox?: Outbox;
}

/** A Teams attachment sent as a message of its own beside the invoke answer (e.g. a file consent card). */
export interface OutgoingAttachment {
  readonly contentType: string;
  readonly name?: string;
  readonly contentUrl?: string;
  readonly content: unknown;
}

export type ActionResult =
  | { readonly kind: 'card'; readonly card: AdaptiveCardJson }
  | { readonly kind: 'message'; readonly text: string; readonly attachments?: readonly OutgoingAttachment[] };

export type ActionHandler = (input: ActionInput, services: Services) => Promise<ActionResult>;

/** Card verbs and who answers them; capabilities add theirs here. */
export const ACTIONS: Readonly<Record<string, ActionHandler>> = {
  ...QUARANTINE_ACTIONS,
  ...CONNECTIVITY_ACTIONS,
  ...EVIDENCE_ACTIONS,
};

/** The identifiers a case keeps of a button press: which message, request or export it was about (no free text). */
const CASE_REFS = ['identity', 'requestId', 'exportId'] as const;

async function recordAction(input: ActionInput, services: Services, result: ActionResult): Promise<void> {
  if (!input.caseId || input.trigger !== 'manual') return;
  const refs = Object.fromEntries(CASE_REFS.flatMap((key) => (typeof input.data[key] === 'string' ? [[key, (input.data[key] as string).slice(0, 300)]] : [])));
  await recordCase(services, [{
    kind: 'action', caseId: input.caseId, at: input.now.toISOString(), tenantId: input.conversation.tenantId, conversationId: input.conversation.id,
    who: input.actor, verb: input.verb.slice(0, 100), refs, outcome: result.kind === 'card' ? 'answered with a card' : result.text.slice(0, 300),
  }]);
}

export async function handleAction(input: ActionInput, services: Services): Promise<ActionResult> {
  const handler = Object.hasOwn(ACTIONS, input.verb) ? ACTIONS[input.verb] : undefined;
  // Card data is client-controlled: a tenant id it names must be served too, not only the conversation's.
  const admitted = admitTenant(services, input.conversation.tenantId, [input.data.tenantId]);
  if (admitted.kind === 'refused') {
    services.log.warn({ tenantId: admitted.tenantId, verb: input.verb }, 'refused a card action from a tenant this bot does not serve');
    const refusal = refusalReply(admitted.tenantId);
    return refusal.kind === 'card' ? { kind: 'card', card: refusal.card } : { kind: 'message', text: refusal.text };
  }
  if (!handler) return { kind: 'message', text: `This button (${input.verb}) is not something I know how to do.` };
  try {
    const result = await handler(input, services);
    await recordAction(input, services, result);
    return result;
  } catch (error) {
    services.log.error({ err: error, verb: input.verb }, 'card action failed');
    return { kind: 'message', text: 'Sorry, that action failed. The error was logged; please try again.' };
  }
}
