import {
  analyzeHeaders, antispamVerdict, authMeaning, describeHold, formatDuration, NOTICEABLE_SECONDS, senderDomain,
  type Alignment, type HeadersFound, type Hop,
} from '../../analyzers/headers';
import { escapeCardText, escapeTemplate } from '../../cards/escape';
import { fitsWithin, MAX_CARD_BYTES, renderCard } from '../../cards/render';
import type { CheckFinding } from '../../model/check-finding';
import { cardReply, textReply, type Reply } from '../../model/reply';
import type { Handler } from '../handler';

/**
 * A 60-hop block must still fit Teams' 28 KB: the first and last hops, then the slowest ones, the rest summarised.
 * Long host names and many findings can still overflow, so the card steps down to smaller layouts until it fits.
 */
interface Layout {
  readonly rows: number;
  readonly edgeRows: number;
  readonly findings: number;
  readonly textChars: number;
}
const LAYOUTS: readonly Layout[] = [
  { rows: 20, edgeRows: 5, findings: 12, textChars: 500 },
  { rows: 10, edgeRows: 3, findings: 6, textChars: 300 },
  { rows: 5, edgeRows: 2, findings: 3, textChars: 160 },
];
/** Room for the activity envelope around the card. */
const CARD_BUDGET = MAX_CARD_BYTES - 2048;
const BAR_WIDTH = 12;
const HOST_CHARS = 64;

export const answerHeaders: Handler = async (request, turn) => {
  const pasted = request.pasted ?? [turn.text, ...turn.attachments.map((attachment) => attachment.text)].join('\n\n');
  const report = analyzeHeaders(pasted);
  if (report.kind === 'no-headers') return textReply(report.expected);
  return headersReply(report);
};

export function headersReply(report: HeadersFound): Reply {
  let card = renderCard('headers', headersCardData(report, LAYOUTS[0]));
  for (const layout of LAYOUTS.slice(1)) {
    if (fitsWithin(card, CARD_BUDGET - 1)) break;
    card = renderCard('headers', headersCardData(report, layout));
  }
  return cardReply(card, headersText(report), report);
}

type Row =
  | { gap: false; label: string; route: string; time: string; bar: string; barColor: string; delay: string; delayWeight: string; style: string }
  | { gap: true; label: string };

const SEVERITY_LOOK: Record<CheckFinding['severity'], { icon: string; color: string }> = {
  error: { icon: '⛔', color: 'Attention' },
  warning: { icon: '⚠️', color: 'Warning' },
  info: { icon: 'ℹ️', color: 'Default' },
};

const ALIGNMENT_WORDS: Record<Alignment, string> = {
  aligned: 'aligned with the From domain',
  misaligned: 'NOT aligned with the From domain',
  failed: '',
  unknown: '',
};

/** The card's view of a report; every string that came from the message goes through escapeCardText. */
export function headersCardData(report: HeadersFound, layout: Layout = LAYOUTS[0]) {
  const slowest = report.slowestHop ? report.hops[report.slowestHop.index - 1] : null;
  const { rows, shown } = timelineRows(report.hops, slowest, layout);
  const chars = layout.textChars;
  const domain = senderDomain(report);
  const safeDomain = domain && /^[a-z0-9.-]{1,253}$/i.test(domain) ? domain : null;
  const safeMessageId = report.messageId && /^<?[^\s<>]{1,250}>?$/.test(report.messageId) ? report.messageId : null;
  const auth = authFacts(report);
  const antispam = Object.entries(report.antispam)
    .filter(([field]) => field !== 'SFS')
    .map(([field, entry]) => ({ title: escapeCardText(field), value: escapeCardText(`${entry.value} — ${entry.meaning}`, 300) }));
  const verdict = antispamVerdict(report.antispam);
  const fromLine = [report.from && `From ${report.from}`, report.to && `to ${report.to}`].filter(Boolean).join(' ');
  return {
    subject: escapeCardText(report.subject ?? '', 300),
    hasSubject: Boolean(report.subject),
    fromLine: escapeCardText(fromLine, 300),
    hasFromLine: fromLine.length > 0,
    summary: escapeCardText(summaryLine(report)),
    hasSlowest: slowest !== null,
    slowest: slowest ? escapeCardText(slowestLine(report, slowest), 600) : '',
    slowestStyle: slowest && (slowest.delaySeconds ?? 0) >= NOTICEABLE_SECONDS ? 'warning' : 'emphasis',
    hasFindings: report.findings.length > 0,
    findings: report.findings.slice(0, layout.findings).map((finding) => ({
      ...SEVERITY_LOOK[finding.severity],
      message: escapeCardText(finding.message, chars),
      fix: escapeCardText(finding.fix ?? '', chars),
      hasFix: Boolean(finding.fix),
    })),
    hasHops: report.hops.length > 0,
    rows,
    hasHopsNote: shown < report.hops.length,
    hopsNote: `Showing ${shown} of ${report.hops.length} hops: the first and last ${layout.edgeRows} and the slowest. The CLI (mailflow-doctor headers) lists them all.`,
    hasMoreFindings: report.findings.length > layout.findings,
    moreFindings: `${report.findings.length - layout.findings} more in the full report.`,
    hasAuth: auth.length > 0,
    auth,
    hasAntispam: antispam.length > 0,
    antispam,
    hasVerdict: verdict !== null,
    verdict: escapeCardText(verdict ?? '', 500),
    hasDomain: safeDomain !== null,
    checkDomain: escapeTemplate(`check spf dkim dmarc for ${safeDomain ?? ''}`),
    hasMessageId: safeMessageId !== null,
    traceMessage: escapeTemplate(`trace message id ${safeMessageId ?? ''}`),
  };
}

/** The plain reading of where it waited, kept for a wait a person would notice; a few seconds is just transit. */
function slowestLine(report: HeadersFound, slowest: Hop): string {
  if ((slowest.delaySeconds ?? 0) >= NOTICEABLE_SECONDS) return `Slowest: hop ${slowest.index}, ${describeHold(report.hops, slowest)}.`;
  return `Slowest: hop ${slowest.index}, ${formatDuration(slowest.delaySeconds ?? 0)}. No hop held the message up.`;
}

function summaryLine(report: HeadersFound): string {
  if (report.hops.length === 0) return 'No Received lines, so the path cannot be shown; the verdicts below come from the other fields.';
  const hops = `${report.hops.length} hop${report.hops.length === 1 ? '' : 's'}`;
  if (report.totalSeconds === null) return `${hops}; none carries a readable time.`;
  return `Delivered in ${formatDuration(report.totalSeconds)} over ${hops}.`;
}

function timelineRows(hops: readonly Hop[], slowest: Hop | null, layout: Layout): { rows: Row[]; shown: number } {
  const keep = new Set<number>();
  if (hops.length <= layout.rows) hops.forEach((hop) => keep.add(hop.index));
  else {
    if (slowest) keep.add(slowest.index);
    hops.slice(0, layout.edgeRows).forEach((hop) => keep.add(hop.index));
    hops.slice(-layout.edgeRows).forEach((hop) => keep.add(hop.index));
    const byDelay = [...hops].sort((a, b) => (b.delaySeconds ?? 0) - (a.delaySeconds ?? 0));
    for (const hop of byDelay) {
      if (keep.size >= layout.rows) break;
      keep.add(hop.index);
    }
  }
  const longest = Math.max(1, ...hops.map((hop) => hop.delaySeconds ?? 0));
  const rows: Row[] = [];
  let hidden = 0;
  let previousTime: string | null = null;
  for (const hop of hops) {
    // A hop stamped before the previous one shows 0 s; the row says why rather than hiding the clock problem.
    const clockOff = hop.time !== null && previousTime !== null && hop.time < previousTime;
    if (hop.time !== null) previousTime = hop.time;
    if (!keep.has(hop.index)) {
      hidden++;
      continue;
    }
    if (hidden > 0) rows.push({ gap: true, label: `⋯ ${hidden} hop${hidden === 1 ? '' : 's'} with short delays not shown` });
    hidden = 0;
    const isSlowest = slowest?.index === hop.index;
    const delay = hop.delaySeconds ?? null;
    const cells = delay && delay > 0 ? Math.max(1, Math.round((BAR_WIDTH * delay) / longest)) : 0;
    rows.push({
      gap: false,
      label: String(hop.index),
      route: `${escapeCardText(hop.from ?? '(unnamed)', HOST_CHARS)} → ${escapeCardText(hop.by ?? '(unnamed)', HOST_CHARS)}${hop.with ? ` · ${escapeCardText(hop.with, 40)}` : ''}`,
      time: hop.time ? hop.time.replace('T', ' ').replace('Z', ' UTC') : 'no time',
      bar: cells > 0 ? '█'.repeat(cells) : '·',
      barColor: isSlowest ? 'Attention' : 'Accent',
      delay: delay === null ? '?' : clockOff ? `${formatDuration(delay)} (clock off)` : formatDuration(delay),
      delayWeight: isSlowest ? 'Bolder' : 'Default',
      style: isSlowest ? 'warning' : 'default',
    });
  }
  if (hidden > 0) rows.push({ gap: true, label: `⋯ ${hidden} hop${hidden === 1 ? '' : 's'} not shown` });
  return { rows, shown: keep.size };
}

function authFacts(report: HeadersFound): { title: string; value: string }[] {
  const { auth } = report;
  const facts: { title: string; value: string }[] = [];
  const fact = (title: string, value: string) => facts.push({ title, value: escapeCardText(value, 400) });
  const worded = (result: string, meaning: string | null, extra: string) => [result, meaning && `— ${meaning}`, extra].filter(Boolean).join(' ');
  if (auth.spf) {
    const domain = auth.mailFromDomain ? `(envelope sender ${auth.mailFromDomain}${ALIGNMENT_WORDS[auth.alignment.spf] ? `, ${ALIGNMENT_WORDS[auth.alignment.spf]}` : ''})` : '';
    fact('SPF', worded(auth.spf, authMeaning('spf', auth.spf), domain));
  }
  if (auth.dkim) {
    // Each signature with its own verdict: a mailing list can break the author's signature and add its own.
    const signatures = report.dkimSignatures.filter((signature) => signature.domain).map((signature) => `${signature.domain} ${signature.result}`);
    const signed = signatures.length > 0 ? signatures : auth.dkimDomains;
    const domains = signed.length > 0 ? `(${signed.join(', ')}${ALIGNMENT_WORDS[auth.alignment.dkim] ? `; ${ALIGNMENT_WORDS[auth.alignment.dkim]}` : ''})` : '';
    fact('DKIM', worded(auth.dkim, authMeaning('dkim', auth.dkim), domains));
  }
  if (auth.dmarc) {
    const action = auth.dmarcAction ? ` action=${auth.dmarcAction}` : '';
    fact('DMARC', worded(`${auth.dmarc}${action}`, authMeaning('dmarc', auth.dmarc), auth.headerFromDomain ? `(From ${auth.headerFromDomain})` : ''));
  }
  if (auth.compauth) {
    const reason = auth.compauth.reason ? ` reason=${auth.compauth.reason}` : '';
    fact('Composite auth', worded(`${auth.compauth.result}${reason}`, auth.compauth.meaning, ''));
  }
  if (auth.arc) fact('ARC', worded(auth.arc, authMeaning('arc', auth.arc), ''));
  if (auth.spfClientIp) fact('Sending IP', auth.spfClientIp);
  return facts;
}

/** The same answer as plain text: notifications, the CLI's ask, screen readers. */
export function headersText(report: HeadersFound): string {
  const lines = [summaryLine(report)];
  const slowest = report.slowestHop ? report.hops[report.slowestHop.index - 1] : null;
  if (slowest) lines.push(slowestLine(report, slowest));
  const { auth } = report;
  lines.push(`SPF ${auth.spf ?? '-'}, DKIM ${auth.dkim ?? '-'}, DMARC ${auth.dmarc ?? '-'}${auth.compauth ? `, compauth ${auth.compauth.result}${auth.compauth.reason ? ` (${auth.compauth.reason})` : ''}` : ''}.`);
  const verdict = antispamVerdict(report.antispam);
  if (verdict) lines.push(verdict);
  for (const finding of report.findings) lines.push(`- ${finding.message}`);
  return lines.join('\n');
}
