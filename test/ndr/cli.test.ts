import { join } from 'node:path';
import { main } from '../../src/cli/main';

/** The CLI is a thin client of the analyzer: JSON on stdout, one clear line on stderr and exit 2 for errors. */
describe('mailflow-doctor ndr and code on the command line', () => {
  let stdout = '';
  let stderr = '';
  beforeEach(() => {
    stdout = '';
    stderr = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  });
  afterEach(() => jest.restoreAllMocks());

  it('explains an NDR file as JSON', async () => {
    expect(await main(['ndr', join(__dirname, 'fixtures', 'exo-classic.txt')])).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ kind: 'ndr', origin: 'exchange-online', subject: 'Budget 2027' });
    expect(report.results.map((r: { status: string }) => r.status)).toEqual(['5.1.10', '5.2.2']);
  });

  it('answers "not an NDR" as a result, not an error', async () => {
    expect(await main(['ndr', join(__dirname, 'cli.test.ts')])).toBe(0);
    expect(JSON.parse(stdout).kind).toBe('not-ndr');
  });

  it('explains a code, alone or inside a reply', async () => {
    expect(await main(['code', '5.7.708'])).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ code: '5.7.708', explanation: { whoActs: 'sender-admin' } });
    stdout = '';
    expect(await main(['code', '550', '5.1.10', 'RESOLVER.ADR.RecipientNotFound'])).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ code: '5.1.10', replyCode: 550, reason: 'userunknown' });
  });

  it('fails with one line and exit 2 when there is nothing to explain or no file', async () => {
    expect(await main(['code', 'hello'])).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    stderr = '';
    expect(await main(['ndr', '/nonexistent/ndr.eml'])).toBe(2);
    expect(stderr).toMatch(/cannot read \/nonexistent\/ndr\.eml: no such file/);
  });
});
