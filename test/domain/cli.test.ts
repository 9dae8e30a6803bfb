import { Readable } from 'node:stream';
import { runCli } from '../support/cli';
import { runSpfBatch } from '../../src/cli/commands/spf-eval';
import { DEMO_EXO_OUTBOUND_IP, DEMO_MARKETING_IP, startDnsServer, type RunningDnsServer } from '../../src/emulator/dns';
import { createDnsResolver } from '../../src/sources/dns';
import { AUDIT_ZONES } from './zones';


describe('mailflow-doctor domain and spf-eval', () => {
  let dns: RunningDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer({ zones: AUDIT_ZONES });
  });
  afterAll(async () => {
    await dns.close();
  });

  it('domain prints the audit as JSON with the contract fields', async () => {
    const { code, stdout } = await runCli(['domain', 'adatum.com', '--dns', dns.address, '--checks', 'spf,dmarc,mx']);
    expect(code).toBe(0);
    const audit = JSON.parse(stdout);
    expect(Object.keys(audit)).toEqual(expect.arrayContaining(['domain', 'spf', 'dkim', 'dmarc', 'mx', 'mtaSts', 'findings']));
    expect(audit.spf).toMatchObject({ lookups: 13, voidLookups: 0 });
    expect(audit.spf.tree).toMatchObject({ domain: 'adatum.com', ownLookups: 9, totalLookups: 13 });
    expect(audit.dkim).toBeNull();
    expect(audit.findings[0]).toEqual({ severity: 'error', code: 'spf.too-many-lookups', message: expect.any(String), fix: expect.any(String) });
  });

  it('domain checks given DKIM selectors', async () => {
    const { stdout } = await runCli(['domain', 'woodgrovebank.com', '--dns', dns.address, '--checks', 'dkim', '--selectors', 'legacy']);
    expect(JSON.parse(stdout).dkim.selectors.map((selector: { name: string }) => selector.name)).toEqual(['selector1', 'selector2', 'legacy']);
  });

  it('domain refuses bad input with one clear line', async () => {
    expect(await runCli(['domain', 'not a domain', '--dns', dns.address])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^mailflow-doctor: "not a domain" is not a domain name/) });
    expect((await runCli(['domain', 'contoso.com', '--checks', 'spf,bimi', '--dns', dns.address])).stderr).toContain('"bimi" is not one');
    expect((await runCli(['domain', 'contoso.com', '--dns', '127.0.0.1:99999'])).stderr).toContain('--dns expects HOST:PORT');
  });

  it('spf-eval prints {result, explanation, lookups}', async () => {
    const { code, stdout } = await runCli(['spf-eval', '--ip', DEMO_MARKETING_IP, '--sender', 'news@contoso.com', '--helo', 'mta1.mktg-mailer.example', '--dns', dns.address]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ result: 'fail', explanation: `domain of news@contoso.com does not designate ${DEMO_MARKETING_IP} as permitted sender`, lookups: 2 });
    expect((await runCli(['spf-eval', '--ip', '999.1.1.1', '--sender', 'a@contoso.com', '--dns', dns.address])).stderr).toContain('--ip must be an IP address');
  });

  it('spf-eval --batch answers one line per input line, in order, and says what is wrong with a bad line', async () => {
    const input = Readable.from(
      [
        JSON.stringify({ ip: DEMO_EXO_OUTBOUND_IP, sender: 'alex@contoso.com', helo: 'mail.contoso.com' }),
        'not json',
        JSON.stringify({ ip: DEMO_EXO_OUTBOUND_IP, sender: 'ap@fabrikam.com' }),
        JSON.stringify({ ip: DEMO_MARKETING_IP, sender: 'news@contoso.com' }),
        JSON.stringify({ ip: 'x', sender: 'news@contoso.com' }),
      ].join('\n'),
    );
    const lines: string[] = [];
    await runSpfBatch(createDnsResolver({ servers: [dns.address], timeoutMs: 2000 }), input, (line) => lines.push(line));
    expect(lines.map((line) => JSON.parse(line).result ?? JSON.parse(line).error)).toEqual(['pass', 'not a JSON line', 'permerror', 'fail', '"ip" must be an IP address']);
  });
});
