import type { Token } from './tokens';
import { RECEIVES_AFTER, RECIPIENT_CUES, ROLE_FILLER, SENDER_CUES, SENDS_AFTER, WEAK_CUES } from './vocabulary';

/**
 * Who sent and who received, from the sentence's meaning: the word before an address ("mail to X", "from X", "sender
 * X"), else what the address does after it ("X can't send", "X never got", "X keeps getting NDRs"), else the other
 * party's opposite ("eve@… to lars@…"), else the symptom's usual reading (junk is about a sender).
 */

export type Role = 'sender' | 'recipient';

export interface AddressRole {
  readonly address: string;
  readonly role: Role;
  /** How sure the cue is: "from"/"to" are strong, "for"/"of" or a default are weak. */
  readonly strong: boolean;
  /** Said to be ours ("our info@…", "my mail from …"): the local side of the conversation. */
  readonly ours: boolean;
}

const BACK_WINDOW = 7;
const FORWARD_WINDOW = 6;
const BOUNCE_WORDS = new Set(['ndr', 'ndrs', 'bounce', 'bounces', 'bounced', 'bounceback', 'undeliverable', 'error', 'errors', 'rejection',
  'nondelivery', 'back', 'failure', 'dsn', 'an', 'a']);
const OUR_WORDS = new Set(['our', 'my', 'internal', 'we']);
const OBJECT_PRONOUNS = new Set(['her', 'him', 'them', 'me', 'us']);
const MAIL_NOUNS = new Set(['mail', 'mails', 'email', 'emails', 'message', 'messages', 'messsages', 'newsletter', 'invoices']);

const split = (phrases: readonly string[]) => phrases.map((phrase) => phrase.split(' '));
const SENDS = split(SENDS_AFTER);
const RECEIVES = split(RECEIVES_AFTER);

export function wordsOf(tokens: readonly Token[]): string[] {
  return tokens.map((token) => (token.kind === 'word' || token.kind === 'number' ? token.word : `@${token.kind}`));
}

export function phraseAt(words: readonly string[], at: number, phrase: readonly string[]): boolean {
  if (at + phrase.length > words.length) return false;
  for (let i = 0; i < phrase.length; i += 1) if (words[at + i] !== phrase[i]) return false;
  return true;
}

export function assignRoles(tokens: readonly Token[], words: readonly string[], defaultRole: Role, text: string): AddressRole[] {
  // A cue never reaches across a sentence: in "I'm Tom from IT. Our CFO kate@…", "from" is not about Kate.
  const boundaryAfter = (j: number) => {
    const token = tokens[j];
    const next = tokens[j + 1];
    if (/[.;]$/.test(token.raw) && token.kind === 'word') return true;
    if (!next) return false;
    const gap = text.slice(token.start + token.raw.length, next.start);
    return /[.!?;\n]/.test(gap);
  };
  const found: { address: string; role: Role | null; strong: boolean; ours: boolean; index: number }[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token.kind !== 'email' || token.bracketed && isMessageIdContext(words, i)) continue;
    const back = cueBefore(tokens, words, i, boundaryAfter);
    let role: Role | null = back.role;
    let strong = back.role !== null && back.strong;
    if (!strong) {
      const forward = cueAfter(words, i, boundaryAfter);
      if (forward) {
        role = forward;
        strong = true;
      }
    }
    found.push({ address: token.address, role, strong, ours: back.ours, index: i });
  }
  // "eve@… to lars@…" and "X … Y" where only one side has a cue: the other is the opposite party.
  const cued = found.filter((item) => item.role !== null);
  for (const item of found) {
    if (item.role !== null) continue;
    const other = cued.find((candidate) => candidate.address !== item.address);
    if (other && found.length === 2) item.role = other.role === 'sender' ? 'recipient' : 'sender';
    else item.role = defaultRole;
  }
  // One address, one role: its first cued mention wins (mailto links repeat the address).
  const byAddress = new Map<string, AddressRole>();
  for (const item of found) {
    const known = byAddress.get(item.address);
    if (!known || (!known.strong && item.strong)) {
      byAddress.set(item.address, { address: item.address, role: item.role!, strong: item.strong, ours: item.ours || (known?.ours ?? false) });
    }
  }
  return [...byAddress.values()];
}

function cueBefore(
  tokens: readonly Token[], words: readonly string[], at: number, boundaryAfter: (j: number) => boolean,
): { role: Role | null; strong: boolean; ours: boolean } {
  let ours = false;
  for (let j = at - 1; j >= Math.max(0, at - BACK_WINDOW); j -= 1) {
    if (boundaryAfter(j)) break;
    const word = words[j];
    if (word === '@email') break;
    if (OUR_WORDS.has(word)) ours = true;
    const verbLike = (word === 'email' || word === 'mail' || word === 'e-mail' || word === 'message') && (j !== at - 1 || isNoun(words, j));
    if (SENDER_CUES.has(word)) return { role: 'sender', strong: true, ours };
    // "the mails of X" are X's mails; "the inbox of X", "the trace of X" are about X receiving.
    if (word === 'of' && MAIL_NOUNS.has(words[j - 1])) return { role: 'sender', strong: false, ours };
    if (RECIPIENT_CUES.has(word) && !verbLike) return { role: 'recipient', strong: !WEAK_CUES.has(word), ours };
    // Outlook's "Ken Li <ken@…>": capitalised names sit between the cue and the address.
    const token = tokens[j];
    const capitalised = token.kind === 'word' && /^\p{Lu}/u.test(token.raw);
    if (ROLE_FILLER.has(word) || capitalised || verbLike) continue;
    break;
  }
  return { role: null, strong: false, ours };
}

/** "the email bob@…" is a noun; "can't email bob@…" and "emailing bob@…" are verbs. */
function isNoun(words: readonly string[], at: number): boolean {
  const before = words[at - 1];
  return before === undefined || ['the', 'an', 'a', 'our', 'my', 'this', 'that', 'from', 'by', 'his', 'her', 'their', 'whose'].includes(before);
}

function cueAfter(words: readonly string[], at: number, boundaryAfter: (j: number) => boolean): Role | null {
  if (words[at + 1] === 'to' && words[at + 2] === '@email') return 'sender';
  for (let k = at + 1; k <= Math.min(words.length - 1, at + FORWARD_WINDOW); k += 1) {
    if (boundaryAfter(k - 1)) break;
    if (words[k] === '@email' || words[k] === 'from' || words[k] === 'to' && k > at + 1 && words[k + 1] === '@email') break;
    for (const phrase of SENDS) {
      if (!phraseAt(words, k, phrase)) continue;
      // "kate@… says mail to her bounces": the pronoun is Kate, so she is the recipient.
      return phrase[phrase.length - 1] === 'to' && OBJECT_PRONOUNS.has(words[k + phrase.length]) ? 'recipient' : 'sender';
    }
    for (const phrase of RECEIVES) {
      if (!phraseAt(words, k, phrase)) continue;
      // "X got an NDR" is about X's own sent mail.
      for (let n = k + phrase.length; n < Math.min(words.length, k + phrase.length + 3); n += 1) {
        if (BOUNCE_WORDS.has(words[n]) && words[n] !== 'a' && words[n] !== 'an' && words[n] !== 'back') return 'sender';
      }
      return 'recipient';
    }
  }
  return null;
}

const MESSAGE_ID_CUES = new Set(['message-id', 'messageid', 'msgid', 'msg-id', 'internetmessageid', 'id', 'message_id', 'in-reply-to', 'references']);

/** `<CAF…@mail.gmail.com>` after "message id" is a Message-ID, not an address. */
export function isMessageIdContext(words: readonly string[], at: number): boolean {
  for (let j = at - 1; j >= Math.max(0, at - 3); j -= 1) if (MESSAGE_ID_CUES.has(words[j])) return true;
  return false;
}
