import { diagnose, type DiagnosisQuestion } from '../../src/diagnosis/runbook';
import { event, fakeDns, fakeTenant, message } from './fakes';

const now = new Date('2026-11-20T15:00:00Z');
const codeAdvice = (status: string) => (status === '5.7.509' ? { title: 'DMARC failed at the recipient', fixSteps: ['Fix SPF/DKIM'] } : null);
const ask = (partial: Partial<DiagnosisQuestion>): DiagnosisQuestion => ({ symptom: 'bounce', senders: [], recipients: [], messageId: null, window: null, ...partial });

describe('the runbook', () => {
  it('recipient not found: names the typo and the nearest existing address', async () => {
    const bounced = message({ recipientAddress: 'bob.smtih@contoso.com', status: 'failed' });
    const { tenant } = fakeTenant({
      messages: [bounced],
      events: { [bounced.id]: [event(bounced.id, '2026-11-20T14:41:00Z', 'Fail', 'Reason: [{LED=550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup};{MSG=};{FQDN=};{IP=};{LRT=}];')] },
      recipients: [{ address: 'bob.smith@contoso.com', displayName: 'Bob Smith', type: 'UserMailbox' }],
    });
    const finding = await diagnose(ask({ recipients: ['bob.smtih@contoso.com'] }), { tenant, dns: fakeDns({}), now, codeAdvice });
    expect(finding.layer).toBe('recipient');
    expect(finding.rootCause).toContain('did you mean bob.smith@contoso.com');
    expect(finding.evidence.map((item) => item.fact).join('\n')).toMatch(/Fail — 550 5\.1\.10/);
  });

  it('outbound DMARC rejection: points at our own domain\'s SPF and DKIM', async () => {
    const rejected = message({ senderAddress: 'news@contoso.com', recipientAddress: 'ops@northwind.net', status: 'failed', fromIP: '198.51.100.20' });
    const { tenant } = fakeTenant({
      messages: [rejected],
      events: { [rejected.id]: [event(rejected.id, '2026-11-20T14:41:00Z', 'Fail', '{LED=550 5.7.509 Access denied, sending domain contoso.com does not pass DMARC verification and has a DMARC policy of reject.};{FQDN=mx.northwind.net}')] },
    });
    const dns = fakeDns({ 'contoso.com': { spfRecord: 'v=spf1 include:spf.protection.outlook.com -all', dmarcRecord: 'v=DMARC1; p=reject' } });
    const finding = await diagnose(ask({ recipients: ['ops@northwind.net'] }), { tenant, dns, now, codeAdvice });
    expect(finding.layer).toBe('dmarc');
    expect(finding.rootCause).toContain("contoso.com's DMARC check failed (5.7.509)");
    expect(finding.evidence.some((item) => item.source === 'dns' && item.fact.includes('v=spf1'))).toBe(true);
    expect(finding.evidence.some((item) => item.source === 'ndr-knowledge')).toBe(true);
  });

  it('a mail flow rule: names the rule and its condition', async () => {
    const blocked = message({ recipientAddress: 'partner@litware.com', status: 'failed' });
    const { tenant } = fakeTenant({
      messages: [blocked],
      events: {
        [blocked.id]: [
          event(blocked.id, '2026-11-20T14:40:01Z', 'Transport rule', "Transport rule: 'Block attachments to partners', ID: ('1'), message was rejected"),
          event(blocked.id, '2026-11-20T14:40:02Z', 'Fail', '{LED=550 5.7.1 Delivery not authorized, message refused};'),
        ],
      },
      rules: [{ name: 'Block attachments to partners', state: 'Enabled', mode: 'Enforce', description: 'If the message is sent to litware.com and has an attachment, reject it.', rejectStatusCode: '5.7.1', rejectText: null }],
    });
    const finding = await diagnose(ask({ recipients: ['partner@litware.com'] }), { tenant, dns: fakeDns({}), now, codeAdvice });
    expect(finding.layer).toBe('transport-rule');
    expect(finding.rootCause).toContain('"Block attachments to partners"');
    expect(finding.evidence.map((item) => item.fact).join('\n')).toContain('has an attachment');
  });

  it('nothing in trace: says so, with the window and how to check', async () => {
    const { tenant } = fakeTenant({ messages: [] });
    const finding = await diagnose(ask({ symptom: 'missing', senders: ['billing@litware.com'], recipients: ['alex@contoso.com'] }), { tenant, dns: fakeDns({}), now, codeAdvice });
    expect(finding.layer).toBe('not-found');
    expect(finding.rootCause).toContain('no mail from billing@litware.com to alex@contoso.com');
    expect(finding.nextSteps.join(' ')).toMatch(/Sent Items/);
  });

  it('an active incident leads when the message is delayed', async () => {
    const late = message({ recipientAddress: 'ops@northwind.net', status: 'pending' });
    const { tenant } = fakeTenant({
      messages: [late],
      issues: [{ id: 'EX123456', title: 'Delays sending email', classification: 'incident', status: 'serviceDegradation', feature: 'Mailflow', featureGroup: 'E-Mail timely delivery', impactDescription: '', startDateTime: '2026-11-20T12:00:00Z', isResolved: false }],
    });
    const finding = await diagnose(ask({ symptom: 'delay', recipients: ['ops@northwind.net'] }), { tenant, dns: fakeDns({}), now, codeAdvice });
    expect(finding.layer).toBe('health');
    expect(finding.rootCause).toContain('EX123456');
    expect(finding.health[0].id).toBe('EX123456');
  });

  it('degraded: when trace is forbidden, the answer still comes and names the failure', async () => {
    const { tenant } = fakeTenant({ failing: { traceMessages: 'grant ExchangeMessageTrace.Read.All' } });
    const finding = await diagnose(ask({ recipients: ['bob@contoso.com'] }), { tenant, dns: fakeDns({}), now, codeAdvice });
    expect(finding.rootCause).toContain('could not read message trace');
    expect(finding.sourceFailures.map((failure) => failure.advice)).toContain('grant ExchangeMessageTrace.Read.All');
  });

  it('splits a 25-day window into 10-day queries and says so', async () => {
    const { tenant, calls } = fakeTenant({ messages: [] });
    const finding = await diagnose(
      ask({ recipients: ['bob@contoso.com'], window: { start: '2026-10-26T15:00:00Z', end: '2026-11-20T15:00:00Z' } }),
      { tenant, dns: fakeDns({}), now, codeAdvice },
    );
    expect(calls.filter((call) => call.method === 'traceMessages')).toHaveLength(3);
    expect(finding.evidence.map((item) => item.fact).join(' ')).toContain('3 queries');
  });

  it('groups several failures into one sentence', async () => {
    const failures = [1, 2, 3].map((minute) => message({ recipientAddress: 'ops@northwind.net', status: 'failed', receivedDateTime: `2026-11-20T1${minute}:00:00Z` }));
    const delivered = message({ recipientAddress: 'ops@northwind.net', status: 'delivered', receivedDateTime: '2026-11-20T09:00:00Z' });
    const { tenant } = fakeTenant({ messages: [...failures, delivered] });
    const finding = await diagnose(ask({ recipients: ['ops@northwind.net'] }), { tenant, dns: fakeDns({}), now, codeAdvice });
    expect(finding.summary).toBe('3 of 4 messages to northwind.net failed since 11:00 UTC.');
  });
});
