import type { AuditLog, DurableWrite, ReleaseRequestStore, WriteFailureReporter, WriteJournal } from './ports';

/**
 * Once Exchange has released a message, the record of it (the request's final state, the "released" audit entry)
 * must survive a storage outage: losing it would leave the request stuck in "releasing" and the audit log silent
 * about a release that happened. A write storage refuses is retried in the background until storage answers again;
 * with a journal (PENDING_WRITES_DIR) it is also kept on disk, so a restart during the outage does not lose it.
 */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;
/** A day of retries: longer than any storage outage worth waiting out; after that the log (and the journal) keep it. */
const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;

export interface DurableTarget {
  readonly requests: ReleaseRequestStore;
  readonly audit: AuditLog;
  readonly journal?: WriteJournal;
  readonly reportWriteFailure?: WriteFailureReporter;
}

function describeWrite(write: DurableWrite): string {
  return write.kind === 'request'
    ? `request ${write.request.id} → ${write.request.state.status}`
    : `audit ${write.entry.requestId ?? write.entry.messageIdentity ?? '-'} ${write.entry.event}`;
}

/**
 * A request write is conditional on the approver's claim. A conflict means another writer (a retry of a stale claim)
 * has recorded the outcome since; Release-QuarantineMessage skips recipients already released, so theirs stands.
 */
async function apply(target: DurableTarget, write: DurableWrite): Promise<void> {
  if (write.kind === 'audit') return target.audit.append(write.entry);
  await target.requests.replace(write.request, write.etag);
}

function retryInBackground(target: DurableTarget, write: DurableWrite, journalId: string | null): void {
  const what = describeWrite(write);
  const report = target.reportWriteFailure ?? (() => undefined);
  const giveUpAt = Date.now() + GIVE_UP_AFTER_MS;
  const attempt = (delay: number) => {
    setTimeout(() => {
      apply(target, write).then(
        async () => {
          if (journalId && target.journal) await target.journal.remove(journalId).catch((error: unknown) => report(`${what} (journal clean-up)`, error, false));
        },
        (again: unknown) => {
          if (Date.now() < giveUpAt) return attempt(Math.min(delay * 2, MAX_RETRY_MS));
          report(what, again, false);
        },
      );
    }, delay).unref();
  };
  attempt(FIRST_RETRY_MS);
}

/** Writes now if storage answers; otherwise journals the write and retries it until storage does. */
export async function writeEventually(target: DurableTarget, write: DurableWrite): Promise<'written' | 'queued'> {
  try {
    await apply(target, write);
    return 'written';
  } catch (error) {
    const report = target.reportWriteFailure ?? (() => undefined);
    report(describeWrite(write), error, true);
    const journalId = target.journal
      ? await target.journal.add(write).catch((journalError: unknown) => {
        report(`${describeWrite(write)} (journal)`, journalError, true);
        return null;
      })
      : null;
    retryInBackground(target, write, journalId);
    return 'queued';
  }
}

/** At start-up: the writes an earlier process journaled and could not finish are retried until storage takes them. */
export async function resumeJournaledWrites(target: DurableTarget): Promise<number> {
  if (!target.journal) return 0;
  const waiting = await target.journal.pending();
  for (const { id, write } of waiting) retryInBackground(target, write, id);
  return waiting.length;
}
