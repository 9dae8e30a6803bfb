import type { Activity } from 'botbuilder';
import { DEMO_TENANT_ID } from '../../support/bot-harness';

export interface Clicker {
  readonly userId: string;
  readonly aadObjectId: string | null;
  readonly name: string | null;
}

export interface InvokeOptions {
  readonly conversationId?: string;
  readonly tenantId?: string;
  /** The id of the message that holds the card (Teams sends it; teams-ai updates that message for all). */
  readonly replyToId?: string;
  readonly trigger?: 'manual' | 'automatic';
  readonly conversationType?: 'personal' | 'channel' | 'groupChat';
}

let sequence = 0;

/** An Action.Execute invoke as Teams sends it for a card button (or for an automatic refresh). */
export function executeInvoke(serviceUrl: string, from: Clicker, verb: string, data: Record<string, unknown>, options: InvokeOptions = {}): Partial<Activity> {
  const tenantId = options.tenantId ?? DEMO_TENANT_ID;
  sequence += 1;
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `invoke-${sequence}`,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date(),
    from: { id: from.userId, name: from.name ?? undefined, aadObjectId: from.aadObjectId ?? undefined },
    recipient: { id: '28:mailflow-doctor', name: 'Mailflow Doctor' },
    conversation: {
      id: options.conversationId ?? '19:helpdesk@thread.tacv2', conversationType: options.conversationType ?? 'channel', tenantId,
      isGroup: (options.conversationType ?? 'channel') !== 'personal', name: '',
    },
    channelData: { tenant: { id: tenantId } },
    replyToId: options.replyToId ?? 'card-1',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: options.trigger ?? 'manual' },
  } as Partial<Activity>;
}

/** The card or message an invoke answered with (the HTTP body of /api/messages). */
export function invokeAnswer(body: unknown): { type: string; card?: Record<string, any>; text?: string } {
  const response = body as { type?: string; value?: unknown };
  if (response?.type === 'application/vnd.microsoft.card.adaptive') return { type: 'card', card: response.value as Record<string, any> };
  if (response?.type === 'application/vnd.microsoft.activity.message') return { type: 'message', text: String(response.value) };
  throw new Error(`not an invoke response: ${JSON.stringify(body)}`);
}

/** Every Action.Execute on a card, with ShowCard sub-cards included, so a test can "click" what a person sees. */
export function executeActions(card: unknown): { title: string; verb: string; data: Record<string, unknown> }[] {
  const found: { title: string; verb: string; data: Record<string, unknown> }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.Execute' && typeof record.verb === 'string') {
        found.push({ title: String(record.title ?? ''), verb: record.verb, data: (record.data ?? {}) as Record<string, unknown> });
      }
      for (const [key, value] of Object.entries(record)) if (key !== 'refresh') walk(value);
    }
  };
  walk(card);
  return found;
}
