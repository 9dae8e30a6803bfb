/** The SMTP probe: one session per server, reported step by step; no message is ever sent. */
export { createSmtpProber, probeSmtp, extensionsOf } from './probe';
export type {
  CertificateSummary, RecipientOutcome, RecipientVerdict, SmtpProbe, SmtpProbeOptions, SmtpProbeTarget, SmtpProber,
  StartTlsOutcome, TlsSession, TranscriptLine,
} from './types';
