import { defaultTraceWindow, traceLimits } from '../analyzers/intent';
import { interpretDelivery, type DeliveryReading } from '../analyzers/trace';
import type { Symptom, TimeWindow } from '../model/intent';
import type { TraceMessage } from '../model/trace';
import type { DnsEvidence, Fetched, ServiceIssue, TenantEvidence, TraceQuery } from './evidence';
import type { Evidence, Finding, HealthNotice, SourceFailure } from './finding';
import { domainOf, utc } from './format';
import { explainReading, nearestAddress, type CodeAdvice, type LayerVerdict } from './layers';
import { groupSummary, MAX_MESSAGES_EXAMINED, selectMessages } from './select';

export interface DiagnosisQuestion {
  readonly symptom: Symptom | null;
  readonly senders: readonly string[];
  readonly recipients: readonly string[];
  readonly messageId: string | null;
  readonly window: TimeWindow | null;
}

export interface DiagnosisContext {
  readonly tenant: TenantEvidence;
  readonly dns: DnsEvidence;
  readonly now: Date;
  readonly codeAdvice: (status: string) => CodeAdvice | null;
}

/** An incident matters to this question when it is unresolved and about mail flow, not about, say, calendars. */
const MAIL_FLOW = /mail ?flow|e-?mail|deliver|transport|message|smtp|inbound|outbound|queue/i;

function healthNotices(issues: readonly ServiceIssue[]): HealthNotice[] {
  return issues
    .filter((issue) => !issue.isResolved && MAIL_FLOW.test(`${issue.feature} ${issue.featureGroup} ${issue.title}`))
    .map(({ id, title, classification, status, startDateTime }) => ({ id, title, classification, status, startDateTime }));
}

/** Graph filters on one value per property, so each sender × recipient pair (or the Message-ID) is its own query. */
function traceQueries(question: DiagnosisQuestion, chunks: readonly TimeWindow[]): TraceQuery[] {
  const queries: TraceQuery[] = [];
  for (const chunk of chunks) {
    if (question.messageId) {
      queries.push({ messageId: question.messageId, ...chunk });
      continue;
    }
    const senders = question.senders.length > 0 ? question.senders : [undefined];
    const recipients = question.recipients.length > 0 ? question.recipients : [undefined];
    for (const senderAddress of senders)
      for (const recipientAddress of recipients) queries.push({ senderAddress, recipientAddress, ...chunk });
  }
  return queries;
}

function problem(source: SourceFailure['source'], fetched: Fetched<unknown>): SourceFailure[] {
  return fetched.kind === 'failed' ? [{ source, what: fetched.reason.what, advice: fetched.reason.advice }] : [];
}

function traceEvidence(reading: DeliveryReading): Evidence[] {
  // The last few events tell the story; the full trace stays available in the export.
  return reading.timeline.slice(-4).map((entry) => ({ fact: `Trace ${utc(entry.at)}: ${entry.event} — ${entry.summary}`, source: 'message-trace', at: entry.at }));
}

function describeAsk(question: DiagnosisQuestion): string {
  if (question.messageId) return `message ${question.messageId}`;
  const from = question.senders.length > 0 ? ` from ${question.senders.join(', ')}` : '';
  const to = question.recipients.length > 0 ? ` to ${question.recipients.join(', ')}` : '';
  return `mail${from}${to}`;
}

async function explainNothingFound(
  question: DiagnosisQuestion,
  window: TimeWindow,
  context: DiagnosisContext,
  acceptedDomains: readonly string[],
): Promise<LayerVerdict> {
  const internal = [...question.recipients, ...question.senders].filter((address) => acceptedDomains.includes(domainOf(address)));
  const known = internal.length > 0 ? await context.tenant.recipients() : null;
  const suggestions = known?.kind === 'ok'
    ? internal.flatMap((address) => {
        const nearest = nearestAddress(address, known.value);
        const exists = known.value.some((recipient) => recipient.address.toLowerCase() === address.toLowerCase());
        return !exists && nearest ? [{ address, nearest }] : [];
      })
    : [];
  const typo = suggestions[0];
  return {
    layer: 'not-found',
    rootCause: typo
      ? `Message trace has no ${describeAsk(question)} between ${utc(window.start)} and ${utc(window.end)}, and ${typo.address} does not exist: did you mean ${typo.nearest}?`
      : `Message trace has no ${describeAsk(question)} between ${utc(window.start)} and ${utc(window.end)}.`,
    confidence: typo ? 'high' : 'medium',
    evidence: [{ fact: `Trace: 0 messages for ${describeAsk(question)} in the window`, source: 'message-trace', at: null }],
    nextSteps: [
      ...(typo ? [`Check the address: ${typo.nearest} exists, ${typo.address} does not.`] : []),
      'If the sender is one of ours: ask them to check Sent Items and the Outbox — the message may never have left.',
      'If the sender is external: ask them for the NDR they received, or for the time they sent it and their sending server.',
      'Widen the window ("in the last 7 days") if it was sent earlier.',
    ],
    actions: [{ kind: 'ask', title: 'Search the last 7 days', question: `trace ${describeAsk(question)} in the last 7 days` }],
    sourceFailures: known ? problem('directory', known) : [],
  };
}

/**
 * The Exchange Online mail-flow runbook, in order: service health, message trace, per-recipient details, the
 * status and events, then the layer the evidence points to. Independent reads run together; a source that
 * fails is named in the answer and the rest still stands.
 */
export async function diagnose(question: DiagnosisQuestion, context: DiagnosisContext): Promise<Finding> {
  // The same limits the parser states in `queryWindows`: ≤ 10 days per query, none older than 90 days.
  const asked = question.window ?? defaultTraceWindow(context.now);
  const plan = traceLimits(asked, context.now);
  const queries = traceQueries(question, plan.queryWindows);

  const [health, accepted, ...traces] = await Promise.all([
    context.tenant.serviceIssues(),
    context.tenant.acceptedDomains(),
    ...queries.map((query) => context.tenant.traceMessages(query)),
  ]);
  const notices = health.kind === 'ok' ? healthNotices(health.value) : [];
  const acceptedDomains = accepted.kind === 'ok' ? accepted.value.map((domain) => domain.toLowerCase()) : [];
  const failures: SourceFailure[] = [...problem('service-health', health), ...problem('exchange-config', accepted)];
  for (const trace of traces) failures.push(...problem('message-trace', trace));
  const messages: TraceMessage[] = traces.flatMap((trace) => (trace.kind === 'ok' ? [...trace.value] : []));
  const traceFailed = traces.length > 0 && traces.every((trace) => trace.kind === 'failed');
  const windowEvidence: Evidence[] = plan.windowNote ? [{ fact: plan.windowNote, source: 'message-trace', at: null }] : [];

  const layerContext = { tenant: context.tenant, dns: context.dns, acceptedDomains, codeAdvice: context.codeAdvice };
  const selected = selectMessages(messages, question.symptom);
  const examined = selected.slice(0, MAX_MESSAGES_EXAMINED);
  const details = await Promise.all(examined.map((message) => context.tenant.traceDetails(message)));
  for (const detail of details) failures.push(...problem('message-trace', detail));
  const readings = examined.map((message, index) => {
    const detail = details[index];
    return interpretDelivery(message, detail.kind === 'ok' ? detail.value : []);
  });

  let verdict: LayerVerdict;
  if (traceFailed) {
    verdict = {
      layer: notices.length > 0 ? 'health' : 'not-found',
      rootCause: 'I could not read message trace, so I cannot say what happened to this message.',
      confidence: 'low',
      evidence: [],
      nextSteps: ['Fix the message trace access named below, then ask again.', 'Meanwhile, an NDR pasted here can still be explained.'],
      actions: [],
      sourceFailures: [],
    };
  } else if (examined.length === 0) {
    verdict = await explainNothingFound(question, { start: plan.queryWindows.at(-1)?.start ?? asked.start, end: plan.queryWindows[0]?.end ?? asked.end }, context, acceptedDomains);
  } else {
    verdict = await explainReading(readings[0], examined[0], layerContext);
  }

  // Health leads when an incident can explain what we see: a delay, a pending message, or nothing in trace.
  const healthLeads = notices.length > 0 && ['delay', 'not-found', 'remote', 'health'].includes(verdict.layer);
  const leading: LayerVerdict = healthLeads
    ? {
        ...verdict,
        layer: 'health',
        rootCause: `An active Exchange Online ${notices[0].classification} (${notices[0].id}) is affecting mail flow: ${notices[0].title}. ${verdict.rootCause}`,
        nextSteps: [`Follow ${notices[0].id} in the Microsoft 365 admin center (Health > Service health); Microsoft is working on it.`, ...verdict.nextSteps],
      }
    : verdict;

  return {
    layer: leading.layer,
    rootCause: leading.rootCause,
    confidence: leading.confidence,
    summary: examined.length > 0 ? groupSummary(selected, examined[0]) : null,
    evidence: [
      ...notices.map((notice) => ({ fact: `Service health ${notice.id} (${notice.classification}, ${notice.status}): ${notice.title}`, source: 'service-health' as const, at: notice.startDateTime })),
      ...(readings[0] ? traceEvidence(readings[0]) : []),
      ...leading.evidence,
      ...windowEvidence,
    ],
    nextSteps: leading.nextSteps,
    actions: leading.actions,
    health: notices,
    sourceFailures: [...failures, ...leading.sourceFailures],
    messagesExamined: examined.length,
    traceRows: messages,
  };
}
