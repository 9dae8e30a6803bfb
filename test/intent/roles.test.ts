import { parseRequest } from '../../src/analyzers/intent';

const ask = (text: string) => parseRequest(text, { now: new Date('2026-11-20T15:00:00Z'), timeZone: 'America/New_York' });
const roles = (text: string) => {
  const { senders, recipients } = ask(text);
  return { senders, recipients };
};

describe('who sent and who received, from the sentence’s meaning', () => {
  it.each([
    ['mail to x@fabrikam.com bounced', [], ['x@fabrikam.com']],
    ['mail 2 x@fabrikam.com bounced', [], ['x@fabrikam.com']],
    ['a@contoso.com can’t send to y@fabrikam.com', ['a@contoso.com'], ['y@fabrikam.com']],
    ['y@contoso.com never got the mail from x@fabrikam.com', ['x@fabrikam.com'], ['y@contoso.com']],
    ['external sender x@fabrikam.com can’t reach our y@contoso.com', ['x@fabrikam.com'], ['y@contoso.com']],
    ['emails sent to x@fabrikam.com are coming back', [], ['x@fabrikam.com']],
    ['a@contoso.com keeps getting NDRs', ['a@contoso.com'], []],
    ['a@contoso.com got an NDR from postmaster', ['a@contoso.com'], []],
    ['did a@contoso.com get my mail?', [], ['a@contoso.com']],
    ['the mails of a@contoso.com don’t reach y@fabrikam.com', ['a@contoso.com'], ['y@fabrikam.com']],
    ['e@contoso.com -> l@fabrikam.com bounced', ['e@contoso.com'], ['l@fabrikam.com']],
    ['From: Paul Anders <paul@northwind.net>\nTo: Sales Team <sales@contoso.com>\nnothing arrived', ['paul@northwind.net'], ['sales@contoso.com']],
  ])('%s', (text, senders, recipients) => {
    expect(roles(text)).toEqual({ senders, recipients });
  });

  it('never lets a cue reach across a sentence end', () => {
    // "from IT" is about Tom, not about Kate.
    expect(roles("I'm Tom from IT. Our CFO kate@contoso.com says mail to her bounces")).toEqual({ senders: [], recipients: ['kate@contoso.com'] });
  });

  it('reads mail that went to junk as being about its sender', () => {
    expect(roles('why is news@proseware.com landing in junk')).toEqual({ senders: ['news@proseware.com'], recipients: [] });
  });

  it('takes the symptom from the failure code when no word names it', () => {
    expect(ask('why am I getting 550 5.7.708 when sending to a@fabrikam.com')).toMatchObject({ intent: 'trace', symptom: 'bounce', codes: ['5.7.708'] });
    expect(ask('mail to a@fabrikam.com shows 451 4.7.500')).toMatchObject({ intent: 'trace', symptom: 'delay' });
  });

  it('says which way the mail went when the question tells', () => {
    expect(ask('jill@contoso.com can’t send to orders@adatum.com').direction).toBe('outbound');
    expect(ask('the external sender x@fabrikam.com can’t reach our y@contoso.com').direction).toBe('inbound');
    expect(ask('mail from deals@tailspintoys.com goes to junk').direction).toBe('inbound');
  });
});
