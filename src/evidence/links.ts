import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Export links: `/exports/<token>`, the token being `<payload>.<signature>` in base64url. The payload names the
 * tenant, the export and the expiry; the signature is HMAC-SHA256 over the payload with EXPORT_SIGNING_KEY. Nothing
 * in the link can be changed without the key, so the tenant it names is the tenant it was minted for.
 */
export interface LinkClaims {
  /** The tenant the export belongs to (lower case). */
  readonly tenantId: string;
  readonly exportId: string;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
  /** Makes each link distinct, so that each can be used once. */
  readonly nonce: string;
}

interface WirePayload {
  readonly v: 1;
  readonly t: string;
  readonly x: string;
  readonly e: number;
  readonly n: string;
}

const sign = (key: string, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

export function mintToken(key: string, claims: Omit<LinkClaims, 'nonce'>): { token: string; claims: LinkClaims } {
  const full: LinkClaims = { ...claims, nonce: randomBytes(9).toString('base64url') };
  const wire: WirePayload = { v: 1, t: full.tenantId, x: full.exportId, e: full.expiresAt, n: full.nonce };
  const payload = Buffer.from(JSON.stringify(wire)).toString('base64url');
  return { token: `${payload}.${sign(key, payload)}`, claims: full };
}

export type TokenCheck =
  | { readonly kind: 'ok'; readonly claims: LinkClaims }
  | { readonly kind: 'bad-signature' }
  | { readonly kind: 'expired'; readonly claims: LinkClaims };

/** The signature is checked first and in constant time; an unsigned claim is never read. */
export function checkToken(key: string, token: string, now: Date): TokenCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined || token.length > 1024) return { kind: 'bad-signature' };
  const expected = Buffer.from(sign(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { kind: 'bad-signature' };
  let wire: WirePayload;
  try {
    wire = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as WirePayload;
  } catch {
    return { kind: 'bad-signature' };
  }
  if (wire.v !== 1 || typeof wire.t !== 'string' || typeof wire.x !== 'string' || typeof wire.e !== 'number' || typeof wire.n !== 'string') {
    return { kind: 'bad-signature' };
  }
  const claims: LinkClaims = { tenantId: wire.t, exportId: wire.x, expiresAt: wire.e, nonce: wire.n };
  return now.getTime() >= claims.expiresAt * 1000 ? { kind: 'expired', claims } : { kind: 'ok', claims };
}
