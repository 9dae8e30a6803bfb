import type { Config } from '../config';
import type { ConnectivityServices } from '../diagnosis/connectivity';
import type { EvidenceServices } from '../evidence';
import type { Logger } from '../log';
import type { QuarantineServices } from '../quarantine';
import type { DnsResolver, PolicyFetcher } from '../sources/dns';
import type { TenantDirectory } from '../sources/tenant';

/**
 * The I/O the assistant may use, passed in rather than imported, so that tests, the CLI and the bot can
 * wire the same handlers to the emulator, to local DNS or to production.
 */
export interface Services {
  readonly config: Config;
  readonly log: Logger;
  readonly now: () => Date;
  /** The configured tenants' Graph and Exchange clients; an unconfigured tenant is refused before any call. */
  readonly tenants: TenantDirectory;
  /** Quarantine review and four-eyes release: Exchange quarantine, approvers, request store and audit log. */
  readonly quarantine: QuarantineServices;
  /** SMTP probes, connector configuration and the test mailbox (connectivity tests and test messages). */
  readonly connectivity: ConnectivityServices;
  /** DNS over UDP/TCP to DNS_SERVERS (or the system's resolvers), cached per TTL; shared by every check. */
  readonly dns: DnsResolver;
  /** Fetches MTA-STS policies over HTTPS; tests and the offline demo answer locally. Default: real HTTPS. */
  readonly fetchMtaStsPolicy?: PolicyFetcher;
  /** The case log and message trace exports ("Copy for ticket", "Export trace (CSV)", `mailflow-doctor case`). */
  readonly evidence?: EvidenceServices;
}
