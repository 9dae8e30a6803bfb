import type { CheckFinding } from '../../model/check-finding';
import type { Hop, HopTimeline } from './received';

/** "2 h 31 min", "4 min 5 s", "12 s": how a person says a delay. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/**
 * Where a message sat during a hop's delay: on the server that stamped the previous hop (it had the message until
 * the next server stamped it). Patterns are checked in order; the first that matches the holding server wins.
 */
interface HoldPlace {
  readonly pattern: RegExp;
  readonly where: string;
  readonly why: string;
  /** Inside Microsoft 365, where the tenant's message trace shows what happened during the wait. */
  readonly microsoft?: true;
}

const HOLD_PLACES: readonly HoldPlace[] = [
  { pattern: /\.(?:mail\.)?protection\.outlook\.com$|^[a-z0-9]+\.eop-[a-z0-9-]+\./i, where: 'inside Exchange Online Protection', why: 'it was held for filtering', microsoft: true },
  { pattern: /\.(?:prod\.)?outlook\.com$|\.outlook\.office365\.com$/i, where: 'inside Exchange Online', why: 'it was queued between Microsoft 365 servers (transport queue or mailbox delivery)', microsoft: true },
  { pattern: /(?:^|\.)google\.com$|(?:^|\.)googlemail\.com$|^(?:2002|2001):/i, where: "on Google's servers", why: 'it was queued at Gmail or Google Workspace' },
  { pattern: /amazonses\.com$|amazonaws\.com$/i, where: 'inside Amazon SES', why: 'it was queued at the sending service' },
  { pattern: /^\[?(?:10\.|127\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|fe80:|::1)|^localhost$|\.(?:local|lan|internal|corp|localdomain)$/i, where: "inside the sender's own network", why: "it was queued before it left the sender's organisation (outbound queue, relay or antivirus)" },
];

/** The server that had the message during a hop's delay, and what kind of place it is. */
function holderOf(hops: readonly Hop[], hop: Hop): { holder: string | null; place: HoldPlace | undefined } {
  const previous = hops.find((candidate) => candidate.index === hop.index - 1);
  const holder = previous?.by ?? hop.from;
  return { holder, place: holder ? HOLD_PLACES.find((candidate) => candidate.pattern.test(holder)) : undefined };
}

export function describeHold(hops: readonly Hop[], hop: Hop): string {
  const { holder, place } = holderOf(hops, hop);
  const duration = formatDuration(hop.delaySeconds ?? 0);
  if (place) return `${duration} ${place.where}: ${place.why}`;
  return `${duration} at ${holder ?? 'an unnamed server'}: the next server${hop.by ? ` (${hop.by})` : ''} took it only then (a queue, retries after a temporary failure, or greylisting)`;
}

export function slowestHop(hops: readonly Hop[]): Hop | null {
  let slowest: Hop | null = null;
  for (const hop of hops) {
    if (hop.index > 1 && hop.delaySeconds !== null && hop.delaySeconds > 0 && (!slowest || hop.delaySeconds > (slowest.delaySeconds ?? 0))) slowest = hop;
  }
  return slowest;
}

/** Delays worth a line of their own: a person notices a few minutes, and a quarter of an hour is a complaint. */
export const NOTICEABLE_SECONDS = 120;
const SLOW_SECONDS = 15 * 60;

export function timingFindings(timeline: HopTimeline): CheckFinding[] {
  const { hops } = timeline;
  const findings: CheckFinding[] = [];
  if (hops.length === 0) {
    findings.push({ severity: 'warning', code: 'headers.no-received', message: 'No Received lines: the path and delays cannot be shown.', fix: 'Copy the full Internet headers (Outlook: File > Properties > Internet headers), not only From/To/Subject.' });
    return findings;
  }
  for (const [index, { seconds, after }] of timeline.rawDelays) {
    if (seconds >= 0) continue;
    const hop = hops[index - 1];
    findings.push({
      severity: 'warning',
      code: 'headers.clock-skew',
      message: `Hop ${index} (${hop.by ?? 'unknown server'}) is stamped ${formatDuration(-seconds)} before hop ${after}: the servers' clocks disagree, so its delay is shown as 0.`,
      fix: `Delays around hop ${index} are unreliable; the clock of ${hop.by ?? 'that server'} or of the previous one is off (check its NTP).`,
    });
  }
  const undated = hops.filter((hop) => hop.time === null).map((hop) => hop.index);
  if (undated.length > 0) {
    findings.push({ severity: 'info', code: 'headers.hop-without-time', message: `Hop${undated.length > 1 ? 's' : ''} ${undated.join(', ')} carr${undated.length > 1 ? 'y' : 'ies'} no readable time; ${undated.length > 1 ? 'their' : 'its'} delay is counted in the next dated hop.`, fix: null });
  }
  if (timeline.zoneAssumed.length > 0) {
    findings.push({ severity: 'info', code: 'headers.time-zone-assumed', message: `Hop${timeline.zoneAssumed.length > 1 ? 's' : ''} ${timeline.zoneAssumed.join(', ')} gave no time zone; UTC was assumed.`, fix: null });
  }
  const slowest = slowestHop(hops);
  if (slowest && (slowest.delaySeconds ?? 0) >= NOTICEABLE_SECONDS) {
    const slow = (slowest.delaySeconds ?? 0) >= SLOW_SECONDS;
    findings.push({
      severity: slow ? 'warning' : 'info',
      code: 'headers.slow-hop',
      message: `Hop ${slowest.index} took ${describeHold(hops, slowest)}.`,
      fix: holdFix(hops, slowest),
    });
  }
  return findings;
}

function holdFix(hops: readonly Hop[], hop: Hop): string {
  const { holder, place } = holderOf(hops, hop);
  if (place?.microsoft)
    return 'Run a message trace for this Message-ID to see the events Microsoft 365 logged during the wait; check the service health for a mail flow incident.';
  return `The delay is outside Microsoft 365: ask the owner of ${holder || 'that server'} to check its queue and logs for this Message-ID.`;
}
