import ipaddr from 'ipaddr.js';
import type { DnsAnswer, DnsResolver } from '../../sources/dns';
import type { SmtpProber } from '../../sources/smtp';
import type { Result } from '../../model/result';
import type { TestMailSource } from './test-message';

/** Exchange cmdlet output as the admin API returns it: PascalCase rows. */
export type CmdletRow = Readonly<Record<string, unknown>>;

/** Reads connector configuration; the tenant client provides it, tests may fake it. */
export interface ConnectorSource {
  run(cmdlet: 'Get-OutboundConnector' | 'Get-InboundConnector'): Promise<Result<readonly CmdletRow[]>>;
}

/** What a connected Microsoft 365 tenant gives the connectivity tests. */
export interface TenantConnectivity {
  /** Get-OutboundConnector / Get-InboundConnector through the Exchange admin API. */
  readonly connectors: ConnectorSource;
  /** Graph sendMail from TEST_MAILBOX and message trace. */
  readonly testMail: TestMailSource;
}

/** The connectivity sources the assistant holds (`services.connectivity`). */
export interface ConnectivityServices {
  readonly smtp: SmtpProber;
  /** The tenant's sources for a conversation's tenant id; null when that tenant is not connected to this bot. */
  readonly tenant: (tenantId: string | null) => TenantConnectivity | null;
}

/** What the connectivity tests need from the outside world, passed in so the CLI, the bot and tests share them. */
export interface ConnectivityDeps {
  readonly dns: DnsResolver;
  readonly smtp: SmtpProber;
  /** SMTP port to test (25 in production; tests use a loopback port). */
  readonly port: number;
  /** DNS blocklist zones, queried as <reversed-ip>.<zone>. */
  readonly blocklists: readonly string[];
  /** Connect to private and loopback addresses too (labs and tests); production refuses, see `isPublicAddress`. */
  readonly allowPrivateTargets?: boolean;
  readonly now: () => Date;
}

/** One line for a DNS answer that is not data, as a person reads it. */
export function describeDnsFailure(answer: Exclude<DnsAnswer<unknown>, { kind: 'ok' }>): string {
  switch (answer.kind) {
    case 'nxdomain':
      return 'the name does not exist (NXDOMAIN)';
    case 'nodata':
      return 'no record of that type';
    case 'temperror':
      return answer.message;
  }
}

/** A host's addresses, IPv4 first (what most MTAs try first); empty when it has none. */
export async function addressesOf(dns: DnsResolver, host: string): Promise<{ addresses: string[]; error: string | null }> {
  const [a, aaaa] = await Promise.all([dns.query(host, 'A'), dns.query(host, 'AAAA')]);
  const addresses = [...(a.kind === 'ok' ? a.records : []), ...(aaaa.kind === 'ok' ? aaaa.records : [])];
  const failure = [a, aaaa].find((answer) => answer.kind === 'temperror');
  return { addresses, error: addresses.length === 0 && failure && failure.kind === 'temperror' ? failure.message : null };
}

/** Ranges the internet never sees as a mail server or sender; documentation ranges are left alone so examples read naturally. */
export const NOT_PUBLIC_RANGES: ReadonlySet<string> = new Set(['private', 'loopback', 'linkLocal', 'uniqueLocal', 'carrierGradeNat', 'unspecified', 'broadcast', 'multicast']);

/** The address's ipaddr.js range name when it is not reachable from the internet, else null. */
export function nonPublicRange(address: string): string | null {
  try {
    const range = ipaddr.process(address).range();
    return NOT_PUBLIC_RANGES.has(range) ? range : null;
  } catch {
    return 'invalid';
  }
}
