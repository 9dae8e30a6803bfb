import { cardBytes, MAX_CARD_BYTES, renderCard } from '../../src/cards/render';
import { withTicketCopy } from '../../src/evidence/card';
import { csvCell, traceCsv, TRACE_CSV_COLUMNS } from '../../src/evidence/csv';
import { checkToken, mintToken } from '../../src/evidence/links';
import { cardOfExport, MemoryExportStore, TraceExports, type ExportStore, type TraceExport } from '../../src/evidence/exports';
import { createExportStore, MemoryCaseLog, startAzurite, type RunningAzurite } from '../../src/sources/storage';
import { newCaseId } from '../../src/evidence/answer';
import { ticketSummary } from '../../src/evidence/ticket';
import { isCaseId, type CaseEntry } from '../../src/model/case';
import { emptyRequest } from '../../src/model/intent';
import type { TraceMessage } from '../../src/model/trace';
import { cardProblems } from '../support/cards';
import { ticketText } from './support';

const KEY = 'unit-test-signing-key-0123456789abcdef0123';
const row = (overrides: Partial<TraceMessage> = {}): TraceMessage => ({
  id: '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f', senderAddress: 'billing@litware.com', recipientAddress: 'jane.doe@contoso.com',
  messageId: '<inv-20931@litware.com>', receivedDateTime: '2026-11-20T14:05:09Z', subject: 'Invoice INV-20931', size: 48213,
  fromIP: '203.0.113.25', toIP: '', status: 'delivered', ...overrides,
});

describe('the trace CSV', () => {
  it('has the admin center columns and one line per row, in UTC', () => {
    const lines = traceCsv([row(), row({ status: 'failed', recipientAddress: 'bob@contoso.com' })]).split('\r\n');
    expect(lines[0]).toBe(TRACE_CSV_COLUMNS.join(','));
    expect(lines[1]).toBe('2026-11-20T14:05:09Z,billing@litware.com,jane.doe@contoso.com,Invoice INV-20931,Delivered,,203.0.113.25,48213,<inv-20931@litware.com>,7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f');
    expect(lines[2]).toContain(',bob@contoso.com,Invoice INV-20931,Failed,');
  });

  it('quotes commas and quotes, and keeps a subject that looks like a formula as text', () => {
    expect(csvCell('Re: invoice, "urgent"')).toBe('"Re: invoice, ""urgent"""');
    expect(csvCell('=HYPERLINK("http://evil.example","click")')).toBe('"\'=HYPERLINK(""http://evil.example"",""click"")"');
    expect(csvCell('+31 20 123')).toBe("'+31 20 123");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });
});

describe('export links', () => {
  const now = new Date('2026-11-22T06:00:00Z');
  const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

  it('a token carries its claims and checks only with the key that signed it', () => {
    const { token } = mintToken(KEY, { tenantId: 'tenant-a', exportId: 'x1', expiresAt: now.getTime() / 1000 + 900 });
    expect(checkToken(KEY, token, now)).toMatchObject({ kind: 'ok', claims: { tenantId: 'tenant-a', exportId: 'x1' } });
    expect(checkToken(`${KEY}-other`, token, now).kind).toBe('bad-signature');
    expect(checkToken(KEY, `${token}x`, now).kind).toBe('bad-signature');
    expect(checkToken(KEY, token, later(15)).kind).toBe('expired');
  });

  const helpCard = (intro: string) => renderCard('help', { intro, examples: [] });
  const saveOne = (exports: TraceExports, tenantId: string, rows: TraceMessage[], card: ReturnType<typeof helpCard> | null = null) =>
    exports.save({ id: exports.newId(), tenantId, caseId: 'CASE-20261122-ABCDEF', rows, card, at: now });

  async function redeemsOnce(store: ExportStore) {
    const exports = new TraceExports({ signingKey: KEY, linkTtlMinutes: 15, publicBaseUrl: 'https://bot.example', store });
    const saved = await saveOne(exports, 'Tenant-A', [row()], helpCard('trace answer'));
    expect(await exports.find('tenant-b', saved.id, now)).toBeNull();
    expect((await exports.find('TENANT-A', saved.id, now))?.rowCount).toBe(1);
    expect(cardOfExport((await exports.find('tenant-a', saved.id, now))!)?.body).toBeDefined();
    // Kept for 24 hours, then gone even if the store still holds it.
    expect(await exports.find('tenant-a', saved.id, later(24 * 60 + 1))).toBeNull();
    const { url, expiresAt } = exports.link(saved, now);
    expect(url).toMatch(/^https:\/\/bot\.example\/exports\/[\w-]+\.[\w-]+$/);
    expect(expiresAt).toBe('2026-11-22T06:15:00.000Z');
    const token = url.split('/').pop()!;
    const served = () => true;
    expect(await exports.redeem(token, later(1), () => false)).toMatchObject({ kind: 'refused', status: 403 });
    expect(await exports.redeem(token, later(1), served)).toMatchObject({ kind: 'ok' });
    expect(await exports.redeem(token, later(2), served)).toMatchObject({ kind: 'refused', status: 410 });
    const { token: foreign } = mintToken(KEY, { tenantId: 'tenant-b', exportId: saved.id, expiresAt: now.getTime() / 1000 + 900 });
    expect(await exports.redeem(foreign, later(1), served)).toMatchObject({ kind: 'refused', status: 404 });
    return { exports, saved, token };
  }

  it('redeems once, refuses another tenant\'s folder, a tenant no longer served, and an export past its keep time', async () => {
    await redeemsOnce(new MemoryExportStore());
  });

  describe('in Azure Blob storage (Azurite), shared by every instance', () => {
    let azurite: RunningAzurite;
    beforeAll(async () => {
      azurite = await startAzurite({ inMemory: true });
    }, 60_000);
    afterAll(async () => azurite?.stop(), 30_000);

    it('behaves as in memory, and a link minted on one instance works once on another', async () => {
      const storeOf = () => createExportStore({ STORAGE_CONNECTION_STRING: azurite.connectionString })!;
      const { saved } = await redeemsOnce(storeOf());
      // A second instance (its own store object) finds the export and spends a fresh link once, in a race of two.
      const other = new TraceExports({ signingKey: KEY, linkTtlMinutes: 15, publicBaseUrl: 'https://bot.example', store: storeOf() });
      const third = new TraceExports({ signingKey: KEY, linkTtlMinutes: 15, publicBaseUrl: 'https://bot.example', store: storeOf() });
      const token = other.link(saved, now).url.split('/').pop()!;
      const results = await Promise.all([other.redeem(token, later(1), () => true), third.redeem(token, later(1), () => true)]);
      expect(results.map((result) => result.kind).sort()).toEqual(['ok', 'refused']);
      expect(results.find((result) => result.kind === 'refused')).toMatchObject({ status: 410 });
    });
  });

  it('keeps the newest exports in memory within a size budget, not only a count: one long trace weighs as much as many short ones', async () => {
    const store = new MemoryExportStore({ maxChars: 60_000 });
    const exports = new TraceExports({ signingKey: KEY, linkTtlMinutes: 15, publicBaseUrl: 'https://bot.example', store });
    const bigTrace = Array.from({ length: 200 }, (_, index) => row({ id: `row-${index}`, subject: `Invoice INV-${index}` }));
    const saved: TraceExport[] = [];
    for (let index = 0; index < 5; index++) saved.push(await saveOne(exports, 'tenant-a', bigTrace));
    const weight = saved[0].csv.length;
    expect(weight).toBeGreaterThan(20_000);
    const kept: TraceExport[] = [];
    for (const item of saved) if (await exports.find('tenant-a', item.id, now)) kept.push(item);
    // The oldest go first; what stays fits the budget, and the newest is always among it.
    expect(kept).toEqual(saved.slice(saved.length - kept.length));
    expect(kept.length).toBe(Math.floor(60_000 / weight));
    expect(store.size().chars).toBeLessThanOrEqual(60_000);
    // The card counts too.
    await saveOne(exports, 'tenant-a', bigTrace, helpCard('x'.repeat(30_000)));
    expect(store.size().chars).toBeLessThanOrEqual(60_000);
  });
});

describe('the case log without storage', () => {
  const question = (caseId: string, minute: number, text: string): CaseEntry => ({
    kind: 'question', caseId, at: `2026-11-22T06:${String(minute).padStart(2, '0')}:00.000Z`, tenantId: null, conversationId: 'a:1',
    who: { userId: '29:alex', aadObjectId: null, name: null }, intent: 'ndr', text,
  });

  it('drops the oldest cases whole once over its budget, never the case being written, and keeps each case in order', async () => {
    const log = new MemoryCaseLog(2_000);
    await log.append(question('CASE-A', 1, 'a'.repeat(600)));
    await log.append(question('CASE-B', 2, 'b'.repeat(600)));
    await log.append(question('CASE-A', 3, 'second question in A'));
    expect((await log.entries('CASE-A')).map((entry) => entry.at.slice(14, 16))).toEqual(['01', '03']);
    // C pushes the total past 2,000 characters: A, opened first, goes (both of its entries); B stays.
    await log.append(question('CASE-C', 4, 'c'.repeat(600)));
    expect(await log.entries('CASE-A')).toEqual([]);
    expect((await log.entries('CASE-B')).map((entry) => entry.kind)).toEqual(['question']);
    // A single case larger than the budget is still kept while it is the one being written.
    await log.append(question('CASE-D', 5, 'd'.repeat(5_000)));
    expect(await log.entries('CASE-D')).toHaveLength(1);
    expect(await log.entries('CASE-B')).toEqual([]);
  });

  it('keeps what was appended, whatever the caller or a reader does with its object afterwards', async () => {
    const log = new MemoryCaseLog();
    const entry = { ...question('CASE-A', 1, 'why did this bounce?'), who: { userId: '29:alex', aadObjectId: null, name: 'Alex' } };
    await log.append(entry);
    (entry as { text: string }).text = 'changed';
    (entry.who as { name: string | null }).name = 'Mallory';
    const [read] = await log.entries('CASE-A');
    expect(read).toMatchObject({ text: 'why did this bounce?', who: { name: 'Alex' } });
    (read as { text: string }).text = 'changed by a reader';
    (read.who as { name: string | null }).name = 'Eve';
    const [kept] = await log.entries('CASE-A');
    expect(kept).toMatchObject({ text: 'why did this bounce?', who: { name: 'Alex' } });
  });
});

describe('case ids', () => {
  it('name the UTC day and six Crockford base-32 characters', () => {
    let drawn = 0;
    const id = newCaseId(new Date('2026-11-22T23:59:00Z'), (max) => (max - 1 - drawn++) % max);
    expect(id).toBe('CASE-20261122-ZYXWVT');
    expect(isCaseId(newCaseId(new Date()))).toBe(true);
    expect(isCaseId('CASE-20261122-ILOU00')).toBe(false);
  });
});

describe('"Copy for ticket" stays inside Teams\' 28 KB', () => {
  it('cuts the summary of a big answer, with a note that says where the full record is', () => {
    const steps = Array.from({ length: 40 }, (_, index) => ({ number: index + 1, text: `Step ${index + 1}: ${'check the connector and the certificate '.repeat(8)}` }));
    const card = renderCard('diagnosis', {
      heading: 'You asked: why?', rootCause: 'x', summary: '', layerLabel: 'Connector', confidence: 'high', messagesExamined: '1',
      health: [], nextSteps: steps, evidence: [], sourceFailures: [], asks: [],
    });
    const reply = { kind: 'card' as const, card, text: 'Connector: x\n' + 'evidence line with detail\n'.repeat(3000), data: { some: 'result' } };
    const summary = ticketSummary({ request: emptyRequest('connector_check'), reply, caseId: 'CASE-20261122-ABCDEF', at: new Date() }, 60_000);
    expect(summary.length).toBeGreaterThan(40_000);
    const decorated = withTicketCopy(card, summary, 'CASE-20261122-ABCDEF');
    expect(cardBytes(decorated)).toBeLessThan(MAX_CARD_BYTES);
    expect(cardProblems(decorated)).toEqual([]);
    expect(ticketText(decorated)).toMatch(/cut to fit the card; the full record: mailflow-doctor case CASE-20261122-ABCDEF\)$/);
  });
});
