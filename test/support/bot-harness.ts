import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { Activity, Storage } from 'botbuilder';
import type { Services } from '../../src/assistant/services';
import type { AttachmentReaderOptions } from '../../src/bot/attachments';
import { createServices } from '../../src/compose';
import { loadConfig, type Config } from '../../src/config';
import { silentLogger } from '../../src/log';
import { startServer, type RunningServer } from '../../src/server';

/** A call the bot made to the Bot Connector: a reply (POST) or an in-place update (PUT). */
export interface ConnectorCall {
  readonly method: string;
  readonly path: string;
  readonly activity: Partial<Activity>;
}

/**
 * A local stand-in for the Bot Connector service: the bot's serviceUrl points here and every reply is captured.
 * With no bot credentials configured, the adapter requests no token, so plain HTTP is enough.
 */
export interface Connector {
  readonly url: string;
  readonly calls: ConnectorCall[];
  /** When set, a call it answers with a status gets that error instead of success (e.g. the bot not in a channel). */
  refuse: ((call: ConnectorCall) => { status: number; code: string } | null) | null;
  /** Conversation members by Entra object id, for GetConversationMember; anyone else is not found (404). */
  readonly members: Map<string, { id: string; name: string; aadObjectId: string }>;
  close(): Promise<void>;
}

export async function startConnector(): Promise<Connector> {
  const calls: ConnectorCall[] = [];
  const app = express();
  app.use(express.json({ limit: '8mb' }));
  const connector: Connector = { url: '', calls, refuse: null, members: new Map(), close: async () => undefined };
  app.all(/.*/, (req, res) => {
    const call: ConnectorCall = { method: req.method, path: decodeURIComponent(req.path), activity: (req.body ?? {}) as Partial<Activity> };
    calls.push(call);
    const refused = connector.refuse?.(call);
    if (refused) {
      res.status(refused.status).json({ error: { code: refused.code, message: `refused by the test connector (${refused.code})` } });
      return;
    }
    const member = /^\/v3\/conversations\/[^/]+\/members\/([^/]+)$/.exec(call.path);
    if (req.method === 'GET' && member) {
      const found = connector.members.get(member[1]);
      if (found) res.status(200).json(found);
      else res.status(404).json({ error: { code: 'MemberNotFoundInConversation', message: 'not a member' } });
      return;
    }
    const activityId = `activity-${calls.length}`;
    if (req.method === 'POST' && req.path === '/v3/conversations') {
      // CreateConversation: a new thread in the channel named in channelData, as Teams answers it.
      const channel = (req.body as { channelData?: { channel?: { id?: string } } }).channelData?.channel?.id ?? 'conversation';
      res.status(201).json({ id: `${channel};messageid=${activityId}`, activityId });
      return;
    }
    res.status(200).json({ id: activityId });
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return Object.assign(connector, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

const HARNESS_PLACEHOLDER_AFTER_MS = 60_000;

export interface HarnessOptions {
  readonly env?: Record<string, string>;
  /** Replaces or extends the services built from the configuration (sources pointed at local peers). */
  readonly services?: (config: Config, base: Services) => Services;
  readonly storage?: Storage;
  /**
   * Default 60 s, not production's 3 s: tests read the first reply as the answer, and a loaded machine must not turn it
   * into the "Looking into it" card. Tests of that card set a short one.
   */
  readonly placeholderAfterMs?: number;
  /** How attached files are downloaded (tests of attachments point it at 127.0.0.1). */
  readonly attachments?: AttachmentReaderOptions;
}

export interface UserRef {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId?: string;
}

export const ALEX: UserRef = { id: '29:alex', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-00000000a1e0' };
export const DEMO_TENANT_ID = '11111111-1111-4111-8111-111111111111';

export interface BotHarness {
  readonly server: RunningServer;
  readonly connector: Connector;
  readonly config: Config;
  readonly services: Services;
  /** Posts an activity to /api/messages (with extra request headers, e.g. Authorization) and returns the HTTP status, the body, and the replies (POST/PUT) captured meanwhile. */
  post(activity: Partial<Activity>, headers?: Record<string, string>): Promise<{ status: number; body: unknown; replies: ConnectorCall[] }>;
  /** Sends a chat message as `from` in a personal chat (or the given conversation) and returns the replies. */
  say(text: string, options?: MessageOptions): Promise<ConnectorCall[]>;
  close(): Promise<void>;
}

export interface MessageOptions {
  readonly from?: UserRef;
  readonly conversationId?: string;
  readonly conversationType?: 'personal' | 'channel' | 'groupChat';
  readonly tenantId?: string;
  readonly timezone?: string;
  readonly extra?: Partial<Activity>;
}

let sequence = 0;

export function messageActivity(text: string, serviceUrl: string, options: MessageOptions = {}): Partial<Activity> {
  const from = options.from ?? ALEX;
  const tenantId = options.tenantId ?? DEMO_TENANT_ID;
  sequence += 1;
  return {
    type: 'message',
    id: `incoming-${sequence}`,
    text,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date(),
    localTimezone: options.timezone ?? 'America/New_York',
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: '28:mailflow-doctor', name: 'Mailflow Doctor' },
    conversation: {
      id: options.conversationId ?? `a:personal-${from.id}`,
      conversationType: options.conversationType ?? 'personal',
      tenantId,
      isGroup: (options.conversationType ?? 'personal') !== 'personal',
      name: '',
    },
    channelData: { tenant: { id: tenantId } },
    ...options.extra,
  } as Partial<Activity>;
}

export async function startBotHarness(options: HarnessOptions = {}): Promise<BotHarness> {
  const connector = await startConnector();
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...options.env });
  const base = createServices(config, silentLogger);
  const services = options.services ? options.services(config, base) : base;
  let server: RunningServer;
  try {
    server = await startServer(config, services, { storage: options.storage, placeholderAfterMs: options.placeholderAfterMs ?? HARNESS_PLACEHOLDER_AFTER_MS, attachments: options.attachments });
  } catch (error) {
    await connector.close();
    throw error;
  }

  async function post(activity: Partial<Activity>, headers: Record<string, string> = {}) {
    const before = connector.calls.length;
    const response = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(activity),
    });
    const raw = await response.text();
    let body: unknown = raw;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : null;
    } catch {
      // not JSON: keep the text
    }
    // Replies are what the bot sent or updated; reads (member lookups) are in connector.calls only.
    return { status: response.status, body, replies: connector.calls.slice(before).filter((call) => call.method !== 'GET') };
  }

  return {
    server,
    connector,
    config,
    services,
    post,
    async say(text, messageOptions) {
      const { replies } = await post(messageActivity(text, connector.url, messageOptions));
      return replies.filter((call) => call.activity.type !== 'typing');
    },
    async close() {
      await server.close();
      await connector.close();
    },
  };
}

/** The Adaptive Card content of a reply, or undefined when it carries none. */
export function cardOf(call: ConnectorCall | undefined): Record<string, any> | undefined {
  const attachment = call?.activity.attachments?.find((item) => item.contentType === 'application/vnd.microsoft.card.adaptive');
  return attachment?.content as Record<string, any> | undefined;
}

/** All the text a card shows, flattened, for assertions on what a person would read. */
export function cardText(card: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (typeof value === 'string' && ['text', 'title', 'value', 'altText', 'fallbackText', 'label', 'placeholder'].includes(key)) parts.push(value);
        else walk(value);
      }
    }
  };
  walk(card);
  return parts.join('\n');
}
