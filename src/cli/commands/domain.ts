import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { ALL_CHECKS, auditDomain, normaliseDomain } from '../../diagnosis/domain';
import type { DomainCheck } from '../../model/intent';
import { createDnsResolver, parseServerAddress, type DnsResolver } from '../../sources/dns';
import { CliError, printJson } from '../io';

/** The resolver for one CLI run: --dns HOST:PORT overrides DNS_SERVERS. */
export function cliResolver(dns: string | undefined): DnsResolver {
  const config = loadConfig();
  if (dns !== undefined) {
    const { host, port } = parseServerAddress(dns);
    if (!host || !Number.isInteger(port) || port < 1 || port > 65535) throw new CliError(`--dns expects HOST:PORT, not "${dns}"`);
  }
  return createDnsResolver({ servers: dns ? [dns] : config.DNS_SERVERS, timeoutMs: config.DNS_TIMEOUT_MS });
}

function parseChecks(text: string | undefined): DomainCheck[] | undefined {
  if (text === undefined) return undefined;
  const checks = text.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean);
  const unknown = checks.filter((check) => !(ALL_CHECKS as readonly string[]).includes(check));
  if (unknown.length > 0 || checks.length === 0) throw new CliError(`--checks takes a comma-separated list of ${ALL_CHECKS.join(', ')}; "${unknown[0] ?? text}" is not one`);
  return checks as DomainCheck[];
}

function parseSelectors(text: string | undefined): string[] {
  const selectors = (text ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  const bad = selectors.find((selector) => !/^[a-z0-9][a-z0-9._-]{0,62}$/i.test(selector));
  if (bad) throw new CliError(`--selectors: "${bad}" is not a DKIM selector`);
  return selectors;
}

export function registerDomain(program: Command): void {
  program
    .command('domain')
    .description("audit a domain's SPF (with the include tree and lookup counts), DKIM, DMARC, MX and MTA-STS (JSON)")
    .argument('<domain>', 'the domain to check, e.g. contoso.com')
    .option('--dns <host:port>', 'DNS server to ask (overrides DNS_SERVERS)')
    .option('--checks <list>', `checks to run, comma-separated (default: ${ALL_CHECKS.join(',')})`)
    .option('--selectors <list>', 'DKIM selectors to check besides selector1 and selector2')
    .action(async (domainText: string, options: { dns?: string; checks?: string; selectors?: string }) => {
      const domain = normaliseDomain(domainText);
      if (!domain) throw new CliError(`"${domainText}" is not a domain name; give one like contoso.com`);
      const checks = parseChecks(options.checks);
      const selectors = parseSelectors(options.selectors);
      const resolver = cliResolver(options.dns);
      printJson(await auditDomain(domain, { checks, selectors, tenantDomain: loadConfig().TENANT_DOMAIN ?? null }, resolver));
    });
}
