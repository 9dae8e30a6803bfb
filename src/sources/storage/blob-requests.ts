import { createHash } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import type { ConditionalWrite, ReleaseRequest, ReleaseRequestStore, StoredRequest } from '../../quarantine';
import { clientOf, createdOnce, isBlobConflict, isBlobMissing, type ClientSource } from './sdk';

/** Blob layout: one JSON blob per request, plus two small indexes. Names never contain user text. */
const requestBlob = (id: string) => `requests/${id}.json`;
const latestBlob = (tenantId: string, identity: string) =>
  `latest/${tenantId.toLowerCase()}/${createHash('sha256').update(identity).digest('hex')}.json`;
const approversBlob = (tenantId: string) => `approvers/${tenantId.toLowerCase()}.json`;

async function readStream(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Release requests in Azure Blob storage; every change is an ETag-conditional write (optimistic concurrency). */
export class BlobReleaseRequestStore implements ReleaseRequestStore {
  private readonly client: () => ContainerClient;
  private readonly ensure: () => Promise<unknown>;

  constructor(container: ClientSource<ContainerClient>) {
    this.client = clientOf(container);
    this.ensure = createdOnce(() => this.container.createIfNotExists());
  }

  private get container(): ContainerClient {
    return this.client();
  }

  private async write(name: string, value: unknown, conditions: { ifMatch?: string; ifNoneMatch?: string }): Promise<string | 'conflict'> {
    await this.ensure();
    const body = JSON.stringify(value);
    try {
      const response = await this.container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
        conditions,
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
      return response.etag ?? '';
    } catch (error) {
      if (isBlobConflict(error)) return 'conflict';
      throw error;
    }
  }

  private async read<T>(name: string): Promise<{ value: T; etag: string } | null> {
    await this.ensure();
    try {
      const response = await this.container.getBlockBlobClient(name).download();
      return { value: JSON.parse(await readStream(response.readableStreamBody)) as T, etag: response.etag ?? '' };
    } catch (error) {
      if (isBlobMissing(error)) return null;
      throw error;
    }
  }

  async create(request: ReleaseRequest): Promise<ConditionalWrite> {
    const etag = await this.write(requestBlob(request.id), request, { ifNoneMatch: '*' });
    return etag === 'conflict' ? { kind: 'conflict' } : { kind: 'ok', stored: { request, etag } };
  }

  async get(id: string): Promise<StoredRequest | null> {
    const found = await this.read<ReleaseRequest>(requestBlob(id));
    return found ? { request: found.value, etag: found.etag } : null;
  }

  async replace(request: ReleaseRequest, etag: string): Promise<ConditionalWrite> {
    const written = await this.write(requestBlob(request.id), request, { ifMatch: etag });
    return written === 'conflict' ? { kind: 'conflict' } : { kind: 'ok', stored: { request, etag: written } };
  }

  async latestFor(tenantId: string, identity: string): Promise<string | null> {
    const found = await this.read<{ requestId: string }>(latestBlob(tenantId, identity));
    return found?.value.requestId ?? null;
  }

  async setLatestFor(tenantId: string, identity: string, requestId: string): Promise<void> {
    await this.write(latestBlob(tenantId, identity), { requestId }, {});
  }

  async approverUserIds(tenantId: string): Promise<readonly string[]> {
    const found = await this.read<{ userIds: string[] }>(approversBlob(tenantId));
    return found?.value.userIds ?? [];
  }

  async addApproverUserId(tenantId: string, userId: string): Promise<void> {
    // Two approvers seen at once must both be kept: retry the read-modify-write on a conflict.
    for (let attempt = 0; attempt < 5; attempt++) {
      const found = await this.read<{ userIds: string[] }>(approversBlob(tenantId));
      const userIds = found?.value.userIds ?? [];
      if (userIds.includes(userId)) return;
      const written = await this.write(approversBlob(tenantId), { userIds: [...userIds, userId] }, found ? { ifMatch: found.etag } : { ifNoneMatch: '*' });
      if (written !== 'conflict') return;
    }
  }
}
