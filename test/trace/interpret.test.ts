import { interpretDelivery } from '../../src/analyzers/trace';
import { readLastError, readMep } from '../../src/analyzers/trace/mep';
import { event, message } from '../diagnosis/fakes';

describe('reading message trace events', () => {
  it('reads MEP properties from the data field, decoding XML entities', () => {
    const mep = readMep('<root><MEP Name="ReturnCode" String="550" /><MEP Name="RuleName" String="Block &amp; log" /><MEP Name="SCL" Integer="6" /></root>');
    expect(mep.get('ReturnCode')).toBe('550');
    expect(mep.get('RuleName')).toBe('Block & log');
    expect(mep.get('SCL')).toBe('6');
  });

  it('reads the last error, remote host and IP from a Fail description', () => {
    const parsed = readLastError('Reason: [{LED=451 4.4.316 Connection refused [Message=Socket error code 10061]};{MSG=};{FQDN=mail.northwind.net};{IP=203.0.113.9};{LRT=}];');
    expect(parsed).toEqual({ led: '451 4.4.316 Connection refused [Message=Socket error code 10061]', fqdn: 'mail.northwind.net', ip: '203.0.113.9' });
  });

  it('a message deferred three times is a delay, with the attempts and the remote host', () => {
    const late = message({ status: 'pending', recipientAddress: 'ops@northwind.net' });
    const defer = (at: string) => event(late.id, at, 'Defer', '{LED=451 4.4.316 Connection refused};{FQDN=mail.northwind.net};{IP=203.0.113.9}');
    const { story, timeline } = interpretDelivery(late, [defer('2026-11-20T14:30:00Z'), event(late.id, '2026-11-20T14:00:00Z', 'Receive'), defer('2026-11-20T14:10:00Z'), defer('2026-11-20T14:50:00Z')]);
    expect(story).toMatchObject({ outcome: 'deferred', attempts: 3, firstAt: '2026-11-20T14:10:00Z', status: '4.4.316', replyCode: 451, remoteHost: 'mail.northwind.net' });
    expect(timeline[0].event).toBe('Receive');
  });

  it('delivered to Junk Email, with the SCL', () => {
    const junked = message({ status: 'delivered' });
    const { story } = interpretDelivery(junked, [
      event(junked.id, '2026-11-20T14:40:00Z', 'Spam', 'SCL=6 content filter verdict SPM'),
      event(junked.id, '2026-11-20T14:41:00Z', 'Deliver', 'The message was delivered to the Junk Email folder.'),
    ]);
    expect(story).toEqual({ outcome: 'delivered', at: '2026-11-20T14:41:00Z', folder: 'junk', scl: 6, bcl: null });
  });

  it('quarantined as phish', () => {
    const held = message({ status: 'quarantined' });
    const { story } = interpretDelivery(held, [event(held.id, '2026-11-20T14:40:00Z', 'Quarantine', 'The message was quarantined: Phish (CAT:PHSH)')]);
    expect(story).toMatchObject({ outcome: 'quarantined', verdict: 'phish' });
  });

  it('high-confidence phish is not plain phish, and malware is malware', () => {
    const held = message({ status: 'quarantined' });
    const hphish = interpretDelivery(held, [event(held.id, '2026-11-20T14:40:00Z', 'Quarantine', 'High confidence phish')]);
    const malware = interpretDelivery(held, [event(held.id, '2026-11-20T14:40:00Z', 'Malware', 'Malware detected: Trojan')]);
    expect(hphish.story).toMatchObject({ verdict: 'high-confidence-phish' });
    expect(malware.story).toMatchObject({ verdict: 'malware' });
  });

  it('a status with no events still says what it can', () => {
    expect(interpretDelivery(message({ status: 'Pending' }), []).story.outcome).toBe('pending');
    expect(interpretDelivery(message({ status: 'FilteredAsSpam' }), []).story.outcome).toBe('junked');
  });
});
