import { isIP } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { SMTPConnectionCustomAuthContext } from 'nodemailer/lib/smtp-connection';
import { lazy } from '../../ops/lazy';
import { describePeerCertificate } from './certificate';
import type {
  RecipientOutcome, SmtpProbe, SmtpProbeOptions, SmtpProbeTarget, SmtpProber, StartTlsOutcome, TlsSession, TranscriptLine,
} from './types';

type SmtpConnectionClass = typeof import('nodemailer/lib/smtp-connection').default;

/** nodemailer's SMTP client, loaded by the first probe: an idle bot never runs one. */
const smtpConnection = lazy((): SmtpConnectionClass => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('nodemailer/lib/smtp-connection') as SmtpConnectionClass | { default: SmtpConnectionClass };
  // The CommonJS build exports the class itself; the typings describe it as an ES module's default export.
  return 'default' in loaded ? loaded.default : loaded;
});

/**
 * SMTPConnection has no public "envelope only" call: `send()` goes on to DATA as soon as a recipient is accepted.
 * Its custom SASL hook hands a handler `sendCommand()`, the library's public way to send one command and read the
 * parsed reply, so we register a "mechanism" under this name that runs MAIL FROM, RCPT TO and RSET and never AUTH.
 */
const ENVELOPE_CHECK = 'X-MAILFLOW-DOCTOR-ENVELOPE-CHECK';

/** nodemailer logs a command sent through `sendCommand` as this; we write the real line ourselves. */
const MASKED_COMMAND = '/* secret */';

/** An address we may put on the wire: no spaces, angle brackets or line breaks that could smuggle a command. */
const SAFE_ADDRESS = /^[^\s<>"]*@?[^\s<>"]*$/;

interface SmtpErrorLike {
  readonly message?: string;
  readonly code?: string;
  readonly originalCode?: string;
  readonly timeoutType?: string;
  readonly response?: string;
  readonly command?: string;
}

interface SessionResult {
  readonly transcript: TranscriptLine[];
  readonly tcpConnected: boolean;
  readonly greeted: boolean;
  readonly tls: TlsSession | null;
  readonly recipient: RecipientOutcome | null;
  readonly failure: SmtpErrorLike | null;
  /** The failure came during the TLS handshake after STARTTLS (nodemailer reports it as ETLS or a socket error). */
  readonly failedInTls: boolean;
}

const firstServerLine = (transcript: readonly TranscriptLine[]): string | null => transcript.find((line) => line.from === 'server')?.text ?? null;

/** The reply to the last EHLO we sent: the extensions in force on the session the recipient was tested on. */
function ehloReply(transcript: readonly TranscriptLine[], which: 'first' | 'last'): string | null {
  const indexes = transcript.flatMap((line, index) => (line.from === 'client' && /^EHLO\b/i.test(line.text) ? [index] : []));
  const index = which === 'first' ? indexes[0] : indexes[indexes.length - 1];
  if (index === undefined) return null;
  return transcript.slice(index + 1).find((line) => line.from === 'server')?.text ?? null;
}

/** "250-mx1 Hello\n250-PIPELINING\n250 STARTTLS" → ["PIPELINING", "STARTTLS"] (the first line is the greeting). */
export function extensionsOf(reply: string | null): string[] {
  if (!reply || !reply.startsWith('2')) return [];
  return reply
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.replace(/^\d{3}[ -]?/, '').trim())
    .filter((line) => line.length > 0);
}

/** OpenSSL's "80BC…:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:… (ERR_SSL_…)". */
const OPENSSL_MESSAGE = /:SSL routines:[^:]*:([^:]+):.*?(?:\((ERR_[A-Z0-9_]+)\))?$/;

const describeError = (error: SmtpErrorLike): string => {
  const cause = error.timeoutType ?? error.originalCode;
  const raw = (error.message ?? 'unknown error').replace(/\s+/g, ' ').trim();
  // The OpenSSL wording is for developers; its reason and code are what a person can look up.
  const openssl = OPENSSL_MESSAGE.exec(raw);
  const message = openssl ? ['TLS error:', openssl[1], openssl[2] ? `(${openssl[2]})` : ''].join(' ').trim() : raw;
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
};

function verdictOf(status: number): RecipientOutcome['verdict'] {
  if (status >= 200 && status < 300) return 'accepted';
  if (status >= 400 && status < 500) return 'deferred';
  return 'rejected';
}

/** One SMTP session: connect, greeting, EHLO, STARTTLS unless told not to, the recipient test, QUIT. */
function runSession(target: SmtpProbeTarget, options: SmtpProbeOptions, plaintext: boolean): Promise<SessionResult> {
  const now = options.now ?? (() => new Date());
  const transcript: TranscriptLine[] = [];
  let tcpConnected = false;
  let tls: TlsSession | null = null;
  let recipient: RecipientOutcome | null = null;
  let failure: SmtpErrorLike | null = null;
  let failedInTls = false;

  // nodemailer narrates the session through a bunyan-style logger; with transactionLog it includes every line.
  const ignore = () => undefined;
  const logger = {
    trace: ignore, warn: ignore, error: ignore, fatal: ignore,
    info: (entry?: { tnx?: string; remoteAddress?: string }) => {
      if (entry?.tnx === 'network' && entry.remoteAddress !== undefined) tcpConnected = true;
    },
    debug: (entry?: { tnx?: string }, message?: unknown) => {
      if ((entry?.tnx === 'server' || entry?.tnx === 'client') && typeof message === 'string' && message !== MASKED_COMMAND) {
        transcript.push({ from: entry.tnx, text: message });
      }
    },
  };

  const servername = isIP(target.host) ? undefined : target.host;
  const envelopeCheck = async (context: SMTPConnectionCustomAuthContext): Promise<void> => {
    const say = async (command: string) => {
      transcript.push({ from: 'client', text: command });
      return context.sendCommand(command);
    };
    const address = target.recipient ?? '';
    const mail = await say(`MAIL FROM:<${target.sender ?? ''}>`);
    if (mail.status < 200 || mail.status >= 300) {
      recipient = { address, verdict: 'sender-rejected', reply: mail.response.trim() };
    } else {
      const rcpt = await say(`RCPT TO:<${address}>`);
      recipient = { address, verdict: verdictOf(rcpt.status), reply: rcpt.response.trim() };
    }
    await say('RSET');
    context.resolve();
  };

  const SMTPConnection = smtpConnection();
  const connection = new SMTPConnection({
    host: target.address,
    port: target.port,
    servername,
    name: options.heloName,
    secure: false,
    ignoreTLS: plaintext,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    // Longer than the greeting timeout: with equal timers a silent server raced to either error, and only the
    // greeting one says what happened.
    socketTimeout: options.timeoutMs * 2,
    socketCloseTimeout: 0,
    logger,
    transactionLog: true,
    // Only this socket accepts any certificate, so that we can report on a bad one; Node's global TLS settings and
    // every other connection keep verifying. The chain and the name are checked explicitly in describePeerCertificate.
    tls: { rejectUnauthorized: false, servername, ca: options.ca ? [...options.ca] : undefined },
    customAuth: { [ENVELOPE_CHECK]: envelopeCheck },
  });

  return new Promise<SessionResult>((resolve) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      connection.close();
      const greeted = transcript.some((line) => line.from === 'server');
      resolve({ transcript, tcpConnected: tcpConnected || greeted, greeted, tls, recipient, failure, failedInTls });
    };
    // Every step has its own timeout inside nodemailer; this bounds the whole session whatever happens.
    const guard = setTimeout(() => {
      failure ??= { message: `the session did not finish within ${options.timeoutMs * 4} ms`, code: 'ETIMEDOUT' };
      finish();
    }, options.timeoutMs * 4);
    guard.unref();

    connection.on('error', (error: SmtpErrorLike) => {
      if (!failure) failedInTls = connection.upgrading === true || error.code === 'ETLS';
      failure ??= error;
      finish();
    });
    connection.on('end', finish);
    connection.connect((error) => {
      if (error) {
        failure ??= error;
        finish();
        return;
      }
      const socket = connection._socket;
      if (connection.secure && socket instanceof TLSSocket) {
        const cipher = socket.getCipher();
        tls = { protocol: socket.getProtocol(), cipher: cipher?.standardName ?? cipher?.name ?? null, certificate: describePeerCertificate(socket, target.host, now()) };
      }
      if (target.recipient === undefined) {
        connection.quit();
        return;
      }
      connection.login({ method: ENVELOPE_CHECK }, (loginError) => {
        if (loginError && !failure) failure = loginError;
        if (!settled) connection.quit();
      });
    });
  });
}

function unsafeTarget(target: SmtpProbeTarget): string | null {
  for (const [name, value] of [['recipient', target.recipient], ['sender', target.sender]] as const) {
    if (value !== undefined && !SAFE_ADDRESS.test(value)) return `the ${name} address "${value}" cannot be used in an SMTP command`;
  }
  return null;
}

/**
 * Probes one SMTP server like an analyzer: the session first tries STARTTLS; when the TLS handshake fails, a second
 * plaintext session still tests the recipient, so one broken step does not hide the others.
 */
export async function probeSmtp(target: SmtpProbeTarget, options: SmtpProbeOptions): Promise<SmtpProbe> {
  const started = Date.now();
  const common = { host: target.host, address: target.address, port: target.port };
  const refused = unsafeTarget(target);
  if (refused) {
    return { ...common, kind: 'unreachable', step: 'connect', error: refused, reply: null, transcript: [], elapsedMs: 0 };
  }
  const first = await runSession(target, options, false);
  const elapsed = () => Date.now() - started;
  if (!first.greeted || (first.failure?.command === 'CONN' && first.failure.code === 'EPROTOCOL')) {
    const failure = first.failure ?? { message: 'the connection closed before the greeting' };
    return {
      ...common, kind: 'unreachable', step: first.tcpConnected ? 'greeting' : 'connect', error: describeError(failure),
      reply: failure.response ?? null, transcript: first.transcript, elapsedMs: elapsed(),
    };
  }

  const offered = extensionsOf(ehloReply(first.transcript, 'first')).some((extension) => /^STARTTLS\b/i.test(extension));
  const tlsFailed = first.failedInTls;
  let session = first;
  let transcript: TranscriptLine[] = first.transcript;
  let starttls: StartTlsOutcome = { offered, negotiated: first.tls !== null, error: null };
  if (tlsFailed) {
    starttls = { offered, negotiated: false, error: describeError(first.failure ?? { message: 'the TLS handshake failed' }) };
    session = await runSession(target, options, true);
    transcript = [...first.transcript, { from: 'client', text: '(new connection without STARTTLS to finish the test)' }, ...session.transcript];
  }
  return {
    ...common,
    kind: 'session',
    banner: firstServerLine(first.transcript) ?? '',
    extensions: extensionsOf(ehloReply(session.transcript, 'last')),
    starttls,
    tls: session.tls,
    recipient: session.recipient,
    error: session.failure ? describeError(session.failure) : null,
    transcript,
    elapsedMs: elapsed(),
  };
}

export function createSmtpProber(options: SmtpProbeOptions): SmtpProber {
  return { probe: (target) => probeSmtp(target, options) };
}
