import type { CheckFinding } from '../../model/check-finding';

/** MX records: where a domain's mail is delivered, and whether that is Exchange Online. */
export interface MxHost {
  readonly exchange: string;
  readonly priority: number;
  readonly pointsToExchangeOnline: boolean;
}

/** Exchange Online's inbound endpoints: <domain>.mail.protection.outlook.com, and the newer DNSSEC-signed mx.microsoft. */
export const isExchangeOnlineHost = (host: string): boolean => /\.mail\.protection\.outlook\.com\.?$|\.mx\.microsoft\.?$/i.test(host);

/** The MX host Exchange Online assigns to a domain. */
export const exchangeOnlineMxFor = (domain: string): string => `${domain.replace(/\./g, '-')}.mail.protection.outlook.com`;

export interface MxAuditInput {
  readonly domain: string;
  readonly records: readonly { readonly exchange: string; readonly priority: number }[];
  readonly answer: 'ok' | 'nxdomain' | 'nodata' | 'temperror';
  readonly temporaryFailure: string | null;
}

const finding = (severity: CheckFinding['severity'], code: string, message: string, fix: string | null): CheckFinding => ({ severity, code, message, fix });

export function auditMx(input: MxAuditInput): { hosts: MxHost[]; pointsToExchangeOnline: boolean | null; isNull: boolean; findings: CheckFinding[] } {
  const { domain } = input;
  const hosts = [...input.records]
    .sort((a, b) => a.priority - b.priority)
    .map((record) => ({ exchange: record.exchange, priority: record.priority, pointsToExchangeOnline: isExchangeOnlineHost(record.exchange) }));
  if (input.answer === 'temperror') {
    return { hosts, pointsToExchangeOnline: null, isNull: false, findings: [finding('warning', 'mx.lookup-failed', `The MX records of ${domain} could not be read: ${input.temporaryFailure}.`, 'Run the check again when DNS answers.')] };
  }
  if (input.answer === 'nxdomain') {
    return { hosts, pointsToExchangeOnline: false, isNull: false, findings: [finding('error', 'mx.missing', `${domain} does not exist in DNS (NXDOMAIN): mail to it bounces with 5.1.2 / 5.4.1.`, `Check the spelling, or register and publish the domain with an MX record such as ${exchangeOnlineMxFor(domain)}.`)] };
  }
  if (hosts.length === 0) {
    return { hosts, pointsToExchangeOnline: false, isNull: false, findings: [finding('error', 'mx.missing', `${domain} has no MX record: senders fall back to its A record, if any, and mail to it usually bounces.`, `Publish an MX record for ${domain}; for Exchange Online: 0 ${exchangeOnlineMxFor(domain)}.`)] };
  }
  // RFC 7505: a single MX of "." with preference 0 says the domain accepts no mail at all.
  if (hosts.length === 1 && (hosts[0].exchange === '' || hosts[0].exchange === '.')) {
    return { hosts, pointsToExchangeOnline: false, isNull: true, findings: [finding('warning', 'mx.null', `${domain} publishes a null MX (RFC 7505): it accepts no mail, and senders bounce mail to it at once (5.1.10).`, `If ${domain} should receive mail, replace the null MX with real MX records, e.g. 0 ${exchangeOnlineMxFor(domain)}.`)] };
  }
  const onExchange = hosts.some((host) => host.pointsToExchangeOnline);
  const findings: CheckFinding[] = [];
  if (!onExchange) {
    findings.push(finding('info', 'mx.not-exchange-online', `${domain}'s mail goes to ${hosts.map((host) => host.exchange).join(', ')}, not directly to Exchange Online (a third-party gateway or on-premises server first).`, `If mail should reach Exchange Online directly, point MX to ${exchangeOnlineMxFor(domain)}; with a gateway in front, set up Enhanced Filtering for Connectors so Exchange sees the real sender IPs.`));
  } else if (!hosts[0].pointsToExchangeOnline) {
    findings.push(finding('info', 'mx.not-exchange-online', `The preferred MX of ${domain} (${hosts[0].exchange}) is not Exchange Online; Exchange Online is only a backup MX.`, null));
  }
  return { hosts, pointsToExchangeOnline: onExchange, isNull: false, findings };
}
