/* eslint-disable @typescript-eslint/no-require-imports */
import type { ContainerClient } from '@azure/storage-blob';
import type { TableClient } from '@azure/data-tables';
import { lazy } from '../../ops/lazy';

/**
 * The Azure storage SDKs, loaded when a store is first used rather than when the bot starts: together they are
 * several MB of resident memory, and an idle bot (or a CLI command that never touches storage) needs none of it.
 */
export const tablesSdk = lazy(() => require('@azure/data-tables') as typeof import('@azure/data-tables'));
export const blobsSdk = lazy(() => require('@azure/storage-blob') as typeof import('@azure/storage-blob'));

/** A client, or how to build it on first use; the stores accept both (tests pass clients they built). */
export type ClientSource<T extends TableClient | ContainerClient> = T | (() => T);

export function clientOf<T extends TableClient | ContainerClient>(source: ClientSource<T>): () => T {
  return typeof source === 'function' ? lazy(source) : () => source;
}
