import type { CheckFinding, Severity } from '../../model/check-finding';

/**
 * Every finding the connectivity tests can raise, with its usual severity and the fix, as data: adding a check is
 * one row here and one condition where the evidence is read. The message is written where the facts are known.
 */
export const CONNECTIVITY_FINDINGS = {
  // Inbound SMTP to a domain's MX hosts.
  'smtp.no-mx': {
    severity: 'warning',
    fix: 'Publish an MX record for the domain. Without one, senders fall back to its A record (RFC 5321 §5.1), which is rarely a mail server. For Exchange Online the MX is <domain-with-dashes>.mail.protection.outlook.com, priority 0.',
  },
  'smtp.null-mx': {
    severity: 'error',
    fix: 'The domain publishes a null MX ("0 ."), which tells every sender it accepts no mail (RFC 7505). Replace it with the real MX record if the domain should receive mail.',
  },
  'smtp.dns-error': {
    severity: 'error',
    fix: 'The DNS lookup did not get an answer (SERVFAIL or timeout). Check the domain\'s name servers and DNSSEC; senders will queue mail and retry until it resolves.',
  },
  'smtp.mx-no-address': {
    severity: 'error',
    fix: 'The MX host name has no A or AAAA record. Publish the address record, or point the MX at a name that has one; an MX must not point at a CNAME or an IP literal (RFC 5321 §5.1).',
  },
  'smtp.mx-private-address': {
    severity: 'error',
    fix: 'The MX host resolves to a private or loopback address, which no sender on the internet can reach. Publish the server\'s public address (or point the MX at Exchange Online\'s <domain>.mail.protection.outlook.com). It was not probed: the bot does not connect inside its own network.',
  },
  'smtp.unreachable': {
    severity: 'error',
    fix: 'Nothing answered SMTP on this host and port. Check that the server is running, that the firewall and any cloud network security group allow TCP 25 from the internet, and that the MX points at the right address.',
  },
  'smtp.greeting-refused': {
    severity: 'error',
    fix: 'The server answered but refused the session in its greeting. It may be blocking the tester\'s address or be out of resources; check its connection filtering and logs.',
  },
  'smtp.no-starttls': {
    severity: 'warning',
    fix: 'Enable STARTTLS with a certificate for the MX name. Without it mail arrives in clear text, and senders that require TLS (MTA-STS enforce, TLS connectors) cannot deliver.',
  },
  'smtp.starttls-failed': {
    severity: 'error',
    fix: 'STARTTLS is advertised but the TLS handshake fails. Check the certificate and private key bound to the SMTP service, and that TLS 1.2 or later is enabled: Exchange Online and most senders no longer use TLS 1.0/1.1.',
  },
  'smtp.cert-name-mismatch': {
    severity: 'warning',
    fix: 'Install a certificate whose subject or subject alternative names include the MX host name. Senders that validate names (MTA-STS, DANE, Exchange Online connectors with DomainValidation) refuse it.',
  },
  'smtp.cert-expired': {
    severity: 'error',
    fix: 'Renew the certificate and bind the new one to the SMTP service (Exchange: Enable-ExchangeCertificate -Services SMTP), then restart the transport service.',
  },
  'smtp.cert-expiring': {
    severity: 'warning',
    fix: 'Renew the certificate before it expires and bind the new one to the SMTP service; update any connector that names it (TlsCertificateName).',
  },
  'smtp.cert-untrusted': {
    severity: 'warning',
    fix: 'Use a certificate from a public certification authority and make the server send the intermediate certificates with it. Self-signed or incomplete chains fail validating senders.',
  },
  'smtp.recipient-rejected': {
    severity: 'error',
    fix: 'The server refused the test recipient at RCPT TO. Check that the address exists, that the domain is an accepted domain on that server, and any recipient filtering (directory-based edge blocking in Exchange Online).',
  },
  'smtp.recipient-deferred': {
    severity: 'warning',
    fix: 'The server answered the recipient with a temporary failure (greylisting, throttling or a directory lookup problem). Senders retry; if it persists, check the server\'s logs for the reason in the reply.',
  },
  'smtp.sender-rejected': {
    severity: 'warning',
    fix: 'The server refused the null sender <> used by the test, so the recipient could not be checked. Servers must accept <> for bounces (RFC 5321 §4.5.5); check its sender filtering.',
  },
  'smtp.session-error': {
    severity: 'warning',
    fix: 'The SMTP session broke off after the greeting. Retry; if it repeats, look at the server\'s protocol logs for the step shown.',
  },
  // A sending IP address.
  'ip.invalid': {
    severity: 'error',
    fix: 'Give an IPv4 or IPv6 address, for example 203.0.113.25.',
  },
  'ip.not-public': {
    severity: 'info',
    fix: 'This is a private or reserved address. Receivers see the public address your mail leaves from (the NAT or firewall address); check that one instead.',
  },
  'ip.no-ptr': {
    severity: 'error',
    fix: 'Ask whoever owns the address (your ISP or cloud provider) to publish a PTR record naming your mail server. Exchange Online, Outlook.com, Gmail and many others reject or junk mail from addresses without reverse DNS.',
  },
  'ip.fcrdns-mismatch': {
    severity: 'warning',
    fix: 'Make the PTR name resolve back to the same address (forward-confirmed reverse DNS): publish an A/AAAA record for the PTR name, or change the PTR to a name that has one.',
  },
  'ip.dns-error': {
    severity: 'warning',
    fix: 'A DNS lookup for this address did not get an answer. Retry; if it persists, check the reverse zone\'s name servers.',
  },
  'ip.blocklisted': {
    severity: 'error',
    fix: 'Find and stop the cause first (a compromised account, an open relay, a bulk campaign), then request delisting on the blocklist\'s site. For mail sent through Exchange Online, use the delist portal (sender.office.com) for Microsoft\'s own list.',
  },
  'ip.blocklist-error': {
    severity: 'info',
    fix: 'The blocklist refused to answer or answered with an error code (Spamhaus, for example, refuses queries from public resolvers). Query it through a resolver of your own, or with a data query account.',
  },
  'ip.spf-not-authorized': {
    severity: 'error',
    fix: 'Add the address to the domain\'s SPF record (ip4:/ip6:, or the include: of the service that sends for you), staying within 10 DNS lookups.',
  },
  'ip.spf-error': {
    severity: 'warning',
    fix: 'The domain\'s SPF record could not be evaluated (temperror or permerror). Run "check SPF for <domain>" to see the broken record or lookup.',
  },
  // Hybrid and partner connectors in Exchange Online.
  'connector.none': {
    severity: 'info',
    fix: 'No outbound connector routes through a smart host, so there is no connector certificate to check. Mail goes out by MX.',
  },
  'connector.unavailable': {
    severity: 'warning',
    fix: 'The connectors could not be read from Exchange Online. Check that the app has the Exchange.ManageAsApp permission and an Exchange role that allows Get-OutboundConnector.',
  },
  'connector.smart-host-no-address': {
    severity: 'error',
    fix: 'The smart host name does not resolve. Publish its A record, or correct the SmartHosts value on the connector (Set-OutboundConnector -SmartHosts).',
  },
  'connector.smart-host-private-address': {
    severity: 'error',
    fix: 'The smart host resolves to a private address, which Exchange Online cannot reach. Use the on-premises server\'s public name or address in SmartHosts (Set-OutboundConnector -SmartHosts), published through the firewall on port 25.',
  },
  'connector.unreachable': {
    severity: 'error',
    fix: 'Exchange Online cannot reach the smart host on port 25. Allow inbound TCP 25 from Exchange Online\'s addresses on the firewall, and check that the on-premises or partner server is running. Mail queues in Exchange Online meanwhile.',
  },
  'connector.no-starttls': {
    severity: 'error',
    fix: 'The connector requires TLS but the smart host does not offer STARTTLS. Enable TLS on the receive connector (on-premises Exchange: a certificate enabled for SMTP), or relax the connector\'s TlsSettings only if the partner agrees.',
  },
  'connector.starttls-failed': {
    severity: 'error',
    fix: 'The smart host advertises STARTTLS but the handshake fails. Check the certificate bound to SMTP on that server and that TLS 1.2 is enabled.',
  },
  'connector.cert-name-mismatch': {
    severity: 'error',
    fix: 'The certificate does not carry the name the connector validates (TlsDomain). Install a certificate with that name on the smart host, or set TlsDomain to a name the certificate has (Set-OutboundConnector -TlsDomain).',
  },
  'connector.cert-expired': {
    severity: 'error',
    fix: 'Renew the smart host\'s certificate now and enable it for SMTP; with certificate validation on, Exchange Online queues mail for this connector until it is fixed.',
  },
  'connector.cert-expiring': {
    severity: 'warning',
    fix: 'Renew the smart host\'s certificate before it expires, enable it for SMTP, and if the name changes update TlsDomain and the inbound connector\'s TlsSenderCertificateName (re-run the Hybrid Configuration Wizard for hybrid).',
  },
  'connector.cert-untrusted': {
    severity: 'error',
    fix: 'The connector validates the certificate but it does not chain to a public root. Use a certificate from a public CA and send the intermediates; self-signed certificates fail CertificateValidation and DomainValidation.',
  },
  'connector.inbound-cert-name-mismatch': {
    severity: 'warning',
    fix: 'The inbound connector expects the on-premises server to present a certificate named as TlsSenderCertificateName, but the smart host shows another. If the server sends with the same certificate, its mail will not be matched to the connector; align the two (Set-InboundConnector -TlsSenderCertificateName).',
  },
} as const satisfies Record<string, { readonly severity: Severity; readonly fix: string }>;

export type ConnectivityCode = keyof typeof CONNECTIVITY_FINDINGS;

/** A finding with the table's fix; the severity can be raised or lowered where the context says so. */
export function connectivityFinding(code: ConnectivityCode, message: string, severity?: Severity): CheckFinding {
  const entry = CONNECTIVITY_FINDINGS[code];
  return { severity: severity ?? entry.severity, code, message, fix: entry.fix };
}
