import { readFileSync } from 'node:fs';
import { projectPath } from '../../paths';

/**
 * TEST-ONLY certificates for the local Microsoft 365 emulator. MSAL refuses an authority that is not https, so the
 * emulator serves TLS on loopback with a certificate issued by this throwaway CA. The clients trust the CA through
 * NODE_EXTRA_CA_CERTS (read once at process start), never by turning TLS checks off. The private keys are public
 * (committed): never trust ca.pem outside tests and the demo.
 */
const TLS_DIR = ['src', 'emulator', 'tls'];

/** Path of the test CA certificate, for NODE_EXTRA_CA_CERTS (the demo and `ask --tenant demo` re-exec node with it). */
export function emulatorCaPath(): string {
  return projectPath(...TLS_DIR, 'ca.pem');
}

/** The 127.0.0.1/localhost leaf certificate and key the emulator serves. */
export function emulatorServerTls(): { cert: string; key: string } {
  return {
    cert: readFileSync(projectPath(...TLS_DIR, 'server.pem'), 'utf8'),
    key: readFileSync(projectPath(...TLS_DIR, 'server-key.pem'), 'utf8'),
  };
}

/** PEM (private key + certificate) of the demo app registration, for ClientCertificateCredential against the emulator. */
export function testAppCertificatePath(): string {
  return projectPath(...TLS_DIR, 'app-client.pem');
}

/** Whether this process trusts the emulator's CA (NODE_EXTRA_CA_CERTS points at it). */
export function processTrustsEmulatorCa(env: NodeJS.ProcessEnv = process.env): boolean {
  const configured = env.NODE_EXTRA_CA_CERTS;
  if (!configured) return false;
  try {
    return readFileSync(configured, 'utf8').includes(readFileSync(emulatorCaPath(), 'utf8').trim());
  } catch {
    return false;
  }
}
