import { isIP } from 'node:net';
import { bySeverity, type CheckFinding } from '../../model/check-finding';
import type { CertificateSummary, SmtpProbe } from '../../sources/smtp';
import { addressesOf, nonPublicRange, type CmdletRow, type ConnectivityDeps, type ConnectorSource } from './deps';
import { connectivityFinding } from './findings';
import { verdictOf, type Verdict } from './inbound';
import { certificateCovers, certificateNames, findingsOfProbe } from './probe-findings';

/** Get-OutboundConnector's TlsSettings: what Exchange Online checks on the smart host's certificate. */
export type TlsSettings = 'EncryptionOnly' | 'CertificateValidation' | 'DomainValidation';

export interface OutboundConnector {
  readonly name: string;
  readonly enabled: boolean;
  readonly connectorType: string;
  readonly smartHosts: readonly string[];
  readonly useMxRecord: boolean;
  /** null: opportunistic TLS, nothing required. */
  readonly tlsSettings: TlsSettings | null;
  readonly tlsDomain: string | null;
  readonly recipientDomains: readonly string[];
}

export interface InboundConnector {
  readonly name: string;
  readonly enabled: boolean;
  readonly connectorType: string;
  readonly tlsSenderCertificateName: string | null;
  readonly requireTls: boolean;
}

export interface SmartHostReport {
  readonly host: string;
  readonly address: string | null;
  readonly probe: SmtpProbe | null;
  readonly findings: readonly CheckFinding[];
}

export interface OutboundConnectorReport extends OutboundConnector {
  readonly hosts: readonly SmartHostReport[];
}

export interface ConnectorReport {
  readonly outbound: readonly OutboundConnectorReport[];
  readonly inbound: readonly InboundConnector[];
  readonly findings: readonly CheckFinding[];
  readonly verdict: Verdict;
  readonly checkedAt: string;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim().length > 0 ? value.trim() : null);
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' && value ? [value] : []);
const flag = (value: unknown): boolean => value === true || value === 'True' || value === 'true';
const TLS_SETTINGS: readonly TlsSettings[] = ['EncryptionOnly', 'CertificateValidation', 'DomainValidation'];

export function outboundConnectorOf(row: CmdletRow): OutboundConnector {
  const tls = text(row.TlsSettings);
  return {
    name: text(row.Name) ?? text(row.Identity) ?? '(unnamed)',
    enabled: row.Enabled === undefined ? true : flag(row.Enabled),
    connectorType: text(row.ConnectorType) ?? 'Partner',
    // The cmdlet shows an IP smart host as "[192.0.2.1]" in some outputs; the brackets are not part of the address.
    smartHosts: list(row.SmartHosts).map((host) => host.replace(/^\[(.*)\]$/, '$1')),
    useMxRecord: flag(row.UseMXRecord),
    tlsSettings: TLS_SETTINGS.find((setting) => setting.toLowerCase() === tls?.toLowerCase()) ?? null,
    tlsDomain: text(row.TlsDomain),
    recipientDomains: list(row.RecipientDomains),
  };
}

export function inboundConnectorOf(row: CmdletRow): InboundConnector {
  return {
    name: text(row.Name) ?? text(row.Identity) ?? '(unnamed)',
    enabled: row.Enabled === undefined ? true : flag(row.Enabled),
    connectorType: text(row.ConnectorType) ?? 'Partner',
    tlsSenderCertificateName: text(row.TlsSenderCertificateName),
    requireTls: flag(row.RequireTls),
  };
}

async function testSmartHost(connector: OutboundConnector, host: string, deps: ConnectivityDeps): Promise<SmartHostReport> {
  const label = `Smart host ${host} (connector "${connector.name}")`;
  let address: string | null = isIP(host) ? host : null;
  if (!address) {
    const resolved = await addressesOf(deps.dns, host);
    address = resolved.addresses[0] ?? null;
    if (!address) {
      const why = resolved.error ?? 'no A or AAAA record';
      return { host, address, probe: null, findings: [connectivityFinding('connector.smart-host-no-address', `${label} has no address: ${why}.`)] };
    }
  }
  const range = nonPublicRange(address);
  if (range && !deps.allowPrivateTargets) {
    return { host, address, probe: null, findings: [connectivityFinding('connector.smart-host-private-address', `${label} resolves to ${address}, a ${range} address.`)] };
  }
  const probe = await deps.smtp.probe({ host, address, port: deps.port });
  const settings = connector.tlsSettings;
  const findings = findingsOfProbe(probe, label, {
    prefix: 'connector',
    // DomainValidation checks TlsDomain; otherwise the smart host's own name is what a person expects to see.
    expectedName: settings === 'DomainValidation' && connector.tlsDomain ? connector.tlsDomain : host,
    tlsRequired: settings !== null,
    chainChecked: settings === 'CertificateValidation' || settings === 'DomainValidation',
    nameChecked: settings === 'DomainValidation',
  });
  return { host, address, probe, findings };
}

/**
 * A hybrid server usually sends to Exchange Online with the certificate it receives with; when that certificate is
 * not the name the inbound connector expects, its mail is not recognised as coming through the connector.
 */
function inboundFindings(inbound: readonly InboundConnector[], certificates: readonly CertificateSummary[]): CheckFinding[] {
  if (certificates.length === 0) return [];
  return inbound
    .filter((connector) => connector.enabled && connector.connectorType === 'OnPremises' && connector.tlsSenderCertificateName)
    .filter((connector) => !certificates.some((certificate) => certificateCovers(certificate, connector.tlsSenderCertificateName!)))
    .map((connector) =>
      connectivityFinding(
        'connector.inbound-cert-name-mismatch',
        `Inbound connector "${connector.name}" expects a certificate for ${connector.tlsSenderCertificateName}, but the on-premises smart host shows ${certificates.map((certificate) => certificateNames(certificate).join(', ')).join('; ')}.`,
      ),
    );
}

/** The hybrid and partner connector check: each enabled outbound connector's smart hosts, probed like Exchange Online would. */
export async function checkConnectors(source: ConnectorSource, deps: ConnectivityDeps): Promise<ConnectorReport> {
  const checkedAt = deps.now().toISOString();
  const [outboundRows, inboundRows] = await Promise.all([source.run('Get-OutboundConnector'), source.run('Get-InboundConnector')]);
  if (outboundRows.kind !== 'ok') {
    const why = outboundRows.kind === 'failed' ? outboundRows.reason : 'not found';
    const findings = [connectivityFinding('connector.unavailable', `Get-OutboundConnector failed: ${why}.`)];
    return { outbound: [], inbound: [], findings, verdict: verdictOf(findings), checkedAt };
  }
  const inbound = inboundRows.kind === 'ok' ? inboundRows.value.map(inboundConnectorOf) : [];
  const connectors = outboundRows.value.map(outboundConnectorOf);
  const outbound: OutboundConnectorReport[] = await Promise.all(
    connectors.map(async (connector) => ({
      ...connector,
      hosts: connector.enabled && !connector.useMxRecord ? await Promise.all(connector.smartHosts.map((host) => testSmartHost(connector, host, deps))) : [],
    })),
  );
  const tested = outbound.flatMap((connector) => connector.hosts);
  const onPremisesCertificates = outbound
    .filter((connector) => connector.connectorType === 'OnPremises')
    .flatMap((connector) => connector.hosts)
    .flatMap((host) => (host.probe?.kind === 'session' && host.probe.tls?.certificate ? [host.probe.tls.certificate] : []));
  const findings = [...tested.flatMap((host) => host.findings), ...inboundFindings(inbound, onPremisesCertificates)];
  if (tested.length === 0) findings.push(connectivityFinding('connector.none', 'No enabled outbound connector uses a smart host.'));
  findings.sort(bySeverity);
  return { outbound, inbound, findings, verdict: verdictOf(findings), checkedAt };
}
