import { dirname, join } from 'node:path';
import { DEMO_MTA_STS_POLICIES, DEMO_ZONES } from '../emulator/dns/demo-zones';
import { localPolicyFetcher } from '../emulator/dns/policy-fetcher';
import { startDnsServer, type RunningDnsServer } from '../emulator/dns';
import { DEMO_TENANT, demoScenario, startM365Emulator, type M365Emulator } from '../emulator/m365';
import { startAzurite, type RunningAzurite } from '../sources/storage';
import type { PolicyFetcher } from '../sources/dns';
import { DEMO_PEOPLE } from './people';

export interface DemoStackOptions {
  /** Where Azurite keeps its data; absent: in memory (tests, `ask --tenant demo`). */
  readonly storageDir?: string;
  /** Start Azurite at all (`ask` does not need storage). */
  readonly storage?: boolean;
  /** Added to every DNS answer (benchmarks). */
  readonly dnsLatencyMs?: number;
}

/** The local peers of the demo tenant: DNS with contoso.com and its partners, Microsoft 365, and Azure Storage. */
export interface DemoStack {
  /** Environment variables that point Mailflow Doctor at these peers. */
  readonly env: Record<string, string>;
  readonly dns: RunningDnsServer;
  readonly emulator: M365Emulator;
  readonly azurite: RunningAzurite | null;
  /** MTA-STS policies are served from memory: there is no HTTPS host for mta-sts.<domain> on loopback. */
  readonly mtaStsPolicies: PolicyFetcher;
  close(): Promise<void>;
}

export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const wantStorage = options.storage ?? true;
  const [dns, emulator, azurite] = await Promise.all([
    startDnsServer({ zones: DEMO_ZONES, latencyMs: options.dnsLatencyMs }),
    startM365Emulator({ scenarios: [demoScenario()] }),
    wantStorage ? startAzurite(options.storageDir ? { location: options.storageDir } : { inMemory: true }) : Promise.resolve(null),
  ]);
  const env: Record<string, string> = {
    ...emulator.envFor(DEMO_TENANT.id),
    ALLOWED_TENANT_IDS: DEMO_TENANT.id,
    DNS_SERVERS: dns.address,
    APPROVER_IDS: DEMO_PEOPLE.dana.aadObjectId,
    ...(azurite ? { STORAGE_CONNECTION_STRING: azurite.connectionString } : {}),
    // Beside Azurite's data, so that release records survive a restart of the demo as the requests do.
    ...(options.storageDir ? { PENDING_WRITES_DIR: join(dirname(options.storageDir), 'pending-writes') } : {}),
  };
  return {
    env,
    dns,
    emulator,
    azurite,
    mtaStsPolicies: localPolicyFetcher(DEMO_MTA_STS_POLICIES),
    async close() {
      await Promise.allSettled([dns.close(), emulator.close(), azurite?.stop()]);
    },
  };
}
