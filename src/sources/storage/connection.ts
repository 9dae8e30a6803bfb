import { DefaultAzureCredential } from '@azure/identity';
import type { AuditLog, ReleaseRequestStore } from '../../quarantine';
import type { ExportStore } from '../../evidence/exports';
import { BlobExportStore } from './blob-exports';
import { BlobReleaseRequestStore } from './blob-requests';
import { MemoryAuditLog, MemoryReleaseRequestStore } from './memory';
import { blobsSdk, tablesSdk } from './sdk';
import { TableAuditLog } from './table-audit';

export const REQUESTS_CONTAINER = 'quarantine-releases';
export const AUDIT_TABLE = 'quarantineaudit';
export const EXPORTS_CONTAINER = 'trace-exports';

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

/** Trace exports in blobs when storage is configured (shared by every instance); null: keep them in memory. */
export function createExportStore(settings: StorageSettings): ExportStore | null {
  if (settings.STORAGE_CONNECTION_STRING) {
    const connection = settings.STORAGE_CONNECTION_STRING;
    return new BlobExportStore(() => blobsSdk().BlobServiceClient.fromConnectionString(connection).getContainerClient(EXPORTS_CONTAINER));
  }
  if (settings.STORAGE_ACCOUNT_URL) {
    const accountUrl = settings.STORAGE_ACCOUNT_URL;
    return new BlobExportStore(() => new (blobsSdk().BlobServiceClient)(accountUrl, new DefaultAzureCredential()).getContainerClient(EXPORTS_CONTAINER));
  }
  return null;
}

/**
 * Azurite or a connection string when STORAGE_CONNECTION_STRING is set; the account URL with the managed
 * identity (DefaultAzureCredential) in production; otherwise in-memory stores.
 */
export function createQuarantineStores(settings: StorageSettings): QuarantineStores {
  if (settings.STORAGE_CONNECTION_STRING) {
    const connection = settings.STORAGE_CONNECTION_STRING;
    // Azurite speaks plain http on loopback; the SDK refuses that unless told.
    const insecure = /DefaultEndpointsProtocol=http;|=http:\/\//i.test(connection);
    // The clients (and the SDKs) are built on first use: see ./sdk.ts.
    return {
      requests: new BlobReleaseRequestStore(() => blobsSdk().BlobServiceClient.fromConnectionString(connection).getContainerClient(REQUESTS_CONTAINER)),
      audit: new TableAuditLog(() => tablesSdk().TableClient.fromConnectionString(connection, AUDIT_TABLE, { allowInsecureConnection: insecure })),
      kind: 'connection-string',
    };
  }
  if (settings.STORAGE_ACCOUNT_URL) {
    const credential = new DefaultAzureCredential();
    const accountUrl = settings.STORAGE_ACCOUNT_URL;
    return {
      requests: new BlobReleaseRequestStore(() => new (blobsSdk().BlobServiceClient)(accountUrl, credential).getContainerClient(REQUESTS_CONTAINER)),
      audit: new TableAuditLog(() => new (tablesSdk().TableClient)(tableUrlOf(accountUrl), AUDIT_TABLE, credential)),
      kind: 'managed-identity',
    };
  }
  return { requests: new MemoryReleaseRequestStore(), audit: new MemoryAuditLog(), kind: 'memory' };
}
