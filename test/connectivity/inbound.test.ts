import { testInboundSmtp, type ConnectivityDeps, type InboundSmtpReport } from '../../src/diagnosis/connectivity';
import { labDeps, startConnectivityLab, type ConnectivityLab } from './support/lab';

const codes = (report: InboundSmtpReport) => report.findings.map((finding) => finding.code);

describe('inbound SMTP test of a domain ("test inbound mail to contoso.com")', () => {
  let lab: ConnectivityLab;
  let deps: ConnectivityDeps;
  beforeAll(async () => {
    lab = await startConnectivityLab();
    deps = labDeps(lab);
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('tests every MX host in priority order and warns that the backup MX certificate expires in 9 days', async () => {
    const report = await testInboundSmtp('contoso.com', 'postmaster@contoso.com', deps);
    expect(report.mx).toBe('records');
    expect(report.hosts.map((host) => [host.name, host.priority, host.addresses[0]])).toEqual([
      ['mx1.contoso.com', 10, '127.0.0.2'],
      ['mx2.contoso.com', 20, '127.0.0.3'],
    ]);
    expect(report.hosts[0].findings).toEqual([]);
    expect(codes(report)).toEqual(['smtp.cert-expiring']);
    expect(report.findings[0].message).toMatch(/MX mx2\.contoso\.com's certificate expires in 9 days/);
    expect(report.findings[0].fix).toMatch(/Renew/);
    expect(report.verdict).toBe('warning');
    expect(lab.servers['mx1.contoso.com'].seen.dataCommands).toBe(0);
  });

  it('flags a certificate issued for another name', async () => {
    const report = await testInboundSmtp('fabrikam.com', 'postmaster@fabrikam.com', deps);
    expect(codes(report)).toEqual(['smtp.cert-name-mismatch']);
    expect(report.findings[0].message).toContain('smtp.hosting-provider.example, not mail.fabrikam.com');
  });

  it('flags a server without STARTTLS', async () => {
    const report = await testInboundSmtp('litware.com', 'postmaster@litware.com', deps);
    expect(codes(report)).toEqual(['smtp.no-starttls']);
    expect(report.hosts[0].probe).toMatchObject({ kind: 'session', recipient: { verdict: 'accepted' } });
  });

  it('flags an expired certificate as an error', async () => {
    const report = await testInboundSmtp('adatum.com', 'postmaster@adatum.com', deps);
    expect(codes(report)).toEqual(['smtp.cert-expired']);
    expect(report.findings[0]).toMatchObject({ severity: 'error' });
    expect(report.findings[0].message).toMatch(/expired 12 days ago/);
    expect(report.verdict).toBe('fail');
  });

  it('flags a STARTTLS handshake that fails, and still tests the recipient', async () => {
    const report = await testInboundSmtp('oldtls.example', 'postmaster@oldtls.example', deps);
    expect(codes(report)).toEqual(['smtp.starttls-failed']);
    expect(report.findings[0].message).toContain('tlsv1 alert protocol version');
    expect(report.findings[0].fix).toMatch(/TLS 1\.2/);
    expect(report.hosts[0].probe).toMatchObject({ recipient: { verdict: 'accepted' } });
  });

  it('reports the server\'s reply when it rejects the test recipient', async () => {
    const report = await testInboundSmtp('northwind.net', 'ghost@northwind.net', deps);
    expect(codes(report)).toEqual(['smtp.recipient-rejected']);
    expect(report.findings[0].message).toContain('550 5.1.10 RESOLVER.ADR.RecipientNotFound');
  });

  it('treats an unreachable primary MX as a warning while the backup answers', async () => {
    const report = await testInboundSmtp('tailspintoys.com', 'postmaster@tailspintoys.com', deps);
    expect(report.hosts.map((host) => host.probe?.kind)).toEqual(['unreachable', 'session']);
    expect(report.findings).toEqual([expect.objectContaining({ code: 'smtp.unreachable', severity: 'warning' })]);
  });

  it('treats an unreachable only MX as an error', async () => {
    const report = await testInboundSmtp('deadmx.example', 'postmaster@deadmx.example', deps);
    expect(report.findings).toEqual([expect.objectContaining({ code: 'smtp.unreachable', severity: 'error' })]);
    expect(report.findings[0].message).toContain(`127.0.0.8:${lab.port}`);
  });

  it('flags an MX host name without an address', async () => {
    const report = await testInboundSmtp('danglingmx.example', 'postmaster@danglingmx.example', deps);
    expect(codes(report)).toEqual(['smtp.mx-no-address']);
  });

  it('falls back to the A record when there is no MX, and says so', async () => {
    const report = await testInboundSmtp('nomx.example', 'postmaster@nomx.example', deps);
    expect(report.mx).toBe('implicit');
    expect(codes(report)).toContain('smtp.no-mx');
    expect(report.hosts[0].probe?.kind).toBe('session');
  });

  it('refuses to connect to an MX on a private or loopback address unless told to, and says why', async () => {
    const before = lab.servers['mx1.contoso.com'].seen.connections;
    const report = await testInboundSmtp('contoso.com', 'postmaster@contoso.com', { ...deps, allowPrivateTargets: false });
    expect(report.hosts.map((host) => host.probe)).toEqual([null, null]);
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'smtp.mx-private-address', severity: 'error', message: 'MX mx1.contoso.com resolves to 127.0.0.2, a loopback address.' }),
      expect.objectContaining({ code: 'smtp.mx-private-address', severity: 'error' }),
    ]);
    expect(lab.servers['mx1.contoso.com'].seen.connections).toBe(before);
  });

  it('explains a null MX and a DNS failure without probing anything', async () => {
    const nullMx = await testInboundSmtp('nullmx.example', 'postmaster@nullmx.example', deps);
    expect(nullMx).toMatchObject({ mx: 'null-mx', hosts: [] });
    expect(codes(nullMx)).toEqual(['smtp.null-mx']);
    const broken = await testInboundSmtp('broken.example', 'postmaster@broken.example', deps);
    expect(broken).toMatchObject({ mx: 'dns-error', hosts: [] });
    expect(codes(broken)).toEqual(['smtp.dns-error']);
  });
});
