import { createInterface } from 'node:readline';
import { writeHeapSnapshot } from 'node:v8';
import { createServices } from '../compose';
import { loadConfig } from '../config';
import { DEMO_MTA_STS_POLICIES } from '../emulator/dns/demo-zones';
import { localPolicyFetcher } from '../emulator/dns/policy-fetcher';
import { silentLogger } from '../log';
import { createTurnStateStorage } from '../ops/turn-state';
import { startServer } from '../server';
import { createDnsResolver } from '../sources/dns';
import { TenantDirectory, tenantProfilesFromConfig } from '../sources/tenant';
import { answerToReplay, startFloorServer } from './floor-server';
import { pastedNdr } from './samples';

/**
 * The bench's bot process (sections 5, 6 and 7; section 6 pins it to one core): the production server
 * (startServer + createServices, pointed at the demo stack through the environment) and, in the same process, the
 * framework's floor (src/bench/floor-server.ts): an echo route, and a route that replays the NDR path's answer to the
 * bench's pasted NDR. Both exist only here; production routes are untouched. Prints one JSON line when ready; stops on
 * SIGTERM or when the bench's stdin closes (so it never outlives the bench).
 */
async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'silent' });
  const base = createServices(config, silentLogger);
  const cold = process.env.BENCH_BOT_CACHES === 'cold';
  // Microsoft allows 100 message-trace requests per 5 minutes per tenant; the bench asks hundreds of questions a
  // minute, which would measure the quota rather than the bot, so it is raised here (and in the emulator).
  // Cold: no answer is reused between questions — trace answers live 1 ms (identical concurrent requests are still
  // shared, as in production) and the DNS cache holds one answer.
  const tenants = new TenantDirectory(tenantProfilesFromConfig(config), { traceGate: { budget: 1_000_000, ...(cold ? { cacheTtlMs: 1 } : {}) } });
  const dns = cold ? createDnsResolver({ servers: config.DNS_SERVERS, timeoutMs: config.DNS_TIMEOUT_MS, cacheSize: 1 }) : base.dns;
  // With storage configured (the soak), conversation state goes where `serve` puts it: Azure Blob Storage (Azurite).
  const storage = process.env.BENCH_BOT_STORAGE === 'configured' ? createTurnStateStorage(config) : undefined;
  const services = { ...base, tenants, dns, fetchMtaStsPolicy: localPolicyFetcher(DEMO_MTA_STS_POLICIES) };
  const bot = await startServer(config, services, { storage });
  const floor = await startFloorServer(() => answerToReplay(pastedNdr(), services));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled([bot.close(), floor.close()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.on('close', () => void stop());
  // "memory" reports process.memoryUsage(); "memory gc" first runs two full collections (the bench starts this
  // process with --expose-gc), so retained memory can be told apart from garbage not yet collected.
  // "snapshot FILE" writes a heap snapshot (for finding what a soak retains by hand; the bench itself never asks).
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [command, option] = line.trim().split(/\s+/);
    if (command === 'snapshot' && option) {
      process.stdout.write(`${JSON.stringify({ snapshot: writeHeapSnapshot(option) })}\n`);
      return;
    }
    if (command !== 'memory') return;
    void (async () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (option === 'gc' && gc) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 200));
        gc();
      }
      process.stdout.write(`${JSON.stringify({ memory: process.memoryUsage(), collected: option === 'gc' && gc !== undefined })}\n`);
    })();
  });
  process.stdout.write(`${JSON.stringify({ ready: true, botUrl: bot.url, floorUrl: floor.url, pid: process.pid })}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench bot server: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(2);
});
