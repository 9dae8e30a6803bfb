/**
 * What the helpdesk asked, as the deterministic parser understood it. The shape is the JSON contract of
 * `mailflow-doctor intent`; the `intent` field discriminates which entities matter.
 */
export const INTENT_KINDS = [
  'trace', 'ndr', 'headers', 'code', 'domain', 'health', 'quarantine_list', 'quarantine_release',
  'smtp_test', 'ip_check', 'connector_check', 'test_message', 'thanks', 'help', 'unknown',
] as const;
export type IntentKind = (typeof INTENT_KINDS)[number];

const SMALL_TALK: ReadonlySet<IntentKind> = new Set(['thanks', 'help', 'unknown']);
/** Thanks, help and what was not understood: not a question about mail (no case opens, nothing to follow up on). */
export const isSmallTalk = (intent: IntentKind): boolean => SMALL_TALK.has(intent);

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
  /**
   * Inbound (mail reaching us) or outbound (mail we send), when the question says or implies it: "check their SPF"
   * after an outbound bounce means the recipient's domain. Optional: older stored requests lack it.
   */
  readonly direction?: Direction | null;
  /**
   * `window` split into the queries message trace accepts (≤ 10 days each, none starting more than 90 days ago),
   * newest first. Empty when nothing of the window can be searched. Absent when there is no window.
   */
  readonly queryWindows?: readonly TimeWindow[];
  /** Said to the person when `window` does not fit message trace's limits (split or partly too old); else null. */
  readonly windowNote?: string | null;
  /** Bare SMTP reply codes named without an enhanced code ("what does 550 mean?"): "550". */
  readonly replyCodes?: readonly string[];
}

export type Direction = 'inbound' | 'outbound';

/**
 * Every field, the optional ones too: a request is made by spreading this and overriding fields. Node 20's V8 gives a
 * spread copy a key it did not have through the runtime, about 0.5 µs a key; overriding a key it has costs nothing.
 */
export function emptyRequest(intent: IntentKind): ParsedRequest {
  return {
    intent, symptom: null, senders: [], recipients: [], domains: [], codes: [], messageId: null,
    quarantineId: null, window: null, checks: [], ips: [], pasted: null, followUp: false,
    direction: null, replyCodes: [], queryWindows: undefined, windowNote: null,
  } satisfies Record<keyof ParsedRequest, unknown>;
}
