import { checkServerIdentity, type DetailedPeerCertificate, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { CertificateSummary } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Node reports a name mismatch through the same field as chain errors once the chain itself verified. */
const NAME_ERRORS = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_TLS_CERT_ALTNAME_FORMAT']);

const distinguishedName = (fields: PeerCertificate['subject'] | undefined): string => {
  if (!fields) return '';
  const pick = (key: string): string | undefined => {
    const value = (fields as unknown as Record<string, string | string[] | undefined>)[key];
    return Array.isArray(value) ? value.join('+') : value;
  };
  return ['CN', 'O', 'OU', 'C']
    .map((key) => [key, pick(key)] as const)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
};

/** "DNS:mx1.contoso.com, IP Address:192.0.2.1" → ["mx1.contoso.com", "192.0.2.1"]. */
export function altNamesOf(cert: PeerCertificate): string[] {
  return (cert.subjectaltname ?? '')
    .split(/,\s*/)
    .map((entry) => /^(?:DNS|IP Address):(.+)$/.exec(entry.trim())?.[1])
    .filter((name): name is string => typeof name === 'string' && name.length > 0);
}

function chainOf(leaf: DetailedPeerCertificate): CertificateSummary['chain'] {
  const chain: { subject: string; issuer: string; validTo: string }[] = [];
  let current: DetailedPeerCertificate | undefined = leaf;
  // A self-signed certificate is its own issuer; the bound also stops a server that sends a looping chain.
  while (current && chain.length < 10) {
    chain.push({ subject: distinguishedName(current.subject), issuer: distinguishedName(current.issuer), validTo: new Date(current.valid_to).toISOString() });
    const next: DetailedPeerCertificate | undefined = current.issuerCertificate;
    if (!next || next === current || next.fingerprint256 === current.fingerprint256) break;
    current = next;
  }
  return chain;
}

/**
 * Reads the certificate the peer showed on a socket opened with `rejectUnauthorized: false`: the probe must see a
 * bad certificate to report on it, so verification is done here, explicitly, instead of by refusing the handshake.
 */
export function describePeerCertificate(socket: TLSSocket, expectedName: string, now: Date): CertificateSummary | null {
  const cert = socket.getPeerCertificate(true);
  if (!cert || Object.keys(cert).length === 0) return null;
  const validFrom = new Date(cert.valid_from);
  const validTo = new Date(cert.valid_to);
  const nameError = checkServerIdentity(expectedName, cert);
  const authorizationError = socket.authorizationError ? String(socket.authorizationError) : null;
  const trustError = authorizationError && !NAME_ERRORS.has(authorizationError) ? authorizationError : null;
  return {
    subject: distinguishedName(cert.subject),
    altNames: altNamesOf(cert),
    issuer: distinguishedName(cert.issuer),
    validFrom: validFrom.toISOString(),
    validTo: validTo.toISOString(),
    // Rounded, as a person counts: a certificate valid for 8.99 more days "expires in 9 days".
    daysUntilExpiry: Math.round((validTo.getTime() - now.getTime()) / DAY_MS),
    expired: validTo.getTime() < now.getTime(),
    notYetValid: validFrom.getTime() > now.getTime(),
    nameMatches: nameError === undefined,
    expectedName,
    trusted: trustError === null,
    trustError,
    selfSigned: distinguishedName(cert.subject) === distinguishedName(cert.issuer),
    chain: chainOf(cert),
    fingerprint256: cert.fingerprint256,
  };
}
