import type { MessageSnapshot, QuarantinedMessage, QuarantineType, ReleaseRequest } from './model';

/** The rules a release request lives by; built once from configuration. */
export interface ReleasePolicy {
  /** Entra tenants whose users may act. Empty means nobody: the bot never guesses a tenant. */
  readonly allowedTenantIds: readonly string[];
  /** How long a request stays open (APPROVAL_TTL_HOURS). */
  readonly ttlHours: number;
  /** The approvers' channel (APPROVAL_CONVERSATION_ID) and the one tenant it belongs to; null: the asking conversation. */
  readonly approvalChannel: ApprovalChannel | null;
}

export interface ApprovalChannel {
  readonly tenantId: string;
  readonly conversationId: string;
}

/** The approvers' channel serves requests of its own tenant only: another tenant's mail must not be shown there. */
export function approvalChannelFor(policy: ReleasePolicy, tenantId: string): ApprovalChannel | null {
  const channel = policy.approvalChannel;
  return channel && channel.tenantId.toLowerCase() === tenantId.toLowerCase() ? channel : null;
}

/**
 * Whether an action from `actingIn` may act on a request bound to `boundTo`. A channel thread is
 * `19:…@thread.tacv2;messageid=…`; a request bound to the bare channel id admits any thread of it, because the bot
 * learns the thread of the card it posts only from Teams' answer.
 */
export function conversationMatches(boundTo: string, actingIn: string): boolean {
  if (boundTo === actingIn) return true;
  return !boundTo.includes(';') && actingIn.startsWith(`${boundTo};messageid=`);
}

/**
 * Types that the chat may never release. Malware (and SharePoint malware) must go through the Defender portal,
 * where an admin sees the detonation report; Microsoft's own AdminOnlyAccessPolicy makes the same call.
 */
const NOT_RELEASABLE_FROM_CHAT: ReadonlySet<QuarantineType> = new Set<QuarantineType>(['Malware', 'SPOMalware']);

export const DEFENDER_QUARANTINE_URL = 'https://security.microsoft.com/quarantine';

/** Teams accepts at most 60 MRIs in `refresh.userIds`. */
export const MAX_REFRESH_USERS = 60;

/** A `releasing` claim older than this is treated as abandoned (the bot died mid-release) and may be retried. */
export const STALE_CLAIM_MS = 10 * 60 * 1000;

/** A reason is what the approver reads; it must say something, and it must fit on a card. */
export const MAX_REASON_CHARS = 500;

export function isReleasableFromChat(type: QuarantineType): boolean {
  return !NOT_RELEASABLE_FROM_CHAT.has(type);
}

export function isTenantAllowed(policy: ReleasePolicy, tenantId: string | null): tenantId is string {
  return tenantId !== null && policy.allowedTenantIds.some((allowed) => allowed.toLowerCase() === tenantId.toLowerCase());
}

/** A request expires after the TTL, and never later than the quarantine expiry of the message itself. */
export function requestExpiry(now: Date, policy: ReleasePolicy, quarantineExpiresAt: string): string {
  const byTtl = now.getTime() + policy.ttlHours * 3600_000;
  const byQuarantine = Date.parse(quarantineExpiresAt);
  const end = Number.isFinite(byQuarantine) ? Math.min(byTtl, byQuarantine) : byTtl;
  return new Date(end).toISOString();
}

export function isPastExpiry(request: ReleaseRequest, now: Date): boolean {
  return now.getTime() >= Date.parse(request.expiresAt);
}

export function normaliseReason(text: string | null | undefined): string | null {
  const reason = (text ?? '').replace(/\s+/g, ' ').trim();
  if (reason.length === 0) return null;
  return reason.length > MAX_REASON_CHARS ? reason.slice(0, MAX_REASON_CHARS - 1) + '…' : reason;
}

export function snapshotOf(message: QuarantinedMessage): MessageSnapshot {
  return {
    identity: message.identity,
    sender: message.sender,
    recipients: message.recipients,
    subject: message.subject,
    receivedAt: message.receivedAt,
    type: message.type,
    typeLabel: message.typeLabel,
    policyName: message.policyName,
    quarantineExpiresAt: message.expiresAt,
  };
}

/** Two people are the same if either id matches: the Entra object id when both have one, else the Teams id. */
export function samePerson(a: { userId: string; aadObjectId: string | null }, b: { userId: string; aadObjectId: string | null }): boolean {
  if (a.aadObjectId && b.aadObjectId && a.aadObjectId.toLowerCase() === b.aadObjectId.toLowerCase()) return true;
  return a.userId === b.userId;
}
