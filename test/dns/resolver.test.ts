import { createDnsResolver, withBudget } from '../../src/sources/dns';
import { startDnsServer, type RunningDnsServer } from '../../src/emulator/dns';

const LONG_TXT = 'v=DKIM1; k=rsa; p=' + 'A'.repeat(2000);

describe('looking names up on the local DNS server', () => {
  let server: RunningDnsServer;
  beforeAll(async () => {
    server = await startDnsServer({
      zones: {
        'contoso.com': { TXT: ['v=spf1 include:spf.protection.outlook.com -all', ['part one ', 'part two']], MX: [[0, 'contoso-com.mail.protection.outlook.com']], A: ['192.0.2.10'] },
        'www.contoso.com': { CNAME: 'contoso.com' },
        'loop1.contoso.com': { CNAME: 'loop2.contoso.com' },
        'loop2.contoso.com': { CNAME: 'loop1.contoso.com' },
        'selector1._domainkey.contoso.com': { TXT: [LONG_TXT] },
        'broken.contoso.com': { fault: 'servfail' },
        'slow.contoso.com': { fault: 'timeout' },
        'refused.contoso.com': { fault: 'refused' },
        'odd name%with\\chars.contoso.com': { A: ['192.0.2.99'] },
        'empty.contoso.com': { TXT: [[]] },
        '10.2.0.192.in-addr.arpa': { PTR: ['mail.contoso.com'] },
        '*.zen.spamhaus.org': { A: ['127.0.0.2'] },
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });
  // Generous timeouts: a loaded CI machine must not turn a real answer into a timeout; only the silent name waits it out.
  const resolver = (timeoutMs = 2000) => createDnsResolver({ servers: [server.address], timeoutMs });

  it('returns TXT records with their character-strings', async () => {
    const answer = await resolver().query('contoso.com', 'TXT');
    expect(answer.kind).toBe('ok');
    if (answer.kind !== 'ok') return;
    expect(answer.records).toContainEqual(['v=spf1 include:spf.protection.outlook.com -all']);
    expect(answer.records).toContainEqual(['part one ', 'part two']);
    expect(answer.ttl).toBe(300);
  });

  it('falls back to TCP for an answer too big for UDP', async () => {
    const answer = await resolver().query('selector1._domainkey.contoso.com', 'TXT');
    expect(answer.kind === 'ok' && answer.records[0].join('')).toBe(LONG_TXT);
  });

  it('follows a CNAME to the data and says which names it went through', async () => {
    const answer = await resolver().query('WWW.contoso.com.', 'A');
    expect(answer).toMatchObject({ kind: 'ok', records: ['192.0.2.10'], via: ['www.contoso.com'] });
    expect(await resolver().query('www.contoso.com', 'CNAME')).toMatchObject({ kind: 'ok', records: ['contoso.com'] });
  });

  it('keeps NXDOMAIN, NODATA and empty non-terminals apart', async () => {
    expect((await resolver().query('nosuch.contoso.com', 'TXT')).kind).toBe('nxdomain');
    expect((await resolver().query('contoso.com', 'AAAA')).kind).toBe('nodata');
    expect((await resolver().query('_domainkey.contoso.com', 'TXT')).kind).toBe('nodata');
  });

  it('turns SERVFAIL, REFUSED, a silent server and a CNAME loop into temperror, not a void answer', async () => {
    expect(await resolver().query('broken.contoso.com', 'TXT')).toMatchObject({ kind: 'temperror', reason: 'servfail' });
    expect(await resolver().query('refused.contoso.com', 'TXT')).toMatchObject({ kind: 'temperror', reason: 'refused' });
    expect(await resolver(300).query('slow.contoso.com', 'TXT')).toMatchObject({ kind: 'temperror', reason: 'timeout' });
    expect(await resolver().query('loop1.contoso.com', 'A')).toMatchObject({ kind: 'temperror' });
  });

  it('refuses names DNS cannot carry without sending them', async () => {
    const answer = await resolver().query(`${'a'.repeat(64)}.contoso.com`, 'TXT');
    expect(answer).toMatchObject({ kind: 'temperror', reason: 'badname' });
  });

  it('carries names with odd characters, empty TXT records, PTR and wildcard blocklist answers', async () => {
    const dns = resolver();
    expect(await dns.query('odd name%with\\chars.contoso.com', 'A')).toMatchObject({ kind: 'ok', records: ['192.0.2.99'] });
    expect(await dns.query('empty.contoso.com', 'TXT')).toMatchObject({ kind: 'ok', records: [[]] });
    expect(await dns.query('10.2.0.192.in-addr.arpa', 'PTR')).toMatchObject({ kind: 'ok', records: ['mail.contoso.com'] });
    expect(await dns.query('2.0.0.127.zen.spamhaus.org', 'A')).toMatchObject({ kind: 'ok', records: ['127.0.0.2'] });
    expect(await dns.query('contoso.com', 'MX')).toMatchObject({ kind: 'ok', records: [{ exchange: 'contoso-com.mail.protection.outlook.com', priority: 0 }] });
  });

  it('answers a repeated question from the cache and joins identical questions in flight', async () => {
    const dns = resolver();
    await Promise.all([dns.query('contoso.com', 'MX'), dns.query('contoso.com', 'MX'), dns.query('CONTOSO.com', 'MX')]);
    await dns.query('contoso.com', 'MX');
    expect(dns.stats()).toEqual({ sent: 1, cached: 3 });
  });

  it('does not cache a temporary failure', async () => {
    const dns = resolver();
    await dns.query('broken.contoso.com', 'TXT');
    await dns.query('broken.contoso.com', 'TXT');
    expect(dns.stats().sent).toBe(2);
  });

  it('answers temperror once the overall budget is spent', async () => {
    const dns = withBudget(resolver(300), 50);
    expect(await dns.query('slow.contoso.com', 'TXT')).toMatchObject({ kind: 'temperror', reason: 'budget' });
  });

  it('tries the next server when the first one does not answer', async () => {
    const dns = createDnsResolver({ servers: ['127.0.0.1:9', server.address], timeoutMs: 1000 });
    expect(await dns.query('contoso.com', 'A')).toMatchObject({ kind: 'ok', records: ['192.0.2.10'] });
  });
});
