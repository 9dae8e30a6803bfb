/** Domain checks: the DNS-driven audit of SPF, DKIM, DMARC, MX and MTA-STS, and SPF check_host() for one IP. */
export { auditDomain, normaliseDomain, ALL_CHECKS, type CheckStatus, type CorrectedRecord, type DomainAudit, type DomainAuditOptions } from './audit';
export { evaluateSpf, type SpfEvaluation, type SpfQuestion, type SpfResult } from './spf-eval';
