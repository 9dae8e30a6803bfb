import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { ConfigError, type Config } from '../config';

/**
 * App Service hands a Key Vault certificate to the app as an app setting (a Key Vault reference), not as a file, while
 * the Graph and Exchange clients read TENANT_CERTIFICATE_PATH. This bridges the two once at start-up: the value is
 * written to a file only this process's user can read, and the configuration points at it.
 *
 * Key Vault returns a certificate's secret as PEM (policy content type application/x-pem-file) or as base64 PFX
 * (application/x-pkcs12, the default); both are accepted, a PFX without a password is converted to PEM.
 */
export function materialiseCertificate(config: Config, directory?: string): Config {
  const value = config.TENANT_CERTIFICATE_PEM?.trim();
  if (!value || config.TENANT_CERTIFICATE_PATH) return config;
  const pem = value.startsWith('-----BEGIN') ? value + '\n' : pemFromPfx(value);
  const folder = directory ?? mkdtempSync(join(tmpdir(), 'mailflow-doctor-'));
  const path = join(folder, 'tenant-certificate.pem');
  writeFileSync(path, pem, { mode: 0o600 });
  return { ...config, TENANT_CERTIFICATE_PATH: path };
}

export class CertificateError extends ConfigError {}

function pemFromPfx(base64: string): string {
  let pfx: forge.pkcs12.Pkcs12Pfx | undefined;
  // Key Vault exports with an empty password (and a MAC); a PFX made without any password has no MAC to verify.
  for (const password of ['', undefined]) {
    try {
      pfx = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(base64.replace(/\s+/g, ''))), password);
      break;
    } catch {
      // try the next form
    }
  }
  if (!pfx) throw new CertificateError('configuration: TENANT_CERTIFICATE_PEM is neither PEM text nor a base64 PFX without a password');
  const keys = [
    ...(pfx.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(pfx.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const certificates = pfx.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  const key = keys.find((bag) => bag.key)?.key;
  if (!key || certificates.length === 0) {
    throw new CertificateError('configuration: TENANT_CERTIFICATE_PEM holds a PFX without a private key and a certificate');
  }
  const pems = certificates.flatMap((bag) => (bag.cert ? [forge.pki.certificateToPem(bag.cert)] : []));
  return forge.pki.privateKeyToPem(key) + pems.join('');
}
