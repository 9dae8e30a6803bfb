import type { DomainCheck, IntentKind, ParsedRequest, TimeWindow } from '../../model/intent';
import type { ParseContext, Reading } from './index';
import { defaultTraceWindow, isoUtc } from './time';

/**
 * Completes a short follow-up from the conversation's previous request, the way a colleague would read it:
 * - "and yesterday?" / "same for last week": the same request with a new window;
 * - "what about jane@contoso.com?": the same request with that address in the role it replaces;
 * - "check their SPF": a domain check of the other party's domain (the recipient's for mail we sent, the sender's for
 *   mail we receive); "check our SPF" the opposite; "and dkim?" after a domain check, the same domain;
 * - "release it" / "is it quarantined?": the quarantine action on the previous message.
 * Returns null when the message stands on its own.
 */
export function completeFromPrevious(reading: Reading, previous: ParsedRequest, context: ParseContext): ParsedRequest | null {
  if (previous.intent === 'help' || previous.intent === 'unknown' || previous.intent === 'thanks') return null;
  const { request: own, signals, explicit } = reading;
  if (own.intent === 'ndr' || own.intent === 'headers' || own.intent === 'thanks' || own.intent === 'help' || own.intent === 'health') return null;
  const hasAddresses = own.senders.length + own.recipients.length > 0 || own.messageId !== null;
  const shifted = reading.shiftDays !== null && previous.window ? shiftWindow(previous.window, reading.shiftDays) : null;
  if (shifted && (own.intent === 'unknown' || !explicit)) return { ...carry(previous, previous.intent, context), window: shifted, followUp: true };
  const hasOwnWindow = windowNamed(reading);
  const short = signals.contentWords <= 4;

  switch (own.intent) {
    case 'domain':
      if (own.domains.length > 0) {
        if (explicit || !short) return null;
        // "what about litware.com" after a domain check: the same checks on the new domain.
        return { ...carry(previous, 'domain', context), domains: own.domains, checks: previous.intent === 'domain' ? previous.checks : [], followUp: true };
      }
      return {
        ...carry(previous, 'domain', context),
        domains: relevantDomains(previous, signals.our && !signals.their ? 'ours' : 'theirs'),
        checks: own.checks.length > 0 ? own.checks : previous.intent === 'domain' ? previous.checks : ([] as DomainCheck[]),
        followUp: true,
      };
    case 'quarantine_release':
    case 'quarantine_list':
      if (hasAddresses || own.quarantineId) return null;
      return { ...carry(previous, own.intent, context), window: own.window ?? previous.window, followUp: true };
    case 'code':
      if (explicit || !short) return null;
      return { ...carry(previous, 'code', context), codes: own.codes, followUp: true };
    case 'unknown':
      if (!hasOwnWindow && !signals.opener) return null;
      if (!hasOwnWindow && signals.contentWords > 0) return null;
      return { ...carry(previous, previous.intent, context), window: own.window ?? previous.window, followUp: true };
    default:
      break;
  }
  // A trace-like message: its own when it names its intent and its people; a follow-up when it only adds to the last one.
  const standsAlone = explicit && (hasAddresses || own.domains.length > 0) && !(signals.opener && short);
  if (standsAlone || (!signals.opener && !short)) return null;
  if (own.intent !== 'trace' && own.intent !== previous.intent) return null;
  if (!hasAddresses && !hasOwnWindow && own.domains.length === 0 && !explicit) return null;
  const intent = keepsIntent(previous.intent) ? previous.intent : own.intent;
  const merged: ParsedRequest = {
    ...carry(previous, intent, context),
    window: hasOwnWindow ? own.window : previous.window ?? (intent === 'trace' ? defaultTraceWindow(context.now) : null),
    symptom: intent === 'trace' ? own.symptom ?? previous.symptom : null,
    domains: own.domains.length > 0 ? own.domains : previous.domains,
    codes: own.codes.length > 0 ? own.codes : previous.codes,
    followUp: true,
  };
  if (own.messageId) return { ...merged, messageId: own.messageId };
  return replaceAddresses(merged, reading);
}

function shiftWindow(window: TimeWindow, days: number): TimeWindow {
  const by = days * 24 * 3_600_000;
  return { start: isoUtc(Date.parse(window.start) + by), end: isoUtc(Date.parse(window.end) + by) };
}

function keepsIntent(intent: IntentKind): boolean {
  return intent !== 'code' && intent !== 'ndr' && intent !== 'headers';
}

/** True when the person named a time (not the trace default the reading filled in). */
function windowNamed(reading: Reading): boolean {
  return reading.windowNamed;
}

/** The previous request's people, message and window under a new intent. */
function carry(previous: ParsedRequest, intent: IntentKind, context: ParseContext): ParsedRequest {
  const fromPaste = previous.intent === 'ndr' || previous.intent === 'headers';
  return {
    ...previous,
    intent,
    symptom: intent === 'trace' ? previous.symptom : null,
    checks: intent === 'domain' ? previous.checks : [],
    pasted: intent === 'ndr' || intent === 'headers' ? previous.pasted : null,
    window: intent === 'trace' && (fromPaste || !previous.window) ? defaultTraceWindow(context.now) : previous.window,
    followUp: true,
  };
}

/**
 * "what about jane@contoso.com?": a new address takes the role its cue says ("from jane@…"), else the role of the
 * previous address on the same domain, else the only role the previous request had.
 */
function replaceAddresses(merged: ParsedRequest, reading: Reading): ParsedRequest {
  if (reading.roles.length === 0) return merged;
  const senders: string[] = [];
  const recipients: string[] = [];
  const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);
  for (const role of reading.roles) {
    let target = role.role;
    if (!role.strong) {
      const domain = domainOf(role.address);
      if (merged.senders.some((address) => domainOf(address) === domain)) target = 'sender';
      else if (merged.recipients.some((address) => domainOf(address) === domain)) target = 'recipient';
      else if (merged.senders.length > 0 && merged.recipients.length === 0) target = 'sender';
      else if (merged.recipients.length > 0 && merged.senders.length === 0) target = 'recipient';
    }
    (target === 'sender' ? senders : recipients).push(role.address);
  }
  return {
    ...merged,
    senders: senders.length > 0 ? senders : merged.senders,
    recipients: recipients.length > 0 ? recipients : merged.recipients,
  };
}

/** The domain "their"/"our" points at in the previous request. */
export function relevantDomains(previous: ParsedRequest, side: 'theirs' | 'ours'): string[] {
  if ((previous.intent === 'domain' || previous.intent === 'smtp_test' || previous.intent === 'connector_check') && previous.domains.length > 0) {
    return [...previous.domains];
  }
  const domainsOf = (addresses: readonly string[]) => [...new Set(addresses.map((address) => address.slice(address.lastIndexOf('@') + 1)))];
  const senderDomains = domainsOf(previous.senders);
  const recipientDomains = domainsOf(previous.recipients);
  // For mail we send, "their" side is the recipient; for mail we receive (or a pasted header block), the sender.
  const inbound = previous.direction === 'inbound' || (previous.direction == null && (previous.intent === 'headers' || previous.intent === 'quarantine_list' || previous.intent === 'quarantine_release'));
  const theirs = inbound ? senderDomains : recipientDomains;
  const ours = inbound ? recipientDomains : senderDomains;
  const [first, second] = side === 'theirs' ? [theirs, ours] : [ours, theirs];
  if (first.length > 0) return first;
  if (previous.domains.length > 0) return [...previous.domains];
  return second;
}
