import type { TraceMessage } from '../model/trace';

/** The layers of the mail-flow runbook, in the words an Exchange admin uses. */
export type Layer =
  | 'health' | 'recipient' | 'mailbox' | 'connector' | 'transport-rule' | 'spf' | 'dkim' | 'dmarc' | 'reputation'
  | 'quarantine' | 'remote' | 'delay' | 'not-found' | 'delivered';

export type EvidenceSource = 'service-health' | 'message-trace' | 'ndr-knowledge' | 'exchange-config' | 'directory' | 'dns' | 'quarantine';

/** One fact behind the answer, with where it came from and when it was true. */
export interface Evidence {
  readonly fact: string;
  readonly source: EvidenceSource;
  /** UTC ISO time of the fact (a trace event, a DNS answer), or null when it has none. */
  readonly at: string | null;
}

/** A follow-up the card offers: a question the user can send with one click, or a quarantine release request. */
export type FindingAction =
  | { readonly kind: 'ask'; readonly title: string; readonly question: string }
  | { readonly kind: 'request-release'; readonly title: string; readonly quarantineIdentity: string };

/** A source that could not be read, and what to do about it; the rest of the answer still stands. */
export interface SourceFailure {
  readonly source: EvidenceSource;
  readonly what: string;
  readonly advice: string;
}

export interface HealthNotice {
  readonly id: string;
  readonly title: string;
  readonly classification: string;
  readonly status: string;
  readonly startDateTime: string;
}

export interface Finding {
  readonly layer: Layer;
  /** One sentence a helpdesk engineer can read out to the user. */
  readonly rootCause: string;
  readonly confidence: 'high' | 'medium' | 'low';
  /** "3 of 4 messages to northwind.net failed with 5.7.509 since 09:00", when several messages were examined. */
  readonly summary: string | null;
  readonly evidence: readonly Evidence[];
  readonly nextSteps: readonly string[];
  readonly actions: readonly FindingAction[];
  /** An active Exchange Online incident or advisory, shown at the top whatever the layer. */
  readonly health: readonly HealthNotice[];
  readonly sourceFailures: readonly SourceFailure[];
  readonly messagesExamined: number;
  /** The message trace rows the runbook read, as Graph returned them: the "Export trace (CSV)" file. */
  readonly traceRows?: readonly TraceMessage[];
}
