/**
 * What the helpdesk asked, as the deterministic parser understood it. The shape is the JSON contract of
 * `mailflow-doctor intent`; the `intent` field discriminates which entities matter.
 */
export const INTENT_KINDS = [
  'trace', 'ndr', 'headers', 'code', 'domain', 'health', 'quarantine_list', 'quarantine_release',
  'smtp_test', 'ip_check', 'connector_check', 'test_message', 'thanks', 'help', 'unknown',
] as const;
export type IntentKind = (typeof INTENT_KINDS)[number];

export type Symptom = 'bounce' | 'missing' | 'delay' | 'junk';
export type DomainCheck = 'spf' | 'dkim' | 'dmarc' | 'mx' | 'mta-sts';

/** A closed UTC interval, ISO 8601. */
export interface TimeWindow {
  readonly start: string;
  readonly end: string;
}

export interface ParsedRequest {
  readonly intent: IntentKind;
  readonly symptom: Symptom | null;
  readonly senders: readonly string[];
  readonly recipients: readonly string[];
  readonly domains: readonly string[];
  readonly codes: readonly string[];
  readonly messageId: string | null;
  readonly quarantineId: string | null;
  readonly window: TimeWindow | null;
  readonly checks: readonly DomainCheck[];
  /** IP addresses named in the text (sending IP checks, trace filters). */
  readonly ips: readonly string[];
  /** The pasted block (an NDR or headers) with Teams HTML removed, when the intent is `ndr` or `headers`. */
  readonly pasted: string | null;
  /** Set when the request was completed from the conversation's previous question ("and yesterday?"). */
  readonly followUp: boolean;
}

export function emptyRequest(intent: IntentKind): ParsedRequest {
  return {
    intent, symptom: null, senders: [], recipients: [], domains: [], codes: [], messageId: null,
    quarantineId: null, window: null, checks: [], ips: [], pasted: null, followUp: false,
  };
}
