import type { AdaptiveCardJson } from '../cards/render';
import type { Services } from './services';
import type { Actor, ConversationRef } from './turn';

/** A card button press (Action.Execute). `data` comes from the card and is never trusted. */
export interface ActionInput {
  readonly verb: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly actor: Actor;
  readonly conversation: ConversationRef;
  /** `automatic` for a refresh that Teams fires on its own (per-user views), `manual` for a click. */
  readonly trigger: 'manual' | 'automatic';
  readonly now: Date;
}

export type ActionResult =
  | { readonly kind: 'card'; readonly card: AdaptiveCardJson }
  | { readonly kind: 'message'; readonly text: string };

export type ActionHandler = (input: ActionInput, services: Services) => Promise<ActionResult>;

/** Card verbs and who answers them; capabilities add theirs here. */
export const ACTIONS: Readonly<Record<string, ActionHandler>> = {};

export async function handleAction(input: ActionInput, services: Services): Promise<ActionResult> {
  const handler = Object.hasOwn(ACTIONS, input.verb) ? ACTIONS[input.verb] : undefined;
  if (!handler) return { kind: 'message', text: `This button (${input.verb}) is not something I know how to do.` };
  try {
    return await handler(input, services);
  } catch (error) {
    services.log.error({ err: error, verb: input.verb }, 'card action failed');
    return { kind: 'message', text: 'Sorry, that action failed. The error was logged; please try again.' };
  }
}
