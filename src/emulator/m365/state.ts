import { randomUUID } from 'node:crypto';
import type { TraceEvent, TraceMessage } from '../../model/trace';
import { isoAt, type Scenario, type ScenarioQuarantine } from './scenario';

/** One row of Graph's messageTraces list (exchangeMessageTrace, the shared model's row), plus when it becomes visible. */
export interface TraceRow extends TraceMessage {
  /** Epoch ms from which the row shows up (sendMail rows appear after a delay, like real trace ingestion). */
  readonly visibleFrom: number;
}

/** One event of getDetailsByRecipient (exchangeMessageTraceDetail), exactly the shared model's event. */
export type TraceDetailRow = TraceEvent;

/** A quarantined message with its release state, kept as the cmdlet's PascalCase row. */
export interface QuarantineState {
  readonly record: ScenarioQuarantine;
  readonly receivedTime: string;
  readonly expires: string;
  releaseStatus: string;
  releasedUsers: string[];
  releasedBy: string[];
  releaseCalls: number;
}

/** The live, mutable state of one emulated tenant, built from its scenario at `anchor`. */
export class TenantState {
  readonly traces: TraceRow[];
  readonly details = new Map<string, TraceDetailRow[]>();
  readonly quarantine: QuarantineState[];
  readonly healthIssues: Record<string, unknown>[];
  readonly healthOverviews: { id: string; service: string; status: string }[];
  /** Epoch ms of message-trace requests (list and details share one quota), for the 100 per 5 minutes limit. */
  readonly traceRequestTimes: number[] = [];
  /** Mail sent through Graph sendMail, in order. */
  readonly sentMail: { from: string; to: string[]; subject: string; at: string }[] = [];

  constructor(
    readonly scenario: Scenario,
    readonly anchor: Date,
  ) {
    this.traces = scenario.traces.map((trace) => ({
      id: trace.traceId,
      senderAddress: trace.sender,
      recipientAddress: trace.recipient,
      messageId: trace.messageId,
      receivedDateTime: isoAt(anchor, trace.received),
      subject: trace.subject,
      size: trace.size,
      fromIP: trace.fromIP,
      toIP: trace.toIP,
      status: trace.status,
      visibleFrom: 0,
    }));
    for (const trace of scenario.traces) {
      this.details.set(detailKey(trace.traceId, trace.recipient), trace.events.map((event) => ({
        id: trace.traceId,
        messageId: trace.messageId,
        dateTime: isoAt(anchor, event.at),
        event: event.event,
        action: event.action,
        description: event.description,
        data: event.data,
      })));
    }
    this.quarantine = scenario.quarantine.map((record) => ({
      record,
      receivedTime: exchangeDate(anchor, record.received),
      expires: exchangeDate(anchor, record.received + record.expiresInDays * 24 * 60),
      releaseStatus: record.releaseStatus,
      releasedUsers: [],
      releasedBy: [],
      releaseCalls: 0,
    }));
    this.healthOverviews = scenario.health.overviews.map((overview) => ({ ...overview }));
    this.healthIssues = scenario.health.issues.map((issue) => {
      const { start, end, lastModified, posts, ...rest } = issue;
      return {
        ...rest,
        startDateTime: isoAt(anchor, start),
        endDateTime: end === null ? null : isoAt(anchor, end),
        lastModifiedDateTime: isoAt(anchor, lastModified),
        details: (rest as { details?: unknown }).details ?? [],
        posts: posts.map((post) => ({
          createdDateTime: isoAt(anchor, post.at),
          postType: post.postType,
          description: { contentType: 'html', content: post.content },
        })),
      };
    });
  }

  get id(): string {
    return this.scenario.tenant.id;
  }

  /** Domains this tenant answers to: its initial domain and every domain it holds. */
  ownsName(name: string): boolean {
    const lower = name.toLowerCase();
    return (
      lower === this.scenario.tenant.id ||
      lower === this.scenario.tenant.initialDomain.toLowerCase() ||
      this.scenario.domains.some((domain) => String(domain.id).toLowerCase() === lower)
    );
  }

  /** A message sent with Graph sendMail: trace rows for each recipient appear after the scenario's delay. */
  recordSentMail(from: string, to: readonly string[], subject: string, now: Date): void {
    const traceId = randomUUID();
    const messageId = `<${randomUUID().replace(/-/g, '').toUpperCase()}@${this.scenario.tenant.initialDomain}>`;
    const visibleFrom = now.getTime() + this.scenario.limits.sendMailTraceDelaySeconds * 1000;
    const received = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.sentMail.push({ from, to: [...to], subject, at: received });
    for (const recipient of to) {
      const internal = this.scenario.users.some((user) => sameAddress(user.mail, recipient) || user.proxyAddresses.some((p) => sameAddress(p.replace(/^smtp:/i, ''), recipient)));
      this.traces.push({
        id: traceId, senderAddress: from, recipientAddress: recipient, messageId, receivedDateTime: received, subject,
        size: 4096, fromIP: '', toIP: internal ? '' : '203.0.113.10', status: 'delivered', visibleFrom,
      });
      this.details.set(detailKey(traceId, recipient), [
        { id: traceId, messageId, dateTime: received, event: 'Submit', action: '', description: 'The message was submitted.', data: '' },
        internal
          ? { id: traceId, messageId, dateTime: received, event: 'Deliver', action: '', description: 'The message was delivered to the Inbox folder.', data: '' }
          : { id: traceId, messageId, dateTime: received, event: 'Send external', action: '', description: `Message sent to ${recipient.split('@')[1]} using TLS1.3 with AES256`, data: '' },
      ]);
    }
  }
}

export const detailKey = (traceId: string, recipient: string): string => `${traceId.toLowerCase()}|${recipient.toLowerCase()}`;

const sameAddress = (a: string | null | undefined, b: string): boolean => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/** Exchange cmdlets emit dates with 7-digit fractions and an offset: 2026-07-22T08:58:01.4564204+00:00. */
function exchangeDate(anchor: Date, offsetMinutes: number): string {
  return isoAt(anchor, offsetMinutes).replace('Z', '.0000000+00:00');
}
