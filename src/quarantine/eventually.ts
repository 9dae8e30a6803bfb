/**
 * Once Exchange has released a message, the record of it (the request's final state, the "released" audit entry)
 * must survive a storage outage: losing it would leave the request stuck in "releasing" and the audit log silent
 * about a release that happened. Such writes are retried in the background until storage answers again; the chat
 * answer does not wait for them. The queue lives in memory, so it covers outages, not a restart during one.
 */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;
/** A day of retries: longer than any storage outage worth waiting out; after that the log has the detail. */
const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;

const pending = new Set<string>();

/** Writes still waiting for storage (for readiness checks and tests). */
export function pendingWrites(): readonly string[] {
  return [...pending];
}

export type WriteFailureReporter = (what: string, error: unknown, willRetry: boolean) => void;

export async function writeEventually(what: string, write: () => Promise<unknown>, report: WriteFailureReporter = () => undefined): Promise<'written' | 'queued'> {
  try {
    await write();
    return 'written';
  } catch (error) {
    report(what, error, true);
    const key = `${what}#${Math.random().toString(36).slice(2)}`;
    pending.add(key);
    const giveUpAt = Date.now() + GIVE_UP_AFTER_MS;
    const retry = (delay: number) => {
      setTimeout(() => {
        write().then(
          () => pending.delete(key),
          (again: unknown) => {
            if (Date.now() >= giveUpAt) {
              pending.delete(key);
              report(what, again, false);
            } else retry(Math.min(delay * 2, MAX_RETRY_MS));
          },
        );
      }, delay).unref();
    };
    retry(FIRST_RETRY_MS);
    return 'queued';
  }
}
