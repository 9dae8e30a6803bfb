import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';


describe('mailflow-doctor headers FILE', () => {
  it('prints the JSON contract of issue 4', async () => {
    const { code, stdout } = await runCli(['headers', join(__dirname, 'fixtures', 'exo-inbound-held-in-eop.txt')]);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json).sort()).toEqual(
      ['antispam', 'auth', 'date', 'findings', 'from', 'hops', 'messageId', 'slowestHop', 'subject', 'to', 'totalSeconds'].sort(),
    );
    expect(Object.keys(json.hops[0]).sort()).toEqual(['by', 'delaySeconds', 'from', 'index', 'time', 'with']);
    expect(json.hops[2]).toEqual({
      index: 3, from: 'BN8NAM12FT045.eop-nam12.prod.protection.outlook.com', by: 'BN9PR03CA0123.outlook.office365.com',
      with: 'Microsoft SMTP Server', time: '2024-03-05T12:46:05Z', delaySeconds: 9063,
    });
    expect(json.totalSeconds).toBe(9069);
    expect(json.slowestHop).toEqual({ index: 3, from: 'BN8NAM12FT045.eop-nam12.prod.protection.outlook.com', by: 'BN9PR03CA0123.outlook.office365.com', delaySeconds: 9063 });
    expect(json.auth).toMatchObject({
      spf: 'pass', dkim: 'pass', dmarc: 'pass', compauth: { result: 'pass', reason: '100' }, arc: null, spfClientIp: '198.51.100.25',
      mailFromDomain: 'bounces.mailer.fabrikam.com', headerFromDomain: 'fabrikam.com', dkimDomains: ['fabrikam.com'],
      alignment: { spf: 'aligned', dkim: 'aligned' },
    });
    expect(json.antispam.SCL).toEqual({ value: '1', meaning: 'Not spam - Inbox' });
    expect(json.findings[0]).toEqual({ severity: 'warning', code: 'headers.slow-hop', message: expect.stringContaining('2 h 31 min'), fix: expect.any(String) });
  });

  it('says "no headers found" in one line with exit code 2 for garbage', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'headers-')), 'question.txt');
    writeFileSync(file, 'Hi team: why did this mail arrive late?\nThanks!\n');
    const { code, stdout, stderr } = await runCli(['headers', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('No message headers found');
  });

  it('says so when the file is missing', async () => {
    const { code, stderr } = await runCli(['headers', join(__dirname, 'no-such-file.txt')]);
    expect(code).toBe(2);
    expect(stderr).toContain('no such file');
  });
});
