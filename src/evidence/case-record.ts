import type { CaseEntry, CaseLog } from '../model/case';
import type { AuditEntry, AuditLog } from '../quarantine';

type Entry<K extends CaseEntry['kind']> = Omit<Extract<CaseEntry, { kind: K }>, 'caseId' | 'kind'>;

/** What `mailflow-doctor case CASE-ID` prints. */
export interface CaseRecord {
  readonly caseId: string;
  readonly tenantId: string | null;
  readonly conversationIds: readonly string[];
  readonly openedAt: string | null;
  readonly questions: readonly Entry<'question'>[];
  readonly findings: readonly Entry<'finding'>[];
  readonly actions: readonly Entry<'action'>[];
  /** Quarantine release decisions about the messages this case's actions named, from the quarantine audit log. */
  readonly approvals: readonly AuditEntry[];
}

const strip = <T extends CaseEntry>(entry: T) => {
  const { caseId: _caseId, kind: _kind, ...rest } = entry;
  return rest;
};

/** The audit events that are decisions on a release, and the request that started them. */
const APPROVAL_EVENTS = new Set<AuditEntry['event']>(['requested', 'approved', 'rejected', 'released', 'release-failed', 'expired', 'withdrawn']);

/**
 * Collects a case: its own entries, plus the quarantine audit entries that concern it. The audit log does not
 * carry case ids; it carries the quarantine identity and the release request id, which the case's recorded
 * button presses (quarantine.request / approve / reject) name too, so the two are joined on those, per tenant.
 */
export async function readCase(caseId: string, cases: CaseLog, audit: AuditLog | null): Promise<CaseRecord | null> {
  const entries = await cases.entries(caseId);
  if (entries.length === 0) return null;
  const pick = <K extends CaseEntry['kind']>(kind: K) => entries.filter((entry): entry is Extract<CaseEntry, { kind: K }> => entry.kind === kind).map(strip);
  const actions = pick('action');
  const tenantId = entries.find((entry) => entry.tenantId)?.tenantId ?? null;
  const identities = new Set(actions.map((action) => action.refs.identity).filter(Boolean));
  const requestIds = new Set(actions.map((action) => action.refs.requestId).filter(Boolean));
  let approvals: AuditEntry[] = [];
  if (audit && tenantId && (identities.size > 0 || requestIds.size > 0)) {
    const logged = await audit.list({ tenantId, since: new Date(entries[0].at) });
    const related = logged.filter((entry) => (entry.messageIdentity && identities.has(entry.messageIdentity)) || (entry.requestId && requestIds.has(entry.requestId)));
    // A request found through its message brings in the decisions on it, which name only the request id.
    for (const entry of related) if (entry.requestId) requestIds.add(entry.requestId);
    approvals = logged.filter((entry) => APPROVAL_EVENTS.has(entry.event) && ((entry.requestId && requestIds.has(entry.requestId)) || (entry.messageIdentity && identities.has(entry.messageIdentity))));
  }
  return {
    caseId,
    tenantId,
    conversationIds: [...new Set(entries.map((entry) => entry.conversationId))],
    openedAt: entries[0]?.at ?? null,
    questions: pick('question'),
    findings: pick('finding'),
    actions,
    approvals,
  };
}
