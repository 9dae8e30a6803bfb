import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config';
import { testInboundSmtp, type ConnectivityDeps } from '../../diagnosis/connectivity';
import { createDnsResolver, parseServerAddress } from '../../sources/dns';
import { createSmtpProber } from '../../sources/smtp';
import { CliError, printJson } from '../io';

export interface ConnectivityCliOptions {
  readonly dns?: string;
  readonly port?: string;
  readonly timeout?: string;
  readonly ca?: string;
  readonly allowPrivate?: boolean;
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/i;

function positive(value: string | undefined, name: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) throw new CliError(`${name} must be a whole number from 1 to ${max}, not "${value}"`);
  return number;
}

/** The connectivity tests' sources for one CLI run: --dns and --port override DNS_SERVERS and SMTP_PORT. */
export function cliConnectivityDeps(options: ConnectivityCliOptions, config: Config = loadConfig()): ConnectivityDeps {
  if (options.dns !== undefined) {
    const { host, port } = parseServerAddress(options.dns);
    if (!host || !Number.isInteger(port) || port < 1 || port > 65535) throw new CliError(`--dns expects HOST:PORT, not "${options.dns}"`);
  }
  let ca: string[] | undefined;
  if (options.ca !== undefined) {
    try {
      ca = [readFileSync(options.ca, 'utf8')];
    } catch (error) {
      throw new CliError(`cannot read ${options.ca}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  const timeoutMs = positive(options.timeout, '--timeout', 120000) ?? config.SMTP_TIMEOUT_MS;
  return {
    dns: createDnsResolver({ servers: options.dns ? [options.dns] : config.DNS_SERVERS, timeoutMs: config.DNS_TIMEOUT_MS }),
    smtp: createSmtpProber({ timeoutMs, heloName: config.SMTP_HELO_NAME ?? hostname(), ca }),
    port: positive(options.port, '--port', 65535) ?? config.SMTP_PORT,
    blocklists: config.BLOCKLISTS,
    allowPrivateTargets: options.allowPrivate === true || config.SMTP_ALLOW_PRIVATE_TARGETS,
    now: () => new Date(),
  };
}

export function registerSmtpTest(program: Command): void {
  program
    .command('smtp-test')
    .description('inbound SMTP test of a domain: each MX host in priority order, STARTTLS, certificate, test recipient; no mail is sent (JSON)')
    .argument('<domain>', 'the domain to test, e.g. contoso.com')
    .option('--dns <host:port>', 'DNS server to ask (overrides DNS_SERVERS)')
    .option('--port <n>', 'SMTP port (overrides SMTP_PORT, default 25)')
    .option('--recipient <address>', 'recipient to try at RCPT TO (default postmaster@DOMAIN)')
    .option('--timeout <ms>', 'per-step timeout (overrides SMTP_TIMEOUT_MS)')
    .option('--ca <file>', 'extra trusted CA certificates (PEM) for the chain check, e.g. a private CA')
    .option('--allow-private', 'also connect to private and loopback addresses (overrides SMTP_ALLOW_PRIVATE_TARGETS)')
    .action(async (domain: string, options: ConnectivityCliOptions & { recipient?: string }) => {
      if (!DOMAIN.test(domain)) throw new CliError(`"${domain}" is not a domain name; give one like contoso.com`);
      const name = domain.toLowerCase().replace(/\.$/, '');
      const recipient = options.recipient ?? `postmaster@${name}`;
      if (!/^[^\s@<>"]+@[^\s@<>"]+$/.test(recipient)) throw new CliError(`--recipient "${recipient}" is not an e-mail address`);
      printJson(await testInboundSmtp(name, recipient, cliConnectivityDeps(options)));
    });
}
