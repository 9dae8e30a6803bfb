import type { DestinationStream } from 'pino';
import type { Services } from '../../src/assistant/services';
import type { Activity } from 'botbuilder';
import type { AttachmentReaderOptions } from '../../src/bot/attachments';
import { createServices } from '../../src/compose';
import { loadConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import { messageActivity, startConnector, type ConnectorCall, type MessageOptions } from '../support/bot-harness';
import { createLogger, silentLogger, type Logger } from '../../src/log';

/** Every line a pino logger wrote, as text and parsed, so tests can assert on log lines and scan them for leaks. */
export class LogCapture implements DestinationStream {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  get text(): string {
    return this.lines.join('');
  }
  records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  clear(): void {
    this.lines.length = 0;
  }
}

export function capturingLogger(capture: LogCapture, options: { redactEmails?: boolean; secrets?: string[]; level?: string } = {}): Logger {
  return createLogger({ level: options.level ?? 'debug', redactEmails: options.redactEmails ?? true, secrets: options.secrets, destination: capture });
}

/** A harness `services` hook that keeps the composed services but logs into `capture`. */
export const loggingInto =
  (capture: LogCapture) =>
  (_config: unknown, base: Services): Services => ({ ...base, log: capturingLogger(capture) });

export const FOREIGN_TENANT = '99999999-9999-4999-8999-999999999999';
export const MENTION = { type: 'mention', text: '<at>Mailflow Doctor</at>', mentioned: { id: '28:mailflow-doctor', name: 'Mailflow Doctor' } };

export interface HardeningBot {
  readonly server: RunningServer;
  readonly connector: Awaited<ReturnType<typeof startConnector>>;
  readonly services: Services;
  post(activity: Partial<Activity>, headers?: Record<string, string>): Promise<{ status: number; body: unknown; replies: ConnectorCall[] }>;
  say(text: string, options?: MessageOptions): Promise<ConnectorCall[]>;
  close(): Promise<void>;
}

/** Like test/support/bot-harness, plus what these attacks need: attachment options and request headers. */
export async function startHardeningBot(options: { env?: Record<string, string>; services?: (base: Services) => Services; attachments?: AttachmentReaderOptions } = {}): Promise<HardeningBot> {
  const connector = await startConnector();
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...options.env });
  const base = createServices(config, silentLogger);
  const services = options.services ? options.services(base) : base;
  const server = await startServer(config, services, { attachments: options.attachments }).catch(async (error: unknown) => {
    await connector.close();
    throw error;
  });
  async function post(activity: Partial<Activity>, headers: Record<string, string> = {}) {
    const before = connector.calls.length;
    const response = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
    const raw = await response.text();
    let body: unknown = raw;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, replies: connector.calls.slice(before) };
  }
  return {
    server,
    connector,
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
