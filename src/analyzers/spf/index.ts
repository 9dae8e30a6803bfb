/** SPF: record syntax, lookup counting and the audit's findings. Pure: the DNS walk lives in src/diagnosis/domain. */
export * from './record';
export { auditSpf, correctedSpfRecord, EXCHANGE_ONLINE_INCLUDE, SPF_LOOKUP_LIMIT, SPF_VOID_LIMIT, type SpfAuditInput, type SpfAuditResult, type SpfNode } from './audit';
