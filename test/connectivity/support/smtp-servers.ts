import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { Issued } from './pki';

export interface LocalSmtp {
  readonly port: number;
  /** MAIL FROM / RCPT TO seen, and how many times DATA was reached (must stay 0: the probe never sends mail). */
  readonly seen: { mailFrom: string[]; rcptTo: string[]; dataCommands: number; connections: number };
  close(): Promise<void>;
}

export interface LocalSmtpOptions {
  /** The name in the 220 greeting and the EHLO reply. */
  readonly name: string;
  /** STARTTLS with this certificate; absent means STARTTLS is not offered. */
  readonly certificate?: Issued;
  /** Recipients to refuse with 550 5.1.10 (the Exchange Online wording); everything else is accepted. */
  readonly rejectRecipients?: readonly string[];
  /** Extra TLS settings for the server (e.g. an old maxVersion, to make the handshake fail). */
  readonly tls?: { readonly maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3' };
  /** Loopback address and port to listen on (default 127.0.0.1 and a free port). */
  readonly host?: string;
  readonly port?: number;
}

/** A real SMTP server (the smtp-server library) on 127.0.0.1 with an ephemeral port. */
export async function startLocalSmtp(options: LocalSmtpOptions): Promise<LocalSmtp> {
  const seen = { mailFrom: [] as string[], rcptTo: [] as string[], dataCommands: 0, connections: 0 };
  const rejected = new Set((options.rejectRecipients ?? []).map((address) => address.toLowerCase()));
  const config: SMTPServerOptions = {
    name: options.name,
    banner: 'Microsoft ESMTP MAIL Service ready',
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH'],
    hideSTARTTLS: options.certificate === undefined,
    logger: false,
    ...(options.certificate ? { key: options.certificate.keyPem, cert: options.certificate.certPem } : {}),
    ...options.tls,
    onConnect(_session, callback) {
      seen.connections += 1;
      callback();
    },
    onMailFrom(address, _session, callback) {
      seen.mailFrom.push(address.address);
      callback();
    },
    onRcptTo(address, _session, callback) {
      seen.rcptTo.push(address.address);
      if (rejected.has(address.address.toLowerCase())) {
        const error = Object.assign(new Error('5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'), { responseCode: 550 });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      seen.dataCommands += 1;
      stream.resume();
      stream.on('end', () => callback());
    },
  };
  const server = new SMTPServer(config);
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A loopback port with nothing listening on it: connecting is refused at once. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
