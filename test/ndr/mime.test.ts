import { analyzeNdr, type NdrReport } from '../../src/analyzers/ndr';
import { parseMime } from '../../src/analyzers/ndr/mime';

/**
 * The MIME walker reads only what a bounce needs: delimiter lines, the text and delivery-status parts, and the
 * headers of the returned message. These are the shapes of .eml files helpdesks attach that it must still read.
 */

function ndr(report: NdrReport) {
  if (report.kind !== 'ndr') throw new Error(`expected an NDR, got: ${report.expected}`);
  return report;
}

/** A Postfix-style multipart/report bounce; `text` is the human-readable part's headers and body. */
function bounce(text: string, boundary = 'B0UNDARY', original = 'From: alex@fabrikam.com\nTo: bob@contoso.com\nSubject: Quarterly report\n\nHello') {
  return [
    'From: MAILER-DAEMON@mx.fabrikam.com (Mail Delivery System)',
    'To: alex@fabrikam.com',
    'Subject: Undelivered Mail Returned to Sender',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    text,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.fabrikam.com',
    '',
    'Final-Recipient: rfc822; bob@contoso.com',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 <bob@contoso.com>: Recipient address rejected: User unknown',
    '',
    `--${boundary}`,
    'Content-Type: message/rfc822',
    '',
    original,
    `--${boundary}--`,
    '',
  ].join('\n');
}

describe('a bounce .eml with quoted-printable text', () => {
  it('decodes soft line breaks and escapes, and keeps accented letters already decoded by the file read', () => {
    const report = ndr(
      analyzeNdr(
        bounce(
          'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n<bob@contoso.com>: host mx.contoso.com[192.0.2.1] said: 550 5.1.1 Us=\ner unknown =E2=80=94 Empf=C3=A4nger unbekannt, d\u00e9j\u00e0 vu (in reply to RCPT TO command)',
        ),
      ),
    );
    expect(report.results[0]).toMatchObject({ recipient: 'bob@contoso.com', status: '5.1.1', reason: 'userunknown', remoteHost: 'mx.contoso.com' });
    expect(report.sender).toBe('alex@fabrikam.com');
    expect(report.subject).toBe('Quarterly report');
  });

  it('decodes a Latin-1 part byte by byte', () => {
    const root = parseMime('Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nEmpf=E4nger unbekannt =3D nicht zustellbar');
    expect(root.body).toBe('Empfänger unbekannt = nicht zustellbar');
  });
});

describe('a bounce .eml with unusual multipart boundaries', () => {
  it('reads a line that only starts like the boundary as text, not as a new part', () => {
    const root = parseMime('Content-Type: multipart/mixed; boundary="abc"\n\npreamble\n--abc\nContent-Type: text/plain\n\none\n--abcdef not a delimiter\ntwo\n--abc--\nepilogue');
    expect(root.body).toBe('preamble\n');
    expect(root.children.map((part) => part.body)).toEqual(['one\n--abcdef not a delimiter\ntwo']);
  });

  it('reads CRLF line ends like LF ones', () => {
    const lf = ndr(analyzeNdr(bounce('Content-Type: text/plain\n\n<bob@contoso.com>: host mx.contoso.com[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)')));
    const crlf = ndr(analyzeNdr(bounce('Content-Type: text/plain\n\n<bob@contoso.com>: host mx.contoso.com[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)').replace(/\n/g, '\r\n')));
    expect(crlf.results).toEqual(lf.results);
    expect(crlf.subject).toBe('Quarterly report');
  });

  it('keeps the last part when the closing boundary is missing (a truncated bounce)', () => {
    const report = ndr(analyzeNdr(bounce('Content-Type: text/plain\n\nDelivery failed.').replace(/--B0UNDARY--\n$/, '')));
    expect(report.results[0]).toMatchObject({ recipient: 'bob@contoso.com', status: '5.1.1', reason: 'userunknown' });
    expect(report.sender).toBe('alex@fabrikam.com');
  });
});

describe('a bounce that returns the whole original message with its attachments', () => {
  it('reads the original headers above a large attachment', () => {
    const original = [
      'From: alex@fabrikam.com',
      'To: bob@contoso.com',
      'Subject: Invoice',
      'Content-Type: multipart/mixed; boundary="inner"',
      '',
      '--inner',
      'Content-Type: application/pdf',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0xLjQK'.repeat(2000),
      '--inner--',
    ].join('\n');
    const report = ndr(analyzeNdr(bounce('Content-Type: text/plain\n\nDelivery to bob@contoso.com failed.', 'B0UNDARY', original)));
    expect(report.subject).toBe('Invoice');
    expect(report.results[0]).toMatchObject({ recipient: 'bob@contoso.com', status: '5.1.1' });
  });
});
