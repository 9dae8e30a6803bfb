import { BlobServiceClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential } from '@azure/identity';
import type { AuditLog, ReleaseRequestStore } from '../../quarantine';
import { BlobReleaseRequestStore } from './blob-requests';
import { MemoryAuditLog, MemoryReleaseRequestStore } from './memory';
import { TableAuditLog } from './table-audit';

export const REQUESTS_CONTAINER = 'quarantine-releases';
export const AUDIT_TABLE = 'quarantineaudit';

export interface StorageSettings {
  readonly STORAGE_CONNECTION_STRING?: string;
  readonly STORAGE_ACCOUNT_URL?: string;
}

export interface QuarantineStores {
  readonly requests: ReleaseRequestStore;
  readonly audit: AuditLog;
  /** `memory`: nothing survives a restart (no storage configured). */
  readonly kind: 'connection-string' | 'managed-identity' | 'memory';
}

/** https://acct.blob.core.windows.net → https://acct.table.core.windows.net (the account's Table endpoint). */
export function tableUrlOf(accountUrl: string): string {
  const url = new URL(accountUrl);
  url.hostname = url.hostname.replace('.blob.', '.table.');
  return url.toString().replace(/\/$/, '');
}

/**
 * Azurite or a connection string when STORAGE_CONNECTION_STRING is set; the account URL with the managed
 * identity (DefaultAzureCredential) in production; otherwise in-memory stores.
 */
export function createQuarantineStores(settings: StorageSettings): QuarantineStores {
  if (settings.STORAGE_CONNECTION_STRING) {
    const connection = settings.STORAGE_CONNECTION_STRING;
    const blobs = BlobServiceClient.fromConnectionString(connection);
    // Azurite speaks plain http on loopback; the SDK refuses that unless told.
    const table = TableClient.fromConnectionString(connection, AUDIT_TABLE, { allowInsecureConnection: /DefaultEndpointsProtocol=http;|=http:\/\//i.test(connection) });
    return {
      requests: new BlobReleaseRequestStore(blobs.getContainerClient(REQUESTS_CONTAINER)),
      audit: new TableAuditLog(table),
      kind: 'connection-string',
    };
  }
  if (settings.STORAGE_ACCOUNT_URL) {
    const credential = new DefaultAzureCredential();
    const blobs = new BlobServiceClient(settings.STORAGE_ACCOUNT_URL, credential);
    const table = new TableClient(tableUrlOf(settings.STORAGE_ACCOUNT_URL), AUDIT_TABLE, credential);
    return {
      requests: new BlobReleaseRequestStore(blobs.getContainerClient(REQUESTS_CONTAINER)),
      audit: new TableAuditLog(table),
      kind: 'managed-identity',
    };
  }
  return { requests: new MemoryReleaseRequestStore(), audit: new MemoryAuditLog(), kind: 'memory' };
}
