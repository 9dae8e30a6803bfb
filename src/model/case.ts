/**
 * The record of a case: what was asked, what was found, what was done. One case per conversation, so that a
 * ticket can point at everything Mailflow Doctor said and did about it (`mailflow-doctor case CASE-ID`).
 */
export interface CasePerson {
  readonly userId: string;
  readonly aadObjectId: string | null;
  readonly name: string | null;
}

interface CaseEntryBase {
  readonly caseId: string;
  /** UTC ISO time. */
  readonly at: string;
  readonly tenantId: string | null;
  readonly conversationId: string;
  readonly who: CasePerson;
}

export type CaseEntry =
  | (CaseEntryBase & { readonly kind: 'question'; readonly text: string; readonly intent: string })
  | (CaseEntryBase & { readonly kind: 'finding'; readonly intent: string; readonly layer: string; readonly rootCause: string })
  | (CaseEntryBase & {
      readonly kind: 'action';
      readonly verb: string;
      /** The identifiers the button named (quarantine identity, release request, export), never free text. */
      readonly refs: Readonly<Record<string, string>>;
      readonly outcome: string;
    });

export type CaseEntryKind = CaseEntry['kind'];

/** Where case entries are kept: Azure Table storage in production, memory when no storage is configured. */
export interface CaseLog {
  append(entry: CaseEntry): Promise<void>;
  /** Oldest first. */
  entries(caseId: string): Promise<readonly CaseEntry[]>;
}

/** "CASE-20261122-7F3A9K": the day it was opened (UTC) and six Crockford base-32 characters. */
export const CASE_ID_PATTERN = /^CASE-\d{8}-[0-9A-HJKMNP-TV-Z]{6}$/;
export const isCaseId = (value: unknown): value is string => typeof value === 'string' && CASE_ID_PATTERN.test(value);
