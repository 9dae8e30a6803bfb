import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { createServices } from '../../src/compose';
import { checkReadiness, credentialsProbe, storageProbe, type ReadinessProbe } from '../../src/ops/readiness';
import { startServer, type RunningServer } from '../../src/server';

const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const connectionString = (port: number) =>
  `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};` +
  `BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: opened, noted and closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function selfSignedPem(notAfter: Date): string {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(notAfter.getTime() - 86_400_000 * 365);
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: 'mailflow-doctor' }]);
  cert.setIssuer([{ name: 'commonName', value: 'mailflow-doctor' }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return forge.pki.privateKeyToPem(keys.privateKey) + forge.pki.certificateToPem(cert);
}

const probe = (name: string, check: ReadinessProbe['check']): ReadinessProbe => ({ name, check });

describe('a load balancer asking /readyz whether the instance can take traffic', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serverWith(probes: ReadinessProbe[]): Promise<RunningServer> {
    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent' });
    server = await startServer(config, createServices(config, silentLogger), { readinessProbes: probes });
    return server;
  }

  it('answers 200 ready when storage and credentials check out', async () => {
    const running = await serverWith([probe('storage', async () => ({ ok: true })), probe('credentials', async () => ({ ok: true }))]);
    const response = await fetch(`${running.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: [{ name: 'storage', ok: true }, { name: 'credentials', ok: true }] });
  });

  it('answers 503 not ready and names the failing check when storage is unreachable', async () => {
    const running = await serverWith([
      probe('storage', async () => ({ ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:10000' })),
      probe('credentials', async () => ({ ok: true })),
    ]);
    const response = await fetch(`${running.url}/readyz`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { status: string; checks: { name: string; ok: boolean; detail?: string }[] };
    expect(body.status).toBe('not-ready');
    expect(body.checks.find((check) => check.name === 'storage')).toEqual({ name: 'storage', ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:10000' });
  });

  it('turns a probe that throws into a not-ready answer, not a 500', async () => {
    const running = await serverWith([probe('credentials', async () => Promise.reject(new Error('vault said no\nstack…')))]);
    const response = await fetch(`${running.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'not-ready', checks: [{ name: 'credentials', ok: false, detail: 'vault said no' }] });
  });

  it('keeps /healthz alive while not ready (liveness and readiness are different questions)', async () => {
    const running = await serverWith([probe('storage', async () => ({ ok: false, detail: 'down' }))]);
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${running.url}/readyz`)).status).toBe(503);
  });

  it('uses storage and credentials probes by default, ready for local use with nothing configured', async () => {
    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent' });
    server = await startServer(config, createServices(config, silentLogger));
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { checks: { name: string }[] };
    expect(body.checks.map((check) => check.name)).toEqual(['storage', 'credentials']);
  });
});

describe('a probe that never answers', () => {
  it('is reported as not ready after the timeout instead of hanging the check', async () => {
    const report = await checkReadiness([probe('storage', () => new Promise(() => undefined))], 50);
    expect(report).toEqual({ ready: false, checks: [{ name: 'storage', ok: false, detail: 'no answer within 50 ms' }] });
  });
});

describe('the storage probe', () => {
  it('is not ready when the storage endpoint refuses connections', async () => {
    const port = await closedPort();
    const outcome = await storageProbe({ STORAGE_CONNECTION_STRING: connectionString(port) }).check().catch((error: Error) => ({ ok: false, detail: error.message }));
    expect(outcome.ok).toBe(false);
  });

  it('is ready when both the blob and the table endpoint answer', async () => {
    const seen: string[] = [];
    const fake = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url?.includes('comp=list')) {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="http://127.0.0.1/devstoreaccount1"><Containers /><NextMarker /></EnumerationResults>');
      } else {
        res.writeHead(200, { 'content-type': 'application/json;odata=minimalmetadata' });
        res.end(JSON.stringify({ value: [] }));
      }
    });
    const port = await listen(fake);
    try {
      const outcome = await storageProbe({ STORAGE_CONNECTION_STRING: connectionString(port) }).check();
      expect(outcome).toEqual({ ok: true });
      expect(seen.some((line) => line.includes('comp=list'))).toBe(true);
      expect(seen.some((line) => line.includes('/Tables'))).toBe(true);
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });

  it('is ready without storage configured, and says state is in memory', async () => {
    const outcome = await storageProbe({}).check();
    expect(outcome.ok).toBe(true);
    expect(outcome.detail).toMatch(/in memory/);
  });
});

describe('the credentials probe', () => {
  const base = loadConfig({ LOG_LEVEL: 'silent' });
  const folder = mkdtempSync(join(tmpdir(), 'mailflow-readiness-'));
  const now = () => new Date('2026-11-22T05:00:00Z');

  it('is ready with a readable certificate and key that has not expired', async () => {
    const path = join(folder, 'good.pem');
    writeFileSync(path, selfSignedPem(new Date('2027-06-01T00:00:00Z')));
    const config = { ...base, TENANT_AUTH: 'certificate' as const, TENANT_CLIENT_ID: 'app', TENANT_CERTIFICATE_PATH: path };
    expect(await credentialsProbe(config, now).check()).toEqual({ ok: true });
  });

  it('is not ready when the certificate has expired', async () => {
    const path = join(folder, 'old.pem');
    writeFileSync(path, selfSignedPem(new Date('2026-01-01T00:00:00Z')));
    const config = { ...base, TENANT_AUTH: 'certificate' as const, TENANT_CLIENT_ID: 'app', TENANT_CERTIFICATE_PATH: path };
    const outcome = await credentialsProbe(config, now).check();
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(/expired/);
  });

  it('is not ready when the certificate file is missing or is not PEM', async () => {
    const garbage = join(folder, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');
    const missing = await credentialsProbe({ ...base, TENANT_AUTH: 'certificate', TENANT_CLIENT_ID: 'app', TENANT_CERTIFICATE_PATH: join(folder, 'nope.pem') }, now).check();
    expect(missing).toEqual({ ok: false, detail: 'TENANT_CERTIFICATE_PATH cannot be read: ENOENT' });
    const unreadable = await credentialsProbe({ ...base, TENANT_AUTH: 'certificate', TENANT_CLIENT_ID: 'app', TENANT_CERTIFICATE_PATH: garbage }, now).check();
    expect(unreadable).toEqual({ ok: false, detail: 'TENANT_CERTIFICATE_PATH holds no readable private key' });
  });

  it('is not ready when a password bot has no password or the secret is missing', async () => {
    const outcome = await credentialsProbe({ ...base, BOT_ID: 'bot', BOT_TYPE: 'SingleTenant', TENANT_AUTH: 'secret', TENANT_CLIENT_ID: 'app' }, now).check();
    expect(outcome).toEqual({ ok: false, detail: 'BOT_PASSWORD is empty for a SingleTenant bot; TENANT_CLIENT_SECRET is not set' });
  });

  it('accepts a managed-identity bot without a password', async () => {
    const outcome = await credentialsProbe({ ...base, BOT_ID: 'bot', BOT_TYPE: 'UserAssignedMsi' }, now).check();
    expect(outcome.ok).toBe(true);
  });

  it('is not ready when TENANTS_FILE is not JSON', async () => {
    const path = join(folder, 'tenants.json');
    writeFileSync(path, '{ nope');
    const outcome = await credentialsProbe({ ...base, TENANTS_FILE: path }, now).check();
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(/^TENANTS_FILE cannot be read as JSON/);
  });
});
