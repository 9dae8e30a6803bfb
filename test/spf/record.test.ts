import { correctedSpfRecord, ownLookups, parseSpfRecord } from '../../src/analyzers/spf';

describe('reading an SPF record as pasted from a DNS console', () => {
  it('lists the terms and counts the lookups its own terms cost', () => {
    const record = parseSpfRecord('v=spf1 ip4:192.0.2.0/24 a mx:mail.contoso.com/28 include:spf.protection.outlook.com exists:%{i}.rbl.contoso.com ptr -all');
    expect(record.errors).toEqual([]);
    expect(ownLookups(record)).toBe(5);
    expect(record.terms.find((term) => term.kind === 'mechanism' && term.mechanism === 'mx')).toMatchObject({ value: 'mail.contoso.com', cidr4: 28 });
  });

  it('counts a redirect only when there is no "all"', () => {
    expect(ownLookups(parseSpfRecord('v=spf1 redirect=_spf.contoso.com'))).toBe(1);
    expect(ownLookups(parseSpfRecord('v=spf1 -all redirect=_spf.contoso.com'))).toBe(0);
  });

  it.each([
    ['v=spf1 ip4:192.0.2.300 -all', '192.0.2.300'],
    ['v=spf1 include: -all', 'include'],
    ['v=spf1 include:spf.protection.outlook.com -all exp=a.example exp=b.example', 'more than once'],
    ['v=spf1 ip4 -all', 'needs an address'],
    ['v=spf1 a:contoso -all', 'not a fully qualified'],
    ['v=spf1 mx//129 -all', 'prefix length'],
    ['v=spf1 exists:%{z}.contoso.com -all', 'not a macro letter'],
    ['v=spf1 -all exp=%{r}.contoso.com', 'only in explanation'],
    ['v=spf1 includes:spf.protection.outlook.com -all', 'not an SPF mechanism'],
  ])('%s is a syntax error (%s)', (text, words) => {
    const record = parseSpfRecord(text);
    expect(record.errors.join(' ')).toContain(words);
  });

  it('merges two records into one, keeping every sender once and the strictest "all"', () => {
    const merged = correctedSpfRecord([parseSpfRecord('v=spf1 include:spf.protection.outlook.com -all'), parseSpfRecord('v=spf1 +include:sendgrid.net include:spf.protection.outlook.com ~all')], { addExchangeOnline: false });
    expect(merged).toBe('v=spf1 include:spf.protection.outlook.com include:sendgrid.net -all');
  });
});
