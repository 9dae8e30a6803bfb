import { isIP } from 'node:net';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { evaluateSpf, type SpfEvaluation, type SpfQuestion } from '../../diagnosis/domain';
import type { DnsResolver } from '../../sources/dns';
import { CliError, printJson } from '../io';
import { cliResolver } from './domain';

/** How many batch lines are evaluated at once: enough to hide DNS latency, few enough to be gentle on the server. */
const BATCH_CONCURRENCY = 32;

function questionOf(value: unknown): SpfQuestion | string {
  if (!value || typeof value !== 'object') return 'each line must be a JSON object {ip, sender, helo}';
  const { ip, sender, helo } = value as Record<string, unknown>;
  if (typeof ip !== 'string' || isIP(ip.trim()) === 0) return `"ip" must be an IP address`;
  if (sender !== undefined && sender !== null && typeof sender !== 'string') return '"sender" must be a string';
  if (helo !== undefined && helo !== null && typeof helo !== 'string') return '"helo" must be a string';
  return { ip: ip.trim(), sender: (sender as string | undefined) ?? '', helo: (helo as string | undefined) ?? undefined };
}

const publicResult = (evaluation: SpfEvaluation) => ({ result: evaluation.result, explanation: evaluation.explanation, lookups: evaluation.lookups });

/** Reads JSON lines and writes one result line per input line, in input order, evaluating up to 32 at once. */
export async function runSpfBatch(
  resolver: DnsResolver,
  input: NodeJS.ReadableStream = process.stdin,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  const pending: Promise<string>[] = [];
  let next = 0;
  const flush = async (keep: number) => {
    while (pending.length - next > keep) write((await pending[next++]) + '\n');
  };
  for await (const line of lines) {
    if (line.trim() === '') continue;
    pending.push(
      (async () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          return JSON.stringify({ error: 'not a JSON line' });
        }
        const question = questionOf(parsed);
        if (typeof question === 'string') return JSON.stringify({ error: question });
        return JSON.stringify(publicResult(await evaluateSpf(question, resolver)));
      })(),
    );
    await flush(BATCH_CONCURRENCY);
  }
  await flush(0);
}

export function registerSpfEval(program: Command): void {
  program
    .command('spf-eval')
    .description('RFC 7208 check_host(): is IP allowed to send for MAILFROM? prints {result, explanation, lookups}; --batch reads JSON lines')
    .option('--ip <address>', 'the connecting IP address')
    .option('--sender <mailfrom>', 'the MAIL FROM address (empty for a bounce: HELO is checked)')
    .option('--helo <host>', 'the HELO/EHLO name')
    .option('--dns <host:port>', 'DNS server to ask (overrides DNS_SERVERS)')
    .option('--batch', 'read {"ip","sender","helo"} JSON lines on stdin, write one result line each')
    .action(async (options: { ip?: string; sender?: string; helo?: string; dns?: string; batch?: boolean }) => {
      const resolver = cliResolver(options.dns);
      if (options.batch) return runSpfBatch(resolver);
      if (options.ip === undefined) throw new CliError('--ip is required (or --batch)');
      const question = questionOf({ ip: options.ip, sender: options.sender ?? '', helo: options.helo });
      if (typeof question === 'string') throw new CliError(question.replace('"ip"', '--ip'));
      if (question.sender === '' && !question.helo) throw new CliError('give --sender, or --helo for a bounce (empty sender)');
      printJson(publicResult(await evaluateSpf(question, resolver)));
    });
}
