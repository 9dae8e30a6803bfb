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
  // Each secret as written and as it appears inside a JSON string (a quote or backslash in it is escaped there),
  // longest first so that a secret containing another is replaced whole.
  const secrets = [...new Set((options.secrets ?? []).filter((secret) => secret.length >= 4).flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))]
    .sort((a, b) => b.length - a.length);
  const scrub = (line: string): string => {
    // Secrets first: a secret that looks like an address ("p@ss.word") would no longer match once redacted.
    let out = line;
    for (const secret of secrets) out = out.split(secret).join('[secret]');
    return options.redactEmails ? redactEmails(out) : out;
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
