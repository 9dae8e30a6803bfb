import { getDomain } from 'tldts';

/** The domain of the first address in a field ("Bob <bob@Contoso.com>" → contoso.com), or of a bare domain. */
export function addressDomain(text: string | null | undefined): string | null {
  if (!text) return null;
  const angle = /<[^<>\s@]*@([A-Za-z0-9][A-Za-z0-9.-]{0,252})>/.exec(text);
  const bare = angle ?? /@([A-Za-z0-9][A-Za-z0-9.-]{0,252})/.exec(text);
  const domain = bare ? bare[1] : /^[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+\.?$/.test(text.trim()) ? text.trim() : null;
  return domain ? domain.replace(/\.+$/, '').toLowerCase() || null : null;
}

/**
 * Suffixes under which every name is its own organization but which the Public Suffix List does not carry: each
 * Microsoft 365 tenant's initial domain (contoso.onmicrosoft.com) belongs to that tenant alone.
 */
const TENANT_SUFFIXES: readonly string[] = ['mail.onmicrosoft.com', 'onmicrosoft.com'];

/**
 * The organizational domain (DMARC, RFC 7489 §3.2) from the Public Suffix List, private suffixes included
 * (x.blogspot.com and y.blogspot.com are different organizations).
 */
export function organizationalDomain(domain: string): string {
  const lower = domain.toLowerCase();
  for (const suffix of TENANT_SUFFIXES) {
    if (lower.endsWith(`.${suffix}`)) {
      const labels = lower.slice(0, -suffix.length - 1).split('.');
      return `${labels[labels.length - 1]}.${suffix}`;
    }
  }
  return getDomain(lower, { allowPrivateDomains: true }) ?? lower;
}

export function sameOrganization(a: string, b: string): boolean {
  return organizationalDomain(a) === organizationalDomain(b);
}
