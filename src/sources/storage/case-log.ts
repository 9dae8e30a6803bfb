import { DefaultAzureCredential } from '@azure/identity';
import { odata, TableClient } from '@azure/data-tables';
import type { CaseEntry, CaseLog } from '../../model/case';
import type { StorageSettings } from './connection';
import { tableUrlOf } from './connection';
import { appendRowKey, tableCreatedOnce } from './append-table';

/** Beside the quarantine audit log, in the same storage account. */
export const CASES_TABLE = 'mailflowcases';

/** A Table property holds at most 32 K characters (64 KB); an entry is clipped well below that. */
const MAX_PAYLOAD_CHARS = 30_000;

interface CaseRow {
  partitionKey: string;
  rowKey: string;
  at: string;
  kind: string;
  payload: string;
}

function clipped(entry: CaseEntry): string {
  const json = JSON.stringify(entry);
  if (json.length <= MAX_PAYLOAD_CHARS || entry.kind !== 'question') return json.slice(0, MAX_PAYLOAD_CHARS);
  // Only a question can be long (a pasted NDR): keep its start, which is what a reader needs to recognise it.
  return JSON.stringify({ ...entry, text: entry.text.slice(0, MAX_PAYLOAD_CHARS - 2000) + '…' });
}

/**
 * The case log in Azure Table storage: one partition per case, append-only (`createEntity` fails rather than
 * overwrites), rows in time order. The entry itself is kept as JSON so that new entry kinds need no new columns.
 */
export class TableCaseLog implements CaseLog {
  private readonly ensure: () => Promise<unknown>;

  constructor(private readonly table: TableClient) {
    this.ensure = tableCreatedOnce(table);
  }

  async append(entry: CaseEntry): Promise<void> {
    await this.ensure();
    const row: CaseRow = { partitionKey: entry.caseId, rowKey: appendRowKey(entry.at), at: entry.at, kind: entry.kind, payload: clipped(entry) };
    await this.table.createEntity(row);
  }

  async entries(caseId: string): Promise<readonly CaseEntry[]> {
    await this.ensure();
    const rows = this.table.listEntities<CaseRow>({ queryOptions: { filter: odata`PartitionKey eq ${caseId}` } });
    const entries: CaseEntry[] = [];
    for await (const row of rows) {
      try {
        entries.push(JSON.parse(row.payload) as CaseEntry);
      } catch {
        // A row clipped mid-JSON by an older writer is skipped rather than failing the whole case.
      }
    }
    return entries.sort((a, b) => a.at.localeCompare(b.at));
  }
}

export class MemoryCaseLog implements CaseLog {
  private readonly byCase = new Map<string, CaseEntry[]>();

  async append(entry: CaseEntry): Promise<void> {
    const list = this.byCase.get(entry.caseId) ?? [];
    list.push(JSON.parse(JSON.stringify(entry)) as CaseEntry);
    this.byCase.set(entry.caseId, list);
  }

  async entries(caseId: string): Promise<readonly CaseEntry[]> {
    return [...(this.byCase.get(caseId) ?? [])].sort((a, b) => a.at.localeCompare(b.at));
  }
}

export interface CaseLogStore {
  readonly log: CaseLog;
  readonly kind: 'connection-string' | 'managed-identity' | 'memory';
}

/** The same choice as `createQuarantineStores`: connection string (Azurite), account URL + managed identity, or memory. */
export function createCaseLog(settings: StorageSettings): CaseLogStore {
  if (settings.STORAGE_CONNECTION_STRING) {
    const connection = settings.STORAGE_CONNECTION_STRING;
    const table = TableClient.fromConnectionString(connection, CASES_TABLE, { allowInsecureConnection: /DefaultEndpointsProtocol=http;|=http:\/\//i.test(connection) });
    return { log: new TableCaseLog(table), kind: 'connection-string' };
  }
  if (settings.STORAGE_ACCOUNT_URL) {
    const table = new TableClient(tableUrlOf(settings.STORAGE_ACCOUNT_URL), CASES_TABLE, new DefaultAzureCredential());
    return { log: new TableCaseLog(table), kind: 'managed-identity' };
  }
  return { log: new MemoryCaseLog(), kind: 'memory' };
}
