import { analyzeHeaders, organizationalDomain, parseAuthResults, type HeadersFound } from '../../src/analyzers/headers';

const authOf = (text: string) => (analyzeHeaders(text) as HeadersFound).auth;

describe('reading Authentication-Results the way each receiver writes it', () => {
  it('Microsoft: no authserv-id, the sending IP in a comment, no space after ";"', () => {
    const field = parseAuthResults('spf=pass (sender IP is 2a01:111:f403:2412::600) smtp.mailfrom=contoso.com; dkim=pass (signature was verified) header.d=contoso.com;dmarc=pass action=none header.from=contoso.com;compauth=pass reason=100');
    expect(field.authservId).toBeNull();
    expect(field.results.map((result) => [result.method, result.result])).toEqual([['spf', 'pass'], ['dkim', 'pass'], ['dmarc', 'pass'], ['compauth', 'pass']]);
    expect(field.results[0].comments).toEqual(['sender IP is 2a01:111:f403:2412::600']);
    expect(field.results[2].props).toEqual({ action: 'none', 'header.from': 'contoso.com' });
  });

  it('RFC 8601 with an authserv-id, spaces around "=" and a quoted value', () => {
    const field = parseAuthResults('mx.example.net; dkim = pass (2048-bit key) header.d=example.org header.b="h3Kx9Pq2"; spf=none smtp.mailfrom=example.org');
    expect(field.authservId).toBe('mx.example.net');
    expect(field.results[0]).toMatchObject({ method: 'dkim', result: 'pass', props: { 'header.d': 'example.org', 'header.b': 'h3Kx9Pq2' } });
    expect(field.results[1]).toMatchObject({ method: 'spf', result: 'none' });
  });

  it('ARC-Authentication-Results with its instance and a numbered authserv-id', () => {
    const field = parseAuthResults('i=2; mx.microsoft.com 1; spf=pass (sender ip is 198.51.100.20) smtp.mailfrom=lists.example.org; dmarc=fail (p=quarantine sp=quarantine pct=100) action=none header.from=fabrikam.com');
    expect(field.instance).toBe(2);
    expect(field.authservId).toBe('mx.microsoft.com');
    expect(field.results.map((result) => result.method)).toEqual(['spf', 'dmarc']);
  });

  it('"none" as the whole result: nothing was checked', () => {
    expect(parseAuthResults('mx.example.net; none').results).toEqual([]);
  });
});

describe('composite authentication reasons', () => {
  it.each([
    ['000', 'fail', /Failed explicit authentication/],
    ['001', 'fail', /Failed implicit authentication/],
    ['010', 'fail', /self-to-self spoof/],
    ['109', 'pass', /Passed/],
    ['703', 'pass', /Passed/],
    ['201', 'softpass', /Soft-passed/],
    ['301', 'none', /Not checked/],
    ['451', 'none', /Bypassed/],
    ['601', 'fail', /intra-org spoof/],
  ])('reason %s means what Microsoft documents', (reason, result, meaning) => {
    const auth = authOf(`Received: from a by b; Tue, 5 Mar 2024 10:00:00 +0000\nFrom: x@contoso.com\nAuthentication-Results: compauth=${result} reason=${reason}\n`);
    expect(auth.compauth).toEqual({ result, reason, meaning: expect.stringMatching(meaning) });
  });
});

describe('DMARC alignment by organizational domain', () => {
  const headers = (mailFrom: string, dkimDomain: string, from: string) =>
    `Received: from a by b; Tue, 5 Mar 2024 10:00:00 +0000\nFrom: <x@${from}>\n` +
    `Authentication-Results: spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=${mailFrom}; dkim=pass (signature was verified) header.d=${dkimDomain};dmarc=pass action=none header.from=${from}\n`;

  it('subdomains of the same organization align (relaxed)', () => {
    expect(authOf(headers('bounce.mail.fabrikam.co.uk', 'fabrikam.co.uk', 'news.fabrikam.co.uk')).alignment).toEqual({ spf: 'aligned', dkim: 'aligned' });
  });

  it('a public suffix is not an organization: two .co.uk domains do not align', () => {
    expect(authOf(headers('other.co.uk', 'other.co.uk', 'fabrikam.co.uk')).alignment).toEqual({ spf: 'misaligned', dkim: 'misaligned' });
  });

  it('two tenants under onmicrosoft.com are different organizations', () => {
    expect(organizationalDomain('mail.contoso.onmicrosoft.com')).toBe('contoso.onmicrosoft.com');
    expect(authOf(headers('fabrikam.onmicrosoft.com', 'fabrikam.onmicrosoft.com', 'contoso.onmicrosoft.com')).alignment).toEqual({ spf: 'misaligned', dkim: 'misaligned' });
  });

  it('an ESP that signs as itself: SPF and DKIM pass but neither counts for the From domain', () => {
    const report = analyzeHeaders(headers('sendgrid.net', 'sendgrid.net', 'contoso.com')) as HeadersFound;
    expect(report.findings.map((finding) => finding.code)).toContain('headers.not-aligned');
    expect(report.findings.find((finding) => finding.code === 'headers.not-aligned')?.fix).toContain('DKIM as contoso.com');
  });
});
