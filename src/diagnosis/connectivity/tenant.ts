import { failed, ok, type Result } from '../../model/result';
import type { TraceMessage } from '../../model/trace';
import type { DnsResolver } from '../../sources/dns';
import { explainFailure, type TenantClients, type TenantFailure } from '../../sources/tenant';
import { dnsEvidenceFrom, tenantEvidenceFrom } from '../adapters';
import { codeAdvice } from '../code-advice';
import { diagnose } from '../runbook';
import type { TenantConnectivity } from './deps';
import type { TestMessage } from './test-message';

/** A tenant failure as one sentence with its advice, the way the cards show source problems. */
const sentence = (failure: TenantFailure): string => {
  const { summary, advice } = explainFailure(failure);
  return `${summary} ${advice}`.trim();
};

function lift<T>(result: Result<T, TenantFailure>, notFound: string): Result<T> {
  if (result.kind === 'ok') return result;
  return failed(result.kind === 'failed' ? sentence(result.reason) : notFound);
}

/** The Fail (or Defer/Drop) events of a failed message: the trace's own words for why it did not arrive. */
const FAILURE_EVENTS = /^(fail|drop|defer)/i;


/** What the diagnosis of a failed test message needs besides the tenant. */
export interface DiagnosisInputs {
  readonly dns: DnsResolver;
  readonly now: () => Date;
}

/** The runbook ("why did mail to X bounce?") run on the failed test message itself: its root cause and next steps. */
async function diagnoseTestMessage(clients: TenantClients, inputs: DiagnosisInputs, message: TestMessage): Promise<string[]> {
  const now = inputs.now();
  const start = new Date(Math.min(new Date(message.sentAt).getTime() - 5 * 60_000, now.getTime() - 60_000)).toISOString();
  const finding = await diagnose(
    { symptom: 'bounce', senders: [message.mailbox], recipients: [message.recipient], messageId: message.messageId, window: { start, end: now.toISOString() } },
    { tenant: tenantEvidenceFrom(clients), dns: dnsEvidenceFrom(inputs.dns, inputs.now), now, codeAdvice },
  );
  return [finding.rootCause, ...finding.nextSteps.slice(0, 3).map((step) => `Next: ${step}`)];
}

async function failEvents(clients: TenantClients, message: TestMessage): Promise<Result<readonly string[]>> {
  if (!message.traceId) return ok([]);
  const events = lift(await clients.graph.traceDetails(message.traceId, message.recipient), 'no trace details');
  if (events.kind !== 'ok') return events;
  return ok(events.value.filter((event) => FAILURE_EVENTS.test(event.event)).map((event) => `${event.event}: ${event.description}`));
}

/**
 * The connectivity tests' view of one tenant: connector rows from the Exchange admin API, sendMail and message trace
 * from Graph, and for a failed test message the diagnosis runbook (or, without DNS inputs, the trace's Fail events).
 */
export function tenantConnectivity(clients: TenantClients, inputs?: DiagnosisInputs): TenantConnectivity {
  return {
    connectors: {
      async run(cmdlet) {
        const output = await clients.exchange.invokeCommand(cmdlet);
        // A tenant without connectors answers with no rows; "not found" means the same thing here.
        if (output.kind === 'notFound') return ok([]);
        return output.kind === 'ok' ? ok(output.value.rows) : failed(sentence(output.reason));
      },
    },
    testMail: {
      async send({ mailbox, to, subject, body }) {
        return lift(await clients.graph.sendMail(mailbox, [to], subject, body), `the mailbox ${mailbox} does not exist`);
      },
      async findTrace({ recipient, subjectContains, start, end }) {
        // `fresh`: a test message is polled on purpose, so the 60 s answer cache would only hide its progress.
        const listed = await clients.graph.traceMessages({ window: { start, end }, recipientAddress: recipient, subjectContains, fresh: true });
        const rows = lift(listed, 'no message trace');
        if (rows.kind !== 'ok') return rows;
        return ok(rows.value.rows.map((row): TraceMessage => ({ ...row, status: row.status })));
      },
      async explainFailure(message) {
        if (!inputs) return failEvents(clients, message);
        try {
          return ok(await diagnoseTestMessage(clients, inputs, message));
        } catch {
          // The runbook is best effort here; the trace's own Fail event still says why.
          return failEvents(clients, message);
        }
      },
    },
  };
}
