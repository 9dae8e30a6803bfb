import type { Services } from './assistant/services';
import type { Config } from './config';
import { createLogger, type Logger } from './log';

/** The composition root: the one place that turns configuration into real sources (DNS, Graph, storage). */
export function createServices(config: Config, log: Logger = loggerFor(config)): Services {
  return { config, log, now: () => new Date() };
}

export function loggerFor(config: Config): Logger {
  const secrets = [config.BOT_PASSWORD, config.TENANT_CLIENT_SECRET, config.EXPORT_SIGNING_KEY, config.STORAGE_CONNECTION_STRING]
    .filter((value): value is string => typeof value === 'string' && value.length > 0);
  return createLogger({ level: config.LOG_LEVEL, redactEmails: config.LOG_REDACT_EMAILS, secrets });
}
