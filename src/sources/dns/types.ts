/**
 * What a DNS question can come back as. Void answers (NXDOMAIN, NODATA) are facts about the zone and are kept
 * apart from failures to get an answer (SERVFAIL, timeout, refused, budget spent): SPF counts the first kind as
 * void lookups (RFC 7208 §4.6.4) and turns the second into temperror (§2.6.6), so they must never be conflated.
 */
export type RecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'CNAME' | 'PTR' | 'NS';

export interface MxRecord {
  readonly exchange: string;
  readonly priority: number;
}

/** The data of one record, per type. TXT keeps its character-strings apart (RFC 1035 §3.3.14); join them to read it. */
export interface RecordData {
  A: string;
  AAAA: string;
  MX: MxRecord;
  TXT: readonly string[];
  CNAME: string;
  PTR: string;
  NS: string;
}

export type TempErrorReason = 'servfail' | 'timeout' | 'refused' | 'budget' | 'network' | 'malformed' | 'badname';

export type DnsAnswer<T> =
  /** `ttl` is the smallest TTL of the records and any CNAMEs followed; `via` lists the CNAMEs followed. */
  | { readonly kind: 'ok'; readonly records: readonly T[]; readonly ttl: number; readonly via: readonly string[] }
  /** NXDOMAIN: the name does not exist. */
  | { readonly kind: 'nxdomain' }
  /** NOERROR with no record of the type asked (the name exists, or only a CNAME to nothing of that type). */
  | { readonly kind: 'nodata'; readonly via: readonly string[] }
  /** No answer could be had: SERVFAIL, timeout, refused, the overall budget spent, a bad name … */
  | { readonly kind: 'temperror'; readonly reason: TempErrorReason; readonly message: string };

export type VoidAnswer = Extract<DnsAnswer<unknown>, { kind: 'nxdomain' | 'nodata' }>;

export const isVoid = (answer: DnsAnswer<unknown>): answer is VoidAnswer => answer.kind === 'nxdomain' || answer.kind === 'nodata';

/** The small interface every DNS consumer depends on; the real one speaks UDP/TCP, tests may fake it. */
export interface DnsResolver {
  query<T extends RecordType>(name: string, type: T): Promise<DnsAnswer<RecordData[T]>>;
  /** How many questions went out on the wire (cache hits and joined in-flight questions do not count). */
  readonly stats: () => { readonly sent: number; readonly cached: number };
}

/** TXT records as single strings (character-strings joined with no separator, RFC 7208 §3.3). */
export function joinTxt(records: readonly (readonly string[])[]): string[] {
  return records.map((strings) => strings.join(''));
}
