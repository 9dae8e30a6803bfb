import { randomUUID } from 'node:crypto';
import type { Approval, AuditEntry, AuditEvent, Person, ReleaseOptions, ReleaseRequest, ReleaseRequestState } from './model';
import {
  conversationMatches, DEFENDER_QUARANTINE_URL, isPastExpiry, isReleasableFromChat, isTenantAllowed, normaliseReason,
  requestExpiry, samePerson, snapshotOf, STALE_CLAIM_MS, type ReleasePolicy,
} from './policy';
import type {
  ApproverDirectory, AuditLog, MemberLookup, QuarantineGateway, ReleaseRequestStore, StoredRequest, WriteFailureReporter, WriteJournal,
} from './ports';
import { recordApproval, type ApprovalEvent } from '../ops/telemetry';
import { writeEventually } from './eventually';

/**
 * Four-eyes release of quarantined mail. Every entry point re-reads the request from storage by id and
 * re-checks tenant, approver rights and expiry: what a card sent us is a hint, never a fact.
 */
export interface ReleaseWorkflow {
  readonly gateway: QuarantineGateway;
  readonly approvers: ApproverDirectory;
  readonly requests: ReleaseRequestStore;
  readonly audit: AuditLog;
  readonly policy: ReleasePolicy;
  readonly newId?: () => string;
  /** Keeps post-release writes that storage refused across restarts (see eventually.ts). */
  readonly journal?: WriteJournal;
  readonly reportWriteFailure?: WriteFailureReporter;
}

/** Who acts, from where: the server's view of the invoke, not the card's. */
export interface ActingContext {
  readonly actor: Person;
  /** The tenant Teams says the conversation belongs to. */
  readonly tenantId: string | null;
  readonly conversationId: string;
  /** Approvers can only see an approval card in a channel or group chat, never in someone's personal chat. */
  readonly conversationKind: 'personal' | 'channel' | 'groupChat';
  readonly now: Date;
}

export type RefusalCode =
  | 'tenant-not-allowed' | 'wrong-tenant' | 'wrong-conversation' | 'not-found' | 'not-approver' | 'approver-unknown'
  | 'self-approval' | 'malware' | 'expired' | 'already-decided' | 'already-released' | 'message-not-found'
  | 'quarantine-unavailable' | 'reason-required' | 'in-progress' | 'personal-chat' | 'undeliverable';

/** The answer of posting an approval card to the approvers' channel. */
export type PostOutcome = { readonly kind: 'posted' } | { readonly kind: 'failed'; readonly reason: string };

/**
 * Where a new request's approval card goes: the conversation it was asked in, or the approvers' channel, which the
 * caller reaches with `post` (a proactive message). The workflow decides nothing about Teams; it records the route.
 */
export type ApprovalRoute = (
  | { readonly kind: 'here' }
  | { readonly kind: 'approvers'; readonly conversationId: string; readonly post: (request: ReleaseRequest) => Promise<PostOutcome> }
) & {
  /** Finds approvers configured by Entra object id among the members where the card goes (absent outside Teams). */
  readonly members?: MemberLookup;
};

/** Without a way to post to an approvers' channel, a request made in a personal chat could never be decided. */
export const PERSONAL_CHAT =
  'Ask for a release in your helpdesk channel or a group chat with an approver (mention me there): nobody else can see an approval card in this personal chat.';

export interface Refusal {
  readonly kind: 'refused';
  readonly code: RefusalCode;
  /** One or two sentences for the person who clicked. */
  readonly message: string;
  /** The request as stored, when there is one the actor may see (it belongs to their tenant). */
  readonly request: ReleaseRequest | null;
}

export type Viewer = 'approver' | 'requester' | 'other';

export type WorkflowOutcome =
  | { readonly kind: 'requested'; readonly request: ReleaseRequest; readonly existing: boolean }
  | { readonly kind: 'released'; readonly request: ReleaseRequest }
  | { readonly kind: 'rejected'; readonly request: ReleaseRequest }
  | { readonly kind: 'releaseFailed'; readonly request: ReleaseRequest; readonly error: string }
  /** `decidesHere`: the card was opened where the request may be decided (its own conversation). */
  | { readonly kind: 'viewed'; readonly request: ReleaseRequest; readonly viewer: Viewer; readonly decidesHere: boolean }
  | Refusal;

const refuse = (code: RefusalCode, message: string, request: ReleaseRequest | null = null): Refusal => ({
  kind: 'refused', code, message, request,
});

function auditEntry(
  event: AuditEvent,
  actor: Person,
  tenantId: string,
  request: ReleaseRequest | null,
  detail: string | null,
  now: Date,
  identity: string | null = request?.message.identity ?? null,
): AuditEntry {
  return {
    at: now.toISOString(),
    event,
    tenantId,
    requestId: request?.id ?? null,
    messageIdentity: identity,
    sender: request?.message.sender ?? null,
    subject: request?.message.subject ?? null,
    actor,
    detail,
  };
}

function countApproval(event: AuditEvent): void {
  const metric = APPROVAL_METRICS[event];
  if (metric) recordApproval(metric);
}

async function record(flow: ReleaseWorkflow, ...entry: Parameters<typeof auditEntry>): Promise<void> {
  await flow.audit.append(auditEntry(...entry));
  countApproval(entry[0]);
}

/** A write that must not be lost once Exchange has acted: journaled and retried if storage refuses it now. */
async function recordEventually(flow: ReleaseWorkflow, ...entry: Parameters<typeof auditEntry>): Promise<void> {
  await writeEventually(flow, { kind: 'audit', entry: auditEntry(...entry) });
  countApproval(entry[0]);
}

/** The approval events counted in telemetry (the audit log keeps every event). */
const APPROVAL_METRICS: Partial<Record<AuditEntry['event'], ApprovalEvent>> = {
  requested: 'requested', approved: 'approved', rejected: 'rejected', expired: 'expired', refused: 'denied',
};

/** Who decided a request, in words ("already approved by Dana Lee at …"). */
export function decisionSummary(request: ReleaseRequest): string | null {
  const state = request.state;
  const name = (person: Person) => person.name ?? person.userId;
  switch (state.status) {
    case 'pending':
      return null;
    case 'releasing':
      return `already approved by ${name(state.approval.by)} (the release is running)`;
    case 'released':
      return `already approved by ${name(state.approval.by)} and released`;
    case 'failed':
      return `approved by ${name(state.approval.by)}, but the release failed`;
    case 'rejected':
      return `already rejected by ${name(state.rejection.by)}`;
    case 'expired':
      return 'expired';
    case 'withdrawn':
      return 'withdrawn (its card never reached the approvers)';
  }
}

function checkTenant(flow: ReleaseWorkflow, acting: ActingContext): Refusal | null {
  if (!isTenantAllowed(flow.policy, acting.tenantId)) {
    return refuse('tenant-not-allowed', 'Quarantine releases are not enabled for your organisation (tenant) in this bot.');
  }
  return null;
}

/**
 * Loads a request for an action and applies the checks every action shares. A request of another tenant is
 * reported as not found, so a forged id learns nothing about other tenants.
 */
async function loadForAction(
  flow: ReleaseWorkflow,
  acting: ActingContext,
  requestId: unknown,
  claimedTenantId: unknown,
  verb: string,
): Promise<{ kind: 'loaded'; stored: StoredRequest; tenantId: string } | Refusal> {
  const tenantRefusal = checkTenant(flow, acting);
  if (tenantRefusal) {
    await record(flow, 'refused', acting.actor, acting.tenantId ?? 'unknown', null, `${verb}: tenant not allowed`, acting.now);
    return tenantRefusal;
  }
  const tenantId = acting.tenantId as string;
  if (typeof claimedTenantId === 'string' && claimedTenantId.length > 0 && claimedTenantId.toLowerCase() !== tenantId.toLowerCase()) {
    await record(flow, 'refused', acting.actor, tenantId, null, `${verb}: the card names another tenant (${claimedTenantId.slice(0, 64)})`, acting.now);
    return refuse('wrong-tenant', 'This card belongs to another organisation; nothing was done.');
  }
  const id = typeof requestId === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(requestId) ? requestId : null;
  const stored = id ? await flow.requests.get(id) : null;
  if (!stored || stored.request.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
    await record(flow, 'refused', acting.actor, tenantId, null, `${verb}: no release request ${String(requestId).slice(0, 64)} in this tenant`, acting.now);
    return refuse('not-found', 'I could not find that release request. It may belong to another organisation or have been removed.');
  }
  return { kind: 'loaded', stored, tenantId };
}

/** Marks a pending request expired (once, with a conditional write) and answers with the refusal. */
async function expireIfDue(flow: ReleaseWorkflow, stored: StoredRequest, acting: ActingContext): Promise<StoredRequest | Refusal> {
  const { request } = stored;
  if (request.state.status !== 'pending' || !isPastExpiry(request, acting.now)) return stored;
  const expired: ReleaseRequest = { ...request, state: { status: 'expired', expiredAt: request.expiresAt } };
  const write = await flow.requests.replace(expired, stored.etag);
  if (write.kind === 'conflict') {
    const fresh = await flow.requests.get(request.id);
    return fresh ? expireIfDue(flow, fresh, acting) : refuse('not-found', 'That release request is gone.');
  }
  await record(flow, 'expired', acting.actor, request.tenantId, expired, `expired at ${request.expiresAt}`, acting.now);
  return write.stored;
}

function expiredRefusal(request: ReleaseRequest): Refusal {
  return refuse('expired', `This request expired at ${request.expiresAt}. If the message is still needed, request its release again.`, request);
}

async function viewerOf(flow: ReleaseWorkflow, request: ReleaseRequest, actor: Person): Promise<Viewer> {
  if (samePerson(actor, request.requestedBy)) return 'requester';
  const check = await flow.approvers.check(request.tenantId, actor);
  return check.kind === 'approver' ? 'approver' : 'other';
}

/**
 * Checks that the actor may decide this request: an approver, not the requester. Refusals of people without
 * the right are audited; a double click on a decided request is not (nothing was attempted).
 */
async function checkDecider(flow: ReleaseWorkflow, request: ReleaseRequest, acting: ActingContext, verb: string): Promise<Refusal | null> {
  const check = await flow.approvers.check(request.tenantId, acting.actor);
  if (check.kind === 'unknown') {
    await record(flow, 'refused', acting.actor, request.tenantId, request, `${verb}: ${check.reason}`, acting.now);
    return refuse('approver-unknown', `I could not confirm that you are an approver (${check.reason}). Nothing was done; try again later.`, request);
  }
  if (check.kind === 'notApprover') {
    await record(flow, 'refused', acting.actor, request.tenantId, request, `${verb}: not an approver`, acting.now);
    return refuse('not-approver', 'Only quarantine approvers can approve or reject release requests. Nothing was done.', request);
  }
  await flow.approvers.remember(request.tenantId, acting.actor);
  if (samePerson(acting.actor, request.requestedBy)) {
    await record(flow, 'refused', acting.actor, request.tenantId, request, `${verb}: self-approval`, acting.now);
    return refuse('self-approval', 'You asked for this release, so another approver has to decide it (four-eyes rule).', request);
  }
  return null;
}

function alreadyDecided(request: ReleaseRequest, summary: string | null = decisionSummary(request)): Refusal {
  return refuse('already-decided', `Nothing to do: this request was ${summary ?? 'changed by someone else'}.`, request);
}

/** Someone else wrote first (another approver, or this approver's second click): say who, change nothing. */
async function outrun(flow: ReleaseWorkflow, stored: StoredRequest): Promise<Refusal> {
  const fresh = await flow.requests.get(stored.request.id);
  return alreadyDecided(fresh?.request ?? stored.request, fresh ? decisionSummary(fresh.request) : null);
}

function isDecidable(request: ReleaseRequest, now: Date): boolean {
  const { state } = request;
  if (state.status === 'pending' || state.status === 'failed') return true;
  // A claim left behind by a crash between claim and release must not block the request for good.
  return state.status === 'releasing' && now.getTime() - Date.parse(state.approval.at) > STALE_CLAIM_MS;
}

/**
 * "Request release": checks the message as Exchange holds it now and opens (or finds) a request. With the approvers'
 * channel as the route, the card is posted there before this answers; if it cannot be, the request is withdrawn.
 */
export async function requestRelease(
  flow: ReleaseWorkflow,
  acting: ActingContext,
  input: { readonly identity: unknown; readonly reason: unknown; readonly claimedTenantId?: unknown },
  route: ApprovalRoute = { kind: 'here' },
): Promise<WorkflowOutcome> {
  const tenantRefusal = checkTenant(flow, acting);
  if (tenantRefusal) {
    await record(flow, 'refused', acting.actor, acting.tenantId ?? 'unknown', null, 'request: tenant not allowed', acting.now);
    return tenantRefusal;
  }
  const tenantId = acting.tenantId as string;
  if (typeof input.claimedTenantId === 'string' && input.claimedTenantId && input.claimedTenantId.toLowerCase() !== tenantId.toLowerCase()) {
    await record(flow, 'refused', acting.actor, tenantId, null, 'request: the card names another tenant', acting.now);
    return refuse('wrong-tenant', 'This card belongs to another organisation; nothing was done.');
  }
  if (acting.conversationKind === 'personal' && route.kind === 'here') return refuse('personal-chat', PERSONAL_CHAT);
  const decidedIn = route.kind === 'here' ? acting.conversationId : route.conversationId;
  const identity = typeof input.identity === 'string' ? input.identity.trim().slice(0, 200) : '';
  if (!identity) return refuse('message-not-found', 'Which quarantined message? I did not get its identity.');
  const reason = normaliseReason(typeof input.reason === 'string' ? input.reason : null);
  if (!reason) return refuse('reason-required', 'Please give a reason: the approver reads it before releasing the message.');

  const current = await flow.gateway.get(tenantId, identity);
  if (current.kind === 'notFound') {
    return refuse('message-not-found', 'That message is no longer in quarantine (it was released, deleted or has expired).');
  }
  if (current.kind === 'failed') return refuse('quarantine-unavailable', `I could not read quarantine: ${current.reason}. Try again in a moment.`);
  const message = current.value;
  if (!isReleasableFromChat(message.type)) {
    await record(flow, 'refused', acting.actor, tenantId, null, `request: ${message.type} cannot be released from chat`, acting.now, identity);
    return refuse('malware', `This message was quarantined as ${message.typeLabel}. Malware cannot be released from chat; an admin can review it in the Microsoft Defender portal (${DEFENDER_QUARANTINE_URL}).`);
  }
  if (message.releaseStatus === 'Released') return refuse('already-released', 'This message has already been released.');

  // A second click on "Request release", or a colleague asking for the same message, finds the open request.
  const latestId = await flow.requests.latestFor(tenantId, identity);
  const latest = latestId ? await flow.requests.get(latestId) : null;
  if (latest && latest.request.tenantId === tenantId) {
    const checked = await expireIfDue(flow, latest, acting);
    if (!('kind' in checked)) {
      const state = checked.request.state.status;
      if (state === 'pending' || state === 'releasing' || state === 'failed') {
        if (!conversationMatches(checked.request.conversationId, decidedIn)) {
          const by = checked.request.requestedBy.name ?? checked.request.requestedBy.userId;
          return refuse('in-progress', `${by} already asked for this release at ${checked.request.requestedAt} in another conversation; the approvers decide it there.`);
        }
        return { kind: 'requested', request: checked.request, existing: true };
      }
    }
  }

  const now = acting.now;
  const request: ReleaseRequest = {
    id: (flow.newId ?? randomUUID)(),
    tenantId,
    message: snapshotOf(message),
    requestedBy: acting.actor,
    reason,
    requestedAt: now.toISOString(),
    expiresAt: requestExpiry(now, flow.policy, message.expiresAt),
    conversationId: decidedIn,
    ...(route.kind === 'approvers' ? { requestedIn: acting.conversationId } : {}),
    approverUserIds: await flow.approvers.knownUserIds(tenantId, route.members),
    state: { status: 'pending' },
  };
  if (isPastExpiry(request, now)) {
    return refuse('expired', 'This message leaves quarantine too soon to be approved in time; release it in the Defender portal.');
  }
  const created = await flow.requests.create(request);
  if (created.kind === 'conflict') return refuse('in-progress', 'A request with the same id exists; please try again.');
  await flow.requests.setLatestFor(tenantId, identity, request.id);
  await record(flow, 'requested', acting.actor, tenantId, request, reason, now);
  if (route.kind === 'here') return { kind: 'requested', request, existing: false };

  const posted = await route.post(request).catch((error: unknown): PostOutcome => ({ kind: 'failed', reason: String((error as Error)?.message ?? error) }));
  if (posted.kind === 'posted') return { kind: 'requested', request, existing: false };
  // Nobody can decide a request whose card never arrived: close it, so that asking again starts afresh.
  const withdrawn: ReleaseRequest = { ...request, state: { status: 'withdrawn', withdrawnAt: now.toISOString(), reason: posted.reason } };
  await writeEventually(flow, { kind: 'request', request: withdrawn, etag: created.stored.etag });
  await record(flow, 'withdrawn', acting.actor, tenantId, withdrawn, `the approval card could not be posted to the approvers' channel: ${posted.reason}`, now);
  return refuse(
    'undeliverable',
    `I could not post your request to the approvers' channel (${posted.reason}), so nothing was requested. Try again in a moment; if it keeps failing, ask an admin to check that Mailflow Doctor is installed in that channel.`,
  );
}

/** What the clicking person should see (the per-user view behind `refresh`); expires overdue requests. */
export async function viewRequest(
  flow: ReleaseWorkflow,
  acting: ActingContext,
  input: { readonly requestId: unknown; readonly claimedTenantId?: unknown },
): Promise<WorkflowOutcome> {
  const loaded = await loadForAction(flow, acting, input.requestId, input.claimedTenantId, 'view');
  if (loaded.kind === 'refused') return loaded;
  const checked = await expireIfDue(flow, loaded.stored, acting);
  if ('kind' in checked) return checked;
  const viewer = await viewerOf(flow, checked.request, acting.actor);
  return { kind: 'viewed', request: checked.request, viewer, decidesHere: conversationMatches(checked.request.conversationId, acting.conversationId) };
}

/**
 * What approving and rejecting share: the request (by id, in the actor's tenant), decided only from its own
 * conversation, by an approver who did not ask for it, and not past its expiry.
 */
async function loadForDecision(
  flow: ReleaseWorkflow,
  acting: ActingContext,
  input: { readonly requestId: unknown; readonly claimedTenantId?: unknown },
  verb: 'approve' | 'reject',
): Promise<StoredRequest | Refusal> {
  const loaded = await loadForAction(flow, acting, input.requestId, input.claimedTenantId, verb);
  if (loaded.kind === 'refused') return loaded;
  const { request } = loaded.stored;
  if (!conversationMatches(request.conversationId, acting.conversationId)) {
    await record(flow, 'refused', acting.actor, loaded.tenantId, request, `${verb}: invoked from another conversation`, acting.now);
    return refuse('wrong-conversation', 'This request can only be decided from its approval card.');
  }
  const denied = await checkDecider(flow, request, acting, verb);
  if (denied) return denied;
  const stored = await expireIfDue(flow, loaded.stored, acting);
  if ('kind' in stored) return stored;
  return stored.request.state.status === 'expired' ? expiredRefusal(stored.request) : stored;
}

/** Approve: claim the request with an ETag-conditional write, then release once. */
export async function approveRelease(
  flow: ReleaseWorkflow,
  acting: ActingContext,
  input: { readonly requestId: unknown; readonly claimedTenantId?: unknown; readonly options: ReleaseOptions },
): Promise<WorkflowOutcome> {
  const stored = await loadForDecision(flow, acting, input, 'approve');
  if ('kind' in stored) return stored;
  if (!isDecidable(stored.request, acting.now)) {
    return alreadyDecided(stored.request);
  }

  // Decide on the message as it is now: it may have been released in the portal, or reclassified as malware.
  const current = await flow.gateway.get(stored.request.tenantId, stored.request.message.identity);
  if (current.kind === 'failed') return refuse('quarantine-unavailable', `I could not read quarantine: ${current.reason}. Nothing was done; try again.`, stored.request);
  if (current.kind === 'ok' && !isReleasableFromChat(current.value.type)) {
    await record(flow, 'refused', acting.actor, stored.request.tenantId, stored.request, `approve: ${current.value.type} cannot be released from chat`, acting.now);
    return refuse('malware', `This message is quarantined as ${current.value.typeLabel}; it cannot be released from chat. Use the Microsoft Defender portal (${DEFENDER_QUARANTINE_URL}).`, stored.request);
  }

  const approval: Approval = { by: acting.actor, at: acting.now.toISOString(), options: input.options };
  const claim = await flow.requests.replace({ ...stored.request, state: { status: 'releasing', approval } }, stored.etag);
  if (claim.kind === 'conflict') return outrun(flow, stored);
  const optionsText = [input.options.allowSender ? 'allow sender' : null, input.options.reportFalsePositive ? 'report false positive' : null]
    .filter(Boolean).join(', ');
  await record(flow, 'approved', acting.actor, stored.request.tenantId, claim.stored.request, optionsText || null, acting.now);

  const released = current.kind === 'ok' && current.value.releaseStatus === 'Released'
    ? ({ kind: 'ok', value: undefined } as const)
    : current.kind === 'notFound'
      ? ({ kind: 'failed', reason: 'the message is no longer in quarantine (deleted or expired)' } as const)
      : await flow.gateway.release(stored.request.tenantId, stored.request.message.identity, input.options);

  const doneAt = acting.now.toISOString();
  const next: ReleaseRequestState = released.kind === 'ok'
    ? { status: 'released', approval, releasedAt: doneAt }
    : { status: 'failed', approval, failedAt: doneAt, error: released.kind === 'failed' ? released.reason : 'the message was not found' };
  const finalRequest: ReleaseRequest = { ...claim.stored.request, state: next };
  // A conflict here means a stale-claim retry raced us; Release-QuarantineMessage skips recipients already
  // released, so the outcome stays right and the other writer's record stands.
  // Exchange has acted: from here on a storage outage must delay these records, not lose them (eventually.ts).
  await writeEventually(flow, { kind: 'request', request: finalRequest, etag: claim.stored.etag });
  if (next.status === 'released') {
    await recordEventually(flow, 'released', acting.actor, finalRequest.tenantId, finalRequest, `released to all recipients (${finalRequest.message.recipients.length})`, acting.now);
    return { kind: 'released', request: finalRequest };
  }
  await recordEventually(flow, 'release-failed', acting.actor, finalRequest.tenantId, finalRequest, next.error, acting.now);
  return { kind: 'releaseFailed', request: finalRequest, error: next.error };
}

/** Reject with a reason; the same checks as approving. */
export async function rejectRelease(
  flow: ReleaseWorkflow,
  acting: ActingContext,
  input: { readonly requestId: unknown; readonly claimedTenantId?: unknown; readonly reason: unknown },
): Promise<WorkflowOutcome> {
  const stored = await loadForDecision(flow, acting, input, 'reject');
  if ('kind' in stored) return stored;
  const reason = normaliseReason(typeof input.reason === 'string' ? input.reason : null);
  if (!reason) return refuse('reason-required', 'Please say why you reject it: the requester reads the reason.', stored.request);
  const { status } = stored.request.state;
  if (status !== 'pending' && status !== 'failed') {
    return alreadyDecided(stored.request);
  }
  const rejected: ReleaseRequest = { ...stored.request, state: { status: 'rejected', rejection: { by: acting.actor, at: acting.now.toISOString() }, reason } };
  const write = await flow.requests.replace(rejected, stored.etag);
  if (write.kind === 'conflict') return outrun(flow, stored);
  await record(flow, 'rejected', acting.actor, rejected.tenantId, rejected, reason, acting.now);
  return { kind: 'rejected', request: rejected };
}
