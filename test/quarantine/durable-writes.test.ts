import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  approveRelease, createQuarantineServices, requestRelease, resumeJournaledWrites,
  type AuditEntry, type AuditLog, type ReleaseRequest, type ReleaseRequestStore, type ReleaseWorkflow,
} from '../../src/quarantine';
import { DirectoryWriteJournal, MemoryAuditLog, MemoryReleaseRequestStore } from '../../src/sources/storage';
import { BOB, DANA, FakeQuarantine, quarantined, TENANT } from './support/fixtures';

const NOW = new Date('2026-11-20T14:00:00Z');
const IDENTITY = quarantined().identity;

/** Storage as one process sees it: `down` makes every write throw, as Azure Storage does in an outage. */
class Outage {
  down = false;
  readonly failures: string[] = [];

  requests(inner: ReleaseRequestStore): ReleaseRequestStore {
    const guard = <T>(what: string, write: () => Promise<T>) => (this.down ? this.fail(what) : write());
    return Object.assign(Object.create(inner) as ReleaseRequestStore, {
      replace: (request: ReleaseRequest, etag: string) => guard('replace', () => inner.replace(request, etag)),
    });
  }

  audit(inner: AuditLog): AuditLog {
    return { append: (entry: AuditEntry) => (this.down ? this.fail('append') : inner.append(entry)), list: (query) => inner.list(query) };
  }

  private fail(what: string): Promise<never> {
    this.failures.push(what);
    return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10000'), { code: 'ECONNREFUSED' }));
  }
}

/** One running bot process over the shared storage and journal directory. */
function processOver(storage: { requests: MemoryReleaseRequestStore; audit: MemoryAuditLog }, gateway: FakeQuarantine, journalDir: string) {
  const outage = new Outage();
  const services = createQuarantineServices(
    { ALLOWED_TENANT_IDS: [TENANT], APPROVER_IDS: [DANA.aadObjectId], APPROVER_GROUP_IDS: [], APPROVAL_TTL_HOURS: 24 },
    { requests: outage.requests(storage.requests), audit: outage.audit(storage.audit), gateway, groups: null, journal: new DirectoryWriteJournal(journalDir) },
  );
  const flow: ReleaseWorkflow = { ...services, gateway };
  return { flow, outage };
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('release records survive a storage outage and a restart during it', () => {
  let journalDir: string;
  beforeEach(() => {
    journalDir = mkdtempSync(join(tmpdir(), 'mailflow-journal-'));
  });
  afterEach(() => rmSync(journalDir, { recursive: true, force: true }));

  it('journals the outcome and the "released" entry when storage fails after Exchange released, and the next process writes them', async () => {
    const storage = { requests: new MemoryReleaseRequestStore(), audit: new MemoryAuditLog() };
    const gateway = new FakeQuarantine();
    const first = processOver(storage, gateway, journalDir);
    const acting = { tenantId: TENANT, conversationId: '19:helpdesk@thread.tacv2', conversationKind: 'channel' as const, now: NOW };
    const asked = await requestRelease(first.flow, { ...acting, actor: BOB }, { identity: IDENTITY, reason: 'invoice from our supplier' });
    if (asked.kind !== 'requested') throw new Error(asked.kind);

    // Storage goes down between the approver's claim and Exchange's answer.
    let letRelease!: () => void;
    gateway.releaseGate = new Promise((resolve) => (letRelease = resolve));
    const approving = approveRelease(first.flow, { ...acting, actor: DANA }, { requestId: asked.request.id, options: { allowSender: false, reportFalsePositive: false } });
    await until(async () => (await storage.requests.get(asked.request.id))?.request.state.status === 'releasing', 'the claim');
    first.outage.down = true;
    letRelease();

    // The approver is told the truth (Exchange released it); storage has not heard of it yet.
    expect(await approving).toMatchObject({ kind: 'released' });
    expect(gateway.releases).toHaveLength(1);
    expect((await storage.requests.get(asked.request.id))?.request.state.status).toBe('releasing');
    // The first two tries, not all: the background retry of the request (500 ms after its journal entry) may already
    // have failed too when the second journal write or this process is slow.
    expect(first.outage.failures.slice(0, 2)).toEqual(['replace', 'append']);
    expect(readdirSync(journalDir).filter((name) => name.endsWith('.json'))).toHaveLength(2);

    // The first process dies during the outage (its retries never succeed); storage comes back; a new process starts.
    const second = processOver(storage, gateway, journalDir);
    expect(await resumeJournaledWrites(second.flow)).toBe(2);
    await until(async () => readdirSync(journalDir).length === 0, 'the journal to empty');

    expect((await storage.requests.get(asked.request.id))?.request.state).toMatchObject({ status: 'released', approval: { by: { name: 'Dana Approver' } } });
    expect((await storage.audit.list()).map((entry) => entry.event)).toEqual(['requested', 'approved', 'released']);
    expect(gateway.releases).toHaveLength(1);
  });

  it('writes at once when storage answers, leaving nothing in the journal', async () => {
    const storage = { requests: new MemoryReleaseRequestStore(), audit: new MemoryAuditLog() };
    const gateway = new FakeQuarantine();
    const { flow } = processOver(storage, gateway, journalDir);
    const acting = { tenantId: TENANT, conversationId: '19:helpdesk@thread.tacv2', conversationKind: 'channel' as const, now: NOW };
    const asked = await requestRelease(flow, { ...acting, actor: BOB }, { identity: IDENTITY, reason: 'invoice' });
    if (asked.kind !== 'requested') throw new Error(asked.kind);
    await approveRelease(flow, { ...acting, actor: DANA }, { requestId: asked.request.id, options: { allowSender: false, reportFalsePositive: false } });
    expect((await storage.requests.get(asked.request.id))?.request.state.status).toBe('released');
    expect(readdirSync(journalDir)).toEqual([]);
    expect(await resumeJournaledWrites(flow)).toBe(0);
  });
});
