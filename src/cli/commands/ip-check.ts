import type { Command } from 'commander';
import { checkSendingIp } from '../../diagnosis/connectivity';
import { CliError, printJson } from '../io';
import { cliConnectivityDeps, type ConnectivityCliOptions } from './smtp-test';

export function registerIpCheck(program: Command): void {
  program
    .command('ip-check')
    .description('outbound checks of a sending IP: reverse DNS, forward-confirmed reverse DNS, DNS blocklists (BLOCKLISTS), SPF of --domain (JSON)')
    .argument('<ip>', 'the sending IPv4 or IPv6 address')
    .option('--domain <domain>', 'also check whether this domain\'s SPF authorizes the address')
    .option('--dns <host:port>', 'DNS server to ask (overrides DNS_SERVERS)')
    .action(async (ip: string, options: Pick<ConnectivityCliOptions, 'dns'> & { domain?: string }) => {
      const report = await checkSendingIp(ip, options.domain?.toLowerCase() ?? null, cliConnectivityDeps(options));
      // A malformed address is the caller's mistake: one line on stderr, not a report.
      if (report.findings.some((finding) => finding.code === 'ip.invalid')) throw new CliError(`"${ip}" is not an IPv4 or IPv6 address`);
      printJson(report);
    });
}
