import type { Zones } from './zones';

/**
 * DNS for the demo tenant (contoso.com) and the partners its helpdesk asks about, each with a problem taken from
 * real tickets. Served by the demo's local DNS server; tests use them too.
 *
 *   contoso.com        the tenant: Exchange Online MX, DKIM CNAMEs, DMARC p=reject, MTA-STS; its SPF lacks the new
 *                      marketing platform (mktg-mailer.example, 198.51.100.0/24), so campaign mail fails SPF
 *   northwind.net      partner whose MX host refuses connections (mail.northwind.net → 127.0.0.1, no SMTP listener)
 *   fabrikam.com       two SPF records → permerror everywhere
 *   litware.com        everything right (the "green" example, with an enforced MTA-STS policy)
 *   adatum.com         SPF needs more than 10 lookups
 *   tailspintoys.com   DMARC p=none, reports to an outside domain that has not authorised them
 *   woodgrovebank.com  no DMARC; an old 512-bit DKIM key under selector "legacy"
 *   wingtiptoys.com    SPF "+all" and "ptr", no MX
 *   fourthcoffee.com   SPF with 3 void lookups; DMARC pct=50
 *   relecloud.com      SPF syntax error, two DMARC records, MTA-STS policy that does not cover its MX
 *   treyresearch.net   no SPF, DMARC typo (p=rejected), MX behind a third-party gateway, no DKIM
 *   proseware.com      null MX (sends no mail, receives none)
 *   sales.contoso.com  no DMARC of its own: inherits contoso.com's
 */
export const DEMO_DKIM_KEY_2048 =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAziBnYMxLsYUu7okvGVf6zxkhAMNigYW1DxTexSwAhKjsRMVWrMMR9EUp2F3Yyavbjt5rtBJgqpHKBNIlfOtAkxfmD7dgU7yxLKlOGce4ZLbrrRSDHdmuj8E5pUVwtqrhWehdcYIU8cgdxHOPi5BDkfz7UlBkS7hZVWeloJ5essK5MrXwaRzZSloWZZCco4sGy2NyN7Jrbjfz8RgapvRc60JLZ344F9BNaUvpj0rM+KD62tKP5llDb4D/gtzfrFN3xAUWekqAQuZEMOSQWRhC51VcuxT1ZAROnFmj32EDslWIp1A5WyIoilnqEz+yiFKj8JfkhcnyCtDec4mN7iwMFwIDAQAB';
export const DEMO_DKIM_KEY_1024 =
  'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC7pKxC59cPnHGAoDNUocrJqr+nTK1jzxhrQqvY275pDLkRUnnvZKyku2bCZE+87W6LghQIwIIHYU2GmYAREYAKTPYlfHDFQaBCrtPGmxnJTM3U6mUknJNBPs7cXkLw7zG0wCUfZsLFSgHXc3ZE4idCzjgHqJ1L+b5wCv9ZkZQWuQIDAQAB';
export const DEMO_DKIM_KEY_512 = 'MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBANUc8Rz0ZCZ5X9c3UYdjrp4yUyIevhwON5sg2ONtyOvrSTf8rAhSw6FeOPNiQ1EshPJedqFlYj6d+JMiV1a/GQkCAwEAAQ==';

const dkim = (key: string) => [`v=DKIM1; k=rsa; p=${key}`];
const exoMx = (domain: string) => [[0, `${domain.replace(/\./g, '-')}.mail.protection.outlook.com`] as const];
/** Microsoft 365's DKIM CNAMEs for a custom domain, and the key records at their targets. */
function microsoftDkim(domain: string, tenant: string): Zones {
  const zones: Record<string, { CNAME?: string; TXT?: string[] }> = {};
  for (const selector of ['selector1', 'selector2']) {
    const target = `${selector}-${domain.replace(/\./g, '-')}._domainkey.${tenant}.onmicrosoft.com`;
    zones[`${selector}._domainkey.${domain}`] = { CNAME: target };
    zones[target] = { TXT: dkim(DEMO_DKIM_KEY_2048) };
  }
  return zones;
}

/** The marketing platform contoso.com started using last month; its range is not in contoso.com's SPF. */
export const DEMO_MARKETING_IP = '198.51.100.25';
/** An address listed on the demo blocklists (and 127.0.0.2, the DNSBL convention test address). */
export const DEMO_LISTED_IP = '203.0.113.66';
/** An Exchange Online outbound address (inside spf.protection.outlook.com). */
export const DEMO_EXO_OUTBOUND_IP = '40.107.22.35';

const EXO_SPF =
  'v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/15 ip4:52.102.0.0/16 ip4:52.103.0.0/16 ip4:104.47.0.0/17 ip6:2a01:111:f400::/48 ip6:2a01:111:f403::/49 ip6:2a01:111:f403:8000::/50 ip6:2a01:111:f403:c000::/51 ip6:2a01:111:f403:f000::/52 -all';

export const DEMO_ZONES: Zones = {
  // Microsoft and the services tenants include.
  'spf.protection.outlook.com': { TXT: [EXO_SPF] },
  'contoso-com.mail.protection.outlook.com': { A: ['52.101.40.18', '52.101.40.19'] },
  'fabrikam-com.mail.protection.outlook.com': { A: ['52.101.41.10'] },
  'litware-com.mail.protection.outlook.com': { A: ['52.101.41.11'] },
  'adatum-com.mail.protection.outlook.com': { A: ['52.101.41.12'] },
  'tailspintoys-com.mail.protection.outlook.com': { A: ['52.101.41.13'] },
  'woodgrovebank-com.mail.protection.outlook.com': { A: ['52.101.41.14'] },
  'fourthcoffee-com.mail.protection.outlook.com': { A: ['52.101.41.15'] },
  'relecloud-com.mail.protection.outlook.com': { A: ['52.101.41.16'] },
  'mail-db3eur04on2035.outbound.protection.outlook.com': { A: [DEMO_EXO_OUTBOUND_IP] },
  '35.22.107.40.in-addr.arpa': { PTR: ['mail-db3eur04on2035.outbound.protection.outlook.com'] },
  '_spf.salesforce.com': { TXT: ['v=spf1 ip4:13.110.208.0/21 ip4:13.110.216.0/22 ip4:136.147.176.0/20 ~all'] },
  'sendgrid.net': { TXT: ['v=spf1 ip4:167.89.0.0/17 ip4:208.117.48.0/20 ip4:50.31.32.0/19 ~all'] },
  'mail.zendesk.com': { TXT: ['v=spf1 include:_spf.zdsys.com ~all'] },
  '_spf.zdsys.com': { TXT: ['v=spf1 ip4:192.161.144.0/20 ip4:216.198.0.0/18 ~all'] },
  'servers.mcsv.net': { TXT: ['v=spf1 ip4:205.201.128.0/20 ip4:198.2.128.0/18 ~all'] },
  'spf.mandrillapp.com': { TXT: ['v=spf1 ip4:198.2.128.0/24 ip4:198.2.132.0/22 ~all'] },
  '_spf.google.com': { TXT: ['v=spf1 include:_netblocks.google.com include:_netblocks2.google.com include:_netblocks3.google.com ~all'] },
  '_netblocks.google.com': { TXT: ['v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ip4:66.102.0.0/20 ~all'] },
  '_netblocks2.google.com': { TXT: ['v=spf1 ip6:2001:4860:4000::/36 ip6:2404:6800:4000::/36 ~all'] },
  '_netblocks3.google.com': { TXT: ['v=spf1 ip4:172.217.0.0/19 ip4:172.253.56.0/21 ~all'] },

  // The marketing platform contoso.com forgot to authorise.
  '_spf.mktg-mailer.example': { TXT: ['v=spf1 ip4:198.51.100.0/24 -all'] },
  'mta1.mktg-mailer.example': { A: [DEMO_MARKETING_IP] },
  '25.100.51.198.in-addr.arpa': { PTR: ['mta1.mktg-mailer.example'] },

  // contoso.com: the tenant.
  'contoso.com': {
    A: ['192.0.2.10'],
    MX: exoMx('contoso.com'),
    TXT: ['v=spf1 include:spf.protection.outlook.com include:_spf.salesforce.com -all', 'MS=ms48213075', 'google-site-verification=cKz3v0Qm1'],
  },
  'www.contoso.com': { CNAME: 'contoso.com' },
  '_dmarc.contoso.com': { TXT: ['v=DMARC1; p=reject; sp=quarantine; pct=100; adkim=r; aspf=r; rua=mailto:dmarc@contoso.com; ruf=mailto:dmarc-forensic@contoso.com'] },
  '_mta-sts.contoso.com': { TXT: ['v=STSv1; id=20261101T000000'] },
  // 127.0.0.1: nothing listens on 443 here, so a real fetch fails fast; the demo serves policies with localPolicyFetcher.
  'mta-sts.contoso.com': { A: ['127.0.0.1'] },
  'autodiscover.contoso.com': { CNAME: 'autodiscover.outlook.com' },
  ...microsoftDkim('contoso.com', 'contoso'),
  'sales.contoso.com': { MX: exoMx('contoso.com'), TXT: ['v=spf1 include:spf.protection.outlook.com -all'] },

  // northwind.net: a partner whose MX host refuses connections.
  'northwind.net': { MX: [[10, 'mail.northwind.net']], TXT: ['v=spf1 mx ip4:192.0.2.80 -all'], A: ['192.0.2.80'] },
  'mail.northwind.net': { A: ['127.0.0.1'] },
  '_dmarc.northwind.net': { TXT: ['v=DMARC1; p=quarantine; rua=mailto:postmaster@northwind.net'] },
  's1._domainkey.northwind.net': { TXT: dkim(DEMO_DKIM_KEY_1024) },

  // fabrikam.com: two SPF records (the second added for SendGrid instead of merging).
  'fabrikam.com': { MX: exoMx('fabrikam.com'), TXT: ['v=spf1 include:spf.protection.outlook.com -all', 'v=spf1 include:sendgrid.net ~all'] },
  '_dmarc.fabrikam.com': { TXT: ['v=DMARC1; p=quarantine; rua=mailto:dmarc@fabrikam.com'] },
  ...microsoftDkim('fabrikam.com', 'fabrikam'),

  // litware.com: all good.
  'litware.com': { MX: exoMx('litware.com'), TXT: ['v=spf1 ip4:203.0.113.0/26 include:spf.protection.outlook.com -all'] },
  'mail.litware.com': { A: ['203.0.113.10'] },
  '10.113.0.203.in-addr.arpa': { PTR: ['mail.litware.com'] },
  '_dmarc.litware.com': { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@litware.com'] },
  '_mta-sts.litware.com': { TXT: ['v=STSv1; id=2026110301'] },
  ...microsoftDkim('litware.com', 'litware'),

  // adatum.com: 13 lookups.
  'adatum.com': {
    A: ['192.0.2.30'],
    MX: exoMx('adatum.com'),
    TXT: ['v=spf1 include:spf.protection.outlook.com include:_spf.salesforce.com include:mail.zendesk.com include:servers.mcsv.net include:_spf.google.com include:spf.mandrillapp.com a mx include:spf-a.adatum.com ~all'],
  },
  'spf-a.adatum.com': { TXT: ['v=spf1 ip4:192.0.2.32/28 ~all'] },
  '_dmarc.adatum.com': { TXT: ['v=DMARC1; p=quarantine; rua=mailto:dmarc@adatum.com'] },
  ...microsoftDkim('adatum.com', 'adatum'),

  // tailspintoys.com: monitoring-only DMARC, reports to an outside analytics firm that never authorised them.
  'tailspintoys.com': { MX: exoMx('tailspintoys.com'), TXT: ['v=spf1 include:spf.protection.outlook.com -all'] },
  '_dmarc.tailspintoys.com': { TXT: ['v=DMARC1; p=none; rua=mailto:reports@dmarc-insights.example,mailto:dmarc@tailspintoys.com'] },
  'dmarc-insights.example': { MX: [[10, 'mx.dmarc-insights.example']] },
  ...microsoftDkim('tailspintoys.com', 'tailspintoys'),

  // woodgrovebank.com: no DMARC, an old weak key still published.
  'woodgrovebank.com': { MX: exoMx('woodgrovebank.com'), TXT: ['v=spf1 include:spf.protection.outlook.com -all'] },
  'legacy._domainkey.woodgrovebank.com': { TXT: dkim(DEMO_DKIM_KEY_512) },
  ...microsoftDkim('woodgrovebank.com', 'woodgrovebank'),

  // wingtiptoys.com: "+all" and "ptr", and no MX at all.
  'wingtiptoys.com': { A: ['192.0.2.50'], TXT: ['v=spf1 ptr include:spf.protection.outlook.com +all'] },
  '_dmarc.wingtiptoys.com': { TXT: ['v=DMARC1; p=none'] },

  // fourthcoffee.com: three SPF terms that find nothing, a partial DMARC rollout.
  'fourthcoffee.com': {
    MX: exoMx('fourthcoffee.com'),
    TXT: ['v=spf1 include:spf.protection.outlook.com a:smtp-old.fourthcoffee.com mx:legacy.fourthcoffee.com include:spf.gone-vendor.example -all'],
  },
  '_dmarc.fourthcoffee.com': { TXT: ['v=DMARC1; p=quarantine; pct=50; rua=mailto:dmarc@fourthcoffee.com'] },
  ...microsoftDkim('fourthcoffee.com', 'fourthcoffee'),

  // relecloud.com: a typo in an address, two DMARC records, an enforced MTA-STS policy naming the old MX.
  'relecloud.com': { MX: exoMx('relecloud.com'), TXT: ['v=spf1 ip4:192.0.2.300 include:spf.protection.outlook.com -all'] },
  '_dmarc.relecloud.com': { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@relecloud.com', 'v=DMARC1; p=none'] },
  '_mta-sts.relecloud.com': { TXT: ['v=STSv1; id=2025010101'] },
  ...microsoftDkim('relecloud.com', 'relecloud'),

  // treyresearch.net: no SPF, DMARC typo, a filtering gateway in front, no DKIM.
  'treyresearch.net': { MX: [[10, 'treyresearch-net.in.mailgate.example'], [20, 'treyresearch-net.in2.mailgate.example']], A: ['192.0.2.60'] },
  '_dmarc.treyresearch.net': { TXT: ['v=DMARC1; p=rejected; rua=mailto:dmarc@treyresearch.net'] },
  'treyresearch-net.in.mailgate.example': { A: ['192.0.2.61'] },
  'treyresearch-net.in2.mailgate.example': { A: ['192.0.2.62'] },

  // proseware.com: parked, null MX.
  'proseware.com': { MX: [[0, '.']], TXT: ['v=spf1 -all'] },
  '_dmarc.proseware.com': { TXT: ['v=DMARC1; p=reject'] },

  // DNS blocklists (RFC 5782): 127.0.0.2 is every list's test entry; DEMO_LISTED_IP is on two of them.
  '2.0.0.127.zen.spamhaus.org': { A: ['127.0.0.2', '127.0.0.10'], TXT: ['Listed by SBL, see https://check.spamhaus.org/sbl/query/SBL2'] },
  '2.0.0.127.bl.spamcop.net': { A: ['127.0.0.2'], TXT: ['Blocked - see https://www.spamcop.net/bl.shtml?127.0.0.2'] },
  '2.0.0.127.b.barracudacentral.org': { A: ['127.0.0.2'] },
  '66.113.0.203.zen.spamhaus.org': { A: ['127.0.0.3'], TXT: ['Listed by CSS, see https://check.spamhaus.org/css/'] },
  '66.113.0.203.bl.spamcop.net': { A: ['127.0.0.2'], TXT: ['Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.66'] },
  '66.113.0.203.in-addr.arpa': { PTR: ['host-66.dsl.example-isp.example'] },
};

/** MTA-STS policies the demo serves (by URL), for a fetcher that answers locally. */
export const DEMO_MTA_STS_POLICIES: Readonly<Record<string, string>> = {
  'https://mta-sts.contoso.com/.well-known/mta-sts.txt': 'version: STSv1\r\nmode: testing\r\nmx: *.mail.protection.outlook.com\r\nmax_age: 604800\r\n',
  'https://mta-sts.litware.com/.well-known/mta-sts.txt': 'version: STSv1\r\nmode: enforce\r\nmx: litware-com.mail.protection.outlook.com\r\nmax_age: 1209600\r\n',
  'https://mta-sts.relecloud.com/.well-known/mta-sts.txt': 'version: STSv1\r\nmode: enforce\r\nmx: mail.relecloud.com\r\nmax_age: 86400\r\n',
};
