/**
 * Message trace rows as Microsoft Graph returns them (`exchangeMessageTrace`, `exchangeMessageTraceDetail`).
 * Sources produce these; the trace analyzer reads them. Field names follow Graph exactly.
 */
export type TraceStatus =
  | 'gettingStatus' | 'pending' | 'failed' | 'delivered' | 'expanded' | 'quarantined' | 'filteredAsSpam' | 'recalled' | 'unknownFutureValue';

export interface TraceMessage {
  readonly id: string;
  readonly senderAddress: string;
  readonly recipientAddress: string;
  readonly messageId: string;
  readonly receivedDateTime: string;
  readonly subject: string;
  readonly size: number;
  readonly fromIP: string;
  readonly toIP: string;
  /** Graph's casing has varied ("delivered", "Delivered"): normalise with `traceStatusOf`. */
  readonly status: string;
}

export interface TraceEvent {
  readonly id: string;
  readonly messageId: string;
  readonly dateTime: string;
  /** Receive, Submit, Deliver, Send, Fail, Defer, Expand, Redirect, Resolve, Transfer, Drop, Spam, Malware, Transport rule, Quarantine … */
  readonly event: string;
  readonly action: string;
  readonly description: string;
  /** An XML string of <MEP Name="…" String|Integer="…"/> elements. */
  readonly data: string;
}

const STATUSES: readonly TraceStatus[] = [
  'gettingStatus', 'pending', 'failed', 'delivered', 'expanded', 'quarantined', 'filteredAsSpam', 'recalled', 'unknownFutureValue',
];

export function traceStatusOf(message: TraceMessage): TraceStatus {
  const wanted = message.status.replace(/\s+/g, '').toLowerCase();
  return STATUSES.find((status) => status.toLowerCase() === wanted) ?? 'unknownFutureValue';
}
