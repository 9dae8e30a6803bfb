import type { TableClient } from '@azure/data-tables';
import { AUDIT_EVENTS, type AuditEntry, type AuditEvent, type AuditLog, type AuditQuery } from '../../quarantine';
import { filterAudit } from './memory';
import { appendRowKey, tableCreatedOnce } from './append-table';
import { clientOf, tablesSdk, type ClientSource } from './sdk';

interface AuditRow {
  partitionKey: string;
  rowKey: string;
  at: string;
  event: string;
  tenantId: string;
  requestId?: string;
  messageIdentity?: string;
  sender?: string;
  subject?: string;
  actorUserId: string;
  actorAadObjectId?: string;
  actorName?: string;
  detail?: string;
}

/** Table properties hold at most 32 K characters; an audit line never needs that much. */
const clip = (text: string | null): string | undefined => (text === null ? undefined : text.slice(0, 4000));

/**
 * The audit log in Azure Table storage. Append-only by construction: rows are inserted with `createEntity`
 * (which fails rather than overwrites) and nothing here updates or deletes. One partition per tenant; the row
 * key starts with the ISO time, so rows sort by time and `--since` is a range query.
 */
export class TableAuditLog implements AuditLog {
  private readonly ensure: () => Promise<unknown>;
  private readonly table: () => TableClient;

  constructor(table: ClientSource<TableClient>) {
    this.table = clientOf(table);
    this.ensure = tableCreatedOnce(this.table);
  }

  async append(entry: AuditEntry): Promise<void> {
    await this.ensure();
    const row: AuditRow = {
      partitionKey: entry.tenantId.toLowerCase(),
      rowKey: appendRowKey(entry.at),
      at: entry.at,
      event: entry.event,
      tenantId: entry.tenantId,
      requestId: clip(entry.requestId),
      messageIdentity: clip(entry.messageIdentity),
      sender: clip(entry.sender),
      subject: clip(entry.subject),
      actorUserId: entry.actor.userId,
      actorAadObjectId: clip(entry.actor.aadObjectId),
      actorName: clip(entry.actor.name),
      detail: clip(entry.detail),
    };
    await this.table().createEntity(row);
  }

  async list(query: AuditQuery = {}): Promise<readonly AuditEntry[]> {
    await this.ensure();
    const filters: string[] = [];
    const { odata } = tablesSdk();
    if (query.since) filters.push(odata`RowKey ge ${query.since.toISOString()}`);
    if (query.tenantId) filters.push(odata`PartitionKey eq ${query.tenantId.toLowerCase()}`);
    const entries: AuditEntry[] = [];
    const rows = this.table().listEntities<AuditRow>({ queryOptions: { filter: filters.length ? filters.join(' and ') : undefined } });
    for await (const row of rows) entries.push(entryOf(row));
    return filterAudit(entries, query);
  }
}

function entryOf(row: AuditRow): AuditEntry {
  const event = (AUDIT_EVENTS as readonly string[]).includes(row.event) ? (row.event as AuditEvent) : 'refused';
  return {
    at: row.at,
    event,
    tenantId: row.tenantId,
    requestId: row.requestId ?? null,
    messageIdentity: row.messageIdentity ?? null,
    sender: row.sender ?? null,
    subject: row.subject ?? null,
    actor: { userId: row.actorUserId, aadObjectId: row.actorAadObjectId ?? null, name: row.actorName ?? null },
    detail: row.detail ?? null,
  };
}
