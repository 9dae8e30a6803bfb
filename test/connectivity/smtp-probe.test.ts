import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { findingsOfProbe } from '../../src/diagnosis/connectivity';
import { probeSmtp, type SmtpProbe, type SmtpProbeOptions } from '../../src/sources/smtp';
import { issueLeaf, makeCa, type TestCa } from './support/pki';
import { closedPort, startLocalSmtp, type LocalSmtp } from './support/smtp-servers';

const MX = 'mx1.contoso.com';

function session(probe: SmtpProbe): Extract<SmtpProbe, { kind: 'session' }> {
  if (probe.kind !== 'session') throw new Error(`expected a session, got ${probe.kind}: ${probe.error}`);
  return probe;
}

describe('probing one SMTP server like the Remote Connectivity Analyzer', () => {
  let ca: TestCa;
  let options: SmtpProbeOptions;
  const servers: LocalSmtp[] = [];
  const start = async (...args: Parameters<typeof startLocalSmtp>) => {
    const server = await startLocalSmtp(...args);
    servers.push(server);
    return server;
  };

  beforeAll(() => {
    ca = makeCa();
    options = { timeoutMs: 3000, heloName: 'probe.mailflow-doctor.test', ca: [ca.certPem] };
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('reports the banner, EHLO extensions, the negotiated TLS session and the certificate of a healthy server', async () => {
    const server = await start({ name: MX, certificate: issueLeaf(ca, { names: [MX], validToDays: 200 }) });
    const probe = session(await probeSmtp({ host: MX, address: '127.0.0.1', port: server.port, recipient: 'adele@contoso.com' }, options));
    expect(probe.banner).toMatch(/^220 mx1\.contoso\.com .*Microsoft ESMTP MAIL Service ready/);
    expect(probe.starttls).toEqual({ offered: true, negotiated: true, error: null });
    expect(probe.extensions).toEqual(expect.arrayContaining(['PIPELINING', '8BITMIME']));
    expect(probe.extensions).not.toContain('STARTTLS');
    expect(probe.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(probe.tls?.cipher).toBeTruthy();
    const certificate = probe.tls?.certificate;
    expect(certificate).toMatchObject({ nameMatches: true, trusted: true, trustError: null, expired: false, selfSigned: false, altNames: [MX] });
    expect(certificate?.daysUntilExpiry).toBeGreaterThanOrEqual(199);
    expect(certificate?.issuer).toContain('Mailflow Doctor Test Root CA');
    expect(certificate?.chain[0].subject).toContain(MX);
    expect(probe.recipient).toMatchObject({ address: 'adele@contoso.com', verdict: 'accepted' });
    expect(probe.recipient?.reply).toMatch(/^250/);
  });

  it('asks RCPT TO with the null sender and never sends a message (no DATA)', async () => {
    const server = await start({ name: MX, certificate: issueLeaf(ca, { names: [MX], validToDays: 200 }) });
    const probe = session(await probeSmtp({ host: MX, address: '127.0.0.1', port: server.port, recipient: 'adele@contoso.com' }, options));
    expect(server.seen.rcptTo).toEqual(['adele@contoso.com']);
    expect(server.seen.mailFrom).toEqual(['']);
    expect(server.seen.dataCommands).toBe(0);
    const commands = probe.transcript.filter((line) => line.from === 'client').map((line) => line.text.split(' ')[0]);
    expect(commands).toEqual(['EHLO', 'STARTTLS', 'EHLO', 'MAIL', 'RCPT', 'RSET', 'QUIT']);
  });

  it('sees an expired certificate instead of refusing the handshake', async () => {
    const server = await start({ name: MX, certificate: issueLeaf(ca, { names: [MX], validFromDays: -400, validToDays: -3 }) });
    const probe = session(await probeSmtp({ host: MX, address: '127.0.0.1', port: server.port }, options));
    expect(probe.starttls.negotiated).toBe(true);
    expect(probe.tls?.certificate).toMatchObject({ expired: true, trustError: 'CERT_HAS_EXPIRED', nameMatches: true });
    expect(probe.tls?.certificate?.daysUntilExpiry).toBeLessThan(0);
  });

  it('sees a certificate issued for another name', async () => {
    const server = await start({ name: MX, certificate: issueLeaf(ca, { names: ['mail.fabrikam.com', 'autodiscover.fabrikam.com'], validToDays: 200 }) });
    const probe = session(await probeSmtp({ host: MX, address: '127.0.0.1', port: server.port }, options));
    expect(probe.tls?.certificate).toMatchObject({ nameMatches: false, trusted: true, altNames: ['mail.fabrikam.com', 'autodiscover.fabrikam.com'] });
  });

  it('sees a self-signed certificate as untrusted', async () => {
    const server = await start({ name: MX, certificate: issueLeaf(ca, { names: [MX], validToDays: 200, selfSigned: true }) });
    const probe = session(await probeSmtp({ host: MX, address: '127.0.0.1', port: server.port }, options));
    expect(probe.tls?.certificate).toMatchObject({ nameMatches: true, trusted: false, selfSigned: true });
    expect(probe.tls?.certificate?.trustError).toMatch(/SELF_SIGNED/);
  });

  it('reports a server that does not offer STARTTLS and still tests the recipient in plaintext', async () => {
    const server = await start({ name: MX });
    const probe = session(await probeSmtp({ host: MX, address: '127.0.0.1', port: server.port, recipient: 'adele@contoso.com' }, options));
    expect(probe.starttls).toEqual({ offered: false, negotiated: false, error: null });
    expect(probe.tls).toBeNull();
    expect(probe.recipient?.verdict).toBe('accepted');
  });

  it('reports a STARTTLS handshake that fails (TLS 1.1 only) and tests the recipient on a second, plaintext session', async () => {
    const server = await start({ name: MX, certificate: issueLeaf(ca, { names: [MX], validToDays: 200 }), tls: { maxVersion: 'TLSv1.1' } });
    const probe = session(await probeSmtp({ host: MX, address: '127.0.0.1', port: server.port, recipient: 'adele@contoso.com' }, options));
    expect(probe.starttls.offered).toBe(true);
    expect(probe.starttls.negotiated).toBe(false);
    expect(probe.starttls.error).toBe('TLS error: tlsv1 alert protocol version (ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION)');
    expect(probe.tls).toBeNull();
    expect(probe.recipient?.verdict).toBe('accepted');
    expect(server.seen.connections).toBe(2);
    expect(probe.transcript.some((line) => line.text.includes('new connection without STARTTLS'))).toBe(true);
  });

  it('reports the 550 reply of a server that refuses the recipient', async () => {
    const server = await start({ name: MX, certificate: issueLeaf(ca, { names: [MX], validToDays: 200 }), rejectRecipients: ['ghost@contoso.com'] });
    const probe = session(await probeSmtp({ host: MX, address: '127.0.0.1', port: server.port, recipient: 'ghost@contoso.com' }, options));
    expect(probe.recipient?.verdict).toBe('rejected');
    expect(probe.recipient?.reply).toMatch(/^550 5\.1\.10 RESOLVER\.ADR\.RecipientNotFound/);
    expect(server.seen.dataCommands).toBe(0);
  });

  it('reports a port where nothing listens as unreachable at the connect step', async () => {
    const port = await closedPort();
    const probe = await probeSmtp({ host: MX, address: '127.0.0.1', port, recipient: 'adele@contoso.com' }, options);
    expect(probe).toMatchObject({ kind: 'unreachable', step: 'connect' });
    if (probe.kind === 'unreachable') expect(probe.error).toMatch(/ECONNREFUSED/);
  });

  describe('servers that take the connection but do not talk SMTP', () => {
    let raw: Server;
    const sockets = new Set<Socket>();
    let greeting: string | null = null;
    beforeAll(async () => {
      raw = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
        if (greeting) socket.end(greeting);
      });
      await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', () => resolve()));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    });
    const port = () => (raw.address() as AddressInfo).port;

    it('reports a silent server as unreachable at the greeting step', async () => {
      greeting = null;
      const probe = await probeSmtp({ host: MX, address: '127.0.0.1', port: port() }, { ...options, timeoutMs: 300 });
      expect(probe).toMatchObject({ kind: 'unreachable', step: 'greeting' });
      if (probe.kind === 'unreachable') expect(probe.error).toMatch(/GREETING_TIMEOUT|Greeting/);
    });

    it('reports a 554 greeting as a refused session, with the server\'s words', async () => {
      greeting = '554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using Spamhaus\r\n';
      const probe = await probeSmtp({ host: MX, address: '127.0.0.1', port: port() }, options);
      expect(probe).toMatchObject({ kind: 'unreachable', step: 'greeting', reply: expect.stringMatching(/^554 5\.7\.1 Service unavailable/) });
      const findings = findingsOfProbe(probe, `MX ${MX}`, { prefix: 'smtp', expectedName: MX, tlsRequired: false, chainChecked: false, nameChecked: false });
      expect(findings).toEqual([expect.objectContaining({ code: 'smtp.greeting-refused', severity: 'error', message: expect.stringContaining('blocked using Spamhaus') })]);
    });
  });

  it('refuses to put a recipient with a line break on the wire', async () => {
    const probe = await probeSmtp({ host: MX, address: '127.0.0.1', port: 1, recipient: 'a@contoso.com>\r\nDATA' }, options);
    expect(probe).toMatchObject({ kind: 'unreachable' });
    if (probe.kind === 'unreachable') expect(probe.error).toMatch(/cannot be used in an SMTP command/);
  });
});
