import { auditDomain, evaluateSpf, type DomainAudit, type DomainAuditOptions } from '../../src/diagnosis/domain';
import { DEMO_EXO_OUTBOUND_IP, DEMO_MARKETING_IP, DEMO_MTA_STS_POLICIES, localPolicyFetcher, startDnsServer, type RunningDnsServer } from '../../src/emulator/dns';
import { createDnsResolver, type DnsResolver } from '../../src/sources/dns';
import { AUDIT_ZONES } from './zones';

let server: RunningDnsServer;
let resolver: DnsResolver;
beforeAll(async () => {
  server = await startDnsServer({ zones: AUDIT_ZONES });
  resolver = createDnsResolver({ servers: [server.address], timeoutMs: 2000 });
});
afterAll(async () => {
  await server.close();
});

const audit = (domain: string, options: DomainAuditOptions = {}): Promise<DomainAudit> =>
  auditDomain(domain, { fetchPolicy: localPolicyFetcher(DEMO_MTA_STS_POLICIES), tenantDomain: 'contoso.onmicrosoft.com', ...options }, resolver);
const codes = (result: DomainAudit) => result.findings.map((finding) => finding.code);
const findingOf = (result: DomainAudit, code: string) => result.findings.find((finding) => finding.code === code);

describe('a healthy Exchange Online domain', () => {
  it('passes every check and shows what it found', async () => {
    const result = await audit('litware.com');
    expect(result.status).toEqual({ spf: 'pass', dkim: 'pass', dmarc: 'pass', mx: 'pass', 'mta-sts': 'pass' });
    expect(result.findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
    expect(result.spf).toMatchObject({ record: 'v=spf1 ip4:203.0.113.0/26 include:spf.protection.outlook.com -all', lookups: 1, voidLookups: 0 });
    expect(result.spf?.tree?.children.map((child) => child.domain)).toEqual(['spf.protection.outlook.com']);
    expect(result.dkim?.selectors.slice(0, 2)).toEqual([
      expect.objectContaining({ name: 'selector1', present: true, cnameTarget: 'selector1-litware-com._domainkey.litware.onmicrosoft.com', keyType: 'rsa', bits: 2048 }),
      expect.objectContaining({ name: 'selector2', present: true, bits: 2048 }),
    ]);
    expect(result.mx?.hosts).toEqual([{ exchange: 'litware-com.mail.protection.outlook.com', priority: 0, pointsToExchangeOnline: true }]);
    expect(result.mtaSts?.policy).toMatchObject({ mode: 'enforce', mx: ['litware-com.mail.protection.outlook.com'] });
    expect(result.mtaSts?.checked.join('\n')).toContain('GET https://mta-sts.litware.com/.well-known/mta-sts.txt: HTTP 200');
    expect(result.correctedRecords).toEqual([]);
  });
});

describe('SPF problems', () => {
  it('two SPF records after adding SendGrid: permerror, and one merged record to publish', async () => {
    const result = await audit('fabrikam.com', { checks: ['spf'] });
    expect(codes(result)).toContain('spf.multiple-records');
    expect(result.spf?.records).toHaveLength(2);
    expect(result.correctedRecords).toEqual([{ check: 'spf', name: 'fabrikam.com', type: 'TXT', value: 'v=spf1 include:spf.protection.outlook.com include:sendgrid.net -all' }]);
    expect((await evaluateSpf({ ip: DEMO_EXO_OUTBOUND_IP, sender: 'ap@fabrikam.com' }, resolver)).result).toBe('permerror');
  });

  it('a typo in an ip4 address is a syntax error that names the term', async () => {
    const result = await audit('relecloud.com', { checks: ['spf'] });
    expect(findingOf(result, 'spf.syntax')?.message).toContain('192.0.2.300');
    expect(result.status.spf).toBe('error');
  });

  it('too many includes: counts every lookup through the tree and names the heaviest', async () => {
    const result = await audit('adatum.com', { checks: ['spf'] });
    expect(result.spf?.lookups).toBe(13);
    const tree = result.spf!.tree!;
    expect(tree.ownLookups).toBe(9);
    expect(tree.children.find((child) => child.domain === '_spf.google.com')).toMatchObject({ ownLookups: 3, totalLookups: 3 });
    expect(tree.children.find((child) => child.domain === 'mail.zendesk.com')).toMatchObject({ ownLookups: 1, totalLookups: 1 });
    expect(findingOf(result, 'spf.too-many-lookups')).toMatchObject({ severity: 'error' });
    expect(findingOf(result, 'spf.too-many-lookups')?.message).toContain('_spf.google.com (4)');
    // A sender listed after the tenth lookup gets permerror from a real check_host() too.
    expect((await evaluateSpf({ ip: '192.0.2.33', sender: 'news@adatum.com' }, resolver)).result).toBe('permerror');
  });

  it('terms pointing at names that no longer exist are void lookups', async () => {
    const result = await audit('fourthcoffee.com', { checks: ['spf'] });
    expect(result.spf?.voidLookups).toBe(3);
    expect(findingOf(result, 'spf.void-lookups')?.message).toMatch(/a:smtp-old\.fourthcoffee\.com.*mx:legacy\.fourthcoffee\.com.*include:spf\.gone-vendor\.example/);
    expect(codes(result)).toContain('spf.broken-include');
  });

  it('"+all" and "ptr": an open record and a deprecated mechanism, with a safer record to publish', async () => {
    const result = await audit('wingtiptoys.com', { checks: ['spf'] });
    expect(findingOf(result, 'spf.permissive-all')).toMatchObject({ severity: 'error' });
    expect(findingOf(result, 'spf.ptr-mechanism')).toMatchObject({ severity: 'warning' });
    expect(result.correctedRecords[0].value).toBe('v=spf1 ptr include:spf.protection.outlook.com ~all');
  });

  it('"?all" is a warning', async () => {
    const result = await audit('lucernepublishing.com', { checks: ['spf'] });
    expect(findingOf(result, 'spf.permissive-all')).toMatchObject({ severity: 'warning' });
    expect(result.status.spf).toBe('warning');
  });

  it('no SPF record on a domain that sends through Exchange Online: the exact record to publish', async () => {
    const result = await audit('margiestravel.com', { checks: ['spf'] });
    expect(findingOf(result, 'spf.missing')?.fix).toContain('v=spf1 include:spf.protection.outlook.com -all');
    expect(result.correctedRecords[0].value).toBe('v=spf1 include:spf.protection.outlook.com -all');
    expect((await audit('treyresearch.net', { checks: ['spf'] })).findings.map((finding) => finding.code)).toContain('spf.missing');
  });

  it('MX on Exchange Online but SPF without its include', async () => {
    const result = await audit('alpineskihouse.com', { checks: ['spf'] });
    expect(findingOf(result, 'spf.no-exchange-online-include')).toMatchObject({ severity: 'error' });
    expect(result.correctedRecords[0].value).toBe('v=spf1 include:sendgrid.net include:spf.protection.outlook.com -all');
    expect(codes(await audit('litware.com', { checks: ['spf'] }))).not.toContain('spf.no-exchange-online-include');
  });

  it('follows a redirect and stops at an include loop', async () => {
    const result = await audit('graphicdesigninstitute.com', { checks: ['spf'] });
    const redirect = result.spf!.tree!.children[0];
    expect(redirect).toMatchObject({ via: 'redirect', domain: '_spf.graphicdesigninstitute.com' });
    const loop = redirect.children.find((child) => child.domain === 'loop.graphicdesigninstitute.com')!;
    expect(loop.children[0].error).toMatch(/^loop: /);
    expect(codes(result)).toContain('spf.broken-include');
    expect(codes(result)).not.toContain('spf.no-exchange-online-include');
  });

  it('the tenant: SPF passes Exchange Online but not the new marketing platform', async () => {
    expect((await audit('contoso.com', { checks: ['spf'] })).status.spf).toBe('pass');
    expect((await evaluateSpf({ ip: DEMO_EXO_OUTBOUND_IP, sender: 'alex@contoso.com' }, resolver)).result).toBe('pass');
    expect(await evaluateSpf({ ip: DEMO_MARKETING_IP, sender: 'news@contoso.com', helo: 'mta1.mktg-mailer.example' }, resolver)).toMatchObject({ result: 'fail', lookups: 2 });
  });
});

describe('DMARC problems', () => {
  it('no DMARC record', async () => {
    const result = await audit('woodgrovebank.com', { checks: ['dmarc'] });
    expect(findingOf(result, 'dmarc.missing')).toMatchObject({ severity: 'error' });
    expect(result.dmarc).toMatchObject({ record: null, policy: null });
  });

  it('two DMARC records', async () => {
    expect(codes(await audit('relecloud.com', { checks: ['dmarc'] }))).toContain('dmarc.multiple-records');
  });

  it('a typo in the policy', async () => {
    const result = await audit('treyresearch.net', { checks: ['dmarc'] });
    expect(findingOf(result, 'dmarc.syntax')?.message).toContain('p=rejected');
  });

  it('p=none with reports to an outside firm that never authorised them', async () => {
    const result = await audit('tailspintoys.com', { checks: ['dmarc'] });
    expect(result.dmarc).toMatchObject({ policy: 'none', rua: ['mailto:reports@dmarc-insights.example', 'mailto:dmarc@tailspintoys.com'] });
    expect(codes(result)).toEqual(expect.arrayContaining(['dmarc.policy-none', 'dmarc.rua-unauthorized']));
    expect(findingOf(result, 'dmarc.rua-unauthorized')?.fix).toContain('tailspintoys.com._report._dmarc.dmarc-insights.example');
    expect(findingOf(result, 'dmarc.rua-unauthorized')?.message).not.toContain('dmarc@tailspintoys.com');
  });

  it('an outside report address that did authorise is fine', async () => {
    expect(codes(await audit('cohowinery.com', { checks: ['dmarc'] }))).not.toContain('dmarc.rua-unauthorized');
  });

  it('pct below 100', async () => {
    const result = await audit('fourthcoffee.com', { checks: ['dmarc'] });
    expect(result.dmarc).toMatchObject({ policy: 'quarantine', pct: 50 });
    expect(codes(result)).toContain('dmarc.pct-partial');
  });

  it('a subdomain without its own record inherits the organizational domain\'s', async () => {
    const result = await audit('sales.contoso.com', { checks: ['dmarc'] });
    expect(result.dmarc).toMatchObject({ inheritedFrom: 'contoso.com', policy: 'reject', subdomainPolicy: 'quarantine' });
    expect(result.status.dmarc).toBe('pass');
  });

  it('SERVFAIL is a lookup failure, not a missing record', async () => {
    const result = await audit('blueyonderairlines.com', { checks: ['dmarc', 'spf'] });
    expect(codes(result)).toContain('dmarc.lookup-failed');
    expect(codes(result)).not.toContain('dmarc.missing');
    expect(findingOf(result, 'spf.broken-include')?.message).toContain('SERVFAIL');
  });
});

describe('DKIM, MX and MTA-STS problems', () => {
  it('no DKIM: says which CNAMEs to publish for Exchange Online', async () => {
    const result = await audit('sales.contoso.com', { checks: ['dkim'] });
    expect(findingOf(result, 'dkim.missing')?.fix).toContain('selector1._domainkey.sales.contoso.com CNAME selector1-sales-contoso-com._domainkey.contoso.onmicrosoft.com');
    expect(codes(await audit('treyresearch.net', { checks: ['dkim'] }))).toContain('dkim.missing');
  });

  it('an old 512-bit key under a given selector', async () => {
    const result = await audit('woodgrovebank.com', { checks: ['dkim'], selectors: ['legacy'] });
    expect(result.dkim?.selectors.find((selector) => selector.name === 'legacy')).toMatchObject({ bits: 512, keyType: 'rsa' });
    expect(findingOf(result, 'dkim.weak-key')).toMatchObject({ severity: 'error' });
  });

  it('no MX, a null MX, and a gateway in front of Exchange Online', async () => {
    expect(codes(await audit('wingtiptoys.com', { checks: ['mx'] }))).toContain('mx.missing');
    const parked = await audit('proseware.com');
    expect(codes(parked)).toContain('mx.null');
    expect(codes(parked)).not.toContain('dkim.missing');
    const gateway = await audit('treyresearch.net', { checks: ['mx'] });
    expect(findingOf(gateway, 'mx.not-exchange-online')).toMatchObject({ severity: 'info' });
    expect(gateway.mx?.pointsToExchangeOnline).toBe(false);
  });

  it('MTA-STS: missing, a policy that does not cover the MX, a policy that cannot be fetched', async () => {
    expect(findingOf(await audit('fabrikam.com', { checks: ['mta-sts'] }), 'mta-sts.missing')).toMatchObject({ severity: 'info' });
    const uncovered = await audit('relecloud.com', { checks: ['mta-sts'] });
    expect(findingOf(uncovered, 'mta-sts.invalid')?.message).toContain('relecloud-com.mail.protection.outlook.com');
    expect(uncovered.status['mta-sts']).toBe('error');
    const unfetched = await audit('alpineskihouse.com', { checks: ['mta-sts'] });
    expect(findingOf(unfetched, 'mta-sts.invalid')?.message).toContain('could not be fetched');
    expect(unfetched.mtaSts?.checked).toEqual([
      'TXT _mta-sts.alpineskihouse.com: v=STSv1; id=20260901',
      'GET https://mta-sts.alpineskihouse.com/.well-known/mta-sts.txt: ECONNREFUSED',
    ]);
  });
});

describe('how the audit uses DNS', () => {
  it('asks each question once, however many checks need it', async () => {
    const fresh = createDnsResolver({ servers: [server.address], timeoutMs: 2000 });
    const before = server.queries.length;
    await auditDomain('adatum.com', { fetchPolicy: localPolicyFetcher({}) }, fresh);
    const asked = server.queries.slice(before).map((query) => `${query.type} ${query.name}`);
    expect(new Set(asked).size).toBe(asked.length);
    expect(asked).toContain('MX adatum.com');
  });

  it('runs independent lookups together: the server sees the includes of a record in flight at once', async () => {
    const slow = await startDnsServer({ zones: AUDIT_ZONES, latencyMs: 30 });
    try {
      const fresh = createDnsResolver({ servers: [slow.address], timeoutMs: 2000 });
      let inFlight = 0;
      let most = 0;
      const counting: DnsResolver = {
        stats: fresh.stats,
        async query(name, type) {
          inFlight += 1;
          most = Math.max(most, inFlight);
          try {
            return await fresh.query(name, type);
          } finally {
            inFlight -= 1;
          }
        },
      };
      const result = await auditDomain('adatum.com', { checks: ['spf'] }, counting);
      expect(result.spf?.lookups).toBe(13);
      expect(most).toBeGreaterThanOrEqual(7);
    } finally {
      await slow.close();
    }
  });
});

describe('the record to publish', () => {
  it('drops the terms that find nothing and keeps the rest', async () => {
    const result = await audit('fourthcoffee.com', { checks: ['spf'] });
    expect(result.correctedRecords).toEqual([{ check: 'spf', name: 'fourthcoffee.com', type: 'TXT', value: 'v=spf1 include:spf.protection.outlook.com -all' }]);
  });
});
