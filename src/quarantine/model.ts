/**
 * The quarantine release workflow's vocabulary: what Exchange Online holds, what a helpdesk engineer asks for,
 * and what the audit log remembers. Plain data, so it can be stored as JSON and shown on a card.
 */

/** Quarantine types as `Get-QuarantineMessage -QuarantineTypes` names them. */
export const QUARANTINE_TYPES = [
  'Bulk', 'DataLossPrevention', 'FileTypeBlock', 'HighConfPhish', 'Malware', 'Phish', 'Spam', 'SPOMalware', 'TransportRule',
] as const;
export type QuarantineType = (typeof QUARANTINE_TYPES)[number] | 'Other';

/** `ReleaseStatus` of a quarantined message (the cmdlet answers in upper case; we normalise). */
export type QuarantineReleaseStatus =
  | 'NotReleased' | 'Requested' | 'Approved' | 'Denied' | 'PreparingToRelease' | 'Released' | 'Error' | 'Unknown';

/** One quarantined message as the helpdesk needs to see it (a row of Get-QuarantineMessage). */
export interface QuarantinedMessage {
  /** `NetworkMessageId\RecipientGuid`, the cmdlets' `-Identity`. */
  readonly identity: string;
  readonly messageId: string | null;
  readonly receivedAt: string;
  readonly sender: string;
  readonly recipients: readonly string[];
  readonly subject: string;
  readonly type: QuarantineType;
  /** The label Exchange shows, e.g. "High Confidence Phish"; falls back to `type`. */
  readonly typeLabel: string;
  readonly policyType: string | null;
  readonly policyName: string | null;
  /** When Exchange deletes it from quarantine; a release request never outlives it. */
  readonly expiresAt: string;
  readonly releaseStatus: QuarantineReleaseStatus;
  readonly direction: 'Inbound' | 'Outbound' | null;
}

/** What to search quarantine for: every field narrows; an empty query lists the newest messages. */
export interface QuarantineQuery {
  readonly senders: readonly string[];
  readonly recipients: readonly string[];
  readonly subject: string | null;
  readonly receivedFrom: string | null;
  readonly receivedTo: string | null;
  /** Upper bound on the number of rows; the gateway pages until it has this many or runs out. */
  readonly limit: number;
}

export interface ReleaseOptions {
  /** `-AllowSender`: Exchange stops quarantining this sender for the recipients. */
  readonly allowSender: boolean;
  /** `-ReportFalsePositive`: reports the message to Microsoft (spam verdicts only). */
  readonly reportFalsePositive: boolean;
}

/** A person who acted, as stored: the Teams id (MRI "29:…") and the Entra object id. */
export interface Person {
  readonly userId: string;
  readonly aadObjectId: string | null;
  readonly name: string | null;
}

/** The message as it was when the release was requested: the card and the audit log show this snapshot. */
export interface MessageSnapshot {
  readonly identity: string;
  readonly sender: string;
  readonly recipients: readonly string[];
  readonly subject: string;
  readonly receivedAt: string;
  readonly type: QuarantineType;
  readonly typeLabel: string;
  readonly policyName: string | null;
  readonly quarantineExpiresAt: string;
}

export interface Decision {
  readonly by: Person;
  readonly at: string;
}

export interface Approval extends Decision {
  readonly options: ReleaseOptions;
}

/**
 * Where a request stands. `releasing` is the claim an approver takes (with an ETag-conditional write) before
 * calling Release-QuarantineMessage, so that two approvers at the same moment release once.
 */
export type ReleaseRequestState =
  | { readonly status: 'pending' }
  | { readonly status: 'releasing'; readonly approval: Approval }
  | { readonly status: 'released'; readonly approval: Approval; readonly releasedAt: string }
  | { readonly status: 'failed'; readonly approval: Approval; readonly failedAt: string; readonly error: string }
  | { readonly status: 'rejected'; readonly rejection: Decision; readonly reason: string }
  | { readonly status: 'expired'; readonly expiredAt: string }
  /** The approval card never reached the approvers' channel, so nobody could decide it; the requester was told. */
  | { readonly status: 'withdrawn'; readonly withdrawnAt: string; readonly reason: string };

export type ReleaseRequestStatus = ReleaseRequestState['status'];

export interface ReleaseRequest {
  readonly id: string;
  readonly tenantId: string;
  readonly message: MessageSnapshot;
  readonly requestedBy: Person;
  readonly reason: string;
  readonly requestedAt: string;
  /** Never later than the quarantine expiry: a release after Exchange deleted the message cannot work. */
  readonly expiresAt: string;
  /**
   * The conversation whose approval card may act on this request; invokes from elsewhere are refused. A channel id
   * without `;messageid=` (the configured approvers' channel) admits the thread the bot started in that channel.
   */
  readonly conversationId: string;
  /** Where the requester asked, when the card went elsewhere: the decision is reported back there. */
  readonly requestedIn?: string;
  /** Teams MRIs that see Approve/Reject on the card (`refresh.userIds`, at most 60). */
  readonly approverUserIds: readonly string[];
  readonly state: ReleaseRequestState;
}

export const AUDIT_EVENTS = ['requested', 'approved', 'rejected', 'released', 'release-failed', 'expired', 'withdrawn', 'refused'] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

/** One line of the append-only audit log: who did what, when, why, in which tenant, to which message. */
export interface AuditEntry {
  readonly at: string;
  readonly event: AuditEvent;
  readonly tenantId: string;
  readonly requestId: string | null;
  readonly messageIdentity: string | null;
  readonly sender: string | null;
  readonly subject: string | null;
  readonly actor: Person;
  /** The requester's reason, the rejection reason, the release error or the refusal. */
  readonly detail: string | null;
}
