import type { TimeWindow } from '../model/intent';

/** Graph message trace answers at most 10 days per query, starting at most 90 days back. */
export const MAX_QUERY_DAYS = 10;
export const MAX_LOOKBACK_DAYS = 90;
const DAY_MS = 86_400_000;

export interface PlannedWindow {
  /** Query windows of at most 10 days each, newest first. */
  readonly chunks: readonly TimeWindow[];
  /** Said to the user when the asked window had to be limited; never cut silently. */
  readonly limitNote: string | null;
}

export function defaultWindow(now: Date): TimeWindow {
  return { start: new Date(now.getTime() - 2 * DAY_MS).toISOString(), end: now.toISOString() };
}

/** Splits the asked window into Graph-sized queries and clamps it to what Graph can answer. */
export function planWindow(window: TimeWindow, now: Date): PlannedWindow {
  const earliest = now.getTime() - MAX_LOOKBACK_DAYS * DAY_MS;
  let start = Date.parse(window.start);
  let end = Math.min(Date.parse(window.end), now.getTime());
  const notes: string[] = [];
  if (start < earliest) {
    start = earliest;
    notes.push(`Message trace keeps 90 days, so I searched from ${new Date(start).toISOString().slice(0, 10)} on.`);
  }
  if (end <= start) end = Math.min(start + DAY_MS, now.getTime());
  const chunks: TimeWindow[] = [];
  for (let chunkEnd = end; chunkEnd > start; chunkEnd -= MAX_QUERY_DAYS * DAY_MS) {
    const chunkStart = Math.max(start, chunkEnd - MAX_QUERY_DAYS * DAY_MS);
    chunks.push({ start: new Date(chunkStart).toISOString(), end: new Date(chunkEnd).toISOString() });
  }
  if (chunks.length > 1) notes.push(`Graph answers 10 days per query, so I ran ${chunks.length} queries to cover the window.`);
  return { chunks, limitNote: notes.length > 0 ? notes.join(' ') : null };
}
