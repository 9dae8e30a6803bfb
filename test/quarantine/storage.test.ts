import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import {
  BlobReleaseRequestStore, createQuarantineStores, MemoryAuditLog, MemoryReleaseRequestStore, startAzurite, TableAuditLog, type RunningAzurite,
} from '../../src/sources/storage';
import type { AuditEntry, AuditLog, ReleaseRequestStore } from '../../src/quarantine';
import { BOB, pendingRequest, TENANT, OTHER_TENANT } from './support/fixtures';

function entry(at: string, event: AuditEntry['event'], tenantId = TENANT): AuditEntry {
  return { at, event, tenantId, requestId: 'req-1', messageIdentity: 'a\\b', sender: 'billing@litware.com', subject: 'Invoice', actor: BOB, detail: null };
}

/** The same contract for the in-memory stores and the Azure ones (run against Azurite). */
function requestStoreContract(name: string, make: () => ReleaseRequestStore) {
  describe(`${name}: release requests with optimistic concurrency`, () => {
    it('creates once, reads back, and refuses a second create with the same id', async () => {
      const store = make();
      const request = pendingRequest({ id: `r-${Math.random().toString(36).slice(2)}` });
      const created = await store.create(request);
      expect(created.kind).toBe('ok');
      expect((await store.create(request)).kind).toBe('conflict');
      const read = await store.get(request.id);
      expect(read?.request).toEqual(request);
      expect(await store.get('no-such-request')).toBeNull();
    });

    it('writes with the current ETag and refuses a write with a stale one', async () => {
      const store = make();
      const request = pendingRequest({ id: `r-${Math.random().toString(36).slice(2)}` });
      const created = await store.create(request);
      if (created.kind !== 'ok') throw new Error('create failed');
      const first = await store.replace({ ...request, reason: 'first' }, created.stored.etag);
      const second = await store.replace({ ...request, reason: 'second' }, created.stored.etag);
      expect(first.kind).toBe('ok');
      expect(second.kind).toBe('conflict');
      expect((await store.get(request.id))?.request.reason).toBe('first');
    });

    it('lets exactly one of two simultaneous writers win', async () => {
      const store = make();
      const request = pendingRequest({ id: `r-${Math.random().toString(36).slice(2)}` });
      const created = await store.create(request);
      if (created.kind !== 'ok') throw new Error('create failed');
      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map((reason) => store.replace({ ...request, reason }, created.stored.etag)),
      );
      expect(results.filter((result) => result.kind === 'ok')).toHaveLength(1);
    });

    it('remembers the latest request per message and the approvers seen, per tenant', async () => {
      const store = make();
      await store.setLatestFor(TENANT, 'a\\b', 'req-9');
      expect(await store.latestFor(TENANT, 'a\\b')).toBe('req-9');
      expect(await store.latestFor(OTHER_TENANT, 'a\\b')).toBeNull();
      await Promise.all([store.addApproverUserId(TENANT, '29:dana'), store.addApproverUserId(TENANT, '29:erin')]);
      await store.addApproverUserId(TENANT, '29:dana');
      expect([...(await store.approverUserIds(TENANT))].sort()).toEqual(['29:dana', '29:erin']);
      expect(await store.approverUserIds(OTHER_TENANT)).toEqual([]);
    });
  });
}

function auditContract(name: string, make: () => AuditLog) {
  describe(`${name}: the append-only audit log`, () => {
    it('lists entries oldest first, filtered by time and tenant', async () => {
      const log = make();
      await log.append(entry('2026-11-20T14:05:00.000Z', 'approved'));
      await log.append(entry('2026-11-20T14:00:00.000Z', 'requested'));
      await log.append(entry('2026-11-20T14:06:00.000Z', 'released', OTHER_TENANT));
      const all = await log.list();
      expect(all.map((row) => row.event)).toEqual(['requested', 'approved', 'released']);
      expect(all[0]).toEqual(entry('2026-11-20T14:00:00.000Z', 'requested'));
      expect((await log.list({ since: new Date('2026-11-20T14:01:00Z') })).map((row) => row.event)).toEqual(['approved', 'released']);
      expect((await log.list({ tenantId: OTHER_TENANT })).map((row) => row.event)).toEqual(['released']);
    });
  });
}

requestStoreContract('in memory', () => new MemoryReleaseRequestStore());
auditContract('in memory', () => new MemoryAuditLog());

describe('Azure storage through Azurite', () => {
  let azurite: RunningAzurite;
  let tables = 0;
  beforeAll(async () => {
    azurite = await startAzurite({ inMemory: true });
  }, 90_000);
  afterAll(async () => {
    await azurite?.stop();
  }, 30_000);

  it('runs Azurite on loopback only', () => {
    expect(new URL(azurite.blobUrl).hostname).toBe('127.0.0.1');
    expect(new URL(azurite.tableUrl).hostname).toBe('127.0.0.1');
  });

  requestStoreContract('Azure Blob', () =>
    new BlobReleaseRequestStore(BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(`releases${tables++}`)),
  );
  auditContract('Azure Table', () =>
    new TableAuditLog(TableClient.fromConnectionString(azurite.connectionString, `audit${tables++}`, { allowInsecureConnection: true })),
  );
});

describe('Azurite on disk (the demo keeps its data under .data/)', () => {
  it('keeps requests and audit entries when Azurite itself restarts', async () => {
    const location = mkdtempSync(join(tmpdir(), 'mailflow-azurite-'));
    let azurite = await startAzurite({ location });
    try {
      const first = createQuarantineStores({ STORAGE_CONNECTION_STRING: azurite.connectionString });
      await first.requests.create(pendingRequest({ id: 'kept-1' }));
      await first.audit.append(entry('2026-11-20T14:00:00.000Z', 'requested'));
      await azurite.stop();
      azurite = await startAzurite({ location });
      const second = createQuarantineStores({ STORAGE_CONNECTION_STRING: azurite.connectionString });
      expect((await second.requests.get('kept-1'))?.request.reason).toBe('invoice from our supplier');
      expect((await second.audit.list()).map((row) => row.event)).toEqual(['requested']);
    } finally {
      await azurite.stop();
      rmSync(location, { recursive: true, force: true });
    }
  }, 120_000);
});
