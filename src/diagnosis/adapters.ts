import { failed, ok, type Result } from '../model/result';
import type { DnsResolver } from '../sources/dns';
import { explainFailure, type TenantClients, type TenantFailure } from '../sources/tenant';
import { auditDomain } from './domain';
import type { DnsEvidence, Fetched, ServiceIssue, TenantEvidence } from './evidence';

/** Turns a client failure into the two sentences the card shows ("what", and what to do about it). */
function fetched<T, U>(what: string, result: Result<T, TenantFailure>, map: (value: T) => U): Fetched<U> {
  if (result.kind === 'ok') return ok(map(result.value));
  if (result.kind === 'notFound') return ok(map(undefined as never));
  const explained = explainFailure(result.reason);
  return failed({ what: `${what}: ${explained.summary}`, advice: explained.advice });
}

/**
 * Service health changes over minutes, and every diagnosis starts with it: one read per tenant per minute keeps
 * Graph calls per diagnosis at the message trace itself (1 + messages examined). Failures are not kept.
 */
const HEALTH_TTL_MS = 60_000;
const healthCache = new WeakMap<TenantClients, { readAt: number; issues: Promise<Fetched<readonly ServiceIssue[]>> }>();

function serviceIssuesOf(clients: TenantClients, now: number): Promise<Fetched<readonly ServiceIssue[]>> {
  const cached = healthCache.get(clients);
  if (cached && now - cached.readAt < HEALTH_TTL_MS) return cached.issues;
  const issues = clients.graph.exchangeHealth().then((health) => fetched('Service health', health, (value) => value.activeIssues));
  healthCache.set(clients, { readAt: now, issues });
  void issues.then((result) => {
    if (result.kind === 'failed' && healthCache.get(clients)?.issues === issues) healthCache.delete(clients);
  });
  return issues;
}

/** The runbook's view of one tenant, read through the production Graph and Exchange clients. */
export function tenantEvidenceFrom(clients: TenantClients, now: () => Date = () => new Date()): TenantEvidence {
  const { graph, exchange } = clients;
  return {
    serviceIssues: () => serviceIssuesOf(clients, now().getTime()),
    traceMessages: async (query) =>
      fetched('Message trace', await graph.traceMessages({ ...query, window: { start: query.start, end: query.end } }), (list) => list.rows),
    traceDetails: async (message) =>
      fetched('Message trace details', await graph.traceDetails(message.id, message.recipientAddress), (events) => events),
    recipients: async () =>
      fetched('Get-Recipient', await exchange.listRecipients(), (rows) =>
        rows.flatMap((row) => row.addresses.map((address) => ({ address, displayName: row.displayName, type: row.recipientTypeDetails }))),
      ),
    acceptedDomains: async () => fetched('Get-AcceptedDomain', await exchange.acceptedDomains(), (rows) => rows.map((row) => row.domainName.toLowerCase())),
    transportRules: async () =>
      fetched('Get-TransportRule', await exchange.transportRules(), (rows) =>
        rows.map((rule) => ({
          name: rule.name, state: rule.state, mode: rule.mode, description: rule.description,
          rejectStatusCode: rule.rejectMessageEnhancedStatusCode, rejectText: rule.rejectMessageReasonText,
        })),
      ),
    outboundConnectors: async () =>
      fetched('Get-OutboundConnector', await exchange.outboundConnectors(), (rows) =>
        rows.map((row) => ({ name: row.name, enabled: row.enabled, recipientDomains: row.recipientDomains, smartHosts: row.smartHosts, tlsSettings: row.tlsSettings, tlsDomain: row.tlsDomain })),
      ),
    quarantineFor: async (messageId) =>
      fetched('Get-QuarantineMessage', await exchange.listQuarantine({ messageId }), (rows) =>
        rows.map((row) => ({ identity: row.identity, type: row.type, policyName: row.policyName, releaseStatus: row.releaseStatus, expires: row.expires || null })),
      ),
  };
}

/** The runbook's view of DNS: a domain's SPF, DKIM and DMARC as resolved now. */
export function dnsEvidenceFrom(resolver: DnsResolver, now: () => Date): DnsEvidence {
  return {
    async auditDomain(domain) {
      try {
        const audit = await auditDomain(domain, { checks: ['spf', 'dkim', 'dmarc'] }, resolver);
        return ok({
          domain: audit.domain,
          findings: audit.findings,
          spfRecord: audit.spf?.record ?? null,
          dmarcRecord: audit.dmarc?.record ?? null,
          dmarcPolicy: audit.dmarc?.policy ?? null,
          resolvedAt: now().toISOString(),
        });
      } catch (error) {
        return failed({ what: `DNS for ${domain}`, advice: `The DNS checks failed (${(error as Error).message}); try again, or run "check ${domain}".` });
      }
    },
  };
}
