import { isReason, type Reason } from '../../model/reason';
import { RETRIABLE_GUESS, classifyBounce, reasonForBounceCategory, reasonForRecipientDomain } from './classify';
import { typedValue } from './dsn';
import { explainCode, explainReason, explainStatus } from './explain';
import { headerValue } from './mime';
import { BOUNCE_SENDER, addressOf, readBounce, type Bounce } from './bounce';
import { draftsOf, type Draft } from './drafts';
import { lazy } from '../../ops/lazy';
import { exchangeReportingHost, firstAddress, labelValue, mayHold } from './scan';
import type { DeliveryAction, Explanation, NdrReport, NdrResult } from './types';
import { withLineFeeds } from '../strings';

export type { CodeExplanation, DeliveryAction, Explanation, ExplanationSource, NdrOrigin, NdrReport, NdrResult, WhoActs } from './types';
export { WHO_ACTS_LABEL } from './types';
export { explainCode, explainReason };

/**
 * The NDR analyzer's front door. `analyzeNdr` reads whatever a helpdesk pastes or attaches — an Exchange Online
 * NDR copied from Outlook (mangled by Teams or not), a raw RFC 3464 DSN, a whole bounce .eml from any MTA, a bare
 * SMTP reply — and says per recipient what failed, why (a Sisimai reason), and what to do. Pure and synchronous.
 */

/** Teams delivers at most ~28 KB and attachments are capped by the bot; beyond this we only read the start. */
const MAX_INPUT_CHARS = 2_000_000;

const NOT_NDR =
  'a non-delivery report (the whole bounce message, "Delivery has failed to these recipients…" or "Your message to … couldn\'t be delivered"), a delivery status notification (.eml), or an SMTP reply such as "550 5.1.1 User unknown"';

/** Wording that says delivery is still being retried (a delay warning, not a failure). */
const DELAYED_WORDS = /has been delayed|will be retried|will (?:continue to|keep) (?:try|retry)|still trying|not yet been delivered|delivery (?:is|was) delayed|still undelivered|temporarily deferred|will retry|delivery delayed|warning: could not send message/i;

/**
 * Classifies one draft into a result: the action it reports and the reason in the shared vocabulary. `delayedWording`
 * is asked only for a draft that names no action of its own (most DSNs do), so the whole text is rarely searched for it.
 */
function finish(draft: Draft, delayedWording: () => boolean, reportingHost: string | null): NdrResult {
  const status = draft.status;
  const action: DeliveryAction =
    draft.action ?? (status?.startsWith('2.') ? 'delivered' : (status === null || status.startsWith('4')) && delayedWording() ? 'delayed' : 'failed');
  let classified: Reason = draft.preset && isReason(draft.preset)
    ? draft.preset
    : classifyBounce({
        status, replyCode: draft.replyCode, diagnostic: draft.statusComment ? `${draft.diagnostic} (${draft.statusComment})` : draft.diagnostic, action, command: draft.command, diagnosticType: draft.diagnosticType,
        hosts: [draft.remoteHost, reportingHost], placeholderStatus: draft.placeholderStatus, recipient: draft.recipient,
      });
  // A service whose bounces always mean one thing decides only when the words themselves were inconclusive.
  const inconclusive = classified === 'onhold' || classified === 'undefined';
  // Built from the bounce's own prose because no server's reply was given: nothing to hold on to.
  if (draft.weak && classified === 'onhold') classified = 'undefined';
  const byDomain = inconclusive ? reasonForRecipientDomain(draft.recipient) : null;
  // The sending MTA's own category settles what the words leave open (a retriable guess, or filtered vs unknown user).
  const byCategory = reasonForBounceCategory(draft.category);
  const open = inconclusive || classified === 'filtered' || RETRIABLE_GUESS.has(classified);
  const reason: Reason = byDomain ?? (byCategory && open ? byCategory : classified);
  return { recipient: draft.recipient, status, replyCode: draft.replyCode, reason, action, diagnostic: draft.diagnostic, remoteHost: draft.remoteHost };
}

const MICROSOFT_HOST = /(?:^|\.)(?:outlook\.com|office365\.com|outlook\.cn|microsoft\.com|office365\.us|exchangelabs\.com)$/i;
const MICROSOFT_WORDING = /More Info for Email Admins|Exchange Online|Office 365|Microsoft 365/i;

function reportingHostOf(bounce: Bounce, area: string): string | null {
  for (const status of bounce.dsn) {
    const reporting = typedValue(status.perMessage['reporting-mta']);
    if (reporting?.value) return reporting.value.replace(/\.$/, '').toLowerCase();
  }
  const exchange = exchangeReportingHost(area);
  if (exchange) return exchange;
  const from = addressOf(bounce.top ? headerValue(bounce.top, 'from') : null);
  if (from && BOUNCE_SENDER.test(from)) return from.slice(from.indexOf('@') + 1);
  return null;
}

function senderOf(bounce: Bounce, area: string): string | null {
  const original = addressOf(bounce.original ? headerValue(bounce.original, 'from') : null);
  if (original) return original;
  for (const status of bounce.dsn) {
    const fields = status.perMessage;
    const sender = addressOf(fields['x-postfix-sender'] ?? fields['x-original-sender'] ?? null);
    if (sender) return sender;
  }
  const exchange = labelValue(area, 'Sender Address:', 300);
  if (exchange) return firstAddress(exchange);
  return addressOf(bounce.top ? headerValue(bounce.top, 'to') : null);
}

const SUBJECT_PREFIX = /^(?:undeliverable|undelivered|unzustellbar|non remis|non recapitabile|no se puede entregar|delivery (?:delayed|failed|failure)|failed|returned mail|delayed|retard|not delivered)\s*:\s*(.+)$/i;

function subjectOf(bounce: Bounce, area: string): string | null {
  const original = bounce.original ? headerValue(bounce.original, 'subject') : null;
  if (original) return original;
  const details = indexOfDetails(area);
  if (details >= 0) {
    const subject = labelValue(area, 'Subject:', 500, details);
    if (subject) return subject;
  }
  const top = bounce.top ? headerValue(bounce.top, 'subject') : null;
  const prefixed = top ? SUBJECT_PREFIX.exec(top) : null;
  return prefixed ? prefixed[1].trim() : null;
}

function indexOfDetails(area: string): number {
  return mayHold(area, 'original message details') ? area.search(/Original Message Details/i) : -1;
}

/** Reads a pasted or attached NDR/DSN/bounce and explains it; never throws. */
export function analyzeNdr(text: string): NdrReport {
  return analyze(text, 0);
}

/** `depth` counts bounces forwarded inside bounces, which we follow at most twice. */
function analyze(text: string, depth: number): NdrReport {
  if (typeof text !== 'string' || text.trim().length === 0) return { kind: 'not-ndr', expected: NOT_NDR };
  const input = text.length > MAX_INPUT_CHARS ? text.slice(0, MAX_INPUT_CHARS) : text;
  let bounce: Bounce;
  let drafts: Draft[];
  try {
    bounce = readBounce(withLineFeeds(input));
    drafts = draftsOf(bounce, () => bounce.texts.join('\n').slice(0, 400_000) + '\n' + (bounce.top ? headerValue(bounce.top, 'subject') ?? '' : ''));
  } catch {
    // Garbage in must never become a stack trace; anything we cannot read is simply not an NDR.
    return { kind: 'not-ndr', expected: NOT_NDR };
  }
  if ((drafts.length === 0 || drafts.every((draft) => draft.weak)) && bounce.embedded && depth < 2) {
    const inner = analyze(bounce.embedded, depth + 1);
    if (inner.kind === 'ndr') return inner;
  }
  if (drafts.length === 0) return { kind: 'not-ndr', expected: NOT_NDR };
  const area = bounce.area;
  const delayedWording = lazy(() => DELAYED_WORDS.test(area.slice(0, 200_000)) || /delay/i.test(bounce.top ? headerValue(bounce.top, 'subject') ?? '' : ''));
  const reportingHost = reportingHostOf(bounce, area);
  const results = drafts.slice(0, 500).map((draft) => finish(draft, delayedWording, reportingHost));
  // Without a reporting host, Microsoft's wording is the only sign that Exchange Online wrote the bounce.
  const origin = (reportingHost ? MICROSOFT_HOST.test(reportingHost) : MICROSOFT_WORDING.test(area.slice(0, 200_000))) ? 'exchange-online' : 'remote';
  const main = results.find((result) => result.action === 'failed') ?? results.find((result) => result.action === 'delayed') ?? results[0];
  const { explanation } = explainStatus(main.status, main.diagnostic, main.reason, { recipient: main.recipient, remote: main.remoteHost });
  return { kind: 'ndr', results, reportingHost, sender: senderOf(bounce, area), subject: subjectOf(bounce, area), origin, explanation };
}

/** The plain-words explanation of one result (for cards that show several recipients). */
export function explainResult(result: NdrResult): Explanation {
  return explainStatus(result.status, result.diagnostic, result.reason, { recipient: result.recipient, remote: result.remoteHost }).explanation;
}

