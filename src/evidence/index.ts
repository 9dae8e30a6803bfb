/**
 * Evidence for the ticket: "Copy for ticket" on every result card, the case record of a conversation, and the
 * message trace export (a file in personal chat, a signed single-use link elsewhere).
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { CaseLog } from '../model/case';
import { createCaseLog, createExportStore } from '../sources/storage';
import { MemoryExportStore, TraceExports } from './exports';

export interface EvidenceServices {
  /** Questions, findings and actions per case (Azure Table `mailflowcases`, or memory). */
  readonly cases: CaseLog;
  readonly exports: TraceExports;
}

export function createEvidenceServices(config: Config, log: Logger): EvidenceServices {
  const cases = createCaseLog(config);
  if (cases.kind === 'memory') log.warn('no storage configured: the case log is kept in memory and lost on restart');
  let signingKey = config.EXPORT_SIGNING_KEY;
  if (!signingKey) {
    // Links then die with the process (and work on this instance only); a fixed key would be guessable.
    signingKey = randomBytes(32).toString('base64url');
    log.warn('EXPORT_SIGNING_KEY is not set: export links are signed with a random key and stop working on restart');
  }
  const publicBaseUrl = config.PUBLIC_BASE_URL ?? `http://127.0.0.1:${config.PORT}`;
  if (!config.PUBLIC_BASE_URL) log.warn('PUBLIC_BASE_URL is not set: export links point at this host on loopback');
  const store = createExportStore(config) ?? new MemoryExportStore();
  return { cases: cases.log, exports: new TraceExports({ signingKey, linkTtlMinutes: config.EXPORT_LINK_TTL_MINUTES, publicBaseUrl, store }) };
}

export { withEvidence, newCaseId, opensCase, isResultCard, recordCase } from './answer';
export { ticketSummary, findingOf, type TicketContext } from './ticket';
export { traceCsv, TRACE_CSV_COLUMNS } from './csv';
export { MemoryExportStore, TraceExports, type ExportStore, type TraceExport } from './exports';
export { EVIDENCE_ACTIONS } from './actions';
export { EVIDENCE_VERBS } from './card';
export { exportDownload } from './download';
export { uploadAcceptedExport, FILE_CONSENT_CARD, FILE_INFO_CARD, type FileConsentAnswer } from './file-consent';
export { readCase, type CaseRecord } from './case-record';
