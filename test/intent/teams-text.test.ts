import { parseRequest } from '../../src/analyzers/intent';
import { understandMessage } from '../../src/assistant/understand';
import { toPlainText } from '../../src/analyzers/intent/normalize';

const context = { now: new Date('2026-11-20T15:00:00Z'), timeZone: 'America/New_York' };
const ask = (text: string) => parseRequest(text, context);

describe('what Teams and Outlook put around a question', () => {
  it('drops the bot’s @mention and reads the rest', () => {
    expect(ask('<at>Mailflow Doctor</at> mail to rob@fabrikam.com bounced')).toMatchObject({ intent: 'trace', recipients: ['rob@fabrikam.com'] });
  });

  it('answers a bare @mention with help', () => {
    expect(ask('<at>Mailflow Doctor</at>&nbsp;').intent).toBe('help');
  });

  it('reads HTML paragraphs, line breaks and entities', () => {
    expect(ask('<p>check spf&nbsp;&amp;&nbsp;dmarc</p><p>for fabrikam.com</p>')).toMatchObject({ intent: 'domain', domains: ['fabrikam.com'], checks: ['spf', 'dmarc'] });
  });

  it('turns Teams’ &nbsp; and a pasted no-break space into plain spaces, also beside an arrow', () => {
    expect(toPlainText('<p>a&nbsp;&nbsp;b\u00a0c</p>')).toBe('\na  b c\n');
    // Teams writes a space typed after another as &nbsp;: "eve -> lars" with two spaces still reads as "to".
    expect(toPlainText('eve@contoso.com -&gt;&nbsp; lars@fabrikam.com')).toBe('eve@contoso.com to lars@fabrikam.com');
  });

  it('takes the address from a mailto link even when the link text is a name', () => {
    expect(ask('mail to <a href="mailto:Rita.Lopez@Fabrikam.com">Rita Lopez</a> bounced').recipients).toEqual(['rita.lopez@fabrikam.com']);
  });

  it('understands Outlook’s "Name <address>", also when Teams escaped it', () => {
    expect(ask('mail from John Smith <john@contoso.com> to Mary Major <mary@fabrikam.com> bounced')).toMatchObject({ senders: ['john@contoso.com'], recipients: ['mary@fabrikam.com'] });
    expect(ask('mail from John Smith &lt;john@contoso.com&gt; to Mary &lt;mary@fabrikam.com&gt; bounced')).toMatchObject({ senders: ['john@contoso.com'], recipients: ['mary@fabrikam.com'] });
  });

  it('lower-cases addresses and domains and turns IDN domains into punycode', () => {
    expect(ask('Check DMARC for Fabrikam.COM').domains).toEqual(['fabrikam.com']);
    expect(ask('check spf for bücher.de').domains).toEqual(['xn--bcher-kva.de']);
    expect(ask('mail to Müller@Bücher.de bounced').recipients).toEqual(['müller@xn--bcher-kva.de']);
  });

  it('keeps the pasted NDR without the HTML Teams wrapped it in', () => {
    const text = '<div>got this</div><div>Delivery has failed to these recipients or groups:</div><div>bob@fabrikam.com<br>Remote Server returned &#39;550 5.1.10 RESOLVER.ADR.RecipientNotFound&#39;</div>';
    const request = ask(text);
    expect(request.intent).toBe('ndr');
    expect(request.pasted).toContain("Remote Server returned '550 5.1.10");
    expect(request.pasted).not.toMatch(/<div>|<br>|&#39;/);
    expect(request.pasted).not.toContain('got this');
    expect(understandMessage(text, context)).toMatchObject({ intent: 'ndr', recipients: ['bob@fabrikam.com'], codes: ['5.1.10'] });
  });

  it('takes a pasted NDR’s people and codes from the NDR analyzer, not from codes quoted in passing, however long the paste', () => {
    const opening = ['Delivery has failed to these recipients or groups:', 'bob@fabrikam.com', "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'"];
    const quoted = Array.from({ length: 45 }, (_, i) => `line ${i} of the original message`);
    const later = ['a quoted line that mentions 4.4.7 in passing', 'Status: 5.7.1', `${'x'.repeat(700)} said: 5.2.2`];
    const short = [...opening, ...quoted, ...later].join('\n');
    const long = [short, ...Array.from({ length: 300 }, (_, i) => `padding line ${i} of the original message`)].join('\n');
    for (const text of [short, long]) {
      // The parser leaves the paste to its analyzer: on its own it finds no people and no codes in it.
      expect(ask(text)).toMatchObject({ intent: 'ndr', recipients: [], codes: [] });
      expect(understandMessage(text, context)).toMatchObject({ intent: 'ndr', recipients: ['bob@fabrikam.com'], codes: ['5.1.10'] });
    }
    // A code the question names comes first.
    expect(understandMessage(`is 5.7.1 the same thing?\n${short}`, context).codes).toEqual(['5.7.1', '5.1.10']);
  });

  it('keeps at most ten of a pasted NDR’s recipients and ten of its codes, however many it reports', () => {
    const rows = Array.from({ length: 20 }, (_, i) => `user${i}@fabrikam.com\nRemote Server returned '550 5.${1 + (i % 7)}.${i + 1} rejected'`);
    const understood = understandMessage(`Delivery has failed to these recipients or groups:\n${rows.join('\n')}`, context);
    expect(understood.recipients).toEqual(Array.from({ length: 10 }, (_, i) => `user${i}@fabrikam.com`));
    expect(understood.codes).toEqual(Array.from({ length: 10 }, (_, i) => `5.${1 + (i % 7)}.${i + 1}`));
  });

  it('keeps a pasted header block whole, from its first header line', () => {
    const headers = 'Received: from a.example.net by b.example.net; Mon, 16 Nov 2026 08:00:00 +0000\nAuthentication-Results: spf=pass\nFrom: x@example.net\nTo: y@contoso.com';
    const request = ask(`why was this late?\n${headers}`);
    expect(request).toMatchObject({ intent: 'headers', pasted: headers, senders: ['x@example.net'], recipients: ['y@contoso.com'] });
  });

  it('reads a Message-ID as a Message-ID, not as an address', () => {
    expect(ask('trace message id <CAF=abc123@mail.gmail.com>')).toMatchObject({ intent: 'trace', messageId: '<CAF=abc123@mail.gmail.com>', senders: [], recipients: [] });
  });

  it('names IPs, bare SMTP replies and quarantine ids', () => {
    expect(ask('is 203.0.113.25 on a blocklist?')).toMatchObject({ intent: 'ip_check', ips: ['203.0.113.25'] });
    expect(ask('what does 550 mean?')).toMatchObject({ intent: 'code', codes: [], replyCodes: ['550'] });
    expect(ask('i got a bounce with 5.7.1, what now')).toMatchObject({ intent: 'code', codes: ['5.7.1'] });
    expect(ask('release 3F6A1B2C-1D2E-4F5A-8B9C-0D1E2F3A4B5C\\0D1E2F3A-1D2E-4F5A-8B9C-3F6A1B2C4B5C')).toMatchObject({
      intent: 'quarantine_release', quarantineId: '3f6a1b2c-1d2e-4f5a-8b9c-0d1e2f3a4b5c\\0d1e2f3a-1d2e-4f5a-8b9c-3f6a1b2c4b5c',
    });
  });

  it('says thanks back to thanks, but not to a question that starts with thanks', () => {
    expect(ask('thanks, that fixed it').intent).toBe('thanks');
    expect(ask('thanks! now check spf for contoso.com').intent).toBe('domain');
  });
});
