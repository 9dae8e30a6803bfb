import type { CheckFinding } from '../model/check-finding';
import type { Result } from '../model/result';
import type { TraceEvent, TraceMessage } from '../model/trace';

/**
 * What the runbook reads, as ports: the composition root adapts the Graph/Exchange clients and the DNS audit to
 * them, tests can hand in fakes, and the diagnosis never imports a client directly.
 */
export interface SourceProblem {
  /** "Message trace", "Get-TransportRule" … */
  readonly what: string;
  /** What a person can do about it ("grant ExchangeMessageTrace.Read.All and consent"). */
  readonly advice: string;
}

export type Fetched<T> = Result<T, SourceProblem>;

export interface TraceQuery {
  readonly senderAddress?: string;
  readonly recipientAddress?: string;
  readonly messageId?: string;
  readonly start: string;
  readonly end: string;
}

export interface ServiceIssue {
  readonly id: string;
  readonly title: string;
  readonly classification: string;
  readonly status: string;
  readonly feature: string;
  readonly featureGroup: string;
  readonly impactDescription: string;
  readonly startDateTime: string;
  readonly isResolved: boolean;
}

export interface KnownRecipient {
  readonly address: string;
  readonly displayName: string;
  readonly type: string;
}

export interface TransportRuleInfo {
  readonly name: string;
  readonly state: string;
  readonly mode: string;
  readonly description: string;
  readonly rejectStatusCode: string | null;
  readonly rejectText: string | null;
}

export interface ConnectorInfo {
  readonly name: string;
  readonly enabled: boolean;
  readonly recipientDomains: readonly string[];
  readonly smartHosts: readonly string[];
  readonly tlsSettings: string | null;
  readonly tlsDomain: string | null;
}

export interface QuarantineInfo {
  readonly identity: string;
  readonly type: string;
  readonly policyName: string;
  readonly releaseStatus: string;
  readonly expires: string | null;
}

export interface TenantEvidence {
  serviceIssues(): Promise<Fetched<readonly ServiceIssue[]>>;
  traceMessages(query: TraceQuery): Promise<Fetched<readonly TraceMessage[]>>;
  traceDetails(message: TraceMessage): Promise<Fetched<readonly TraceEvent[]>>;
  recipients(): Promise<Fetched<readonly KnownRecipient[]>>;
  acceptedDomains(): Promise<Fetched<readonly string[]>>;
  transportRules(): Promise<Fetched<readonly TransportRuleInfo[]>>;
  outboundConnectors(): Promise<Fetched<readonly ConnectorInfo[]>>;
  quarantineFor(messageId: string): Promise<Fetched<readonly QuarantineInfo[]>>;
}

export interface DomainAuditSummary {
  readonly domain: string;
  readonly findings: readonly CheckFinding[];
  readonly spfRecord: string | null;
  readonly dmarcRecord: string | null;
  readonly dmarcPolicy: string | null;
  /** When the records were resolved (UTC ISO), so the evidence says what DNS said then. */
  readonly resolvedAt: string;
}

export interface DnsEvidence {
  auditDomain(domain: string): Promise<Fetched<DomainAuditSummary>>;
}
