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

/**
 * Creates a table or container on first use (once per process), so that building the services never does I/O;
 * a failed creation is tried again on the next call.
 */
export function createdOnce(create: () => Promise<unknown>): () => Promise<unknown> {
  let ready: Promise<unknown> | null = null;
  return () => {
    ready ??= create().catch((error: unknown) => {
      ready = null;
      throw error;
    });
    return ready;
  };
}

// The SDK is loaded by the time these are asked: the error came from one of its calls.
const blobStatusOf = (error: unknown): number | undefined => (error instanceof blobsSdk().RestError ? error.statusCode : undefined);

/**
 * 412 is "the ETag no longer matches", 409 "the blob exists" (Azure answers If-None-Match: * with 409
 * BlobAlreadyExists, Azurite with 412): both mean somebody else wrote first.
 */
export function isBlobConflict(error: unknown): boolean {
  const status = blobStatusOf(error);
  return status === 412 || status === 409;
}

export function isBlobMissing(error: unknown): boolean {
  return blobStatusOf(error) === 404;
}
