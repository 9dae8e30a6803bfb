import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emulatorCaPath, processTrustsEmulatorCa } from '../emulator/tls';

/**
 * The local Microsoft 365 speaks TLS with a test CA, and Node reads NODE_EXTRA_CA_CERTS only at start-up. So a
 * process that hosts the demo tenant re-runs itself once with the CA added (to any extra CAs already configured);
 * TLS verification itself is never turned off. Resolves to the child's exit code, or null when no re-run was needed.
 */
export async function rerunTrustingEmulator(): Promise<number | null> {
  if (processTrustsEmulatorCa()) return null;
  let bundle = emulatorCaPath();
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  if (existing) {
    bundle = join(tmpdir(), `mailflow-doctor-ca-${process.pid}.pem`);
    writeFileSync(bundle, `${readFileSync(existing, 'utf8')}\n${readFileSync(emulatorCaPath(), 'utf8')}`);
  }
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle },
    stdio: 'inherit',
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}
