import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** A certificate and its key, PEM. */
export interface Issued {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface TestCa extends Issued {
  readonly cert: forge.pki.Certificate;
  readonly key: forge.pki.rsa.PrivateKey;
}

const DAY_MS = 24 * 60 * 60 * 1000;

// forge's pure-JS RSA key generation takes seconds; Node's is native, and forge reads its PEM.
function keyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey: forge.pki.privateKeyFromPem(privateKey), publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey, keyPem: privateKey };
}

function base(publicKey: forge.pki.rsa.PublicKey, notBefore: Date, notAfter: Date): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  return cert;
}

export function makeCa(commonName = 'Mailflow Doctor Test Root CA'): TestCa {
  const { privateKey, publicKey, keyPem } = keyPair();
  const now = Date.now();
  const cert = base(publicKey, new Date(now - 365 * DAY_MS), new Date(now + 10 * 365 * DAY_MS));
  const attrs = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'Mailflow Doctor Tests' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());
  return { cert, key: privateKey, certPem: forge.pki.certificateToPem(cert), keyPem };
}

export interface LeafOptions {
  /** DNS names (first is the CN); IP literals become IP SANs. */
  readonly names: readonly string[];
  /** Days relative to now. */
  readonly validFromDays?: number;
  readonly validToDays: number;
  /** Sign with its own key instead of the CA. */
  readonly selfSigned?: boolean;
}

// What the tests vary is the certificate, not the key: one leaf key serves them all and saves seconds per lab.
let leafKey: ReturnType<typeof keyPair> | undefined;

export function issueLeaf(ca: TestCa, options: LeafOptions): Issued {
  leafKey ??= keyPair();
  const { privateKey, publicKey, keyPem } = leafKey;
  const now = Date.now();
  const cert = base(publicKey, new Date(now + (options.validFromDays ?? -30) * DAY_MS), new Date(now + options.validToDays * DAY_MS));
  cert.setSubject([{ name: 'commonName', value: options.names[0] }]);
  cert.setIssuer(options.selfSigned ? [{ name: 'commonName', value: options.names[0] }] : ca.cert.subject.attributes);
  const altNames = options.names.map((name) => (/^[\d.]+$/.test(name) ? { type: 7, ip: name } : { type: 2, value: name }));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
  cert.sign(options.selfSigned ? privateKey : ca.key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}
