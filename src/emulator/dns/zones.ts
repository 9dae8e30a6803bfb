/**
 * The zone format the local DNS server serves: one entry per owner name (absolute, no trailing dot), holding its
 * records by type, and optional fault injection so tests and demos can show what SERVFAIL, timeouts and slow
 * servers do to an answer.
 *
 *   {
 *     'contoso.com': { MX: [[0, 'contoso-com.mail.protection.outlook.com']], TXT: ['v=spf1 include:spf.protection.outlook.com -all'] },
 *     'selector1._domainkey.contoso.com': { CNAME: 'selector1-contoso-com._domainkey.contoso.onmicrosoft.com' },
 *     'broken.example': { fault: 'servfail' },
 *     '*.zen.spamhaus.org': { A: ['127.0.0.2'] },   // a wildcard owns every name below it that has no entry
 *   }
 */
export type MxData = readonly [priority: number, exchange: string];

export interface ZoneEntry {
  readonly A?: readonly string[];
  readonly AAAA?: readonly string[];
  readonly MX?: readonly MxData[];
  /** Each record is a string, or its character-strings when it must be split (strings over 255 octets are split for you). */
  readonly TXT?: readonly (string | readonly string[])[];
  readonly CNAME?: string;
  readonly PTR?: readonly string[];
  readonly NS?: readonly string[];
  /** Answer every question for this name with SERVFAIL, REFUSED, or not at all (the client times out). */
  readonly fault?: 'servfail' | 'refused' | 'timeout';
  /** 'always' (default), or 'no-data': the fault hits only questions for types the name has no records of. */
  readonly faultWhen?: 'always' | 'no-data';
  /** Extra delay before answering questions for this name. */
  readonly latencyMs?: number;
  /** TTL of this name's records (default 300 s). */
  readonly ttl?: number;
}

export type Zones = Readonly<Record<string, ZoneEntry>>;

/** Merges zone sets; a later set's entry for a name replaces an earlier one's. */
export function mergeZones(...sets: readonly Zones[]): Zones {
  const merged: Record<string, ZoneEntry> = {};
  for (const set of sets) for (const [name, entry] of Object.entries(set)) merged[name.toLowerCase().replace(/\.$/, '')] = entry;
  return merged;
}
