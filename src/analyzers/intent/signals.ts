import type { DomainCheck, Symptom } from '../../model/intent';
import { phraseAt } from './roles';
import {
  CHECK_WORDS, CODE_PHRASES, CONNECTOR_PHRASES, DOMAIN_AUDIT_PHRASES, FOLLOW_UP_OPENERS, HEALTH_PHRASES, HELP_PHRASES, IP_CHECK_PHRASES,
  OUR_WORDS, PRODUCT_WORDS, QUARANTINE_WORDS, STATUS_WORDS, RELEASE_PHRASES, RELEASE_REFERENCES, SERVICE_WORDS, SMTP_TEST_PHRASES, SYMPTOM_PHRASES, TEST_MESSAGE_PHRASES,
  THANKS_FILLER, THANKS_PHRASES, THEIR_WORDS, TRACE_PHRASES,
} from './vocabulary';

/** What the words of a question point at, before any decision: each flag is one table of vocabulary.ts. */
export interface Signals {
  readonly symptom: Symptom | null;
  readonly checks: readonly DomainCheck[];
  readonly quarantine: boolean;
  readonly release: boolean;
  readonly releaseReference: boolean;
  readonly health: boolean;
  readonly serviceNamed: boolean;
  readonly smtpTest: boolean;
  readonly ipCheck: boolean;
  readonly connector: boolean;
  readonly testMessage: boolean;
  readonly codeWords: boolean;
  readonly audit: boolean;
  readonly trace: boolean;
  readonly strongTrace: boolean;
  readonly help: boolean;
  readonly thanks: boolean;
  readonly thanksOnly: boolean;
  readonly opener: boolean;
  readonly their: boolean;
  readonly our: boolean;
  readonly inbound: boolean;
  readonly outbound: boolean;
  /** Words that are not entities, fillers or follow-up openers: a bare "jane@contoso.com?" has none. */
  readonly contentWords: number;
}

/** A phrase table prepared for matching: single words in a set, longer phrases as word arrays. */
class PhraseTable {
  readonly singles: ReadonlySet<string>;
  readonly multi: readonly (readonly string[])[];
  constructor(phrases: readonly string[]) {
    this.singles = new Set(phrases.filter((phrase) => !phrase.includes(' ')));
    this.multi = phrases.filter((phrase) => phrase.includes(' ')).map((phrase) => phrase.split(' '));
  }
  matchAt(words: readonly string[], at: number): number {
    for (const phrase of this.multi) if (phraseAt(words, at, phrase)) return phrase.length;
    return this.singles.has(words[at]) ? 1 : 0;
  }
}

/**
 * Every phrase of every table under its first word. The tables a question hits are then found from the question's
 * side, one lookup per distinct word, instead of each table trying all of its phrases against the question.
 */
class PhraseIndex {
  private readonly byFirstWord = new Map<string, { table: PhraseTable; phrase: readonly string[] }[]>();
  constructor(tables: readonly PhraseTable[]) {
    for (const table of tables) {
      for (const single of table.singles) this.add(table, [single]);
      for (const phrase of table.multi) this.add(table, phrase);
    }
  }
  private add(table: PhraseTable, phrase: readonly string[]): void {
    const entries = this.byFirstWord.get(phrase[0]);
    if (entries) entries.push({ table, phrase });
    else this.byFirstWord.set(phrase[0], [{ table, phrase }]);
  }
  /** `positions`: where each word occurs. A phrase counts where it starts at one of them. */
  tablesHit(words: readonly string[], positions: ReadonlyMap<string, readonly number[]>): Set<PhraseTable> {
    const hit = new Set<PhraseTable>();
    for (const [word, at] of positions) {
      for (const { table, phrase } of this.byFirstWord.get(word) ?? []) {
        if (!hit.has(table) && (phrase.length === 1 || at.some((i) => phraseAt(words, i, phrase)))) hit.add(table);
      }
    }
    return hit;
  }
}

const table = (phrases: readonly string[]) => new PhraseTable(phrases);
const TABLES = {
  symptoms: SYMPTOM_PHRASES.map(([symptom, phrases]) => [symptom, table(phrases)] as const),
  checks: CHECK_WORDS.map(([check, phrases]) => [check, table(phrases)] as const),
  quarantine: table(QUARANTINE_WORDS),
  release: table(RELEASE_PHRASES),
  health: table(HEALTH_PHRASES),
  service: table(SERVICE_WORDS),
  product: table(PRODUCT_WORDS),
  status: table(STATUS_WORDS),
  smtpTest: table(SMTP_TEST_PHRASES),
  ipCheck: table(IP_CHECK_PHRASES),
  connector: table(CONNECTOR_PHRASES),
  testMessage: table(TEST_MESSAGE_PHRASES),
  code: table(CODE_PHRASES),
  audit: table(DOMAIN_AUDIT_PHRASES),
  trace: table(TRACE_PHRASES),
  strongTrace: table(['trace', 'traces', 'tracing', 'message trace', 'track', 'tracking', 'where is', 'find', 'search', 'locate']),
  help: table(HELP_PHRASES),
  thanks: table(THANKS_PHRASES),
  opener: table(FOLLOW_UP_OPENERS),
  their: table(THEIR_WORDS),
  our: table(OUR_WORDS),
  inbound: table(['inbound', 'incoming', 'external sender', 'from outside', 'from external', 'customer says', 'they sent', 'partner says', 'receive', 'receiving']),
  outbound: table(['outbound', 'outgoing', 'i sent', 'we sent', 'my email', 'my mail', 'my mails', 'my emails', 'my message', 'my messages', 'our emails to', 'our mail to']),
};

const INDEX = new PhraseIndex(Object.values(TABLES).flatMap((entry) => (entry instanceof PhraseTable ? [entry] : entry.map(([, phrases]) => phrases))));

const CHECK_FIRST_WORDS = new Map(CHECK_WORDS.map(([check, phrases]) => [check, [...new Set(phrases.map((phrase) => phrase.split(' ')[0]))]] as const));

const NOT_CONTENT = new Set([
  'and', 'what', 'about', 'how', 'same', 'for', 'also', 'now', 'then', 'ok', 'okay', 'but', 'or', 'the', 'a', 'an', 'please', 'pls',
  'check', 'too', 'as', 'well', 'again', 'with', 'try', 'do', 'that', 'this', 'it', 'them', 'is', 'are', 'was', 'from', 'to', 'by',
  'of', 'on', 'in', 'at', 'yesterday', 'today', 'instead', 'one', 'user', 'address', 'mailbox', 'can', 'you', 'u', 'hmm', 'so',
]);

export function readSignals(words: readonly string[]): Signals {
  // Where each word occurs, built once: a phrase is then tried only where its first word is (linear overall).
  const positions = new Map<string, number[]>();
  for (let i = 0; i < words.length; i += 1) {
    const list = positions.get(words[i]);
    if (list) {
      if (list.length < 64) list.push(i);
    } else positions.set(words[i], [i]);
  }
  const hit = INDEX.tablesHit(words, positions);
  const has = (phrases: PhraseTable) => hit.has(phrases);
  let symptom: Symptom | null = null;
  for (const [candidate, phrases] of TABLES.symptoms) {
    if (has(phrases)) {
      symptom = candidate;
      break;
    }
  }
  // Checks in the order they were named: "check mx and dkim" → ["mx", "dkim"].
  const named: { check: DomainCheck; at: number }[] = [];
  for (const [check, phrases] of TABLES.checks) {
    let first = -1;
    for (const word of CHECK_FIRST_WORDS.get(check) ?? []) {
      for (const at of positions.get(word) ?? []) if (phrases.matchAt(words, at) > 0 && (first < 0 || at < first)) first = at;
    }
    if (first >= 0) named.push({ check, at: first });
  }
  const checks = named.sort((a, b) => a.at - b.at).map((item) => item.check);
  const thanks = has(TABLES.thanks);
  const plainWords = words.filter((word) => !word.startsWith('@') || word === '@email');
  const thanksOnly = thanks && words.length <= 12 && plainWords.every((word) => THANKS_FILLER.has(word) || TABLES.thanks.matchAt([word], 0) > 0);
  const opener = words.length > 0 && TABLES.opener.matchAt(words, 0) > 0;
  const releaseReference = RELEASE_REFERENCES.some((word) => (positions.get(word) ?? []).some((at) => at > 0));
  let contentWords = 0;
  for (const word of words) if (!word.startsWith('@') && !NOT_CONTENT.has(word) && !/^\d+$/.test(word)) contentWords += 1;
  return {
    symptom,
    checks,
    quarantine: has(TABLES.quarantine),
    release: has(TABLES.release),
    releaseReference,
    health: has(TABLES.health) || (has(TABLES.product) && has(TABLES.status)),
    serviceNamed: has(TABLES.service),
    smtpTest: has(TABLES.smtpTest),
    ipCheck: has(TABLES.ipCheck),
    connector: has(TABLES.connector),
    testMessage: has(TABLES.testMessage),
    codeWords: has(TABLES.code),
    audit: has(TABLES.audit),
    trace: has(TABLES.trace),
    strongTrace: has(TABLES.strongTrace),
    help: has(TABLES.help),
    thanks,
    thanksOnly,
    opener,
    their: has(TABLES.their),
    our: has(TABLES.our),
    inbound: has(TABLES.inbound),
    outbound: has(TABLES.outbound),
    contentWords,
  };
}
