import ipaddr from 'ipaddr.js';
import { bySeverity, type CheckFinding } from '../../model/check-finding';
import { joinTxt, type DnsResolver } from '../../sources/dns';
import { evaluateSpf, type SpfResult } from '../domain/spf-eval';
import { NOT_PUBLIC_RANGES, type ConnectivityDeps } from './deps';
import { connectivityFinding } from './findings';
import { verdictOf, type Verdict } from './inbound';

export interface ReverseName {
  readonly name: string;
  /** The addresses the PTR name resolves to (A for IPv4, AAAA for IPv6). */
  readonly addresses: readonly string[];
  /** The name resolves back to the IP: forward-confirmed reverse DNS. */
  readonly confirmed: boolean;
}

export type BlocklistAnswer =
  | { readonly zone: string; readonly status: 'listed'; readonly codes: readonly string[]; readonly reason: string | null }
  | { readonly zone: string; readonly status: 'not-listed' }
  /** The list answered with its own error code (127.255.255.x at Spamhaus) or the query failed. */
  | { readonly zone: string; readonly status: 'error'; readonly detail: string };

export interface SendingIpReport {
  readonly ip: string;
  readonly domain: string | null;
  readonly ptr: readonly ReverseName[];
  readonly ptrError: string | null;
  readonly blocklists: readonly BlocklistAnswer[];
  readonly spf: { readonly result: SpfResult; readonly explanation: string; readonly record: string | null } | null;
  readonly findings: readonly CheckFinding[];
  readonly verdict: Verdict;
  readonly checkedAt: string;
}

/** The address's labels for reverse lookups: 25.113.0.203 for IPv4, nibbles for IPv6 (RFC 3596 §2.5). */
export function reversedLabels(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  if (address.kind() === 'ipv4') return [...address.toByteArray()].reverse().join('.');
  const hex = address.toByteArray().map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return hex.split('').reverse().join('.');
}

export function reverseName(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  return `${reversedLabels(address)}.${address.kind() === 'ipv4' ? 'in-addr.arpa' : 'ip6.arpa'}`;
}

function sameAddress(a: string, b: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  try {
    const parsed = ipaddr.process(a);
    return parsed.kind() === b.kind() && parsed.toNormalizedString() === b.toNormalizedString();
  } catch {
    return false;
  }
}

async function lookUpReverse(dns: DnsResolver, address: ipaddr.IPv4 | ipaddr.IPv6): Promise<{ names: ReverseName[]; error: string | null; missing: boolean }> {
  const answer = await dns.query(reverseName(address), 'PTR');
  if (answer.kind === 'temperror') return { names: [], error: answer.message, missing: false };
  if (answer.kind !== 'ok') return { names: [], error: null, missing: true };
  const type = address.kind() === 'ipv4' ? 'A' : 'AAAA';
  const names = await Promise.all(
    answer.records.slice(0, 5).map(async (name): Promise<ReverseName> => {
      const forward = await dns.query(name, type);
      const addresses = forward.kind === 'ok' ? [...forward.records] : [];
      return { name, addresses, confirmed: addresses.some((candidate) => sameAddress(candidate, address)) };
    }),
  );
  return { names, error: null, missing: false };
}

/**
 * DNSBL convention (RFC 5782): an A record in 127.0.0.0/8 means listed and TXT says why; NXDOMAIN means not listed.
 * 127.255.255.0/24 is how Spamhaus says "I will not answer you" (public resolver, typo, over quota), not a listing.
 */
async function askBlocklist(dns: DnsResolver, address: ipaddr.IPv4 | ipaddr.IPv6, zone: string): Promise<BlocklistAnswer> {
  const name = `${reversedLabels(address)}.${zone}`;
  const answer = await dns.query(name, 'A');
  if (answer.kind === 'nxdomain' || answer.kind === 'nodata') return { zone, status: 'not-listed' };
  if (answer.kind === 'temperror') return { zone, status: 'error', detail: answer.message };
  const codes = [...answer.records];
  if (codes.some((code) => code.startsWith('127.255.255.'))) return { zone, status: 'error', detail: `the list refused the query (${codes.join(', ')})` };
  if (!codes.every((code) => code.startsWith('127.'))) return { zone, status: 'error', detail: `unexpected answer ${codes.join(', ')} (the zone may be parked or wildcarded)` };
  const txt = await dns.query(name, 'TXT');
  const reason = txt.kind === 'ok' ? joinTxt(txt.records).join(' ') : null;
  return { zone, status: 'listed', codes, reason };
}

const SPF_SEVERITY: Partial<Record<SpfResult, 'error' | 'warning'>> = { fail: 'error', softfail: 'warning', neutral: 'warning', none: 'warning' };

/**
 * Outbound checks for one sending address: reverse DNS, forward-confirmed reverse DNS, the configured blocklists,
 * and, with a domain, whether its SPF record authorizes the address. All lookups run at once.
 */
export async function checkSendingIp(ip: string, domain: string | null, deps: ConnectivityDeps): Promise<SendingIpReport> {
  const base = { ip: ip.trim(), domain, checkedAt: deps.now().toISOString() };
  // ipaddr.js also takes "203.0.113" and other inet_aton shorthands; a person typing those made a mistake.
  const strict = ipaddr.IPv4.isValidFourPartDecimal(base.ip) || ipaddr.IPv6.isValid(base.ip);
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    if (!strict) throw new Error('not an address');
    address = ipaddr.process(base.ip);
  } catch {
    const findings = [connectivityFinding('ip.invalid', `"${ip}" is not an IP address.`)];
    return { ...base, ptr: [], ptrError: null, blocklists: [], spf: null, findings, verdict: 'fail' };
  }
  const text = address.toString();
  const [reverse, blocklists, spf] = await Promise.all([
    lookUpReverse(deps.dns, address),
    Promise.all(deps.blocklists.map((zone) => askBlocklist(deps.dns, address, zone))),
    // The SPF evaluator answers temperror/permerror itself; a throw from it must still leave the rest of the report.
    domain
      ? evaluateSpf({ ip: text, sender: `postmaster@${domain}` }, deps.dns).catch((error: unknown) => ({
          result: 'temperror' as const, explanation: String((error as Error)?.message ?? error), record: null,
        }))
      : Promise.resolve(null),
  ]);

  const findings: CheckFinding[] = [];
  if (NOT_PUBLIC_RANGES.has(address.range())) findings.push(connectivityFinding('ip.not-public', `${text} is a ${address.range()} address.`));
  if (reverse.error) findings.push(connectivityFinding('ip.dns-error', `The reverse lookup for ${text} failed: ${reverse.error}.`));
  if (reverse.missing) findings.push(connectivityFinding('ip.no-ptr', `${text} has no reverse DNS (PTR) record.`));
  if (reverse.names.length > 0 && !reverse.names.some((name) => name.confirmed)) {
    const detail = reverse.names
      .map((name) => `${name.name} → ${name.addresses.length > 0 ? name.addresses.join(', ') : 'no address'}`)
      .join('; ');
    findings.push(connectivityFinding('ip.fcrdns-mismatch', `${text}'s PTR does not resolve back to it: ${detail}.`));
  }
  for (const answer of blocklists) {
    if (answer.status === 'listed') {
      findings.push(connectivityFinding('ip.blocklisted', `${text} is listed on ${answer.zone} (${answer.codes.join(', ')})${answer.reason ? `: ${answer.reason}` : '.'}`));
    } else if (answer.status === 'error') {
      findings.push(connectivityFinding('ip.blocklist-error', `${answer.zone} gave no usable answer: ${answer.detail}.`));
    }
  }
  if (spf && domain) {
    const severity = SPF_SEVERITY[spf.result];
    if (severity) {
      const what = spf.result === 'none' ? `${domain} has no SPF record, so nothing authorizes ${text}` : `${domain}'s SPF does not authorize ${text} (${spf.result})`;
      findings.push(connectivityFinding('ip.spf-not-authorized', `${what}.`, severity));
    } else if (spf.result === 'temperror' || spf.result === 'permerror') {
      findings.push(connectivityFinding('ip.spf-error', `${domain}'s SPF could not be evaluated (${spf.result}): ${spf.explanation}.`));
    }
  }
  findings.sort(bySeverity);
  return {
    ...base,
    ip: text,
    ptr: reverse.names,
    ptrError: reverse.error ?? (reverse.missing ? 'no PTR record' : null),
    blocklists,
    spf: spf ? { result: spf.result, explanation: spf.explanation, record: spf.record } : null,
    findings,
    verdict: verdictOf(findings),
  };
}
