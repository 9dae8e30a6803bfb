import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyzeNdr, type NdrReport } from '../../src/analyzers/ndr';
import { projectPath } from '../../src/paths';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

function ndr(report: NdrReport) {
  if (report.kind !== 'ndr') throw new Error(`expected an NDR, got: ${report.expected}`);
  return report;
}

/** What Teams delivers when someone pastes a block of text: <p> per line, &nbsp; for tabs, &lt;/&gt; for angle brackets. */
function asTeamsHtml(text: string): string {
  return text
    .split('\n')
    .map((line) => `<p>${line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\t/g, '&nbsp;&nbsp;')}</p>`)
    .join('');
}

describe('a user pastes an Exchange Online NDR copied from Outlook (current format)', () => {
  const expectRecipientNotFound = (report: NdrReport) => {
    const { results, origin, explanation, sender, subject, reportingHost } = ndr(report);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ recipient: 'bob@contoso.com', status: '5.1.10', replyCode: 550, reason: 'userunknown', action: 'failed' });
    expect(results[0].diagnostic).toContain('RESOLVER.ADR.RecipientNotFound');
    expect(origin).toBe('exchange-online');
    expect(reportingHost).toBe('dm6pr12mb3456.namprd12.prod.outlook.com');
    expect(sender).toBe('alex@fabrikam.com');
    expect(subject).toBe('Quarterly report');
    expect(explanation.title).toBe("bob@contoso.com doesn't exist at contoso.com");
    expect(explanation.whoActs).toBe('sender');
    expect(explanation.fixSteps.length).toBeGreaterThan(0);
  };

  it('reads it as pasted, line breaks intact', () => expectRecipientNotFound(analyzeNdr(fixture('exo-current.txt'))));

  it('reads it through Teams HTML (<p>, <br>, &nbsp;)', () => {
    const html = asTeamsHtml(fixture('exo-current.txt')).replace(/<\/p><p>/g, (m, offset: number) => (offset % 3 === 0 ? '<br>' : m));
    expectRecipientNotFound(analyzeNdr(html));
  });

  it('reads it when every line break was collapsed into one space', () => {
    expectRecipientNotFound(analyzeNdr(fixture('exo-current.txt').replace(/\s+/g, ' ')));
  });

  it('names the remote server and the block list when a remote server refused the message', () => {
    const { results, explanation } = ndr(analyzeNdr(fixture('exo-current-remote.txt')));
    expect(results[0]).toMatchObject({ recipient: 'megan@litware.com', status: '5.7.1', reason: 'blocked', remoteHost: 'mx1.litware.com' });
    // The sending IP is on a block list: the sender's admin must get it delisted.
    expect(explanation.whoActs).toBe('sender-admin');
  });

  it('accepts a question in front of the pasted NDR', () => {
    const report = ndr(analyzeNdr(`hey, why did my mail to bob bounce?\n\n${fixture('exo-current.txt')}`));
    expect(report.results[0].recipient).toBe('bob@contoso.com');
  });
});

describe('a user pastes a classic Exchange NDR ("Delivery has failed to these recipients or groups")', () => {
  it('reports each failed recipient with its own code and reason', () => {
    const { results, reportingHost, origin } = ndr(analyzeNdr(fixture('exo-classic.txt')));
    expect(results.map((r) => [r.recipient, r.status, r.reason])).toEqual([
      ['bob@contoso.com', '5.1.10', 'userunknown'],
      ['megan@contoso.com', '5.2.2', 'mailboxfull'],
    ]);
    expect(reportingHost).toBe('bn6pr11mb1234.namprd11.prod.outlook.com');
    expect(origin).toBe('exchange-online');
  });

  it('survives the paste losing its line breaks and gaining &nbsp;', () => {
    const mangled = fixture('exo-classic.txt').replace(/\n+/g, ' ').replace(/ /g, (_, i: number) => (i % 5 === 0 ? '&nbsp;' : ' '));
    const { results } = ndr(analyzeNdr(`<div>${mangled}</div>`));
    expect(results.map((r) => r.status)).toEqual(['5.1.10', '5.2.2']);
  });
});

describe('a user pastes a raw RFC 3464 delivery status notification', () => {
  it('reads the per-recipient fields, including folded Diagnostic-Code lines', () => {
    const report = ndr(analyzeNdr(fixture('dsn-fields.txt')));
    expect(report.results[0]).toMatchObject({
      recipient: 'lee@northwind.example', status: '5.2.2', replyCode: 552, reason: 'mailboxfull', action: 'failed', remoteHost: 'mx.northwind.example',
    });
    expect(report.results[0].diagnostic).toContain('Recipient address rejected: Mailbox full');
    expect(report.reportingHost).toBe('mail.fabrikam.com');
    expect(report.sender).toBe('alex@fabrikam.com');
    expect(report.origin).toBe('remote');
  });
});

describe('a user attaches a whole bounce message (.eml)', () => {
  it('explains a Postfix bounce of a Gmail DMARC rejection (5.7.26)', () => {
    const report = ndr(analyzeNdr(fixture('postfix-bounce.eml')));
    expect(report.results[0]).toMatchObject({ recipient: 'kim@adatum.example', status: '5.7.26', reason: 'authfailure', remoteHost: 'gmail-smtp-in.l.google.com' });
    expect(report.subject).toBe('Lunch on Friday?');
    expect(report.sender).toBe('alex@fabrikam.com');
    expect(report.explanation.whoActs).toBe('sender-admin');
    expect(report.explanation.title).toMatch(/Gmail rejected/);
  });

  it('explains an Exim bounce from its text alone', () => {
    const report = ndr(analyzeNdr(fixture('exim-bounce.eml')));
    expect(report.results[0]).toMatchObject({ recipient: 'sam@tailspin.example', status: '5.1.1', replyCode: 550, reason: 'userunknown', remoteHost: 'mx.tailspin.example' });
    expect(report.subject).toBe('Contract draft');
  });

  it('reads real bounces of other systems from the corpus (Gmail, qmail, Sendmail, Office 365)', () => {
    const corpus = projectPath('..', 'shared', 'corpus', 'sisimai', 'emails');
    const read = (name: string) => ndr(analyzeNdr(readFileSync(join(corpus, name), 'utf8'))).results[0];
    expect(read('lhost-office365-01.eml')).toMatchObject({ recipient: 'kijitora@example.com', status: '5.1.10', reason: 'userunknown' });
    expect(read('rhost-microsoft-01.eml')).toMatchObject({ recipient: 'kijitora@example.com', status: '5.7.606', reason: 'blocked' });
  });
});

describe('a user pastes just the SMTP reply', () => {
  it('explains "550 5.7.708 …" as a tenant IP reputation block', () => {
    const report = ndr(analyzeNdr('550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.'));
    expect(report.results[0]).toMatchObject({ recipient: null, status: '5.7.708', replyCode: 550, reason: 'badreputation' });
    expect(report.explanation.whoActs).toBe('sender-admin');
  });

  it('explains a reply naming the recipient, after a question', () => {
    const report = ndr(analyzeNdr('what is this? 550 5.1.1 <bob@contoso.com>: Recipient address rejected: User unknown in local recipient table'));
    expect(report.results[0]).toMatchObject({ recipient: 'bob@contoso.com', status: '5.1.1', reason: 'userunknown' });
  });
});

describe('text that is not an NDR', () => {
  it.each(['hello', 'check SPF for contoso.com', 'Meeting moved to 3pm, see you there. -- alex@fabrikam.com', ''])('says what it expected for %j', (text) => {
    const report = analyzeNdr(text);
    expect(report.kind).toBe('not-ndr');
    if (report.kind === 'not-ndr') expect(report.expected).toMatch(/non-delivery report/);
  });

  it('never throws on garbage, however large', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5000 }), (text) => {
        expect(['ndr', 'not-ndr']).toContain(analyzeNdr(text).kind);
      }),
      { numRuns: 200 },
    );
    const big = 'Final-Recipient: rfc822; a@b.c\n' + 'x'.repeat(1_000_000) + '\n<'.repeat(50_000) + '@'.repeat(100_000);
    expect(['ndr', 'not-ndr']).toContain(analyzeNdr(big).kind);
    const nested = 'Content-Type: multipart/mixed; boundary=a\nFrom: x@y.z\n\n' + '--a\nContent-Type: multipart/mixed; boundary=a\n\n'.repeat(2000);
    expect(['ndr', 'not-ndr']).toContain(analyzeNdr(nested).kind);
  });
});
