import type { Result } from '../model/result';
import type { AuditEntry, Person, QuarantinedMessage, QuarantineQuery, ReleaseOptions, ReleaseRequest } from './model';
import type { ReleasePolicy } from './policy';

/**
 * The small interfaces the release workflow needs from the outside world. Production wires them to the
 * Exchange admin API, Graph and Azure Storage; tests wire them to in-memory fakes or to the emulator.
 */

/** Exchange Online quarantine (Get-QuarantineMessage, Get-QuarantineMessageHeader, Release-QuarantineMessage). */
export interface QuarantineGateway {
  list(tenantId: string, query: QuarantineQuery): Promise<Result<readonly QuarantinedMessage[]>>;
  /** Re-reads one message, so a release decision is taken on its current state, not on what a card showed. */
  get(tenantId: string, identity: string): Promise<Result<QuarantinedMessage>>;
  header(tenantId: string, identity: string): Promise<Result<string>>;
  /** Releases to all original recipients (`-ReleaseToAll`). */
  release(tenantId: string, identity: string, options: ReleaseOptions): Promise<Result<void>>;
}

/** Group membership, read through Graph (`POST /users/{id}/checkMemberGroups`). */
export interface GroupMembership {
  /** The subset of `groupIds` the user is a (transitive) member of. */
  memberGroups(tenantId: string, userObjectId: string, groupIds: readonly string[]): Promise<Result<readonly string[]>>;
  /** Entra object ids of users in these groups, nested groups included (for a large group, not necessarily all). */
  memberIds(tenantId: string, groupIds: readonly string[]): Promise<Result<readonly string[]>>;
}

export type ApproverCheck =
  | { readonly kind: 'approver' }
  | { readonly kind: 'notApprover' }
  /** The directory could not be asked (Graph down, no permission): nobody is treated as an approver. */
  | { readonly kind: 'unknown'; readonly reason: string };

/** Finds the Teams ids (MRIs) of Entra users among the members of the conversation a card goes to. */
export type MemberLookup = (aadObjectIds: readonly string[]) => Promise<readonly string[]>;

export interface ApproverDirectory {
  check(tenantId: string, person: Person): Promise<ApproverCheck>;
  /** Teams MRIs of approvers known so far, for `refresh.userIds`. */
  knownUserIds(tenantId: string, lookup?: MemberLookup): Promise<readonly string[]>;
  /** Remembers an approver's MRI once they have been checked, so later cards refresh for them too. */
  remember(tenantId: string, person: Person): Promise<void>;
}

export interface StoredRequest {
  readonly request: ReleaseRequest;
  /** The storage ETag of this version; a write succeeds only if nobody wrote in between. */
  readonly etag: string;
}

export type ConditionalWrite = { readonly kind: 'ok'; readonly stored: StoredRequest } | { readonly kind: 'conflict' };

/** Durable release requests with optimistic concurrency (Azure Blob storage in production). */
export interface ReleaseRequestStore {
  /** Fails with `conflict` when a request with this id exists already. */
  create(request: ReleaseRequest): Promise<ConditionalWrite>;
  get(id: string): Promise<StoredRequest | null>;
  /** Writes only if the stored version still has `etag`. */
  replace(request: ReleaseRequest, etag: string): Promise<ConditionalWrite>;
  /** The newest request id for a quarantined message, so a second "Request release" finds the open one. */
  latestFor(tenantId: string, identity: string): Promise<string | null>;
  setLatestFor(tenantId: string, identity: string, requestId: string): Promise<void>;
  /** Approver MRIs remembered for a tenant (see ApproverDirectory.remember). */
  approverUserIds(tenantId: string): Promise<readonly string[]>;
  addApproverUserId(tenantId: string, userId: string): Promise<void>;
}

export interface AuditQuery {
  readonly since?: Date;
  readonly tenantId?: string;
  readonly limit?: number;
}

/** The append-only audit log (Azure Table storage in production): entries are inserted, never updated. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Oldest first. */
  list(query?: AuditQuery): Promise<readonly AuditEntry[]>;
}

/**
 * A write that must happen once Exchange has acted (the request's final state, its audit entry), kept as data so
 * that it can outlive the process when storage refuses it.
 */
export type DurableWrite =
  /** The request's next state, written over the version with `etag` (the approver's claim). */
  | { readonly kind: 'request'; readonly request: ReleaseRequest; readonly etag: string }
  | { readonly kind: 'audit'; readonly entry: AuditEntry };

/** Writes storage refused, kept on local disk until storage takes them (PENDING_WRITES_DIR). */
export interface WriteJournal {
  add(write: DurableWrite): Promise<string>;
  remove(id: string): Promise<void>;
  pending(): Promise<readonly { readonly id: string; readonly write: DurableWrite }[]>;
}

/** Everything the quarantine capability needs, as carried in `Services.quarantine`. */
export interface QuarantineServices {
  /** Null when no tenant (Exchange admin API) is configured: the bot says so instead of failing. */
  readonly gateway: QuarantineGateway | null;
  readonly approvers: ApproverDirectory;
  readonly requests: ReleaseRequestStore;
  readonly audit: AuditLog;
  readonly policy: ReleasePolicy;
  /** Where refused post-release writes wait across restarts; absent: they wait in memory only. */
  readonly journal?: WriteJournal;
  /** Told about writes that storage refused (and whether they will be retried); default: silent. */
  readonly reportWriteFailure?: WriteFailureReporter;
}

export type WriteFailureReporter = (what: string, error: unknown, willRetry: boolean) => void;
