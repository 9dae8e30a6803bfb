import { explainCode } from '../../src/analyzers/ndr';

describe('a user asks what a status code means', () => {
  it('explains 5.7.708 from our Exchange Online knowledge, for the sender admin', () => {
    const answer = explainCode('5.7.708');
    expect(answer).toMatchObject({ code: '5.7.708', reason: 'badreputation', source: 'known' });
    expect(answer!.explanation.whoActs).toBe('sender-admin');
    expect(answer!.explanation.meaning).toMatch(/traffic not accepted from this IP/);
    expect(answer!.explanation.docs).toMatch(/^https:\/\/learn\.microsoft\.com\//);
  });

  it('reads the code out of a whole reply ("550 5.7.708 …")', () => {
    expect(explainCode('550 5.7.708 Access denied, traffic not accepted from this IP')).toMatchObject({ code: '5.7.708', replyCode: 550 });
  });

  it.each([
    ['5.7.515', 'authfailure'],
    ['4.7.650', 'badreputation'],
    ['5.7.26', 'authfailure'],
    ['5.7.509', 'authfailure'],
    ['4.4.316', 'expired'],
  ])('explains %s, which Microsoft\'s table lacks or only links', (code, reason) => {
    const answer = explainCode(code);
    expect(answer).toMatchObject({ code, reason, source: 'known' });
    expect(answer!.explanation.fixSteps.length).toBeGreaterThanOrEqual(2);
  });

  it("uses Microsoft's table for every code it lists, ranges included", () => {
    expect(explainCode('5.7.606')).toMatchObject({ source: 'microsoft', reason: 'blocked' });
    expect(explainCode('5.7.641')!.explanation.meaning).toMatch(/banned sending IP/);
    expect(explainCode('4.7.512')!.explanation.whoActs).toBe('wait');
    expect(explainCode('5.7.13')).toMatchObject({ source: 'microsoft' });
    expect(explainCode('5.4.14')).toMatchObject({ source: 'microsoft', reason: 'networkerror' });
    expect(explainCode('5.7.64')!.explanation.meaning).toMatch(/Relay Access Denied/);
  });

  it('falls back to RFC 3463 class, subject and detail for codes nobody lists', () => {
    const answer = explainCode('5.3.4');
    expect(answer).toMatchObject({ source: 'rfc3463', reason: 'mesgtoobig' });
    expect(answer!.explanation.meaning).toMatch(/Message too big for system/);
    expect(explainCode('4.9.999')).toMatchObject({ source: 'rfc3463', reason: 'expired' });
  });

  it('explains a reply by its words when it carries no enhanced code', () => {
    const answer = explainCode('554 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org');
    expect(answer).toMatchObject({ code: null, replyCode: 554, reason: 'blocked', source: 'text' });
  });

  it('returns null when there is nothing to explain', () => {
    expect(explainCode('good morning')).toBeNull();
    expect(explainCode('')).toBeNull();
  });
});
