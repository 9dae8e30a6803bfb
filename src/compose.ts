import { hostname } from 'node:os';
import type { DestinationStream } from 'pino';
import type { Services } from './assistant/services';
import type { Config } from './config';
import { tenantConnectivity, type ConnectivityServices } from './diagnosis/connectivity';
import { createEvidenceServices } from './evidence';
import { createLogger, type Logger } from './log';
import { createQuarantineServices, ExchangeQuarantineGateway, GraphGroupMembership, resumeJournaledWrites } from './quarantine';
import { createDnsResolver } from './sources/dns';
import { createSmtpProber } from './sources/smtp';
import { createQuarantineStores, DirectoryWriteJournal } from './sources/storage';
import { TenantDirectory, tenantProfilesFromConfig } from './sources/tenant';

/** The composition root: the one place that turns configuration into real sources (DNS, Graph, storage). */
export function createServices(config: Config, log: Logger = loggerFor(config)): Services {
  const stores = createQuarantineStores(config);
  if (stores.kind === 'memory') log.warn('no STORAGE_CONNECTION_STRING or STORAGE_ACCOUNT_URL: release requests and the audit log are kept in memory and lost on restart');
  // One directory of configured tenants (token caches, circuits) for every capability that calls Graph or Exchange.
  const tenants = new TenantDirectory(tenantProfilesFromConfig(config));
  const hasTenants = tenants.tenantIds().length > 0;
  const quarantine = createQuarantineServices(config, {
    requests: stores.requests,
    audit: stores.audit,
    gateway: hasTenants ? new ExchangeQuarantineGateway(tenants) : null,
    groups: hasTenants ? new GraphGroupMembership(tenants) : null,
    credentialedTenantIds: tenants.tenantIds(),
    journal: config.PENDING_WRITES_DIR ? new DirectoryWriteJournal(config.PENDING_WRITES_DIR) : undefined,
    reportWriteFailure: (what, error, willRetry) =>
      log.error({ err: error, what, willRetry }, willRetry ? 'storage refused a release record; retrying until it answers' : 'gave up writing a release record'),
  });
  // Records an earlier process could not write (storage was down when it stopped) are written now.
  void resumeJournaledWrites(quarantine).then(
    (count) => count > 0 && log.warn({ count }, 'resuming release records that an earlier run could not write'),
    (error: unknown) => log.error({ err: error }, `could not read PENDING_WRITES_DIR`),
  );
  const dns = createDnsResolver({ servers: config.DNS_SERVERS, timeoutMs: config.DNS_TIMEOUT_MS });
  const connectivity: ConnectivityServices = {
    smtp: createSmtpProber({ timeoutMs: config.SMTP_TIMEOUT_MS, heloName: config.SMTP_HELO_NAME ?? hostname() }),
    // Connector rows and the test mailbox come from the conversation's own tenant, never another's.
    tenant: (tenantId) => {
      const clients = tenants.forTenant(tenantId);
      return clients.kind === 'ok' ? tenantConnectivity(clients.value, { dns, now: () => new Date() }) : null;
    },
  };
  const evidence = createEvidenceServices(config, log);
  return { config, log, now: () => new Date(), tenants, quarantine, connectivity, dns, evidence };
}

/** `destination` defaults to stderr; tests pass a capture to check what reaches the log. */
export function loggerFor(config: Config, destination?: DestinationStream): Logger {
  // A connection string's key can surface on its own (an SDK error quoting AccountKey=…), so its parts count too.
  const keyParts = [config.STORAGE_CONNECTION_STRING, config.APPLICATIONINSIGHTS_CONNECTION_STRING].flatMap((connection) =>
    [...(connection ?? '').matchAll(/(?:AccountKey|SharedAccessSignature|InstrumentationKey)=([^;]+)/gi)].map((match) => match[1]),
  );
  const secrets = [
    config.BOT_PASSWORD, config.TENANT_CLIENT_SECRET, config.EXPORT_SIGNING_KEY, config.STORAGE_CONNECTION_STRING, config.TENANT_CERTIFICATE_PEM,
    config.APPLICATIONINSIGHTS_CONNECTION_STRING, ...keyParts,
  ].filter((value): value is string => typeof value === 'string' && value.length > 0);
  return createLogger({ level: config.LOG_LEVEL, redactEmails: config.LOG_REDACT_EMAILS, secrets, destination });
}
