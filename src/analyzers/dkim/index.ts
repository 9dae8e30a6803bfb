import { createPublicKey } from 'node:crypto';
import type { CheckFinding } from '../../model/check-finding';

/** DKIM key records (RFC 6376 §3.6.1) at <selector>._domainkey.<domain>, and what Microsoft 365 publishes there. */
export interface DkimKey {
  readonly keyType: string;
  /** Key size in bits; null when the key cannot be read. */
  readonly bits: number | null;
  /** p= is empty: the key was revoked (RFC 6376 §3.6.1). */
  readonly revoked: boolean;
  readonly testing: boolean;
  readonly errors: readonly string[];
}

export interface DkimSelectorEvidence {
  readonly name: string;
  /** The CNAME at the selector's name, if any (Microsoft 365 publishes selector1/selector2 as CNAMEs). */
  readonly cnameTarget: string | null;
  /** The TXT record reached (through the CNAME when there is one); null when there is none. */
  readonly record: string | null;
  readonly temporaryFailure: string | null;
}

export interface DkimSelectorReport {
  readonly name: string;
  readonly present: boolean;
  readonly cnameTarget: string | null;
  readonly keyType: string | null;
  readonly bits: number | null;
  readonly revoked: boolean;
  readonly error: string | null;
}

/** Selectors Exchange Online signs with; their CNAMEs point into the tenant's onmicrosoft.com domain. */
export const MICROSOFT_SELECTORS = ['selector1', 'selector2'] as const;
/** RFC 8301 §3.2: verifiers must not accept RSA keys under 1024 bits; many now want 2048. */
export const MIN_RSA_BITS = 1024;

export function parseDkimKey(text: string): DkimKey {
  const errors: string[] = [];
  const tags = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (part.trim()) errors.push(`"${part.trim()}" is not a tag=value pair`);
      continue;
    }
    tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  const version = tags.get('v');
  if (version !== undefined && version !== 'DKIM1') errors.push(`v=${version} is not DKIM1`);
  const keyType = (tags.get('k') ?? 'rsa').toLowerCase();
  const p = tags.get('p');
  if (p === undefined) errors.push('the key record has no p= tag');
  const revoked = p === '';
  let bits: number | null = null;
  if (p) {
    try {
      if (keyType === 'ed25519') bits = Buffer.from(p, 'base64').length * 8;
      else {
        const key = createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' });
        bits = key.asymmetricKeyDetails?.modulusLength ?? null;
      }
    } catch {
      errors.push('the public key in p= cannot be read');
    }
  }
  return { keyType, bits, revoked, testing: /(^|:)y(:|$)/.test(tags.get('t') ?? ''), errors };
}

/** The CNAME target Exchange Online tells you to publish, e.g. selector1-contoso-com._domainkey.contoso.onmicrosoft.com. */
export function microsoftSelectorTarget(selector: string, domain: string, tenantDomain: string | null): string {
  return `${selector}-${domain.replace(/\./g, '-')}._domainkey.${tenantDomain ?? '<tenant>.onmicrosoft.com'}`;
}

export const pointsToMicrosoft = (target: string | null): boolean => target !== null && /\.onmicrosoft\.com$|\.dkim\.mail\.microsoft$/i.test(target);

export interface DkimAuditInput {
  readonly domain: string;
  readonly selectors: readonly DkimSelectorEvidence[];
  readonly mxPointsToExchangeOnline: boolean | null;
  /** The tenant's initial domain (TENANT_DOMAIN), to write the exact CNAME targets. */
  readonly tenantDomain: string | null;
  /** The domain publishes a null MX (RFC 7505): parked, so a missing DKIM key is expected. */
  readonly parked?: boolean;
}

const finding = (severity: CheckFinding['severity'], code: string, message: string, fix: string | null): CheckFinding => ({ severity, code, message, fix });

export function auditDkim(input: DkimAuditInput): { selectors: DkimSelectorReport[]; findings: CheckFinding[] } {
  const findings: CheckFinding[] = [];
  const selectors = input.selectors.map((evidence): DkimSelectorReport => {
    if (evidence.record === null) {
      return { name: evidence.name, present: false, cnameTarget: evidence.cnameTarget, keyType: null, bits: null, revoked: false, error: evidence.temporaryFailure };
    }
    const key = parseDkimKey(evidence.record);
    return { name: evidence.name, present: !key.revoked && key.errors.length === 0, cnameTarget: evidence.cnameTarget, keyType: key.keyType, bits: key.bits, revoked: key.revoked, error: key.errors[0] ?? null };
  });
  for (const selector of selectors) {
    if (selector.keyType === 'rsa' && selector.bits !== null && selector.bits < MIN_RSA_BITS) {
      findings.push(
        finding('error', 'dkim.weak-key', `The DKIM key at ${selector.name}._domainkey.${input.domain} is ${selector.bits}-bit RSA; receivers reject keys under ${MIN_RSA_BITS} bits (RFC 8301), so signatures made with it count as no signature.`, 'Generate a 2048-bit key, publish it under a new selector, and switch signing to it (in Microsoft 365: Rotate-DkimSigningConfig -KeySize 2048).'),
      );
    }
    if (selector.error && selector.present === false && selector.cnameTarget === null && selector.keyType !== null) {
      findings.push(finding('warning', 'dkim.syntax', `The DKIM record at ${selector.name}._domainkey.${input.domain} is broken: ${selector.error}.`, 'Republish the key record exactly as your mail system shows it.'));
    }
  }
  const microsoft = selectors.filter((selector) => (MICROSOFT_SELECTORS as readonly string[]).includes(selector.name));
  const microsoftReady = microsoft.length === MICROSOFT_SELECTORS.length && microsoft.every((selector) => pointsToMicrosoft(selector.cnameTarget));
  const anyKey = selectors.some((selector) => selector.present);
  const failures = input.selectors.filter((selector) => selector.temporaryFailure !== null);
  if (failures.length > 0 && !anyKey) {
    findings.push(finding('warning', 'dkim.lookup-failed', `DKIM records of ${input.domain} could not be read: ${failures[0].temporaryFailure}.`, 'Run the check again when DNS answers.'));
  } else if (!input.parked && (!anyKey || (input.mxPointsToExchangeOnline === true && !microsoftReady))) {
    const cnames = MICROSOFT_SELECTORS.map((selector) => `${selector}._domainkey.${input.domain} CNAME ${microsoftSelectorTarget(selector, input.domain, input.tenantDomain)}`);
    const message = anyKey
      ? `${input.domain} has DKIM keys, but not the selector1/selector2 CNAMEs Exchange Online signs with, so mail sent from Microsoft 365 is signed only with the onmicrosoft.com domain and does not align for DMARC.`
      : `No DKIM key was found for ${input.domain} (checked ${selectors.map((selector) => selector.name).join(', ')}), so its mail is not DKIM-signed with its own domain and DMARC depends on SPF alone.`;
    findings.push(finding(anyKey ? 'warning' : 'error', 'dkim.missing', message, `Publish the CNAMEs and enable DKIM signing in Microsoft 365 Defender (or Set-DkimSigningConfig -Identity ${input.domain} -Enabled $true): ${cnames.join('; ')}`));
  }
  return { selectors, findings };
}
