import { checkConnectors, type CmdletRow, type ConnectivityDeps, type ConnectorSource } from '../../src/diagnosis/connectivity';
import { ok, failed } from '../../src/model/result';
import { labDeps, startConnectivityLab, type ConnectivityLab } from './support/lab';

/** Get-OutboundConnector / Get-InboundConnector rows as the Exchange admin API returns them. */
const HYBRID_OUTBOUND: CmdletRow = {
  Identity: 'Outbound to 6d2b1f1e-hybrid', Name: 'Outbound to 6d2b1f1e-hybrid', Enabled: true, ConnectorType: 'OnPremises',
  ConnectorSource: 'HybridWizard', SmartHosts: ['mail.contoso.com'], UseMXRecord: false, TlsSettings: 'DomainValidation',
  TlsDomain: 'mail.contoso.com', RecipientDomains: ['contoso.mail.onmicrosoft.com'], RouteAllMessagesViaOnPremises: false,
};
const HYBRID_INBOUND: CmdletRow = {
  Identity: 'Inbound from 6d2b1f1e-hybrid', Name: 'Inbound from 6d2b1f1e-hybrid', Enabled: true, ConnectorType: 'OnPremises',
  ConnectorSource: 'HybridWizard', TlsSenderCertificateName: 'mail.contoso.com', RequireTls: true, SenderDomains: ['smtp:*;1'],
};
const PARTNER_OUTBOUND: CmdletRow = {
  Name: 'To Partner Relay', Enabled: true, ConnectorType: 'Partner', SmartHosts: ['smtp.partner.example'], UseMXRecord: false,
  TlsSettings: 'DomainValidation', TlsDomain: 'smtp.partner.example', RecipientDomains: ['partner.example'],
};

const source = (outbound: CmdletRow[], inbound: CmdletRow[] = []): ConnectorSource => ({
  run: async (cmdlet) => ok(cmdlet === 'Get-OutboundConnector' ? outbound : inbound),
});

describe('checking hybrid and partner connectors ("check the hybrid connector certificate")', () => {
  let lab: ConnectivityLab;
  let deps: ConnectivityDeps;
  beforeAll(async () => {
    lab = await startConnectivityLab();
    deps = labDeps(lab);
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('connects to the hybrid smart host and says its certificate expires in 9 days', async () => {
    const report = await checkConnectors(source([HYBRID_OUTBOUND], [HYBRID_INBOUND]), deps);
    expect(report.outbound).toHaveLength(1);
    expect(report.outbound[0]).toMatchObject({ name: 'Outbound to 6d2b1f1e-hybrid', tlsSettings: 'DomainValidation', tlsDomain: 'mail.contoso.com' });
    expect(report.outbound[0].hosts[0]).toMatchObject({ host: 'mail.contoso.com', address: '127.0.0.9' });
    expect(report.findings).toEqual([expect.objectContaining({ code: 'connector.cert-expiring', severity: 'warning' })]);
    expect(report.findings[0].message).toMatch(/Smart host mail\.contoso\.com .* certificate expires in 9 days/);
    expect(report.inbound[0]).toMatchObject({ tlsSenderCertificateName: 'mail.contoso.com', requireTls: true });
    expect(lab.servers['mail.contoso.com'].seen.mailFrom).toEqual([]);
  });

  it('fails a partner smart host whose certificate does not carry the TlsDomain', async () => {
    const report = await checkConnectors(source([PARTNER_OUTBOUND]), deps);
    expect(report.findings).toEqual([expect.objectContaining({ code: 'connector.cert-name-mismatch', severity: 'error' })]);
    expect(report.findings[0].message).toContain('relay.other.example, not smtp.partner.example');
    expect(report.verdict).toBe('fail');
  });

  it('only notes a name mismatch when the connector asks for encryption only', async () => {
    const report = await checkConnectors(source([{ ...PARTNER_OUTBOUND, TlsSettings: 'EncryptionOnly', TlsDomain: null }]), deps);
    expect(report.findings).toEqual([expect.objectContaining({ code: 'connector.cert-name-mismatch', severity: 'info' })]);
  });

  it('fails a TLS connector whose smart host offers no STARTTLS', async () => {
    const report = await checkConnectors(source([{ ...PARTNER_OUTBOUND, SmartHosts: ['mx.litware.com'], TlsSettings: 'EncryptionOnly' }]), deps);
    expect(report.findings).toEqual([expect.objectContaining({ code: 'connector.no-starttls', severity: 'error' })]);
  });

  it('fails an expired smart host certificate', async () => {
    const report = await checkConnectors(source([{ ...PARTNER_OUTBOUND, SmartHosts: ['mx.adatum.com'], TlsSettings: 'CertificateValidation', TlsDomain: null }]), deps);
    expect(report.findings).toEqual([expect.objectContaining({ code: 'connector.cert-expired', severity: 'error' })]);
  });

  it('warns when the inbound connector expects another certificate name than the on-premises server shows', async () => {
    const report = await checkConnectors(source([HYBRID_OUTBOUND], [{ ...HYBRID_INBOUND, TlsSenderCertificateName: 'smtp.contoso.com' }]), deps);
    expect(report.findings.map((finding) => finding.code)).toEqual(['connector.cert-expiring', 'connector.inbound-cert-name-mismatch']);
    expect(report.findings[1].message).toContain('expects a certificate for smtp.contoso.com');
  });

  it('skips disabled connectors and MX-routed connectors, and says there is nothing to test', async () => {
    const report = await checkConnectors(source([{ ...HYBRID_OUTBOUND, Enabled: false }, { ...PARTNER_OUTBOUND, UseMXRecord: true, SmartHosts: [] }]), deps);
    expect(report.outbound.map((connector) => connector.hosts.length)).toEqual([0, 0]);
    expect(report.findings.map((finding) => finding.code)).toEqual(['connector.none']);
  });

  it('does not connect to a smart host on a private address, which Exchange Online could not reach either', async () => {
    const report = await checkConnectors(source([HYBRID_OUTBOUND]), { ...deps, allowPrivateTargets: false });
    expect(report.findings).toEqual([expect.objectContaining({ code: 'connector.smart-host-private-address', severity: 'error' })]);
    expect(report.outbound[0].hosts[0]).toMatchObject({ address: '127.0.0.9', probe: null });
  });

  it('explains when the connectors cannot be read', async () => {
    const report = await checkConnectors({ run: async () => failed('403: the app lacks Exchange.ManageAsApp') }, deps);
    expect(report.findings).toEqual([expect.objectContaining({ code: 'connector.unavailable' })]);
    expect(report.findings[0].message).toContain('Exchange.ManageAsApp');
  });
});
