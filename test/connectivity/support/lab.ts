import type { ConnectivityDeps } from '../../../src/diagnosis/connectivity';
import { startDnsServer, type RunningDnsServer, type Zones } from '../../../src/emulator/dns';
import { createDnsResolver } from '../../../src/sources/dns';
import { createSmtpProber, type SmtpProber } from '../../../src/sources/smtp';
import { issueLeaf, makeCa, type TestCa } from './pki';
import { startLocalSmtp, type LocalSmtp, type LocalSmtpOptions } from './smtp-servers';

/**
 * A small internet on loopback: every mail server its own 127.0.0.x address on one shared SMTP port (as port 25 is
 * shared in real life), names and reverse zones served by the project's DNS server, blocklists as zones too.
 */
export interface ConnectivityLab {
  readonly ca: TestCa;
  readonly dns: RunningDnsServer;
  /** The SMTP port every lab server listens on. */
  readonly port: number;
  readonly servers: Readonly<Record<string, LocalSmtp>>;
  close(): Promise<void>;
}

export const BLOCKLISTS = ['bl.lab.test', 'dnsbl.lab.test'];

/** Who lives where: each host's address, name and how it is broken. */
function hosts(ca: TestCa): Record<string, { address: string; options: Omit<LocalSmtpOptions, 'host' | 'port'> }> {
  const cert = (names: string[], validToDays: number, validFromDays?: number) => issueLeaf(ca, { names, validToDays, validFromDays });
  return {
    'mx1.contoso.com': { address: '127.0.0.2', options: { name: 'mx1.contoso.com', certificate: cert(['mx1.contoso.com'], 300) } },
    'mx2.contoso.com': { address: '127.0.0.3', options: { name: 'mx2.contoso.com', certificate: cert(['mx2.contoso.com'], 9) } },
    'mail.fabrikam.com': { address: '127.0.0.4', options: { name: 'mail.fabrikam.com', certificate: cert(['smtp.hosting-provider.example'], 300) } },
    'mx.litware.com': { address: '127.0.0.5', options: { name: 'mx.litware.com' } },
    'mx.adatum.com': { address: '127.0.0.6', options: { name: 'mx.adatum.com', certificate: cert(['mx.adatum.com'], -12, -400) } },
    'mx.northwind.net': {
      address: '127.0.0.7',
      options: { name: 'mx.northwind.net', certificate: cert(['mx.northwind.net'], 300), rejectRecipients: ['ghost@northwind.net'] },
    },
    // On-premises Exchange behind the hybrid connector: a certificate for mail.contoso.com expiring in 9 days.
    'mail.contoso.com': { address: '127.0.0.9', options: { name: 'mail.contoso.com', certificate: cert(['mail.contoso.com', 'autodiscover.contoso.com'], 9) } },
    // STARTTLS offered, but only TLS 1.1: the handshake fails for any current client.
    'mx.oldtls.example': { address: '127.0.0.11', options: { name: 'mx.oldtls.example', certificate: cert(['mx.oldtls.example'], 300), tls: { maxVersion: 'TLSv1.1' } } },
    // The demo tenant's hybrid smart host (src/emulator/scenarios/contoso-demo.json): its certificate runs out in 9 days.
    'mail.onprem.contoso.com': { address: '127.0.0.12', options: { name: 'mail.onprem.contoso.com', certificate: cert(['mail.onprem.contoso.com'], 9) } },
    // A partner smart host with a certificate for another name.
    'smtp.partner.example': { address: '127.0.0.10', options: { name: 'smtp.partner.example', certificate: cert(['relay.other.example'], 120) } },
  };
}

export const LAB_ZONES: Zones = {
  'contoso.com': { MX: [[10, 'mx1.contoso.com'], [20, 'mx2.contoso.com']], TXT: ['v=spf1 ip4:203.0.113.25 include:spf.protection.outlook.com -all'] },
  'spf.protection.outlook.com': { TXT: ['v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/14 ip4:104.47.0.0/17 ip6:2a01:111:f400::/48 -all'] },
  'mx1.contoso.com': { A: ['127.0.0.2'] },
  'mx2.contoso.com': { A: ['127.0.0.3'] },
  'fabrikam.com': { MX: [[0, 'mail.fabrikam.com']], TXT: ['v=spf1 ip4:198.51.100.0/24 ~all'] },
  'mail.fabrikam.com': { A: ['127.0.0.4'] },
  'litware.com': { MX: [[10, 'mx.litware.com']] },
  'mx.litware.com': { A: ['127.0.0.5'] },
  'adatum.com': { MX: [[10, 'mx.adatum.com']] },
  'mx.adatum.com': { A: ['127.0.0.6'] },
  'northwind.net': { MX: [[10, 'mx.northwind.net']] },
  'mx.northwind.net': { A: ['127.0.0.7'] },
  // Two MX hosts: the first has nothing listening, the backup works.
  'tailspintoys.com': { MX: [[10, 'mx1.tailspintoys.com'], [20, 'mx.northwind.net']] },
  'mx1.tailspintoys.com': { A: ['127.0.0.8'] },
  'deadmx.example': { MX: [[10, 'gone.deadmx.example']] },
  'gone.deadmx.example': { A: ['127.0.0.8'] },
  'danglingmx.example': { MX: [[10, 'nohost.danglingmx.example']] },
  'nomx.example': { A: ['127.0.0.2'] },
  'oldtls.example': { MX: [[10, 'mx.oldtls.example']] },
  'mx.oldtls.example': { A: ['127.0.0.11'] },
  'nullmx.example': { MX: [[0, '.']] },
  'broken.example': { fault: 'servfail' },
  'mail.contoso.com': { A: ['127.0.0.9'] },
  'mail.onprem.contoso.com': { A: ['127.0.0.12'] },
  'smtp.partner.example': { A: ['127.0.0.10'] },
  // Reverse DNS for sending addresses.
  '25.113.0.203.in-addr.arpa': { PTR: ['mail.contoso.com'] },
  'mail-out.contoso.com': { A: ['203.0.113.26'] },
  '26.113.0.203.in-addr.arpa': { PTR: ['mail-out.contoso.com'] },
  '77.113.0.203.in-addr.arpa': { PTR: ['host77.dsl.isp.example'] },
  'host77.dsl.isp.example': { A: ['203.0.113.99'] },
  '10.100.51.198.in-addr.arpa': { PTR: ['relay.fabrikam.com'] },
  'relay.fabrikam.com': { A: ['198.51.100.10'] },
  // Blocklists: 203.0.113.77 (a dynamic DSL address) is listed on both; 198.51.100.10 is clean.
  '77.113.0.203.bl.lab.test': { A: ['127.0.0.2'], TXT: ['Listed: dynamic/residential IP range, see https://bl.lab.test/lookup'] },
  '77.113.0.203.dnsbl.lab.test': { A: ['127.0.0.4'] },
  // A blocklist that refuses the querier, the way Spamhaus answers public resolvers.
  '66.113.0.203.bl.lab.test': { A: ['127.255.255.254'] },
};

export async function startConnectivityLab(): Promise<ConnectivityLab> {
  const ca = makeCa();
  const plan = hosts(ca);
  const names = Object.keys(plan);
  const servers: Record<string, LocalSmtp> = {};
  try {
    // The first server picks a free port; the others bind the same port on their own loopback address.
    const first = await startLocalSmtp({ ...plan[names[0]].options, host: plan[names[0]].address });
    servers[names[0]] = first;
    for (const name of names.slice(1)) servers[name] = await startLocalSmtp({ ...plan[name].options, host: plan[name].address, port: first.port });
    const dns = await startDnsServer({ zones: LAB_ZONES });
    return {
      ca,
      dns,
      port: first.port,
      servers,
      async close() {
        await Promise.all([dns.close(), ...Object.values(servers).map((server) => server.close())]);
      },
    };
  } catch (error) {
    await Promise.all(Object.values(servers).map((server) => server.close()));
    throw error;
  }
}

/** A prober that trusts the lab's CA, as a production server trusts the public roots. */
export function labProber(lab: ConnectivityLab): SmtpProber {
  return createSmtpProber({ timeoutMs: 3000, heloName: 'probe.mailflow-doctor.test', ca: [lab.ca.certPem] });
}

/** The connectivity tests' sources pointed at the lab: its DNS server, its SMTP port, its blocklists. */
export function labDeps(lab: ConnectivityLab): ConnectivityDeps {
  return {
    dns: createDnsResolver({ servers: [lab.dns.address], timeoutMs: 2000 }),
    smtp: labProber(lab),
    port: lab.port,
    blocklists: BLOCKLISTS,
    // Every lab server lives on 127.0.0.x; production refuses such targets (see smtp.mx-private-address).
    allowPrivateTargets: true,
    now: () => new Date(),
  };
}
