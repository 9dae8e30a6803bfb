import type { CheckFinding, Severity } from '../../model/check-finding';
import type { CertificateSummary, SmtpProbe } from '../../sources/smtp';
import { connectivityFinding, type ConnectivityCode } from './findings';

/** Certificates expiring sooner than this are flagged: enough time to order, install and bind a new one. */
export const EXPIRY_WARNING_DAYS = 30;

/** How strict the reader of this server is: an inbound MX is read by anyone, a connector by its own TLS settings. */
export interface TlsExpectations {
  readonly prefix: 'smtp' | 'connector';
  /** The name the certificate must carry (the MX host, or the connector's TlsDomain). */
  readonly expectedName: string;
  /** The sender refuses to send without TLS (a connector with TlsSettings), so a missing STARTTLS stops mail. */
  readonly tlsRequired: boolean;
  /** The sender checks the chain (CertificateValidation, DomainValidation). */
  readonly chainChecked: boolean;
  /** The sender checks the name (DomainValidation; MTA-STS for an MX). */
  readonly nameChecked: boolean;
}

/** RFC 6125 §6.4.3: a wildcard stands for exactly one left-most label. */
function nameMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const n = name.toLowerCase().replace(/\.$/, '');
  if (p === n) return true;
  if (!p.startsWith('*.')) return false;
  const suffix = p.slice(1);
  return n.endsWith(suffix) && !n.slice(0, -suffix.length).includes('.') && n.length > suffix.length;
}

/** Whether the certificate carries `name`; SANs win over the subject CN when present (RFC 6125 §6.4.4). */
export function certificateCovers(certificate: CertificateSummary, name: string): boolean {
  // A TlsDomain of "*.contoso.com" accepts any certificate for a name under contoso.com (Exchange's own rule).
  if (name.startsWith('*.')) {
    const suffix = name.slice(1).toLowerCase();
    return certificateNames(certificate).some((candidate) => candidate.toLowerCase().endsWith(suffix));
  }
  return certificateNames(certificate).some((candidate) => nameMatches(candidate, name));
}

export function certificateNames(certificate: CertificateSummary): string[] {
  if (certificate.altNames.length > 0) return [...certificate.altNames];
  const cn = /(?:^|, )CN=([^,]+)/.exec(certificate.subject)?.[1];
  return cn ? [cn] : [];
}

const day = (iso: string): string => iso.slice(0, 10);

export function expiryPhrase(certificate: CertificateSummary): string {
  const days = certificate.daysUntilExpiry;
  if (certificate.expired) return `expired ${-days === 1 ? 'yesterday' : `${Math.max(-days, 0)} days ago`} (${day(certificate.validTo)})`;
  if (days === 0) return `expires today (${day(certificate.validTo)})`;
  return `expires in ${days} day${days === 1 ? '' : 's'} (${day(certificate.validTo)})`;
}

/** The findings one probe supports. `label` names the server in messages ("MX mx1.contoso.com"). */
export function findingsOfProbe(probe: SmtpProbe, label: string, expect: TlsExpectations): CheckFinding[] {
  const code = (suffix: string) => `${expect.prefix}.${suffix}` as ConnectivityCode;
  const at = `${probe.address}:${probe.port}`;
  if (probe.kind === 'unreachable') {
    if (probe.step === 'greeting' && probe.reply) {
      return [connectivityFinding(expect.prefix === 'smtp' ? 'smtp.greeting-refused' : 'connector.unreachable', `${label} (${at}) refused the session: ${probe.reply.trim()}`)];
    }
    return [connectivityFinding(code('unreachable'), `${label} (${at}) did not answer SMTP: ${probe.error}`)];
  }
  const findings: CheckFinding[] = [];
  const lower = (severity: Severity, when: boolean): Severity | undefined => (when ? undefined : severity);
  if (!probe.starttls.offered) {
    findings.push(
      connectivityFinding(code('no-starttls'), `${label} does not offer STARTTLS: mail to it travels unencrypted.`, lower('warning', expect.tlsRequired)),
    );
  } else if (!probe.starttls.negotiated) {
    findings.push(connectivityFinding(code('starttls-failed'), `${label} offers STARTTLS but the TLS handshake failed: ${probe.starttls.error ?? 'unknown error'}.`));
  }
  const certificate = probe.tls?.certificate;
  if (certificate) {
    const covered = certificateCovers(certificate, expect.expectedName);
    if (!covered) {
      const names = certificateNames(certificate).join(', ') || 'no names';
      findings.push(
        connectivityFinding(
          code('cert-name-mismatch'),
          `${label}'s certificate is for ${names}, not ${expect.expectedName}.`,
          lower(expect.prefix === 'smtp' ? 'warning' : 'info', expect.nameChecked),
        ),
      );
    }
    if (certificate.expired) {
      findings.push(connectivityFinding(code('cert-expired'), `${label}'s certificate ${expiryPhrase(certificate)}.`, lower('warning', expect.chainChecked || expect.prefix === 'smtp')));
    } else if (certificate.daysUntilExpiry < EXPIRY_WARNING_DAYS) {
      findings.push(connectivityFinding(code('cert-expiring'), `${label}'s certificate ${expiryPhrase(certificate)}.`));
    }
    // Expiry has its own finding; the chain finding is about who signed it.
    const expiryOnly = certificate.trustError === 'CERT_HAS_EXPIRED' || certificate.trustError === 'CERT_NOT_YET_VALID';
    if (!certificate.trusted && !expiryOnly) {
      const why = certificate.selfSigned ? 'is self-signed' : `does not chain to a trusted root (${certificate.trustError})`;
      findings.push(connectivityFinding(code('cert-untrusted'), `${label}'s certificate ${why}; issuer: ${certificate.issuer || 'unknown'}.`, lower('warning', expect.chainChecked)));
    }
  }
  if (expect.prefix === 'smtp' && probe.recipient) {
    const { address, verdict, reply } = probe.recipient;
    if (verdict === 'rejected') findings.push(connectivityFinding('smtp.recipient-rejected', `${label} rejected ${address}: ${reply}`));
    if (verdict === 'deferred') findings.push(connectivityFinding('smtp.recipient-deferred', `${label} deferred ${address}: ${reply}`));
    if (verdict === 'sender-rejected') findings.push(connectivityFinding('smtp.sender-rejected', `${label} refused MAIL FROM:<>: ${reply}`));
  }
  if (probe.error && expect.prefix === 'smtp' && !probe.recipient) {
    findings.push(connectivityFinding('smtp.session-error', `${label}: the session broke off: ${probe.error}`));
  }
  return findings;
}
