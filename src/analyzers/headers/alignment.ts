import { sameOrganization } from './addresses';
import { dkimDomainOf, type AuthResult } from './auth-results';

/**
 * DMARC alignment of one mechanism (RFC 7489 §3.1, relaxed mode, by organizational domain): `aligned` (passed for the
 * From domain's organization), `misaligned` (passed, but for another organization), `failed` (did not pass),
 * `unknown` (the header does not say enough). This is what Microsoft's header analyzer leaves out.
 */
export type Alignment = 'aligned' | 'misaligned' | 'failed' | 'unknown';

export function spfAlignment(result: string | null, mailFrom: string | null, headerFrom: string | null): Alignment {
  if (!result) return 'unknown';
  if (result !== 'pass') return 'failed';
  if (!mailFrom || !headerFrom) return 'unknown';
  return sameOrganization(mailFrom, headerFrom) ? 'aligned' : 'misaligned';
}

export function dkimAlignment(results: readonly AuthResult[], signatureDomains: readonly (string | null)[], headerFrom: string | null): Alignment {
  if (results.length === 0) return 'unknown';
  const passing = results.filter((result) => result.result === 'pass');
  if (passing.length === 0) return 'failed';
  // Microsoft's dkim=pass sometimes names no domain; then the signatures in the message say which domains signed.
  const domains = passing.map(dkimDomainOf).filter((domain): domain is string => domain !== null);
  const candidates = domains.length > 0 ? domains : signatureDomains.filter((domain): domain is string => domain !== null);
  if (!headerFrom || candidates.length === 0) return 'unknown';
  return candidates.some((domain) => sameOrganization(domain, headerFrom)) ? 'aligned' : 'misaligned';
}
