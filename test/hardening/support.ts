import type { DestinationStream } from 'pino';
import type { Services } from '../../src/assistant/services';
import type { AttachmentReaderOptions } from '../../src/bot/attachments';
import { startBotHarness, type BotHarness } from '../support/bot-harness';
import { DEMO_TENANT, demoScenario, processTrustsEmulatorCa, startM365Emulator, type M365Emulator } from '../../src/emulator/m365';
import { createLogger, type Logger } from '../../src/log';

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

export type HardeningBot = BotHarness;

/** The shared harness, with what these attacks need: attachment options and request headers. */
export function startHardeningBot(options: { env?: Record<string, string>; services?: (base: Services) => Services; attachments?: AttachmentReaderOptions } = {}): Promise<HardeningBot> {
  const { services } = options;
  return startBotHarness({ env: options.env, attachments: options.attachments, services: services ? (_config, base) => services(base) : undefined });
}

/**
 * The demo tenant on a fresh emulator and a bot configured for it that logs into `log`: the peer most attacks need.
 * Requires the emulator's test CA (the npm test script sets NODE_EXTRA_CA_CERTS).
 */
export async function startEmulatedTenantBot(log: LogCapture): Promise<{ emulator: M365Emulator; bot: BotHarness }> {
  if (!processTrustsEmulatorCa()) throw new Error('run with NODE_EXTRA_CA_CERTS=src/emulator/tls/ca.pem (the emulator\'s test CA)');
  const emulator = await startM365Emulator({ scenarios: [demoScenario()] });
  const bot = await startBotHarness({ env: emulator.envFor(DEMO_TENANT.id), services: loggingInto(log) }).catch(async (error: unknown) => {
    await emulator.close();
    throw error;
  });
  return { emulator, bot };
}
