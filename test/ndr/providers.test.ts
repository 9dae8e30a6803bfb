import { analyzeNdr, type NdrReport } from '../../src/analyzers/ndr';

/**
 * Bounces whose meaning depends on who wrote them: a provider's documented error codes (Orange's OFR_…, Cox's AUP#…,
 * Facebook's RCP-…), a provider's documented behaviour (au's "550 : User unknown"), a sending MTA's own category
 * (PowerMTA), Gmail's "(state N)", and notices that are not bounces from a mail server at all (a mailing-list manager,
 * Apple Mail's unsubscribe). Texts follow the formats these systems write, with made-up addresses.
 */

function ndr(report: NdrReport) {
  if (report.kind !== 'ndr') throw new Error(`expected an NDR, got: ${report.expected}`);
  return report;
}

/** A Postfix bounce as pasted: the notification text with one "<rcpt>: host … said: …" block. */
function postfixBounce(recipientBlock: string): string {
  return [
    'This is the mail system at host mail.fabrikam.com.',
    '',
    "I'm sorry to have to inform you that your message could not",
    'be delivered to one or more recipients. It\'s attached below.',
    '',
    '                   The mail system',
    '',
    recipientBlock,
    '',
  ].join('\n');
}

describe('a provider that documents its own error codes refused the message', () => {
  it("reads Orange's OFR code as the verdict (OFR_506 = the message was scored as spam)", () => {
    const report = ndr(analyzeNdr(postfixBounce(
      '<bob@wanadoo.fr>: host smtp-in.orange.fr[80.12.242.9] said: 550 5.2.0 Mail\n    rejete. Mail rejected. OFR_506 [506] (in reply to end of DATA command)',
    )));
    expect(report.results[0]).toMatchObject({ recipient: 'bob@wanadoo.fr', status: '5.2.0', reason: 'spamdetected', remoteHost: 'smtp-in.orange.fr' });
  });

  it("reads Cox's AUP code even when the words say \"sender rejected\" (CDRBL = the sending IP is temporarily blocked)", () => {
    const report = ndr(analyzeNdr(postfixBounce(
      '<carol@cox.net>: host cxr.mx.a.cloudfilter.net[203.0.113.54] said: 550 5.1.0\n    <news@fabrikam.com> sender rejected. AUP#CDRBL (in reply to MAIL FROM command)',
    )));
    expect(report.results[0]).toMatchObject({ recipient: 'carol@cox.net', reason: 'blocked' });
  });

  it("reads Facebook's RCP-P2 as the recipient's own preferences, not an unknown address", () => {
    const report = ndr(analyzeNdr(postfixBounce(
      '<dan@facebook.com>: host mx.facebook.com[203.0.113.135] said: 550 5.1.1 RCP-P2\n    Refused due to recipient preferences (in reply to RCPT TO command)',
    )));
    expect(report.results[0]).toMatchObject({ recipient: 'dan@facebook.com', reason: 'filtered' });
  });

  it('tells au\'s reception-filter refusal ("550 : User unknown") from a missing address ("550 <…>: User unknown")', () => {
    const filtered = ndr(analyzeNdr(postfixBounce('<erin@ezweb.ne.jp>: host lsean.ezweb.ne.jp[203.0.113.7] said: 550 : User unknown')));
    const unknown = ndr(analyzeNdr(postfixBounce('<erin@ezweb.ne.jp>: host lsean.ezweb.ne.jp[203.0.113.7] said: 550 <erin@ezweb.ne.jp>: User unknown')));
    expect(filtered.results[0].reason).toBe('filtered');
    expect(unknown.results[0].reason).toBe('userunknown');
  });

  it('leaves an ordinary refusal from the same provider to the generic rules', () => {
    const report = ndr(analyzeNdr(postfixBounce(
      '<bob@wanadoo.fr>: host smtp-in.orange.fr[80.12.242.9] said: 552 5.2.2 Mailbox full\n    (in reply to RCPT TO command)',
    )));
    expect(report.results[0].reason).toBe('mailboxfull');
  });
});

describe('the sending MTA or the relaying service says more than the remote server', () => {
  it("takes PowerMTA's bounce category when the words leave the reason open", () => {
    const dsn = [
      'From: postmaster@mta.fabrikam.com',
      'To: bounces@fabrikam.com',
      'Subject: Delivery report',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      '  <frank@contoso.com>  delivery failed; will not continue trying',
      '',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns;mta.fabrikam.com',
      '',
      'Final-Recipient: rfc822;frank@contoso.com',
      'Action: failed',
      'Status: 5.0.0 (undefined status)',
      'Remote-MTA: dns;mx.contoso.com (192.0.2.10)',
      'Diagnostic-Code: smtp;554 delivery error: this address cannot receive mail here',
      'X-PowerMTA-BounceCategory: bad-mailbox',
      '',
      '--b1--',
      '',
    ].join('\n');
    const report = ndr(analyzeNdr(dsn));
    expect(report.results[0]).toMatchObject({ recipient: 'frank@contoso.com', reason: 'userunknown', remoteHost: 'mx.contoso.com' });
  });

  it('reads the Status comment of a DSN ("5.2.1 (mailbox disabled, …)") as part of the verdict', () => {
    const dsn = [
      'Reporting-MTA: dns;mta.fabrikam.com',
      '',
      'Final-Recipient: rfc822;gina@contoso.com',
      'Action: failed',
      'Status: 5.2.1 (mailbox disabled, not accepting messages)',
      'Diagnostic-Code: smtp;550 5.2.1 <gina@contoso.com>... User Unknown',
      '',
    ].join('\n');
    expect(ndr(analyzeNdr(dsn)).results[0]).toMatchObject({ recipient: 'gina@contoso.com', reason: 'suspend' });
  });

  it('uses the stage Gmail names, "(state 18)" = after DATA, when the status is generic', () => {
    const gmail = [
      'Delivery to the following recipient failed permanently:',
      '',
      '     henry@contoso.com',
      '',
      'Technical details of permanent failure:',
      'Google tried to deliver your message, but it was rejected by the recipient domain. The error that the other',
      'server returned was: 554 554 5.7.0 Header error (state 18).',
      '',
    ].join('\n');
    expect(ndr(analyzeNdr(gmail)).results[0]).toMatchObject({ recipient: 'henry@contoso.com', reason: 'filtered' });
  });

  it("reads Postfix's report about its own SMTP server (\" In: RCPT TO:\" / \" Out: 451 …\")", () => {
    const report = [
      'From: MAILER-DAEMON@mx.contoso.com (Mail Delivery System)',
      'To: postmaster@mx.contoso.com (Postmaster)',
      'Subject: Postfix SMTP server: errors from relay.fabrikam.com[192.0.2.5]',
      '',
      'Transcript of session follows.',
      '',
      ' Out: 220 mx.contoso.com ESMTP',
      ' In:  EHLO relay.fabrikam.com',
      ' Out: 250-mx.contoso.com',
      ' Out: 250 DSN',
      ' In:  MAIL FROM:<alex@fabrikam.com>',
      ' Out: 250 2.1.0 Ok',
      ' In:  RCPT TO:<ivy@contoso.com>',
      ' Out: 250 2.1.5 Ok',
      ' In:  DATA',
      ' Out: 354 End data with <CR><LF>.<CR><LF>',
      ' Out: 451 4.3.0 Error: queue file write error',
      ' In:  QUIT',
      ' Out: 221 2.0.0 Bye',
      '',
    ].join('\n');
    expect(ndr(analyzeNdr(report)).results[0]).toMatchObject({ recipient: 'ivy@contoso.com', status: '4.3.0', replyCode: 451, reason: 'systemerror' });
  });

  it("takes the recipient of Sendmail's summary line from the transcript above it", () => {
    const sendmail = [
      'Subject: Returned mail: see transcript for details',
      'From: Mail Delivery Subsystem <MAILER-DAEMON@relay.fabrikam.com>',
      'To: alex@fabrikam.com',
      '',
      '   ----- Transcript of session follows -----',
      'While talking to mx.contoso.com:',
      '>>> MAIL From:<alex@fabrikam.com>',
      '<<< 550 Insecure Mail Relay',
      '554 <jack@contoso.com>... Remote protocol error',
      '   ----- Unsent message follows -----',
      '',
    ].join('\n');
    expect(ndr(analyzeNdr(sendmail)).results[0]).toMatchObject({ recipient: 'jack@contoso.com', reason: 'norelaying' });
  });
});

describe('notices that are not a mail server refusing a message', () => {
  it('reads an fml mailing-list refusal as the list rejecting the sender', () => {
    const notice = [
      'From: list-admin@lists.contoso.com',
      'To: alex@fabrikam.com',
      'Subject: You alex@fabrikam.com are not member (team ML)',
      'X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]',
      '',
      'You are not a member of this mailing list <team@lists.contoso.com>.',
      '',
      'If you know the general guide of this list, please send mail with the mail body guide.',
      '',
    ].join('\n');
    expect(ndr(analyzeNdr(notice)).results[0]).toMatchObject({ recipient: 'team@lists.contoso.com', reason: 'rejected' });
  });

  it("reads Apple Mail's one-tap unsubscribe as feedback from the recipient, not an out-of-office reply", () => {
    const optOut = [
      'From: kim@icloud.com',
      'To: opt-out-123@news.fabrikam.com',
      'Subject: unsubscribe',
      'Auto-Submitted: auto-replied',
      'X-Apple-Unsubscribe: true',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'Apple Mail sent this email to unsubscribe from the message "Weekly offers".',
      '',
    ].join('\n');
    expect(ndr(analyzeNdr(optOut)).results[0]).toMatchObject({ recipient: 'kim@icloud.com', reason: 'feedback' });
  });
});
