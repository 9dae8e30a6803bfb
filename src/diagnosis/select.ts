import type { Symptom } from '../model/intent';
import { traceStatusOf, type TraceMessage } from '../model/trace';
import { domainOf, hhmm, plural } from './format';

/** At most this many messages get per-recipient details: each costs a Graph call from a quota of 100 per 5 minutes. */
export const MAX_MESSAGES_EXAMINED = 5;

const RELEVANT: Record<Symptom, (message: TraceMessage) => boolean> = {
  bounce: (message) => traceStatusOf(message) === 'failed',
  delay: (message) => ['pending', 'gettingStatus'].includes(traceStatusOf(message)),
  junk: (message) => ['filteredAsSpam', 'quarantined', 'delivered'].includes(traceStatusOf(message)),
  missing: () => true,
};

/** Newest first, the ones that match the symptom ahead of the rest; duplicates (same trace id and recipient) once. */
export function selectMessages(messages: readonly TraceMessage[], symptom: Symptom | null): TraceMessage[] {
  const seen = new Set<string>();
  const unique = messages.filter((message) => {
    const key = `${message.id}|${message.recipientAddress.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const newestFirst = unique.sort((a, b) => Date.parse(b.receivedDateTime) - Date.parse(a.receivedDateTime));
  if (!symptom) return newestFirst;
  const matches = newestFirst.filter(RELEVANT[symptom]);
  return matches.length > 0 ? [...matches, ...newestFirst.filter((message) => !RELEVANT[symptom](message))] : newestFirst;
}

/** "3 of 4 messages to northwind.net failed since 09:00 UTC" — said when more than one message matched. */
export function groupSummary(messages: readonly TraceMessage[], primary: TraceMessage): string | null {
  if (messages.length < 2) return null;
  const status = traceStatusOf(primary);
  const sameStatus = messages.filter((message) => traceStatusOf(message) === status);
  const oldest = sameStatus.reduce((min, message) => (message.receivedDateTime < min ? message.receivedDateTime : min), primary.receivedDateTime);
  const recipientDomains = new Set(messages.map((message) => domainOf(message.recipientAddress)));
  const target = recipientDomains.size === 1 ? ` to ${[...recipientDomains][0]}` : '';
  const verb: Record<string, string> = {
    failed: 'failed', delivered: 'were delivered', pending: 'are still pending', quarantined: 'were quarantined', filteredAsSpam: 'were filtered as spam',
  };
  return `${sameStatus.length} of ${plural(messages.length, 'message')}${target} ${verb[status] ?? `have status ${status}`} since ${hhmm(oldest)}.`;
}
