import { randomBytes } from 'node:crypto';
import type { Result } from '../../model/result';
import { traceStatusOf, type TraceMessage, type TraceStatus } from '../../model/trace';

/**
 * The last step of every runbook: send a fresh message and watch message trace until it is Delivered or Failed.
 * The message goes out through Graph sendMail from one configured mailbox (an application access policy keeps the
 * app's Mail.Send permission to that mailbox alone) and carries a unique tag in its subject to find it in trace.
 */
export interface TestMailSource {
  /** POST /users/{mailbox}/sendMail. */
  send(input: { readonly mailbox: string; readonly to: string; readonly subject: string; readonly body: string }): Promise<Result<void>>;
  /** Message trace rows for the recipient in the window whose subject contains the tag. */
  findTrace(input: { readonly recipient: string; readonly subjectContains: string; readonly start: string; readonly end: string }): Promise<Result<readonly TraceMessage[]>>;
  /** For a failed message: why, in sentences (the trace's Fail event, or the diagnosis run on it). */
  explainFailure?(message: TestMessage): Promise<Result<readonly string[]>>;
}

export type TestMessageStatus =
  /** sendMail accepted it; trace does not show it yet (ingestion takes a few minutes in Exchange Online). */
  | 'sent'
  /** Trace shows it, still on its way (Pending, GettingStatus). */
  | 'pending'
  | 'delivered'
  | 'failed'
  /** Held by EOP: quarantined or filtered as spam. Delivered as far as transport goes, but not to the inbox. */
  | 'held'
  /** No final status within the time we watch. */
  | 'timeout'
  /** sendMail itself refused. */
  | 'send-failed';

export interface TestMessage {
  readonly tag: string;
  readonly mailbox: string;
  readonly recipient: string;
  readonly subject: string;
  readonly sentAt: string;
  readonly status: TestMessageStatus;
  /** Graph's status word as trace shows it, when a row was found. */
  readonly traceStatus: TraceStatus | null;
  readonly traceId: string | null;
  readonly messageId: string | null;
  readonly checkedAt: string;
  /** Why sending or tracing failed, in words a person can act on. */
  readonly detail: string | null;
}

/** Exchange Online usually shows a message in trace within 5 to 10 minutes; past this it is worth a look. */
export const TEST_MESSAGE_TIMEOUT_MINUTES = 30;

const TERMINAL: ReadonlySet<TestMessageStatus> = new Set(['delivered', 'failed', 'held', 'timeout', 'send-failed']);
export const isFinal = (message: TestMessage): boolean => TERMINAL.has(message.status);

const STATUS_OF: Partial<Record<TraceStatus, TestMessageStatus>> = {
  delivered: 'delivered',
  expanded: 'delivered',
  failed: 'failed',
  quarantined: 'held',
  filteredAsSpam: 'held',
  pending: 'pending',
  gettingStatus: 'pending',
};

export function newTag(): string {
  return `MFD-${randomBytes(5).toString('hex').toUpperCase()}`;
}

export async function sendTestMessage(mailbox: string, recipient: string, source: TestMailSource, now: Date, tag = newTag()): Promise<TestMessage> {
  const subject = `Mailflow Doctor test message ${tag}`;
  const body = [
    'This is a test message sent by Mailflow Doctor to check that mail flows to this address.',
    `Tag: ${tag}. Sent ${now.toISOString()} from ${mailbox}.`,
    'No action is needed; you can delete it.',
  ].join('\n');
  const sent = await source.send({ mailbox, to: recipient, subject, body });
  const base = { tag, mailbox, recipient, subject, sentAt: now.toISOString(), traceStatus: null, traceId: null, messageId: null, checkedAt: now.toISOString() };
  if (sent.kind !== 'ok') return { ...base, status: 'send-failed', detail: sent.kind === 'failed' ? sent.reason : `the mailbox ${mailbox} was not found` };
  return { ...base, status: 'sent', detail: null };
}

/** One look at message trace; the message keeps its last state when trace cannot be read this time. */
export async function checkTestMessage(message: TestMessage, source: TestMailSource, now: Date, timeoutMinutes = TEST_MESSAGE_TIMEOUT_MINUTES): Promise<TestMessage> {
  if (isFinal(message)) return message;
  // Trace stamps the time Exchange received it, which can be a little before our clock's "sent".
  const start = new Date(new Date(message.sentAt).getTime() - 5 * 60_000).toISOString();
  const rows = await source.findTrace({ recipient: message.recipient, subjectContains: message.tag, start, end: now.toISOString() });
  const checkedAt = now.toISOString();
  const overdue = now.getTime() - new Date(message.sentAt).getTime() > timeoutMinutes * 60_000;
  if (rows.kind !== 'ok') {
    const detail = rows.kind === 'failed' ? `message trace could not be read: ${rows.reason}` : null;
    return { ...message, checkedAt, detail, status: overdue ? 'timeout' : message.status };
  }
  const row = rows.value.find((candidate) => candidate.subject.includes(message.tag));
  if (!row) return { ...message, checkedAt, detail: null, status: overdue ? 'timeout' : 'sent' };
  const traceStatus = traceStatusOf(row);
  const status = STATUS_OF[traceStatus] ?? 'pending';
  return {
    ...message,
    checkedAt,
    traceStatus,
    traceId: row.id,
    messageId: row.messageId,
    detail: null,
    status: status === 'pending' && overdue ? 'timeout' : status,
  };
}

export interface FollowOptions {
  readonly intervalMs: number;
  /** Stop watching after this long (the card can still be refreshed later). */
  readonly forMs: number;
  readonly now: () => Date;
  /** Called whenever the status changes, to update the card in place. */
  readonly onChange?: (message: TestMessage) => Promise<void> | void;
}

/** Watches trace until a final status or until `forMs` has passed; returns the last state seen. */
export async function followTestMessage(message: TestMessage, source: TestMailSource, options: FollowOptions): Promise<TestMessage> {
  const until = Date.now() + options.forMs;
  let current = message;
  while (!isFinal(current) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalMs, Math.max(until - Date.now(), 0))));
    const next = await checkTestMessage(current, source, options.now());
    if (next.status !== current.status) await options.onChange?.(next);
    current = next;
  }
  return current;
}
