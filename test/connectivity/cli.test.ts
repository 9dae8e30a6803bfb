import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { startConnectivityLab, type ConnectivityLab } from './support/lab';

const run = (argv: string[]) => runCli(argv);

describe('mailflow-doctor smtp-test and ip-check', () => {
  let lab: ConnectivityLab;
  let dir: string;
  let caFile: string;
  const saved = { BLOCKLISTS: process.env.BLOCKLISTS, LOG_LEVEL: process.env.LOG_LEVEL };
  beforeAll(async () => {
    lab = await startConnectivityLab();
    dir = mkdtempSync(join(tmpdir(), 'mfd-connectivity-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, lab.ca.certPem);
    process.env.BLOCKLISTS = 'bl.lab.test,dnsbl.lab.test';
    process.env.LOG_LEVEL = 'silent';
  });
  afterAll(async () => {
    process.env.BLOCKLISTS = saved.BLOCKLISTS;
    process.env.LOG_LEVEL = saved.LOG_LEVEL;
    if (saved.BLOCKLISTS === undefined) delete process.env.BLOCKLISTS;
    if (saved.LOG_LEVEL === undefined) delete process.env.LOG_LEVEL;
    rmSync(dir, { recursive: true, force: true });
    await lab?.close();
  });

  it('prints the inbound SMTP report of every MX host as JSON', async () => {
    const result = await run(['smtp-test', 'contoso.com', '--dns', lab.dns.address, '--port', String(lab.port), '--ca', caFile, '--allow-private']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ domain: 'contoso.com', port: lab.port, recipient: 'postmaster@contoso.com', mx: 'records', verdict: 'warning' });
    expect(report.hosts.map((host: { name: string }) => host.name)).toEqual(['mx1.contoso.com', 'mx2.contoso.com']);
    expect(report.hosts[0].probe).toMatchObject({ kind: 'session', starttls: { offered: true, negotiated: true }, tls: { certificate: { nameMatches: true, trusted: true } } });
    expect(report.findings.map((finding: { code: string }) => finding.code)).toEqual(['smtp.cert-expiring']);
  });

  it('tests the given recipient', async () => {
    const result = await run(['smtp-test', 'northwind.net', '--recipient', 'ghost@northwind.net', '--dns', lab.dns.address, '--port', String(lab.port), '--ca', caFile, '--allow-private']);
    expect(JSON.parse(result.stdout).findings[0]).toMatchObject({ code: 'smtp.recipient-rejected', severity: 'error' });
  });

  it('does not connect inside the network without --allow-private', async () => {
    const result = await run(['smtp-test', 'contoso.com', '--dns', lab.dns.address, '--port', String(lab.port)]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).findings.map((finding: { code: string }) => finding.code)).toEqual(['smtp.mx-private-address', 'smtp.mx-private-address']);
  });

  it('prints the sending IP report as JSON', async () => {
    const result = await run(['ip-check', '203.0.113.77', '--domain', 'contoso.com', '--dns', lab.dns.address]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.blocklists.map((answer: { status: string }) => answer.status)).toEqual(['listed', 'listed']);
    expect(report.spf.result).toBe('fail');
  });

  it('rejects bad input with one line and exit code 2', async () => {
    for (const argv of [
      ['smtp-test', 'not a domain'],
      ['smtp-test', 'contoso.com', '--port', '99999'],
      ['smtp-test', 'contoso.com', '--dns', 'nonsense:port'],
      ['ip-check', '203.0.113'],
    ]) {
      const result = await run(argv);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^mailflow-doctor: /);
    }
  });
});
