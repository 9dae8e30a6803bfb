import { DefaultAzureCredential } from '@azure/identity';
import type { TableClient } from '@azure/data-tables';
import type { CaseEntry, CaseLog } from '../../model/case';
import type { StorageSettings } from './connection';
import { tableUrlOf } from './connection';
import { appendRowKey, tableCreatedOnce } from './append-table';
import { clientOf, tablesSdk, type ClientSource } from './sdk';

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
  private readonly table: () => TableClient;

  constructor(table: ClientSource<TableClient>) {
    this.table = clientOf(table);
    this.ensure = tableCreatedOnce(this.table);
  }

  async append(entry: CaseEntry): Promise<void> {
    await this.ensure();
    const row: CaseRow = { partitionKey: entry.caseId, rowKey: appendRowKey(entry.at), at: entry.at, kind: entry.kind, payload: clipped(entry) };
    await this.table().createEntity(row);
  }

  async entries(caseId: string): Promise<readonly CaseEntry[]> {
    await this.ensure();
    const { odata } = tablesSdk();
    const rows = this.table().listEntities<CaseRow>({ queryOptions: { filter: odata`PartitionKey eq ${caseId}` } });
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
  /**
   * Copies, so that a caller that changes its object later does not change the record, and copies again on the way out,
   * so that a reader cannot either; not JSON: a question's text is one string, which the garbage collector copies once
   * on its way to the old generation and then marks without reading, far less work than serialising every entry. Not
   * frozen: Object.freeze goes through the runtime, 0.3 µs an object, four times an answer. Cases in the order they were
   * opened, so that the oldest go first when over the budget.
   */
  private readonly byCase = new Map<string, { entries: CaseEntry[]; chars: number }>();
  private keptChars = 0;

  /**
   * Memory is the demo's and the tests' store, and a log only ever grows: past `maxChars` (16 M characters of text,
   * about 7,000 pasted NDRs) the oldest cases are dropped whole, so a long-running process without storage stays bounded.
   */
  constructor(private readonly maxChars = 16_000_000) {}

  async append(entry: CaseEntry): Promise<void> {
    const chars = charsOf(entry);
    const kept = this.byCase.get(entry.caseId) ?? { entries: [], chars: 0 };
    kept.entries.push(copyOf(entry));
    kept.chars += chars;
    this.byCase.set(entry.caseId, kept);
    this.keptChars += chars;
    for (const [caseId, oldest] of this.byCase) {
      if (this.keptChars <= this.maxChars || caseId === entry.caseId) break;
      this.byCase.delete(caseId);
      this.keptChars -= oldest.chars;
    }
  }

  async entries(caseId: string): Promise<readonly CaseEntry[]> {
    return (this.byCase.get(caseId)?.entries ?? []).map(copyOf).sort((a, b) => a.at.localeCompare(b.at));
  }
}

/** About the length of an entry's JSON: the characters of its keys and strings (an entry is plain data). */
function charsOf(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (typeof value !== 'object' || value === null) return 8;
  let chars = 2;
  for (const key in value) chars += key.length + 4 + charsOf((value as Record<string, unknown>)[key]);
  return chars;
}

/** A copy, down to the records an entry holds (who, and an action's refs), which hold only strings. */
function copyOf(entry: CaseEntry): CaseEntry {
  const who = { ...entry.who };
  return entry.kind === 'action' ? { ...entry, who, refs: { ...entry.refs } } : { ...entry, who };
}

export interface CaseLogStore {
  readonly log: CaseLog;
  readonly kind: 'connection-string' | 'managed-identity' | 'memory';
}

/** The same choice as `createQuarantineStores`: connection string (Azurite), account URL + managed identity, or memory. */
export function createCaseLog(settings: StorageSettings): CaseLogStore {
  if (settings.STORAGE_CONNECTION_STRING) {
    const connection = settings.STORAGE_CONNECTION_STRING;
    const insecure = /DefaultEndpointsProtocol=http;|=http:\/\//i.test(connection);
    return { log: new TableCaseLog(() => tablesSdk().TableClient.fromConnectionString(connection, CASES_TABLE, { allowInsecureConnection: insecure })), kind: 'connection-string' };
  }
  if (settings.STORAGE_ACCOUNT_URL) {
    const url = tableUrlOf(settings.STORAGE_ACCOUNT_URL);
    return { log: new TableCaseLog(() => new (tablesSdk().TableClient)(url, CASES_TABLE, new DefaultAzureCredential())), kind: 'managed-identity' };
  }
  return { log: new MemoryCaseLog(), kind: 'memory' };
}
