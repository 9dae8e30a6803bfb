import { checkTestMessage, followTestMessage, sendTestMessage, type TestMailSource } from '../../src/diagnosis/connectivity';
import { failed, ok } from '../../src/model/result';
import type { TraceMessage } from '../../src/model/trace';

const row = (subject: string, status: string): TraceMessage => ({
  id: 'b7c1f4d2-9a6e-4c3b-8f2d-1e0a6c5b4d3f', senderAddress: 'mailflow-test@contoso.com', recipientAddress: 'partner@northwind.net',
  messageId: '<abc@contoso.com>', receivedDateTime: '2026-11-22T05:00:10Z', subject, size: 2048, fromIP: '', toIP: '198.51.100.7', status,
});

/** Trace answers in the order given, one per look; the last one repeats. */
function scriptedTrace(statuses: (string | null | 'error')[]) {
  const sent: { to: string; subject: string }[] = [];
  let look = 0;
  const source: TestMailSource = {
    async send(input) {
      sent.push(input);
      return ok(undefined);
    },
    async findTrace(input) {
      const status = statuses[Math.min(look++, statuses.length - 1)];
      if (status === 'error') return failed('429 Too Many Requests: message trace allows 100 requests per 5 minutes');
      return ok(status === null ? [] : [row(`Mailflow Doctor test message ${input.subjectContains}`, status), row('another message', 'Failed')]);
    },
  };
  return { source, sent };
}

const T0 = new Date('2026-11-22T05:00:00Z');
const minutesLater = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('a test message that proves the fix', () => {
  it('sends a uniquely tagged message from the test mailbox', async () => {
    const { source, sent } = scriptedTrace([null]);
    const first = await sendTestMessage('mailflow-test@contoso.com', 'partner@northwind.net', source, T0);
    const second = await sendTestMessage('mailflow-test@contoso.com', 'partner@northwind.net', source, T0);
    expect(first).toMatchObject({ status: 'sent', mailbox: 'mailflow-test@contoso.com', recipient: 'partner@northwind.net', sentAt: T0.toISOString() });
    expect(first.tag).toMatch(/^MFD-[0-9A-F]{10}$/);
    expect(first.tag).not.toBe(second.tag);
    expect(sent[0].subject).toContain(first.tag);
  });

  it('follows it in message trace through Pending to Delivered, reporting each change', async () => {
    const { source } = scriptedTrace([null, 'Pending', 'Pending', 'Delivered']);
    const sent = await sendTestMessage('mailflow-test@contoso.com', 'partner@northwind.net', source, T0);
    const changes: string[] = [];
    const final = await followTestMessage(sent, source, { intervalMs: 1, forMs: 5000, now: () => minutesLater(3), onChange: (message) => void changes.push(message.status) });
    expect(changes).toEqual(['pending', 'delivered']);
    expect(final).toMatchObject({ status: 'delivered', traceStatus: 'delivered', messageId: '<abc@contoso.com>' });
  });

  it('ends Failed, or Held when filtering kept it', async () => {
    const failedRun = scriptedTrace(['Failed']);
    const sent = await sendTestMessage('mailflow-test@contoso.com', 'partner@northwind.net', failedRun.source, T0);
    expect((await checkTestMessage(sent, failedRun.source, minutesLater(2))).status).toBe('failed');
    const held = scriptedTrace(['FilteredAsSpam']);
    expect((await checkTestMessage(sent, held.source, minutesLater(2))).status).toBe('held');
  });

  it('keeps its state when trace cannot be read, and says why', async () => {
    const { source } = scriptedTrace(['error']);
    const sent = await sendTestMessage('mailflow-test@contoso.com', 'partner@northwind.net', source, T0);
    const checked = await checkTestMessage(sent, source, minutesLater(1));
    expect(checked.status).toBe('sent');
    expect(checked.detail).toContain('429');
  });

  it('times out when trace shows nothing final within 30 minutes', async () => {
    const { source } = scriptedTrace([null]);
    const sent = await sendTestMessage('mailflow-test@contoso.com', 'partner@northwind.net', source, T0);
    expect((await checkTestMessage(sent, source, minutesLater(10))).status).toBe('sent');
    expect((await checkTestMessage(sent, source, minutesLater(31))).status).toBe('timeout');
  });

  it('reports a refused sendMail', async () => {
    const source: TestMailSource = { send: async () => failed('403 ErrorAccessDenied: the application access policy does not include this mailbox'), findTrace: async () => ok([]) };
    const message = await sendTestMessage('someone-else@contoso.com', 'partner@northwind.net', source, T0);
    expect(message).toMatchObject({ status: 'send-failed', detail: expect.stringContaining('application access policy') });
  });
});
