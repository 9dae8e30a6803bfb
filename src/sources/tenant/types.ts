import type { TraceEvent, TraceMessage } from '../../model/trace';

/**
 * What the tenant clients return: Graph and Exchange data with the fields the diagnosis uses, in camelCase. Exchange
 * rows keep their original PascalCase object in `raw` for anything not lifted out here.
 */

/** exchangeMessageTraceStatus, compared case-insensitively (v1.0 says `delivered`, old beta `Delivered`). */
export const TRACE_STATUSES = ['gettingStatus', 'pending', 'failed', 'delivered', 'expanded', 'quarantined', 'filteredAsSpam', 'recalled'] as const;
export type TraceStatus = (typeof TRACE_STATUSES)[number] | 'unknown';

/** One message to one recipient, as Graph message trace lists it: the shared model's row, with its status parsed. */
export interface MessageTrace extends Omit<TraceMessage, 'status'> {
  readonly status: TraceStatus;
}

/** One event on a message's way to one recipient (Receive, Spam, Transport rule, Defer, Fail, Deliver, …): the model's. */
export type MessageTraceEvent = TraceEvent;

export interface TraceQuery {
  /** Received between these instants (UTC). Default: the last 48 hours. At most 10 days, start at most 90 days ago. */
  readonly window?: { readonly start: Date | string; readonly end: Date | string };
  readonly senderAddress?: string;
  readonly recipientAddress?: string;
  readonly messageId?: string;
  readonly status?: Exclude<TraceStatus, 'unknown' | 'recalled'>;
  readonly subjectContains?: string;
  readonly fromIP?: string;
  readonly toIP?: string;
  /** Rows per page (1–5000, Graph default 1000). */
  readonly pageSize?: number;
  /** Stop paging after this many rows (default 5000). */
  readonly maxRows?: number;
  /** Skip the 60 s answer cache (polling for a just-sent test message); concurrent askers still share one request. */
  readonly fresh?: boolean;
}

export interface TraceList {
  readonly rows: readonly MessageTrace[];
  /** More rows exist than `maxRows` allowed. */
  readonly truncated: boolean;
  readonly window: { readonly start: string; readonly end: string };
}

export interface ServiceHealthIssue {
  /** e.g. EX1187342 */
  readonly id: string;
  readonly title: string;
  readonly impactDescription: string;
  readonly classification: 'incident' | 'advisory' | string;
  readonly status: string;
  readonly service: string;
  readonly feature: string;
  readonly featureGroup: string;
  readonly isResolved: boolean;
  readonly startDateTime: string;
  readonly endDateTime: string | null;
  readonly lastModifiedDateTime: string;
  /** The latest post's text (HTML removed), if any. */
  readonly latestUpdate: string | null;
  /** Whether the feature is about mail flow (delivery, sending, receiving) rather than e.g. search or the portal. */
  readonly affectsMailFlow: boolean;
}

export interface ServiceHealth {
  readonly service: string;
  /** serviceHealthStatus of the service as a whole, e.g. serviceOperational, serviceDegradation. */
  readonly status: string;
  /** Unresolved issues for the service, newest first. */
  readonly activeIssues: readonly ServiceHealthIssue[];
}

export interface TenantDomain {
  readonly id: string;
  readonly isDefault: boolean;
  readonly isInitial: boolean;
  readonly isVerified: boolean;
  readonly supportedServices: readonly string[];
}

/** An expected DNS record for a domain (Graph serviceConfigurationRecords). */
export interface DomainDnsRecord {
  readonly recordType: string;
  readonly label: string;
  readonly ttl: number;
  readonly isOptional: boolean;
  readonly supportedService: string | null;
  readonly mailExchange?: string;
  readonly preference?: number;
  readonly text?: string;
  readonly canonicalName?: string;
}

export interface DirectoryUser {
  readonly id: string;
  readonly displayName: string;
  readonly userPrincipalName: string;
  readonly mail: string | null;
  /** Every SMTP address (primary first), lower-case, without the smtp: prefix. */
  readonly addresses: readonly string[];
}

type Raw = Readonly<Record<string, unknown>>;

export interface QuarantinedMessage {
  /** `NetworkMessageId\RecipientGuid`: what Release-QuarantineMessage takes. */
  readonly identity: string;
  readonly receivedTime: string;
  readonly messageId: string;
  readonly senderAddress: string;
  readonly recipientAddress: readonly string[];
  readonly subject: string;
  readonly size: number;
  /** e.g. Spam, Phish, High Confidence Phish, Malware, TransportRule */
  readonly type: string;
  readonly quarantineTypes: string;
  readonly policyType: string;
  readonly policyName: string;
  /** The quarantine policy (AdminOnlyAccessPolicy lets only admins release). */
  readonly tagName: string;
  /** Upper-case as Exchange returns it: NOTRELEASED, RELEASED, REQUESTED, PREPARINGTORELEASE, DENIED, … */
  readonly releaseStatus: string;
  readonly released: boolean;
  readonly releasedUsers: readonly string[];
  readonly expires: string;
  readonly direction: string;
  /** Whether the app (the caller) may release it. */
  readonly permissionToRelease: boolean;
  readonly raw: Raw;
}

export interface QuarantineFilter {
  readonly recipientAddress?: readonly string[];
  readonly senderAddress?: readonly string[];
  readonly messageId?: string;
  readonly quarantineTypes?: readonly string[];
  readonly releaseStatus?: readonly string[];
  readonly startReceivedDate?: Date | string;
  readonly endReceivedDate?: Date | string;
  readonly direction?: 'Inbound' | 'Outbound';
  readonly subject?: string;
  /** Rows per page (1–1000, default 100). */
  readonly pageSize?: number;
  /** Stop after this many pages (default 10). */
  readonly maxPages?: number;
}

export interface ReleaseOptions {
  /** Release to these recipients; omit to release to every original recipient (-ReleaseToAll). */
  readonly users?: readonly string[];
  readonly allowSender?: boolean;
  readonly reportFalsePositive?: boolean;
  /** Release again even if already released. */
  readonly force?: boolean;
}

export interface ReleaseOutcome {
  readonly identity: string;
  /** The status read back after the release (RELEASED, or PREPARINGTORELEASE while Exchange works on it). */
  readonly releaseStatus: string;
  readonly releasedUsers: readonly string[];
  readonly warnings: readonly string[];
}

export interface InboundConnector {
  readonly name: string;
  readonly enabled: boolean;
  readonly connectorType: string;
  readonly connectorSource: string;
  readonly senderDomains: readonly string[];
  readonly senderIPAddresses: readonly string[];
  readonly restrictDomainsToIPAddresses: boolean;
  readonly restrictDomainsToCertificate: boolean;
  readonly requireTls: boolean;
  readonly tlsSenderCertificateName: string | null;
  readonly comment: string;
  readonly raw: Raw;
}

export interface OutboundConnector {
  readonly name: string;
  readonly enabled: boolean;
  readonly connectorType: string;
  readonly recipientDomains: readonly string[];
  readonly smartHosts: readonly string[];
  readonly useMXRecord: boolean;
  /** EncryptionOnly | CertificateValidation | DomainValidation */
  readonly tlsSettings: string | null;
  readonly tlsDomain: string | null;
  readonly isTransportRuleScoped: boolean;
  readonly routeAllMessagesViaOnPremises: boolean;
  readonly isValidated: boolean;
  readonly lastValidationTimestamp: string | null;
  readonly comment: string;
  readonly raw: Raw;
}

export interface TransportRule {
  readonly name: string;
  readonly guid: string;
  readonly priority: number;
  readonly state: string;
  readonly mode: string;
  /** The If/Then text Exchange writes for the rule: the best thing to show a person. */
  readonly description: string;
  readonly rejectMessageReasonText: string | null;
  readonly rejectMessageEnhancedStatusCode: string | null;
  readonly quarantine: boolean;
  readonly deleteMessage: boolean;
  readonly redirectMessageTo: readonly string[];
  readonly setScl: number | null;
  readonly raw: Raw;
}

export interface AcceptedDomain {
  readonly name: string;
  readonly domainName: string;
  /** Authoritative | InternalRelay | ExternalRelay */
  readonly domainType: string;
  readonly isDefault: boolean;
  readonly isInitial: boolean;
  readonly matchSubDomains: boolean;
  readonly raw: Raw;
}

export interface DkimSigningConfig {
  readonly domain: string;
  readonly enabled: boolean;
  readonly status: string;
  readonly selector1CNAME: string;
  readonly selector2CNAME: string;
  readonly keySize: number | null;
  readonly isValid: boolean;
  readonly raw: Raw;
}

export interface RemoteDomain {
  readonly name: string;
  readonly domainName: string;
  readonly autoForwardEnabled: boolean;
  readonly autoReplyEnabled: boolean;
  readonly ndrEnabled: boolean;
  readonly raw: Raw;
}

export interface ExchangeRecipient {
  readonly name: string;
  readonly displayName: string;
  readonly primarySmtpAddress: string;
  /** Lower-case SMTP addresses without the smtp: prefix. */
  readonly addresses: readonly string[];
  readonly recipientType: string;
  /** UserMailbox, SharedMailbox, MailUser (e.g. a hybrid on-premises mailbox), groups… */
  readonly recipientTypeDetails: string;
  readonly raw: Raw;
}
