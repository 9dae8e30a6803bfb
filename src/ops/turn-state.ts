import type { Storage } from 'botbuilder';
import type { Config } from '../config';
import { lazy } from './lazy';

/**
 * Where teams-ai keeps conversation state (the last question, for follow-ups such as "and yesterday?"). In memory
 * that state belongs to one instance, so a follow-up answered by another instance would lose its context; with
 * storage configured it goes to a blob container that every instance shares.
 */
export const TURN_STATE_CONTAINER = 'bot-state';

export function createTurnStateStorage(config: Pick<Config, 'STORAGE_CONNECTION_STRING' | 'STORAGE_ACCOUNT_URL'>): Storage | undefined {
  if (!config.STORAGE_CONNECTION_STRING && !config.STORAGE_ACCOUNT_URL) return undefined;
  // Built on the first turn, not at start-up: botbuilder-azure-blobs brings the Azure Blob SDK, several MB an idle
  // bot (and every CLI command but `serve`) has no use for.
  const blobs = lazy((): Storage => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { BlobsStorage } = require('botbuilder-azure-blobs') as typeof import('botbuilder-azure-blobs');
    if (config.STORAGE_CONNECTION_STRING) return new BlobsStorage(config.STORAGE_CONNECTION_STRING, TURN_STATE_CONTAINER);
    const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
    const containerUrl = new URL(TURN_STATE_CONTAINER, config.STORAGE_ACCOUNT_URL!.replace(/\/?$/, '/')).toString();
    return new BlobsStorage('', TURN_STATE_CONTAINER, {}, containerUrl, new DefaultAzureCredential());
  });
  return {
    read: (keys) => blobs().read(keys),
    write: (changes) => blobs().write(changes),
    delete: (keys) => blobs().delete(keys),
  };
}
