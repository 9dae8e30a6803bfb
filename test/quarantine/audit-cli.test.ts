import { runCli } from '../support/cli';
import type { AuditEntry } from '../../src/quarantine';
import { createQuarantineStores, startAzurite, type RunningAzurite } from '../../src/sources/storage';
import { BOB, DANA, TENANT } from './support/fixtures';

const run = runCli;

const entry = (at: string, event: AuditEntry['event'], actor = BOB, detail: string | null = null): AuditEntry => ({
  at, event, tenantId: TENANT, requestId: 'req-7', messageIdentity: 'a\\b', sender: 'billing@litware.com', subject: 'Invoice 2211', actor, detail,
});

describe('mailflow-doctor audit', () => {
  let azurite: RunningAzurite;
  beforeAll(async () => {
    azurite = await startAzurite({ inMemory: true });
    const { audit } = createQuarantineStores({ STORAGE_CONNECTION_STRING: azurite.connectionString });
    await audit.append(entry('2026-11-19T09:00:00.000Z', 'requested', BOB, 'old one'));
    await audit.append(entry('2026-11-20T14:00:00.000Z', 'requested', BOB, 'invoice from our supplier'));
    await audit.append(entry('2026-11-20T14:05:00.000Z', 'approved', DANA));
    await audit.append(entry('2026-11-20T14:05:01.000Z', 'released', DANA, 'released to all recipients (1)'));
  }, 90_000);
  afterAll(async () => {
    await azurite?.stop();
  }, 30_000);

  it('prints the log as JSON, oldest first, from --since on', async () => {
    const result = await run(['audit', '--since', '2026-11-20T00:00:00Z'], { STORAGE_CONNECTION_STRING: azurite.connectionString });
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as AuditEntry[];
    expect(rows.map((row) => row.event)).toEqual(['requested', 'approved', 'released']);
    expect(rows[0]).toEqual(entry('2026-11-20T14:00:00.000Z', 'requested', BOB, 'invoice from our supplier'));
  });

  it('prints one line per entry with --format text', async () => {
    const result = await run(['audit', '--format', 'text'], { STORAGE_CONNECTION_STRING: azurite.connectionString });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toContain('released');
    expect(lines[3]).toContain('Dana Approver');
    expect(lines[3]).toContain('"Invoice 2211" from billing@litware.com: released to all recipients (1)');
  });

  it('says what is wrong in one line: a bad --since, a bad --format, no storage configured', async () => {
    const env = { STORAGE_CONNECTION_STRING: azurite.connectionString };
    expect(await run(['audit', '--since', 'yesterday'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('--since must be an ISO 8601 time') });
    expect(await run(['audit', '--format', 'xml'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be json or text') });
    const none = await run(['audit'], { STORAGE_CONNECTION_STRING: undefined, STORAGE_ACCOUNT_URL: undefined });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('set STORAGE_CONNECTION_STRING');
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
  });
});
