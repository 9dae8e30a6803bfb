import { formatStatusCode, parseStatusCode } from '../../model/status-code';
import { traceStatusOf, type TraceEvent, type TraceMessage } from '../../model/trace';
import { readLastError, readMep } from './mep';

/** Where in the pipeline a message stopped, in the layers the runbook checks. */
export type StopPoint =
  | { readonly kind: 'transport-rule'; readonly rule: string }
  | { readonly kind: 'recipient' }
  | { readonly kind: 'remote'; readonly host: string | null }
  | { readonly kind: 'connector'; readonly connector: string | null }
  | { readonly kind: 'filtering' }
  | { readonly kind: 'unknown' };

export type QuarantineVerdict = 'high-confidence-phish' | 'phish' | 'malware' | 'spam' | 'bulk' | 'transport-rule' | 'unknown';

/** What happened to one message for one recipient, read from its trace events. */
export type DeliveryStory =
  | { readonly outcome: 'delivered'; readonly at: string; readonly folder: 'inbox' | 'junk' | 'unknown'; readonly scl: number | null; readonly bcl: number | null }
  | {
      readonly outcome: 'failed';
      readonly at: string;
      readonly status: string | null;
      readonly replyCode: number | null;
      readonly diagnostic: string;
      readonly stoppedBy: StopPoint;
    }
  | {
      readonly outcome: 'deferred';
      readonly attempts: number;
      readonly firstAt: string;
      readonly lastAt: string;
      readonly status: string | null;
      readonly replyCode: number | null;
      readonly diagnostic: string;
      readonly remoteHost: string | null;
    }
  | { readonly outcome: 'quarantined'; readonly at: string; readonly verdict: QuarantineVerdict; readonly rule: string | null; readonly scl: number | null }
  | { readonly outcome: 'junked'; readonly at: string; readonly scl: number | null; readonly bcl: number | null }
  | { readonly outcome: 'dropped'; readonly at: string; readonly diagnostic: string }
  | { readonly outcome: 'expanded'; readonly at: string }
  | { readonly outcome: 'pending'; readonly since: string }
  | { readonly outcome: 'unknown' };

export interface TimelineEntry {
  readonly at: string;
  readonly event: string;
  readonly summary: string;
}

export interface DeliveryReading {
  readonly story: DeliveryStory;
  readonly timeline: readonly TimelineEntry[];
}

const eventIs = (event: TraceEvent, ...names: string[]) => names.some((name) => event.event.toLowerCase() === name.toLowerCase());

function codesOf(text: string): { status: string | null; replyCode: number | null } {
  const status = parseStatusCode(text);
  const reply = /\b([45]\d\d)\b/.exec(text);
  return { status: status ? formatStatusCode(status) : null, replyCode: reply ? Number(reply[1]) : null };
}

/** The spam (SCL, -1…9) or bulk (BCL, 0…9) confidence level from an event's data or its text. */
function levelOf(events: readonly TraceEvent[], name: 'SCL' | 'BCL'): number | null {
  const inText = new RegExp(`\\b${name}[=: ]+(-?\\d)\\b`, 'i');
  for (const event of events) {
    const mep = readMep(event.data);
    const fromData = mep.get(name);
    const fromText = inText.exec(event.description)?.[1];
    const value = fromData ?? fromText;
    if (value !== undefined && /^-?\d$/.test(value)) return Number(value);
  }
  return null;
}

function ruleNameOf(event: TraceEvent): string {
  const mep = readMep(event.data);
  const fromData = mep.get('RuleName') ?? mep.get('TransportRuleName') ?? mep.get('ETRName');
  const quoted = /'([^']{1,200})'/.exec(event.description)?.[1];
  return fromData ?? quoted ?? 'a mail flow rule';
}

function verdictOf(events: readonly TraceEvent[]): QuarantineVerdict {
  const text = events.map((event) => `${event.event} ${event.description} ${event.data}`).join(' ').toLowerCase();
  if (/high[\s-]?confidence[\s-]?phish|\bhphish\b|cat:hphsh/.test(text)) return 'high-confidence-phish';
  if (/malware|cat:malw/.test(text)) return 'malware';
  if (/phish|cat:phsh/.test(text)) return 'phish';
  if (/\bbulk\b|cat:bulk/.test(text)) return 'bulk';
  if (/transport rule|mail flow rule/.test(text)) return 'transport-rule';
  if (/spam|cat:spm/.test(text)) return 'spam';
  return 'unknown';
}

/** Why a failure happened, from the event that failed and the events before it. */
function stopPointOf(events: readonly TraceEvent[], failure: TraceEvent, status: string | null, remoteHost: string | null): StopPoint {
  const ruleEvent = events.find((event) => eventIs(event, 'Transport rule', 'TransportRule'));
  if (ruleEvent && /reject|block|delete/i.test(`${ruleEvent.description} ${failure.description}`)) return { kind: 'transport-rule', rule: ruleNameOf(ruleEvent) };
  if (status && /^5\.1\.(1|10|0)$/.test(status) && /RESOLVER|recipient not found|does not exist|unknown/i.test(failure.description))
    return { kind: 'recipient' };
  const connector = readMep(failure.data).get('OutboundConnector') ?? /connector '([^']{1,200})'/i.exec(failure.description)?.[1] ?? null;
  if (connector || /certificate|TLS|smart ?host/i.test(failure.description)) return { kind: 'connector', connector };
  if (remoteHost || /remote server|Remote host/i.test(failure.description)) return { kind: 'remote', host: remoteHost };
  if (eventIs(failure, 'Drop') || /filter/i.test(failure.description)) return { kind: 'filtering' };
  return { kind: 'unknown' };
}

function summarise(event: TraceEvent): string {
  const { led } = readLastError(event.description);
  const text = led ?? event.description;
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * Reads a message's trace events into what happened and where it stopped. Events are sorted by time first:
 * Graph returns them in order, but nothing guarantees it.
 */
export function interpretDelivery(message: TraceMessage, events: readonly TraceEvent[]): DeliveryReading {
  const sorted = [...events].sort((a, b) => Date.parse(a.dateTime) - Date.parse(b.dateTime));
  const timeline = sorted.map((event) => ({ at: event.dateTime, event: event.event, summary: summarise(event) }));
  return { story: storyOf(message, sorted), timeline };
}

function storyOf(message: TraceMessage, events: readonly TraceEvent[]): DeliveryStory {
  const last = <T>(items: readonly T[]) => items[items.length - 1];
  const failure = last(events.filter((event) => eventIs(event, 'Fail')));
  if (failure) {
    const { led, fqdn } = readLastError(failure.description);
    const diagnostic = led ?? failure.description;
    const codes = codesOf(diagnostic);
    const replyFromData = Number(readMep(failure.data).get('ReturnCode'));
    const remoteHost = fqdn ?? /OutboundProxyTargetHostName:\s*([A-Za-z0-9.-]+\.[A-Za-z]{2,})/.exec(failure.description)?.[1] ?? null;
    return {
      outcome: 'failed',
      at: failure.dateTime,
      status: codes.status,
      replyCode: codes.replyCode ?? (Number.isFinite(replyFromData) && replyFromData > 0 ? replyFromData : null),
      diagnostic: diagnostic.trim(),
      stoppedBy: stopPointOf(events, failure, codes.status, remoteHost),
    };
  }
  const quarantine = last(events.filter((event) => eventIs(event, 'Quarantine')));
  if (quarantine || traceStatusOf(message) === 'quarantined') {
    const related = events.filter((event) => eventIs(event, 'Quarantine', 'Spam', 'Malware', 'Transport rule', 'Phish'));
    const ruleEvent = related.find((event) => eventIs(event, 'Transport rule'));
    return {
      outcome: 'quarantined',
      at: quarantine?.dateTime ?? message.receivedDateTime,
      verdict: verdictOf(related.length > 0 ? related : events),
      rule: ruleEvent ? ruleNameOf(ruleEvent) : null,
      scl: levelOf(events, 'SCL'),
    };
  }
  const delivery = last(events.filter((event) => eventIs(event, 'Deliver')));
  if (delivery) {
    const folder = readMep(delivery.data).get('DeliveryFolder') ?? delivery.description;
    const junk = /junk/i.test(folder);
    const where = junk ? 'junk' : /inbox|successfully delivered/i.test(folder) ? 'inbox' : 'unknown';
    return { outcome: 'delivered', at: delivery.dateTime, folder: where, scl: levelOf(events, 'SCL'), bcl: levelOf(events, 'BCL') };
  }
  const sent = last(events.filter((event) => eventIs(event, 'Send', 'Send external', 'Transfer')));
  if (sent && traceStatusOf(message) === 'delivered') return { outcome: 'delivered', at: sent.dateTime, folder: 'unknown', scl: levelOf(events, 'SCL'), bcl: levelOf(events, 'BCL') };
  const deferrals = events.filter((event) => eventIs(event, 'Defer'));
  if (deferrals.length > 0) {
    const latest = last(deferrals);
    const { led, fqdn } = readLastError(latest.description);
    const diagnostic = (led ?? latest.description).trim();
    const codes = codesOf(diagnostic);
    return {
      outcome: 'deferred',
      attempts: deferrals.length,
      firstAt: deferrals[0].dateTime,
      lastAt: latest.dateTime,
      status: codes.status,
      replyCode: codes.replyCode,
      diagnostic,
      remoteHost: fqdn,
    };
  }
  const drop = last(events.filter((event) => eventIs(event, 'Drop')));
  if (drop) return { outcome: 'dropped', at: drop.dateTime, diagnostic: drop.description };
  if (traceStatusOf(message) === 'filteredAsSpam') return { outcome: 'junked', at: message.receivedDateTime, scl: levelOf(events, 'SCL'), bcl: levelOf(events, 'BCL') };
  const expand = last(events.filter((event) => eventIs(event, 'Expand')));
  if (expand) return { outcome: 'expanded', at: expand.dateTime };
  const status = traceStatusOf(message);
  if (status === 'pending' || status === 'gettingStatus') return { outcome: 'pending', since: message.receivedDateTime };
  if (status === 'delivered') return { outcome: 'delivered', at: message.receivedDateTime, folder: 'unknown', scl: levelOf(events, 'SCL'), bcl: levelOf(events, 'BCL') };
  return { outcome: 'unknown' };
}
