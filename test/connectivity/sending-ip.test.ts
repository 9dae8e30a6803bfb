import { checkSendingIp, reverseName, type ConnectivityDeps, type SendingIpReport } from '../../src/diagnosis/connectivity';
import { createDnsResolver } from '../../src/sources/dns';
import type { SmtpProber } from '../../src/sources/smtp';
import { startDnsServer, type RunningDnsServer } from '../../src/emulator/dns';
import ipaddr from 'ipaddr.js';
import { BLOCKLISTS, LAB_ZONES } from './support/lab';

const codes = (report: SendingIpReport) => report.findings.map((finding) => finding.code);
const noSmtp: SmtpProber = { probe: async () => { throw new Error('the IP check makes no SMTP connection'); } };

describe('checking a sending IP ("is our outbound IP blocklisted?")', () => {
  let dns: RunningDnsServer;
  let deps: ConnectivityDeps;
  beforeAll(async () => {
    dns = await startDnsServer({ zones: LAB_ZONES });
    deps = { dns: createDnsResolver({ servers: [dns.address], timeoutMs: 2000 }), smtp: noSmtp, port: 25, blocklists: BLOCKLISTS, now: () => new Date() };
  });
  afterAll(async () => {
    await dns?.close();
  });

  it('finds an address authorized by SPF and on no list, whose PTR name points elsewhere', async () => {
    const report = await checkSendingIp('203.0.113.25', 'contoso.com', deps);
    expect(report.ptr).toEqual([{ name: 'mail.contoso.com', addresses: ['127.0.0.9'], confirmed: false }]);
    // mail.contoso.com is the on-premises server's inbound name here, so it does not resolve back: a real mismatch.
    expect(codes(report)).toEqual(['ip.fcrdns-mismatch']);
    expect(report.spf).toMatchObject({ result: 'pass' });
    expect(report.blocklists).toEqual([
      { zone: 'bl.lab.test', status: 'not-listed' },
      { zone: 'dnsbl.lab.test', status: 'not-listed' },
    ]);
  });

  it('confirms forward-confirmed reverse DNS', async () => {
    const report = await checkSendingIp('203.0.113.26', null, deps);
    expect(report.ptr).toEqual([{ name: 'mail-out.contoso.com', addresses: ['203.0.113.26'], confirmed: true }]);
    expect(report.findings).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(report.spf).toBeNull();
  });

  it('reports every blocklist that lists the address, with its reason', async () => {
    const report = await checkSendingIp('203.0.113.77', 'contoso.com', deps);
    const listed = report.findings.filter((finding) => finding.code === 'ip.blocklisted');
    expect(listed.map((finding) => finding.message)).toEqual([
      expect.stringContaining('listed on bl.lab.test (127.0.0.2): Listed: dynamic/residential IP range'),
      expect.stringContaining('listed on dnsbl.lab.test (127.0.0.4)'),
    ]);
    expect(codes(report)).toEqual(expect.arrayContaining(['ip.fcrdns-mismatch', 'ip.spf-not-authorized']));
    expect(report.findings.find((finding) => finding.code === 'ip.spf-not-authorized')).toMatchObject({ severity: 'error' });
    expect(report.verdict).toBe('fail');
  });

  it('flags an address without a PTR record', async () => {
    const report = await checkSendingIp('198.51.100.200', null, deps);
    expect(codes(report)).toEqual(['ip.no-ptr']);
    expect(report.findings[0].fix).toMatch(/PTR record/);
  });

  it('tells a blocklist that refuses to answer apart from a listing', async () => {
    const report = await checkSendingIp('203.0.113.66', null, deps);
    expect(report.blocklists[0]).toMatchObject({ zone: 'bl.lab.test', status: 'error' });
    expect(codes(report)).toContain('ip.blocklist-error');
    expect(codes(report)).not.toContain('ip.blocklisted');
  });

  it('reports softfail for an address outside the domain\'s SPF as a warning', async () => {
    const report = await checkSendingIp('198.51.100.10', 'litware.com', deps);
    expect(report.spf?.result).toBe('none');
    const fabrikam = await checkSendingIp('203.0.113.26', 'fabrikam.com', deps);
    expect(fabrikam.spf?.result).toBe('softfail');
    expect(fabrikam.findings).toEqual([expect.objectContaining({ code: 'ip.spf-not-authorized', severity: 'warning' })]);
  });

  it('answers a malformed address with what it expected', async () => {
    const report = await checkSendingIp('203.0.113', null, deps);
    expect(codes(report)).toEqual(['ip.invalid']);
  });

  it('builds reverse names for IPv4 and IPv6 (RFC 3596 nibbles)', () => {
    expect(reverseName(ipaddr.parse('203.0.113.25'))).toBe('25.113.0.203.in-addr.arpa');
    expect(reverseName(ipaddr.parse('2001:db8::1'))).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  });
});
