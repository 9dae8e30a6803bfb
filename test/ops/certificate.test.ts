import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { loadConfig } from '../../src/config';
import { CertificateError, materialiseCertificate } from '../../src/ops/certificate';
import { keyVaultReferencesProbe, unresolvedKeyVaultReferences, withoutUnresolvedReferences } from '../../src/ops/key-vault-references';

function keyAndCertificate() {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '02';
  cert.validity.notBefore = new Date('2026-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2028-01-01T00:00:00Z');
  cert.setSubject([{ name: 'commonName', value: 'mailflow-doctor graph' }]);
  cert.setIssuer([{ name: 'commonName', value: 'mailflow-doctor graph' }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { keys, cert };
}

describe('the tenant certificate handed over by a Key Vault reference', () => {
  const { keys, cert } = keyAndCertificate();
  const pem = forge.pki.privateKeyToPem(keys.privateKey) + forge.pki.certificateToPem(cert);
  const base = loadConfig({});

  it('writes PEM text to a private file and points TENANT_CERTIFICATE_PATH at it', () => {
    const config = materialiseCertificate({ ...base, TENANT_CERTIFICATE_PEM: pem }, mkdtempSync(join(tmpdir(), 'cert-')));
    const path = config.TENANT_CERTIFICATE_PATH!;
    expect(readFileSync(path, 'utf8').trim()).toBe(pem.trim());
    expect(statSync(path).mode & 0o077).toBe(0);
  });

  it.each([
    ['an empty password, as Key Vault exports it', ''],
    ['no password at all', null],
  ])('converts a base64 PFX (Key Vault\'s default content type) with %s to PEM', (_label, password) => {
    const pfx = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], password, { algorithm: '3des' });
    const base64 = forge.util.encode64(forge.asn1.toDer(pfx).getBytes());
    const config = materialiseCertificate({ ...base, TENANT_CERTIFICATE_PEM: base64 }, mkdtempSync(join(tmpdir(), 'cert-')));
    const written = readFileSync(config.TENANT_CERTIFICATE_PATH!, 'utf8');
    expect(new X509Certificate(written).subject).toContain('mailflow-doctor graph');
    expect(createPrivateKey(written).asymmetricKeyType).toBe('rsa');
  });

  it('leaves an explicit TENANT_CERTIFICATE_PATH alone, and does nothing without a certificate', () => {
    const explicit = { ...base, TENANT_CERTIFICATE_PEM: pem, TENANT_CERTIFICATE_PATH: '/etc/mailflow/cert.pem' };
    expect(materialiseCertificate(explicit)).toBe(explicit);
    expect(materialiseCertificate(base)).toBe(base);
  });

  it('says clearly when the value is neither PEM nor a PFX', () => {
    expect(() => materialiseCertificate({ ...base, TENANT_CERTIFICATE_PEM: 'not-a-certificate' })).toThrow(CertificateError);
    expect(() => materialiseCertificate({ ...base, TENANT_CERTIFICATE_PEM: 'not-a-certificate' })).toThrow(/TENANT_CERTIFICATE_PEM/);
  });
});

describe('a Key Vault reference App Service could not resolve', () => {
  const env = {
    EXPORT_SIGNING_KEY: '@Microsoft.KeyVault(VaultName=kvmailflow;SecretName=export-signing-key)',
    TENANT_CERTIFICATE_PEM: ' @Microsoft.KeyVault(VaultName=kvmailflow;SecretName=mailflow-doctor-graph)',
    LOG_LEVEL: 'info',
  };

  it('is never used as the value: configuration sees the variable as unset', () => {
    expect(unresolvedKeyVaultReferences(env)).toEqual(['EXPORT_SIGNING_KEY', 'TENANT_CERTIFICATE_PEM']);
    const config = loadConfig(withoutUnresolvedReferences(env));
    expect(config.EXPORT_SIGNING_KEY).toBeUndefined();
    expect(config.TENANT_CERTIFICATE_PEM).toBeUndefined();
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('drops the configured tenant when its certificate is missing, so the instance starts without tenant features', () => {
    const withTenant = { ...env, TENANT_AUTH: 'certificate', TENANT_ID: '11111111-1111-4111-8111-111111111111', TENANT_CLIENT_ID: 'app' };
    const config = loadConfig(withoutUnresolvedReferences(withTenant));
    expect(config.TENANT_AUTH).toBeUndefined();
    expect(config.TENANT_ID).toBeUndefined();
    // An explicit certificate file still works, so nothing else is dropped then.
    const withFile = loadConfig(withoutUnresolvedReferences({ ...withTenant, TENANT_CERTIFICATE_PATH: '/etc/mailflow/cert.pem' }));
    expect(withFile.TENANT_AUTH).toBe('certificate');
  });

  it('keeps the instance not ready, naming the variables', async () => {
    const outcome = await keyVaultReferencesProbe(unresolvedKeyVaultReferences(env)).check();
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(/^EXPORT_SIGNING_KEY, TENANT_CERTIFICATE_PEM: Key Vault reference not resolved/);
    expect(await keyVaultReferencesProbe([]).check()).toEqual({ ok: true });
  });
});
