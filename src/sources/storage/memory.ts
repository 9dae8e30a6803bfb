import type {
  AuditEntry, AuditLog, AuditQuery, ConditionalWrite, ReleaseRequest, ReleaseRequestStore, StoredRequest,
} from '../../quarantine';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * In-process stores with the same contract as the Azure ones (ETags included). Used by unit tests, and by the
 * bot when no storage is configured, in which case requests do not survive a restart (the log says so).
 */
export class MemoryReleaseRequestStore implements ReleaseRequestStore {
  private readonly requests = new Map<string, StoredRequest>();
  private readonly latest = new Map<string, string>();
  private readonly approvers = new Map<string, string[]>();
  private version = 0;

  private stamp(request: ReleaseRequest): StoredRequest {
    this.version += 1;
    const stored = { request: copy(request), etag: `"m${this.version}"` };
    this.requests.set(request.id, stored);
    return copy(stored);
  }

  async create(request: ReleaseRequest): Promise<ConditionalWrite> {
    if (this.requests.has(request.id)) return { kind: 'conflict' };
    return { kind: 'ok', stored: this.stamp(request) };
  }

  async get(id: string): Promise<StoredRequest | null> {
    const stored = this.requests.get(id);
    return stored ? copy(stored) : null;
  }

  async replace(request: ReleaseRequest, etag: string): Promise<ConditionalWrite> {
    const current = this.requests.get(request.id);
    if (!current || current.etag !== etag) return { kind: 'conflict' };
    return { kind: 'ok', stored: this.stamp(request) };
  }

  async latestFor(tenantId: string, identity: string): Promise<string | null> {
    return this.latest.get(`${tenantId}\n${identity}`) ?? null;
  }

  async setLatestFor(tenantId: string, identity: string, requestId: string): Promise<void> {
    this.latest.set(`${tenantId}\n${identity}`, requestId);
  }

  async approverUserIds(tenantId: string): Promise<readonly string[]> {
    return [...(this.approvers.get(tenantId) ?? [])];
  }

  async addApproverUserId(tenantId: string, userId: string): Promise<void> {
    const known = this.approvers.get(tenantId) ?? [];
    if (!known.includes(userId)) this.approvers.set(tenantId, [...known, userId]);
  }
}

export class MemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];

  async append(entry: AuditEntry): Promise<void> {
    this.entries.push(copy(entry));
  }

  async list(query: AuditQuery = {}): Promise<readonly AuditEntry[]> {
    return filterAudit(this.entries, query).map(copy);
  }
}

/** The query semantics both audit logs share: since (inclusive), tenant, oldest first, newest `limit`. */
export function filterAudit(entries: readonly AuditEntry[], query: AuditQuery): AuditEntry[] {
  const since = query.since?.getTime() ?? -Infinity;
  const rows = entries
    .filter((entry) => Date.parse(entry.at) >= since)
    .filter((entry) => !query.tenantId || entry.tenantId.toLowerCase() === query.tenantId.toLowerCase())
    .sort((a, b) => a.at.localeCompare(b.at));
  return query.limit !== undefined && rows.length > query.limit ? rows.slice(rows.length - query.limit) : rows;
}
