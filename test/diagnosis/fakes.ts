import type { TraceEvent, TraceMessage } from '../../src/model/trace';
import { failed, ok } from '../../src/model/result';
import type {
  ConnectorInfo, DnsEvidence, DomainAuditSummary, Fetched, KnownRecipient, QuarantineInfo, ServiceIssue, TenantEvidence,
  TraceQuery, TransportRuleInfo,
} from '../../src/diagnosis/evidence';

/** An in-memory tenant for runbook unit tests; the end-to-end tests use the emulator instead. */
export interface FakeTenantData {
  issues?: ServiceIssue[];
  messages?: TraceMessage[];
  events?: Record<string, TraceEvent[]>;
  recipients?: KnownRecipient[];
  acceptedDomains?: string[];
  rules?: TransportRuleInfo[];
  connectors?: ConnectorInfo[];
  quarantine?: Record<string, QuarantineInfo[]>;
  /** Sources that fail, by method name, with the advice they give. */
  failing?: Partial<Record<keyof TenantEvidence, string>>;
}

export function fakeTenant(data: FakeTenantData) {
  const calls: { method: string; argument?: unknown }[] = [];
  const answer = <T>(method: keyof TenantEvidence, value: T, argument?: unknown): Promise<Fetched<T>> => {
    calls.push({ method, argument });
    const advice = data.failing?.[method];
    return Promise.resolve(advice ? failed({ what: method, advice }) : ok(value));
  };
  const matches = (message: TraceMessage, query: TraceQuery) =>
    (!query.senderAddress || message.senderAddress === query.senderAddress) &&
    (!query.recipientAddress || message.recipientAddress === query.recipientAddress) &&
    (!query.messageId || message.messageId === query.messageId) &&
    message.receivedDateTime >= query.start.replace(/\.\d{3}Z$/, 'Z') && message.receivedDateTime <= query.end.replace(/\.\d{3}Z$/, 'Z');
  const tenant: TenantEvidence = {
    serviceIssues: () => answer('serviceIssues', data.issues ?? []),
    traceMessages: (query) => answer('traceMessages', (data.messages ?? []).filter((message) => matches(message, query)), query),
    traceDetails: (message) => answer('traceDetails', data.events?.[message.id] ?? [], message.id),
    recipients: () => answer('recipients', data.recipients ?? []),
    acceptedDomains: () => answer('acceptedDomains', data.acceptedDomains ?? ['contoso.com']),
    transportRules: () => answer('transportRules', data.rules ?? []),
    outboundConnectors: () => answer('outboundConnectors', data.connectors ?? []),
    quarantineFor: (messageId) => answer('quarantineFor', data.quarantine?.[messageId] ?? [], messageId),
  };
  return { tenant, calls };
}

export function fakeDns(audits: Record<string, Partial<DomainAuditSummary>>, failing: string[] = []): DnsEvidence {
  return {
    auditDomain: async (domain) =>
      failing.includes(domain)
        ? failed({ what: `DNS for ${domain}`, advice: 'the DNS server timed out; try again' })
        : ok({ domain, findings: [], spfRecord: null, dmarcRecord: null, dmarcPolicy: null, resolvedAt: '2026-11-20T15:00:00Z', ...audits[domain] }),
  };
}

let counter = 0;
export function message(partial: Partial<TraceMessage>): TraceMessage {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    senderAddress: 'alex@contoso.com',
    recipientAddress: 'bob@contoso.com',
    messageId: `<m${counter}@contoso.com>`,
    receivedDateTime: '2026-11-20T14:40:00Z',
    subject: 'Invoice',
    size: 20000,
    fromIP: '',
    toIP: '',
    status: 'delivered',
    ...partial,
  };
}

export function event(traceId: string, at: string, name: string, description = '', data = ''): TraceEvent {
  return { id: traceId, messageId: '', dateTime: at, event: name, action: '', description, data };
}
