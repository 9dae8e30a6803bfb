import type { ContainerClient } from '@azure/storage-blob';
import type { ExportStore, TraceExport } from '../../evidence/exports';
import { clientOf, createdOnce, isBlobConflict, isBlobMissing, type ClientSource } from './sdk';

/** Blob names carry no user text: the tenant id, a random export id, a random link nonce (each checked by shape). */
const SAFE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const exportBlob = (tenantId: string, id: string) => `exports/${tenantId}/${id}.json`;
const spentBlob = (nonce: string) => `spent/${nonce}`;

/**
 * Trace exports in Azure Blob storage, so that every instance can serve a link another minted and a restart loses
 * none. Single use holds across instances: spending a link creates its `spent/` blob with If-None-Match: *, which
 * exactly one request wins. The exports container has a lifecycle rule (infra/modules/storage.bicep) that deletes
 * blobs after a day; reads refuse anything older than the keep time before that.
 */
export class BlobExportStore implements ExportStore {
  private readonly client: () => ContainerClient;
  private readonly ensure: () => Promise<unknown>;

  constructor(container: ClientSource<ContainerClient>) {
    this.client = clientOf(container);
    this.ensure = createdOnce(() => this.client().createIfNotExists());
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
      if (isBlobMissing(error)) return null;
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
      // Spent before (the If-None-Match: * write lost).
      if (isBlobConflict(error)) return false;
      throw error;
    }
  }
}
