import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { createdOnce } from './sdk';

let appended = 0;

/**
 * Row keys for append-only tables. Rows sort by row key; entries with the same `at` (approved and released in one
 * tick) keep the order they were written in: the real clock and a counter break the tie, and a random suffix keeps
 * two bot instances apart.
 */
export function appendRowKey(at: string): string {
  appended = (appended + 1) % 1_000_000;
  return `${at}_${Date.now().toString().padStart(15, '0')}${appended.toString().padStart(6, '0')}_${randomUUID().slice(0, 8)}`;
}

/** Creates the table on first use (once per process); a failed creation is tried again on the next call. */
export function tableCreatedOnce(table: () => TableClient): () => Promise<unknown> {
  return createdOnce(() => table().createTable());
}
