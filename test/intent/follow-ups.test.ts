import { parseRequest } from '../../src/analyzers/intent';
import type { ParsedRequest } from '../../src/model/intent';

const context = { now: new Date('2026-11-20T15:00:00Z'), timeZone: 'America/New_York' };
/** Asks each message in turn, each resolved against the request before it, as the bot's conversation memory does. */
function conversation(...messages: string[]): ParsedRequest[] {
  const out: ParsedRequest[] = [];
  for (const text of messages) out.push(parseRequest(text, { ...context, previous: out.at(-1) }));
  return out;
}
const last = (...messages: string[]) => conversation(...messages).at(-1)!;

describe('follow-up questions in a conversation', () => {
  it('"and yesterday?" repeats the last question for yesterday', () => {
    expect(last('why did my email to sam@contoso.com bounce', 'and yesterday?')).toMatchObject({
      intent: 'trace', symptom: 'bounce', recipients: ['sam@contoso.com'], followUp: true,
      window: { start: '2026-11-19T05:00:00Z', end: '2026-11-20T05:00:00Z' },
    });
  });

  it('"what about jane@…?" puts the new address in the role of the one on the same domain', () => {
    const [, sender, recipient] = conversation(
      'did pat@contoso.com get the mail from quotes@northwind.net?',
      'what about max@northwind.net?',
      'what about jane@contoso.com?',
    );
    expect(sender).toMatchObject({ intent: 'trace', senders: ['max@northwind.net'], recipients: ['pat@contoso.com'], followUp: true });
    expect(recipient).toMatchObject({ intent: 'trace', senders: ['max@northwind.net'], recipients: ['jane@contoso.com'], followUp: true });
  });

  it('an explicit "from" decides the role over the domain', () => {
    expect(last('did pat@contoso.com get the mail from quotes@northwind.net?', 'and from jane@contoso.com?')).toMatchObject({
      senders: ['jane@contoso.com'], recipients: ['pat@contoso.com'], followUp: true,
    });
  });

  describe('"check their SPF" points at the other party', () => {
    it('after an outbound bounce: the recipient’s domain', () => {
      expect(last('jill@contoso.com can’t send to orders@adatum.com, she gets an NDR', 'check their SPF')).toMatchObject({
        intent: 'domain', domains: ['adatum.com'], checks: ['spf'], followUp: true,
      });
    });
    it('after mail that went to junk: the sender’s domain', () => {
      expect(last('why does mail from deals@tailspintoys.com go to junk', 'check their dmarc')).toMatchObject({ intent: 'domain', domains: ['tailspintoys.com'], checks: ['dmarc'] });
    });
    it('after an external sender could not reach us: the sender’s domain', () => {
      expect(last('the external sender partner@northwind.net can’t reach our finance@contoso.com', 'check their spf')).toMatchObject({ domains: ['northwind.net'] });
    });
    it('"our SPF" is our own side', () => {
      expect(last('jill@contoso.com can’t send to orders@adatum.com', 'check our spf')).toMatchObject({ domains: ['contoso.com'], checks: ['spf'] });
    });
    it('after a domain check, the same domain with the new checks', () => {
      expect(last('check spf for adatum.com', 'and dkim?')).toMatchObject({ intent: 'domain', domains: ['adatum.com'], checks: ['dkim'], followUp: true });
      expect(last('check spf for adatum.com', 'what about litware.com')).toMatchObject({ intent: 'domain', domains: ['litware.com'], checks: ['spf'], followUp: true });
    });
  });

  it('"release it" releases the message the last answer was about', () => {
    expect(last('show quarantined message 3f6a1b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c', 'release it')).toMatchObject({
      intent: 'quarantine_release', quarantineId: '3f6a1b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c', followUp: true,
    });
    expect(last('anything quarantined from promo@litware.com for ed@contoso.com?', 'please release it')).toMatchObject({
      intent: 'quarantine_release', senders: ['promo@litware.com'], recipients: ['ed@contoso.com'], followUp: true,
    });
  });

  it('"is it quarantined?" asks the quarantine about the mail of the last question', () => {
    expect(last('did pat@contoso.com get the mail from quotes@northwind.net?', 'is it quarantined?')).toMatchObject({
      intent: 'quarantine_list', senders: ['quotes@northwind.net'], recipients: ['pat@contoso.com'], followUp: true,
    });
  });

  it('chains: each follow-up builds on the completed one before it', () => {
    expect(last('why did my email to sam@contoso.com bounce', 'what about jane@contoso.com?', 'and yesterday?')).toMatchObject({
      recipients: ['jane@contoso.com'], symptom: 'bounce', window: { start: '2026-11-19T05:00:00Z' }, followUp: true,
    });
  });

  describe('a complete question is not a follow-up', () => {
    it.each([
      ['why did my email to sam@contoso.com bounce', 'check spf for litware.com', 'domain'],
      ['why did my email to sam@contoso.com bounce', 'mail from a@litware.com to b@contoso.com is delayed', 'trace'],
      ['why did my email to sam@contoso.com bounce', 'what does 5.7.1 mean?', 'code'],
      ['why did my email to sam@contoso.com bounce', 'is exchange down?', 'health'],
      ['why did my email to sam@contoso.com bounce', 'thanks!', 'thanks'],
      ['help', 'and yesterday?', 'unknown'],
    ])('after "%s", "%s" is %s on its own', (first, second, intent) => {
      expect(last(first, second)).toMatchObject({ intent, followUp: false });
    });
  });
});
