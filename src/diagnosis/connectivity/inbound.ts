import { bySeverity, type CheckFinding } from '../../model/check-finding';
import type { SmtpProbe } from '../../sources/smtp';
import { addressesOf, describeDnsFailure, nonPublicRange, type ConnectivityDeps } from './deps';
import { connectivityFinding } from './findings';
import { findingsOfProbe } from './probe-findings';

/** A domain with more MX hosts than this is tested on its first ones; real domains have two to four. */
const MAX_MX_HOSTS = 6;

export interface InboundHostReport {
  readonly name: string;
  /** null for the implicit MX (the domain's own A record, RFC 5321 §5.1). */
  readonly priority: number | null;
  readonly addresses: readonly string[];
  readonly probe: SmtpProbe | null;
  readonly findings: readonly CheckFinding[];
}

export type Verdict = 'pass' | 'warning' | 'fail';

export interface InboundSmtpReport {
  readonly domain: string;
  readonly port: number;
  readonly recipient: string;
  /** How the hosts were found: MX records, the implicit MX, or why there are none. */
  readonly mx: 'records' | 'implicit' | 'null-mx' | 'none' | 'dns-error';
  readonly hosts: readonly InboundHostReport[];
  readonly findings: readonly CheckFinding[];
  readonly verdict: Verdict;
  readonly testedAt: string;
}

export function verdictOf(findings: readonly CheckFinding[]): Verdict {
  if (findings.some((finding) => finding.severity === 'error')) return 'fail';
  return findings.some((finding) => finding.severity === 'warning') ? 'warning' : 'pass';
}

async function testHost(name: string, priority: number | null, recipient: string, deps: ConnectivityDeps): Promise<InboundHostReport> {
  const label = priority === null ? `${name} (no MX, its A record)` : `MX ${name}`;
  const { addresses, error } = await addressesOf(deps.dns, name);
  if (addresses.length === 0) {
    const why = error ?? 'no A or AAAA record';
    return { name, priority, addresses, probe: null, findings: [connectivityFinding('smtp.mx-no-address', `${label} has no address: ${why}.`)] };
  }
  const range = nonPublicRange(addresses[0]);
  if (range && !deps.allowPrivateTargets) {
    return { name, priority, addresses, probe: null, findings: [connectivityFinding('smtp.mx-private-address', `${label} resolves to ${addresses[0]}, a ${range} address.`)] };
  }
  // Senders try the first address; one probe per host keeps the test as long as one session.
  const probe = await deps.smtp.probe({ host: name, address: addresses[0], port: deps.port, recipient });
  const findings = findingsOfProbe(probe, label, { prefix: 'smtp', expectedName: name, tlsRequired: false, chainChecked: false, nameChecked: false });
  return { name, priority, addresses, probe, findings };
}

/**
 * The inbound SMTP test of the Remote Connectivity Analyzer: every MX host of the domain in priority order,
 * each probed for the greeting, STARTTLS, its certificate and the test recipient. No message is sent.
 */
export async function testInboundSmtp(domain: string, recipient: string, deps: ConnectivityDeps): Promise<InboundSmtpReport> {
  const name = domain.trim().toLowerCase().replace(/\.$/, '');
  const base = { domain: name, port: deps.port, recipient, testedAt: deps.now().toISOString() };
  const answer = await deps.dns.query(name, 'MX');
  const done = (mx: InboundSmtpReport['mx'], hosts: InboundHostReport[], extra: CheckFinding[] = []): InboundSmtpReport => {
    const findings = adjustForRedundancy([...extra, ...hosts.flatMap((host) => host.findings)], hosts).sort(bySeverity);
    return { ...base, mx, hosts, findings, verdict: verdictOf(findings) };
  };

  if (answer.kind === 'temperror') {
    return done('dns-error', [], [connectivityFinding('smtp.dns-error', `The MX lookup for ${name} failed: ${answer.message}.`)]);
  }
  if (answer.kind === 'ok') {
    const records = [...answer.records].sort((a, b) => a.priority - b.priority);
    // RFC 7505: a single MX of "." says the domain takes no mail at all.
    if (records.length === 1 && (records[0].exchange === '' || records[0].exchange === '.')) {
      return done('null-mx', [], [connectivityFinding('smtp.null-mx', `${name} publishes a null MX: it accepts no mail.`)]);
    }
    const hosts = await Promise.all(records.slice(0, MAX_MX_HOSTS).map((record) => testHost(record.exchange, record.priority, recipient, deps)));
    return done('records', hosts);
  }
  if (answer.kind === 'nxdomain') {
    return done('none', [], [connectivityFinding('smtp.no-mx', `${name} does not exist in DNS (NXDOMAIN): nobody can send mail to it.`, 'error')]);
  }
  const implicit = await testHost(name, null, recipient, deps);
  const noMx = connectivityFinding('smtp.no-mx', `${name} has no MX record (${describeDnsFailure(answer)}); senders fall back to its address.`);
  return done(implicit.probe ? 'implicit' : 'none', [implicit], [noMx]);
}

const UNREACHABLE_HOST: ReadonlySet<string> = new Set(['smtp.unreachable', 'smtp.mx-no-address', 'smtp.mx-private-address']);

/**
 * A backup MX that does not answer delays mail but loses none while another host works, so an unreachable host
 * is an error only when no host answered at all.
 */
function adjustForRedundancy(findings: CheckFinding[], hosts: readonly InboundHostReport[]): CheckFinding[] {
  const anyAnswered = hosts.some((host) => host.probe?.kind === 'session');
  if (!anyAnswered) return findings;
  return findings.map((finding) =>
    UNREACHABLE_HOST.has(finding.code) ? { ...finding, severity: 'warning' } : finding,
  );
}
