import { parseDkimKey } from '../../src/analyzers/dkim';
import { parseDmarcRecord } from '../../src/analyzers/dmarc';
import { mxMatchesPattern, parseMtaStsPolicy, parseMtaStsRecord } from '../../src/analyzers/mta-sts';
import { auditMx } from '../../src/analyzers/mx';
import { normaliseDomain } from '../../src/diagnosis/domain';
import { DEMO_DKIM_KEY_1024, DEMO_DKIM_KEY_2048 } from '../../src/emulator/dns/demo-zones';

describe('records a helpdesk pastes', () => {
  it('a DMARC record with every tag', () => {
    expect(parseDmarcRecord('v=DMARC1; p=quarantine; sp=reject; pct=25; adkim=s; aspf=r; rua=mailto:a@contoso.com,mailto:b@x.example!10m; ruf=mailto:f@contoso.com')).toEqual({
      text: expect.any(String), policy: 'quarantine', subdomainPolicy: 'reject', pct: 25, adkim: 's', aspf: 'r',
      rua: ['mailto:a@contoso.com', 'mailto:b@x.example!10m'], ruf: ['mailto:f@contoso.com'], errors: [],
    });
  });

  it('DMARC mistakes people make', () => {
    expect(parseDmarcRecord('v=DMARC1; p=rejected').errors.join()).toContain('p=rejected');
    expect(parseDmarcRecord('p=reject; v=DMARC1').errors.join()).toContain('must start with');
    expect(parseDmarcRecord('v=DMARC1; p=reject; pct=150').errors.join()).toContain('pct=150');
    expect(parseDmarcRecord('v=DMARC1; p=reject; rua=dmarc@contoso.com').errors.join()).toContain('not a mailto: URI');
    expect(parseDmarcRecord('v=DMARC1; rua=mailto:d@contoso.com')).toMatchObject({ policy: 'none' });
  });

  it('DKIM key sizes', () => {
    expect(parseDkimKey(`v=DKIM1; k=rsa; p=${DEMO_DKIM_KEY_2048}`)).toMatchObject({ keyType: 'rsa', bits: 2048, revoked: false, errors: [] });
    expect(parseDkimKey(`v=DKIM1; p=${DEMO_DKIM_KEY_1024.slice(0, 60)} ${DEMO_DKIM_KEY_1024.slice(60)}`)).toMatchObject({ bits: 1024 });
    expect(parseDkimKey('v=DKIM1; p=')).toMatchObject({ revoked: true });
    expect(parseDkimKey('v=DKIM1; p=notbase64key').errors).toContain('the public key in p= cannot be read');
  });

  it('MTA-STS record and policy', () => {
    expect(parseMtaStsRecord('v=STSv1; id=20260101T000000')).toEqual({ id: '20260101T000000', errors: [] });
    expect(parseMtaStsRecord('v=STSv1; id=2026-01-01').errors.join()).toContain('letters and digits');
    expect(parseMtaStsPolicy('version: STSv1\nmode: enforce\nmx: *.mail.protection.outlook.com\nmax_age: 86400\n')).toMatchObject({ mode: 'enforce', maxAge: 86400, errors: [] });
    expect(parseMtaStsPolicy('version: STSv1\nmode: strict\n').errors).toEqual(expect.arrayContaining(['mode strict is not enforce, testing or none', 'the policy has no "max_age:" line']));
    expect(mxMatchesPattern('contoso-com.mail.protection.outlook.com', '*.mail.protection.outlook.com')).toBe(true);
    expect(mxMatchesPattern('a.b.mail.protection.outlook.com', '*.mail.protection.outlook.com')).toBe(false);
  });

  it('MX: Exchange Online, the new mx.microsoft hosts, and a backup that is not', () => {
    const result = auditMx({ domain: 'contoso.com', answer: 'ok', temporaryFailure: null, records: [{ exchange: 'backup.contoso.com', priority: 20 }, { exchange: 'contoso-com.r-v1.mx.microsoft', priority: 0 }] });
    expect(result.hosts[0]).toEqual({ exchange: 'contoso-com.r-v1.mx.microsoft', priority: 0, pointsToExchangeOnline: true });
    expect(result.findings).toEqual([]);
  });
});

describe('domains as people type them', () => {
  it('normalises URLs, addresses, trailing dots and internationalised names, and refuses the rest', () => {
    expect(normaliseDomain('https://Contoso.com/about')).toBe('contoso.com');
    expect(normaliseDomain('bob@fabrikam.com')).toBe('fabrikam.com');
    expect(normaliseDomain('litware.com.')).toBe('litware.com');
    expect(normaliseDomain('bücher.de')).toBe('xn--bcher-kva.de');
    expect(normaliseDomain('not a domain')).toBeNull();
    expect(normaliseDomain('localhost')).toBeNull();
    expect(normaliseDomain('192.0.2.1')).toBeNull();
  });
});
