import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface LogOptions {
  readonly level: string;
  /** Personal data stays out of logs by default: addresses become `b***@contoso.com`. */
  readonly redactEmails: boolean;
  /** Values that must never reach a log line (client secrets, bot passwords, signing keys). */
  readonly secrets?: readonly string[];
  readonly destination?: DestinationStream;
}

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

export function redactEmails(line: string): string {
  return line.replace(EMAIL, '$1***@$2');
}

export function createLogger(options: LogOptions): Logger {
  const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 4);
  const scrub = (line: string): string => {
    let out = options.redactEmails ? redactEmails(line) : line;
    for (const secret of secrets) out = out.split(secret).join('[secret]');
    return out;
  };
  return pino(
    {
      level: options.level,
      base: undefined,
      // Scrubbing the serialized line catches secrets and addresses wherever they hide (messages, errors, nested objects).
      hooks: { streamWrite: scrub },
    },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
