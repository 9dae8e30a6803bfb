/**
 * What one SMTP probe saw, step by step, the way Microsoft's Remote Connectivity Analyzer reports it: could we
 * connect, what did the server say, did STARTTLS work, what certificate did it show, would it take the recipient.
 * Nothing here judges; `src/diagnosis/connectivity` turns these facts into findings.
 */

/** Where to connect, and the name the server's certificate has to carry (the MX host or the smart host). */
export interface SmtpProbeTarget {
  /** The DNS name the peer should present a certificate for; an IP literal when the smart host is an address. */
  readonly host: string;
  /** The address actually dialled (already resolved by the caller through the configured DNS). */
  readonly address: string;
  readonly port: number;
  /** Tested with MAIL FROM / RCPT TO, then RSET: no DATA is ever sent. Omit to skip the recipient test. */
  readonly recipient?: string;
  /** Reverse-path for the recipient test; empty (the null sender `<>`) as address verifiers use, by default. */
  readonly sender?: string;
}

export interface SmtpProbeOptions {
  /** Applies to connecting, the greeting, the TLS handshake and every reply. */
  readonly timeoutMs: number;
  /** The name we announce in EHLO. */
  readonly heloName: string;
  /** Extra trust anchors (PEM) for the chain check; production uses Node's bundled roots. */
  readonly ca?: readonly string[];
  readonly now?: () => Date;
}

/** One line of the conversation, as a support engineer would read it in a transcript. */
export interface TranscriptLine {
  readonly from: 'client' | 'server';
  readonly text: string;
}

export interface StartTlsOutcome {
  /** The server listed STARTTLS in its EHLO reply (RFC 3207). */
  readonly offered: boolean;
  /** The TLS handshake completed after STARTTLS. */
  readonly negotiated: boolean;
  /** Why it did not complete, when it was offered but failed. */
  readonly error: string | null;
}

export interface CertificateSummary {
  readonly subject: string;
  readonly altNames: readonly string[];
  readonly issuer: string;
  readonly validFrom: string;
  readonly validTo: string;
  /** Days from now until `validTo`, rounded; negative once expired. */
  readonly daysUntilExpiry: number;
  readonly expired: boolean;
  readonly notYetValid: boolean;
  /** The name we expected (`target.host`) is the subject CN or a SAN, wildcards per RFC 6125. */
  readonly nameMatches: boolean;
  readonly expectedName: string;
  /** The chain leads to a trusted root (the name is judged apart, in `nameMatches`). */
  readonly trusted: boolean;
  /** OpenSSL's reason when it does not: CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, UNABLE_TO_VERIFY_LEAF_SIGNATURE … */
  readonly trustError: string | null;
  readonly selfSigned: boolean;
  /** Leaf first, as the server sent it (subject ← issuer). */
  readonly chain: readonly { readonly subject: string; readonly issuer: string; readonly validTo: string }[];
  readonly fingerprint256: string;
}

export interface TlsSession {
  readonly protocol: string | null;
  readonly cipher: string | null;
  readonly certificate: CertificateSummary | null;
}

export type RecipientVerdict =
  /** 2xx to RCPT TO. */
  | 'accepted'
  /** 5xx to RCPT TO: the mailbox or domain is refused. */
  | 'rejected'
  /** 4xx to RCPT TO: greylisting, throttling, a temporary lookup failure. */
  | 'deferred'
  /** MAIL FROM was refused, so the recipient could not be asked. */
  | 'sender-rejected';

export interface RecipientOutcome {
  readonly address: string;
  readonly verdict: RecipientVerdict;
  /** The server's reply, verbatim (first line and continuation lines joined). */
  readonly reply: string;
}

interface ProbeCommon {
  readonly host: string;
  readonly address: string;
  readonly port: number;
  readonly transcript: readonly TranscriptLine[];
  readonly elapsedMs: number;
}

export type SmtpProbe =
  /** No SMTP session: the TCP connection failed or the server never sent a 220 greeting. */
  | (ProbeCommon & {
      readonly kind: 'unreachable';
      readonly step: 'connect' | 'greeting';
      readonly error: string;
      /** The reply that refused us (e.g. a 554 greeting), when there was one. */
      readonly reply: string | null;
    })
  /** A session was held; what worked and what did not is in its parts. */
  | (ProbeCommon & {
      readonly kind: 'session';
      readonly banner: string;
      /** EHLO keywords as advertised on the final (TLS, when negotiated) session: PIPELINING, SIZE 36700160 … */
      readonly extensions: readonly string[];
      readonly starttls: StartTlsOutcome;
      readonly tls: TlsSession | null;
      readonly recipient: RecipientOutcome | null;
      /** A failure after the greeting that cut the session short (timeout, dropped connection). */
      readonly error: string | null;
    });

/** Runs probes; a small interface so the diagnosis can be tested with a fake and the CLI and bot share one. */
export interface SmtpProber {
  probe(target: SmtpProbeTarget): Promise<SmtpProbe>;
}
