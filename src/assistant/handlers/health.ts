import { escapeCardText } from '../../cards/escape';
import { renderCard } from '../../cards/render';
import { cardReply, textReply, type Reply } from '../../model/reply';
import { explainFailure, type ServiceHealth, type ServiceHealthIssue } from '../../sources/tenant';
import type { Handler } from '../handler';

/** serviceHealthStatus values in words; Graph's casing varies, so lookups are lower-case. */
const STATUS_LABELS: Readonly<Record<string, string>> = {
  serviceoperational: 'Healthy', investigating: 'Investigating', restoringservice: 'Restoring service', verifyingservice: 'Verifying the fix',
  servicerestored: 'Restored', postincidentreviewpublished: 'Post-incident report published', servicedegradation: 'Service degradation',
  serviceinterruption: 'Service interruption', extendedrecovery: 'Extended recovery', falsepositive: 'False positive', investigationsuspended: 'Investigation suspended',
};
const statusLabel = (status: string): string => STATUS_LABELS[status.toLowerCase()] ?? status;

function when(iso: string | null, now: Date, timeZone: string): string {
  if (!iso) return 'unknown';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const minutes = Math.round((now.getTime() - at.getTime()) / 60_000);
  const ago = minutes < 60 ? `${minutes} min ago` : minutes < 48 * 60 ? `${Math.round(minutes / 60)} h ago` : `${Math.round(minutes / 1440)} days ago`;
  let zone = timeZone;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
  } catch {
    zone = 'UTC';
  }
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: zone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(at);
  return `${clock} (${ago})`;
}

/** The card and text for a health snapshot: mail-flow incidents and advisories first, with their IDs. */
export function healthReply(health: ServiceHealth, now: Date, timeZone: string): Reply {
  const mailFlow = health.activeIssues.filter((issue) => issue.affectsMailFlow);
  const other = health.activeIssues.filter((issue) => !issue.affectsMailFlow);
  const incidents = mailFlow.filter((issue) => issue.classification === 'incident');
  const headline = incidents.length > 0
    ? `Yes: ${incidents.length === 1 ? `incident ${incidents[0].id} is` : `${incidents.length} incidents are`} affecting Exchange Online mail flow right now.`
    : mailFlow.length > 0
      ? `Exchange Online is up, with ${mailFlow.length === 1 ? `advisory ${mailFlow[0].id}` : `${mailFlow.length} advisories`} about mail flow.`
      : 'No: Microsoft reports no open incident or advisory affecting Exchange Online mail flow.';
  const issueView = (issue: ServiceHealthIssue) => ({
    id: escapeCardText(issue.id, 40),
    classificationLabel: issue.classification === 'incident' ? 'Incident' : 'Advisory',
    statusLabel: statusLabel(issue.status),
    style: issue.classification === 'incident' ? 'attention' : 'warning',
    title: escapeCardText(issue.title, 300),
    impact: escapeCardText(issue.impactDescription, 600),
    feature: escapeCardText(issue.feature || issue.featureGroup || 'Exchange Online', 120),
    since: when(issue.startDateTime, now, timeZone),
    updated: when(issue.lastModifiedDateTime, now, timeZone),
    latestUpdate: issue.latestUpdate ? escapeCardText(issue.latestUpdate, 800) : '',
  });
  const nextStep = incidents.length > 0
    ? `Mail delays or failures that match the impact above are likely Microsoft's; tell affected users and follow ${incidents[0].id} rather than changing your configuration.`
    : 'If mail is still misbehaving, ask me about a specific message, e.g. "why did mail to bob@contoso.com bounce?".';
  const card = renderCard('health', {
    headline,
    headlineColor: incidents.length > 0 ? 'Attention' : mailFlow.length > 0 ? 'Warning' : 'Good',
    statusLabel: statusLabel(health.status),
    mailFlowIssues: mailFlow.map(issueView),
    otherIssues: other.slice(0, 10).map((issue) => ({ id: escapeCardText(issue.id, 40), title: escapeCardText(issue.title, 200) })),
    nextStep,
    footer: `Checked ${when(now.toISOString(), now, timeZone).replace(/ \(.*\)$/, '')} from Microsoft 365 service health (Microsoft Graph).`,
  });
  const text = [
    headline,
    `Service status: ${statusLabel(health.status)}.`,
    ...mailFlow.map((issue) => `- ${issue.id} (${issue.classification}, ${statusLabel(issue.status)}): ${issue.title}. Since ${when(issue.startDateTime, now, timeZone)}.`),
    ...(other.length > 0 ? [`Other open items: ${other.map((issue) => `${issue.id} ${issue.title}`).join('; ')}.`] : []),
    nextStep,
  ].join('\n');
  return cardReply(card, text, health);
}

/** "Is Exchange down?": open Exchange Online incidents and advisories affecting mail flow, from Graph service health. */
export const answerHealth: Handler = async (_request, turn, services) => {
  const clients = services.tenants.forTenant(turn.conversation.tenantId);
  if (clients.kind !== 'ok') {
    const reason = clients.kind === 'failed' ? explainFailure(clients.reason) : null;
    return textReply(`${reason?.summary ?? 'This tenant is not configured.'} ${reason?.advice ?? ''}`.trim());
  }
  const health = await clients.value.graph.exchangeHealth();
  if (health.kind !== 'ok') {
    const reason = health.kind === 'failed' ? explainFailure(health.reason) : null;
    return textReply(`I could not read Exchange Online service health. ${reason?.summary ?? ''} ${reason?.advice ?? ''}`.trim());
  }
  return healthReply(health.value, turn.now, turn.timeZone ?? 'UTC');
};
