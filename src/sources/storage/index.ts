/** Durable storage for quarantine release requests (Azure Blob) and the audit log (Azure Table), and Azurite. */
export { BlobReleaseRequestStore } from './blob-requests';
export { TableAuditLog } from './table-audit';
export { MemoryAuditLog, MemoryReleaseRequestStore } from './memory';
export { DirectoryWriteJournal } from './write-journal';
export { BlobExportStore } from './blob-exports';
export { AUDIT_TABLE, createExportStore, createQuarantineStores, EXPORTS_CONTAINER, REQUESTS_CONTAINER, tableUrlOf, type QuarantineStores, type StorageSettings } from './connection';
export { azuriteConnectionString, startAzurite, type AzuriteOptions, type RunningAzurite } from './azurite';
export { CASES_TABLE, createCaseLog, MemoryCaseLog, TableCaseLog, type CaseLogStore } from './case-log';
