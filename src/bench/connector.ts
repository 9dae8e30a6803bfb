import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The bench's side of the Bot Framework: a stand-in for the Bot Connector that captures the bot's replies (the
 * bot's serviceUrl points here; without bot credentials the adapter asks for no token, so plain HTTP does), and a
 * light HTTP client that posts Activities to /api/messages. The same idea as test/support/bot-harness.ts, written
 * again here because the bench is shipped code and must not import from test/.
 */

export interface ConnectorCall {
  readonly method: string;
  /** When the call arrived (performance.now()). */
  readonly at: number;
  readonly activity: { type?: string; text?: string; attachments?: { contentType?: string; content?: unknown }[] };
}

export interface FakeConnector {
  readonly url: string;
  /** Calls per conversation id, kept only while `keep` is on. */
  readonly calls: Map<string, ConnectorCall[]>;
  keep: boolean;
  /** Every call, kept or not. */
  count(): number;
  close(): Promise<void>;
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const calls = new Map<string, ConnectorCall[]>();
  let count = 0;
  const state = { keep: true };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      count += 1;
      const at = performance.now();
      const match = /\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
      if (state.keep && match) {
        const conversation = decodeURIComponent(match[1]);
        let activity: ConnectorCall['activity'] = {};
        try {
          activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ConnectorCall['activity'];
        } catch {
          // a reply that is not JSON is kept as empty: the bench counts it as "no card"
        }
        const list = calls.get(conversation) ?? [];
        list.push({ method: req.method ?? 'POST', at, activity });
        calls.set(conversation, list);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `activity-${count}` }));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    calls,
    get keep() {
      return state.keep;
    },
    set keep(value: boolean) {
      state.keep = value;
    },
    count: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const DEMO_TENANT_ID = '11111111-1111-4111-8111-111111111111';
/** Alex Wilber of the demo tenant (src/demo/people.ts): a helpdesk engineer in personal chat with the bot. */
const ALEX = { id: '29:alex', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-00000000a1e0' };

let sequence = 0;

/** A Teams message Activity as the Bot Connector posts it, in a personal chat of the demo tenant. */
export function messageActivity(text: string, serviceUrl: string, conversationId: string): Record<string, unknown> {
  sequence += 1;
  return {
    type: 'message',
    id: `bench-${sequence}`,
    text,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    localTimezone: 'America/New_York',
    from: ALEX,
    recipient: { id: '28:mailflow-doctor', name: 'Mailflow Doctor' },
    conversation: { id: conversationId, conversationType: 'personal', tenantId: DEMO_TENANT_ID, isGroup: false, name: '' },
    channelData: { tenant: { id: DEMO_TENANT_ID } },
  };
}

/** Keep-alive connections, enough for the soak's 200 conversations at once. */
export const benchAgent = new Agent({ keepAlive: true, maxSockets: 512 });

/**
 * Requests sent again because they went out on a kept-alive socket the server had just closed as idle (its
 * keep-alive timeout): the request never reached the bot, so the client retries it, as Node's documentation advises
 * (`request.reusedSocket`). Counted so the report can say how often that happened.
 */
export const clientRetries = { count: 0 };

/** POSTs JSON and resolves with the status once the response has ended (the bot has replied by then). */
export async function postJson(url: string, body: unknown, agent: Agent = benchAgent): Promise<number> {
  const payload = Buffer.from(JSON.stringify(body));
  const attempt = () =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.setTimeout(60_000, () => req.destroy(new Error('no answer within 60 s')));
      req.on('error', (error: NodeJS.ErrnoException) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      req.end(payload);
    });
  try {
    return await attempt();
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { reusedSocket?: boolean };
    if (!failure.reusedSocket || failure.code !== 'ECONNRESET') throw error;
    clientRetries.count += 1;
    return attempt();
  }
}

/** The Adaptive Card of a captured reply, if it carries one. */
export function cardOf(call: ConnectorCall | undefined): Record<string, unknown> | undefined {
  const attachment = call?.activity.attachments?.find((item) => item.contentType === 'application/vnd.microsoft.card.adaptive');
  return attachment?.content as Record<string, unknown> | undefined;
}
