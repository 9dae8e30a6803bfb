import type { ContainerClient } from '@azure/storage-blob';
import type { ExportStore, TraceExport } from '../../evidence/exports';
import { blobsSdk, clientOf, type ClientSource } from './sdk';

/** Blob names carry no user text: the tenant id, a random export id, a random link nonce (each checked by shape). */
const SAFE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const exportBlob = (tenantId: string, id: string) => `exports/${tenantId}/${id}.json`;
const spentBlob = (nonce: string) => `spent/${nonce}`;

const statusOf = (error: unknown): number | undefined =>
  // The SDK is loaded by then: the error came from one of its calls.
  error instanceof blobsSdk().RestError ? error.statusCode : undefined;

/**
 * Trace exports in Azure Blob storage, so that every instance can serve a link another minted and a restart loses
 * none. Single use holds across instances: spending a link creates its `spent/` blob with If-None-Match: *, which
 * exactly one request wins. The exports container has a lifecycle rule (infra/modules/storage.bicep) that deletes
 * blobs after a day; reads refuse anything older than the keep time before that.
 */
export class BlobExportStore implements ExportStore {
  private ready: Promise<unknown> | null = null;
  private readonly client: () => ContainerClient;

  constructor(container: ClientSource<ContainerClient>) {
    this.client = clientOf(container);
  }

  private ensure(): Promise<unknown> {
    this.ready ??= this.client().createIfNotExists().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  async put(saved: TraceExport): Promise<void> {
    if (!SAFE_NAME.test(saved.tenantId) || !SAFE_NAME.test(saved.id)) throw new Error('export ids must be plain tokens');
    await this.ensure();
    const body = JSON.stringify(saved);
    await this.client().getBlockBlobClient(exportBlob(saved.tenantId, saved.id)).upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
  }

  async get(tenantId: string, id: string): Promise<TraceExport | null> {
    if (!SAFE_NAME.test(tenantId) || !SAFE_NAME.test(id)) return null;
    await this.ensure();
    try {
      const buffer = await this.client().getBlockBlobClient(exportBlob(tenantId, id)).downloadToBuffer();
      return JSON.parse(buffer.toString('utf8')) as TraceExport;
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  async spend(nonce: string, until: Date): Promise<boolean> {
    if (!SAFE_NAME.test(nonce)) return false;
    await this.ensure();
    const body = until.toISOString();
    try {
      await this.client().getBlockBlobClient(spentBlob(nonce)).upload(body, Buffer.byteLength(body), { conditions: { ifNoneMatch: '*' } });
      return true;
    } catch (error) {
      // Azure answers If-None-Match: * on an existing blob with 409, Azurite with 412: spent before.
      if (statusOf(error) === 409 || statusOf(error) === 412) return false;
      throw error;
    }
  }
}
