import { generateKeyPairSync, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { testAppCertificatePath } from '../tls';
import type { ScenarioApp } from './scenario';

/** The two resources the bot asks tokens for; their tokens must not be interchangeable. */
export const AUDIENCES = {
  graph: 'https://graph.microsoft.com',
  exchange: 'https://outlook.office365.com',
} as const;
export type Audience = keyof typeof AUDIENCES;

/** Entra built-in role template ids, as they appear in an app token's `wids` claim. */
export const DIRECTORY_ROLE_IDS: Readonly<Record<string, string>> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'Security Administrator': '194ae4cb-b126-40b2-bd5b-6091b380977d',
  'Security Reader': '5d6b6bb7-de71-4623-b4af-96380a352509',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  'Exchange Recipient Administrator': '31392ffb-586c-42d1-9346-e59415a2cc4e',
};

export interface AccessClaims {
  readonly aud: string;
  readonly tid: string;
  readonly appid: string;
  readonly roles: readonly string[];
  readonly wids: readonly string[];
}

/**
 * Issues and checks the emulator's access tokens as Entra does: RS256 with a signing key whose public half is
 * published at the tenant's `jwks_uri` under the `kid` in the token header. The key pair is made per run.
 */
export class TokenIssuer {
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly kid = randomBytes(16).toString('base64url');

  /** The JSON Web Key Set at `…/discovery/v2.0/keys`. */
  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: jwk.kty, use: 'sig', kid: this.kid, n: jwk.n, e: jwk.e, alg: 'RS256' }] };
  }

  issue(app: ScenarioApp, tenantId: string, audience: Audience, lifetimeSeconds: number, issuerBase: string): string {
    const roles = audience === 'graph' ? app.graphRoles : app.exchangeRoles;
    const wids = app.directoryRoles.map((name) => DIRECTORY_ROLE_IDS[name]).filter((id): id is string => Boolean(id));
    return jwt.sign({ roles, wids, tid: tenantId, appid: app.clientId, idtyp: 'app', oid: randomUUID() }, this.keys.privateKey, {
      algorithm: 'RS256',
      audience: AUDIENCES[audience],
      issuer: `${issuerBase}/${tenantId}/`,
      subject: app.clientId,
      expiresIn: lifetimeSeconds,
      header: { alg: 'RS256', typ: 'JWT', kid: this.kid },
    });
  }

  /** The claims of a valid, unexpired token, or a reason it is not acceptable. */
  verify(token: string): AccessClaims | { invalid: string } {
    try {
      const claims = jwt.verify(token, this.keys.publicKey, { algorithms: ['RS256'] }) as jwt.JwtPayload;
      return {
        aud: String(claims.aud),
        tid: String(claims.tid),
        appid: String(claims.appid),
        roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
        wids: Array.isArray(claims.wids) ? claims.wids.map(String) : [],
      };
    } catch (error) {
      return { invalid: (error as Error).message };
    }
  }
}

/** The public certificate the app registration holds, for checking ClientCertificateCredential's signed assertion. */
export function appCertificatePem(app: ScenarioApp): string | undefined {
  if (!app.certificate) return undefined;
  if (app.certificate === 'test-app-certificate') {
    const pem = readFileSync(testAppCertificatePath(), 'utf8');
    const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
    return match?.[0];
  }
  return app.certificate;
}

/**
 * Checks a client_assertion (RFC 7523) the way Entra does: signed by the app's registered certificate, issued by and
 * about the client, for this token endpoint, not expired.
 */
export function verifyClientAssertion(assertion: string, app: ScenarioApp, tokenEndpoint: string): string | null {
  const pem = appCertificatePem(app);
  if (!pem) return 'AADSTS700027: The application has no certificate credential registered.';
  try {
    const publicKey = new X509Certificate(pem).publicKey;
    // Entra tolerates five minutes of clock skew on assertions.
    const claims = jwt.verify(assertion, publicKey, { algorithms: ['RS256', 'PS256'], clockTolerance: 300 }) as jwt.JwtPayload;
    if (claims.iss !== app.clientId || claims.sub !== app.clientId) return 'AADSTS700021: Client assertion application identifier does not match.';
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((aud) => typeof aud === 'string' && aud.split('?')[0] === tokenEndpoint)) {
      return `AADSTS700024: Client assertion audience claim does not match Realm issuer (${String(claims.aud)}).`;
    }
    return null;
  } catch (error) {
    return `AADSTS700027: Client assertion failed signature validation. (${(error as Error).message})`;
  }
}
