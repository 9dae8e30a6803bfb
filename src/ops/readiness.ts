import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Config } from '../config';

/**
 * Readiness (`/readyz`) answers "can this instance do its job now?", unlike `/healthz` ("is the process alive?").
 * A load balancer takes an instance out of rotation while it is not ready instead of restarting it.
 */

export type ProbeOutcome = { readonly ok: true; readonly detail?: string } | { readonly ok: false; readonly detail: string };

export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<ProbeOutcome>;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: readonly { readonly name: string; readonly ok: boolean; readonly detail?: string }[];
}

/** A probe that hangs must not hang /readyz: the platform's own probe would time out with no reason given. */
const PROBE_TIMEOUT_MS = 5000;

async function withTimeout(probe: ReadinessProbe, timeoutMs: number): Promise<ProbeOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([
      probe.check().catch((error: unknown): ProbeOutcome => ({ ok: false, detail: oneLine(error) })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(probes: readonly ReadinessProbe[], timeoutMs = PROBE_TIMEOUT_MS): Promise<ReadinessReport> {
  const outcomes = await Promise.all(probes.map((probe) => withTimeout(probe, timeoutMs)));
  const checks = probes.map((probe, index) => ({ name: probe.name, ...outcomes[index] }));
  return { ready: checks.every((check) => check.ok), checks };
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 300);
}

/** Storage holds every piece of shared state (requests, approvals, audit); an instance that cannot reach it is not ready. */
export function storageProbe(config: Pick<Config, 'STORAGE_CONNECTION_STRING' | 'STORAGE_ACCOUNT_URL'>): ReadinessProbe {
  return {
    name: 'storage',
    async check() {
      if (!config.STORAGE_CONNECTION_STRING && !config.STORAGE_ACCOUNT_URL) {
        return { ok: true, detail: 'not configured: state is kept in memory (single instance only)' };
      }
      // Loaded here so that an instance without storage, and the CLI, do not pay for the SDKs.
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { BlobServiceClient } = require('@azure/storage-blob') as typeof import('@azure/storage-blob');
      const { TableServiceClient } = require('@azure/data-tables') as typeof import('@azure/data-tables');
      // One try: readiness must report the current state quickly, not retry its way past the probe's own timeout.
      const retryOptions = { maxTries: 1 };
      let blobs: InstanceType<typeof BlobServiceClient>;
      let tables: InstanceType<typeof TableServiceClient>;
      if (config.STORAGE_CONNECTION_STRING) {
        blobs = BlobServiceClient.fromConnectionString(config.STORAGE_CONNECTION_STRING, { retryOptions });
        tables = TableServiceClient.fromConnectionString(config.STORAGE_CONNECTION_STRING, {
          retryOptions: { maxRetries: 0 },
          allowInsecureConnection: true,
        });
      } else {
        const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
        // With a user-assigned identity, AZURE_CLIENT_ID (set by infra/) tells the credential which identity to use.
        const credential = new DefaultAzureCredential();
        const accountUrl = config.STORAGE_ACCOUNT_URL!;
        // The account URL names the blob endpoint (https://NAME.blob.core.windows.net); tables live beside it.
        blobs = new BlobServiceClient(accountUrl.replace('.table.', '.blob.'), credential, { retryOptions });
        tables = new TableServiceClient(accountUrl.replace('.blob.', '.table.'), credential, { retryOptions: { maxRetries: 0 } });
      }
      // Listing one container and one table needs only the data roles the identity holds, and proves both endpoints answer.
      await blobs.listContainers().byPage({ maxPageSize: 1 }).next();
      await tables.listTables().byPage({ maxPageSize: 1 }).next();
      return { ok: true };
    },
  };
}

/** The credentials the instance needs can be read and parsed: the bot's, and the tenant's for Graph and Exchange. */
export function credentialsProbe(
  config: Pick<
    Config,
    'BOT_ID' | 'BOT_PASSWORD' | 'BOT_TYPE' | 'TENANT_AUTH' | 'TENANT_CLIENT_ID' | 'TENANT_CLIENT_SECRET' | 'TENANT_CERTIFICATE_PATH' | 'TENANTS_FILE'
  >,
  now: () => Date = () => new Date(),
): ReadinessProbe {
  return {
    name: 'credentials',
    async check() {
      const problems: string[] = [];
      if (config.BOT_ID && config.BOT_TYPE !== 'UserAssignedMsi' && !config.BOT_PASSWORD) {
        problems.push(`BOT_PASSWORD is empty for a ${config.BOT_TYPE} bot`);
      }
      if (config.TENANT_AUTH) {
        if (!config.TENANT_CLIENT_ID && config.TENANT_AUTH !== 'managed-identity') problems.push('TENANT_CLIENT_ID is not set');
        if (config.TENANT_AUTH === 'secret' && !config.TENANT_CLIENT_SECRET) problems.push('TENANT_CLIENT_SECRET is not set');
        if (config.TENANT_AUTH === 'certificate') {
          const problem = await certificateProblem(config.TENANT_CERTIFICATE_PATH, now());
          if (problem) problems.push(problem);
        }
      }
      if (config.TENANTS_FILE) {
        try {
          JSON.parse(await readFile(config.TENANTS_FILE, 'utf8'));
        } catch (error) {
          problems.push(`TENANTS_FILE cannot be read as JSON: ${oneLine(error)}`);
        }
      }
      if (problems.length > 0) return { ok: false, detail: problems.join('; ') };
      if (!config.TENANT_AUTH && !config.TENANTS_FILE) return { ok: true, detail: 'no tenant credentials configured (local use)' };
      return { ok: true };
    },
  };
}

/** Loads the PEM the way the Graph client will: one private key and one certificate, not yet expired. */
async function certificateProblem(path: string | undefined, now: Date): Promise<string | undefined> {
  if (!path) return 'TENANT_CERTIFICATE_PATH is not set (TENANT_AUTH=certificate)';
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    return `TENANT_CERTIFICATE_PATH cannot be read: ${(error as NodeJS.ErrnoException).code ?? oneLine(error)}`;
  }
  try {
    createPrivateKey(pem);
  } catch {
    return 'TENANT_CERTIFICATE_PATH holds no readable private key';
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return 'TENANT_CERTIFICATE_PATH holds no readable certificate';
  }
  if (new Date(certificate.validTo).getTime() < now.getTime()) return `the tenant certificate expired on ${certificate.validTo}`;
  return undefined;
}

export function defaultReadinessProbes(config: Config): ReadinessProbe[] {
  return [storageProbe(config), credentialsProbe(config)];
}
