import { escapeCardText, escapeTemplate } from '../../cards/escape';
import { renderCard } from '../../cards/render';
import { ALL_CHECKS, auditDomain, normaliseDomain, type CheckStatus, type DomainAudit } from '../../diagnosis/domain';
import type { SpfNode } from '../../analyzers/spf';
import type { CheckFinding } from '../../model/check-finding';
import type { DomainCheck } from '../../model/intent';
import { cardReply, textReply } from '../../model/reply';
import type { Handler } from '../handler';

/** Cards stay well under Teams' 28 KB: the tree and the findings are capped, the rest is in the JSON (`data`). */
const MAX_TREE_LINES = 30;
const MAX_FINDINGS = 10;

const CHECK_NAMES: Record<DomainCheck, string> = { spf: 'SPF', dkim: 'DKIM', dmarc: 'DMARC', mx: 'MX', 'mta-sts': 'MTA-STS' };
const STATUS_LOOK: Record<CheckStatus, { icon: string; color: string; word: string }> = {
  pass: { icon: '✅', color: 'Good', word: 'pass' },
  warning: { icon: '⚠️', color: 'Warning', word: 'warning' },
  error: { icon: '⛔', color: 'Attention', word: 'error' },
};
const SEVERITY_LOOK: Record<CheckFinding['severity'], { icon: string; color: string }> = {
  error: { icon: '⛔', color: 'Attention' },
  warning: { icon: '⚠️', color: 'Warning' },
  info: { icon: 'ℹ️', color: 'Default' },
};

/** One line per check: what is there when it passes, the main problem when it does not. */
function checkLine(check: DomainCheck, audit: DomainAudit): string {
  const problem = audit.findings.find((finding) => finding.code.startsWith(`${check}.`) && finding.severity !== 'info');
  if (problem) return problem.message;
  switch (check) {
    case 'spf':
      return audit.spf?.record ? `${audit.spf.record} (${audit.spf.lookups} of 10 lookups)` : 'no SPF record';
    case 'dkim': {
      const present = audit.dkim?.selectors.filter((selector) => selector.present) ?? [];
      return present.map((selector) => `${selector.name}${selector.bits ? ` (${selector.bits}-bit ${selector.keyType?.toUpperCase()})` : ''}`).join(', ') || 'no key found';
    }
    case 'dmarc':
      return audit.dmarc?.record ? `p=${audit.dmarc.policy}${audit.dmarc.inheritedFrom ? ` (inherited from ${audit.dmarc.inheritedFrom})` : ''}, reports to ${audit.dmarc.rua.map((uri) => uri.replace(/^mailto:/i, '')).join(', ') || 'nobody'}` : 'no record';
    case 'mx':
      return audit.mx?.hosts.map((host) => `${host.priority} ${host.exchange}${host.pointsToExchangeOnline ? ' (Exchange Online)' : ''}`).join(', ') || 'no MX';
    case 'mta-sts':
      return audit.mtaSts?.policy ? `mode ${audit.mtaSts.policy.mode}, max_age ${audit.mtaSts.policy.maxAge}` : 'not published (optional)';
  }
}

function treeLines(node: SpfNode, depth = 0, lines: { text: string; color: string }[] = []): { text: string; color: string }[] {
  const indent = depth === 0 ? '' : `${'   '.repeat(depth - 1)}└─ `;
  const via = node.via === 'root' ? '' : `${node.via}:`;
  const counts = node.record === null ? `  ✗ ${node.error === 'void' ? 'no such record (void lookup)' : node.error}` : `  own ${node.ownLookups}, total ${node.totalLookups}${node.voidLookups > 0 ? `, ${node.voidLookups} void` : ''}`;
  lines.push({ text: escapeTemplate(`${indent}${via}${node.domain}${counts}`), color: node.record === null || node.error ? 'Attention' : 'Default' });
  for (const child of node.children) treeLines(child, depth + 1, lines);
  return lines;
}

export function domainCardData(audit: DomainAudit) {
  const errors = audit.findings.filter((finding) => finding.severity === 'error').length;
  const warnings = audit.findings.filter((finding) => finding.severity === 'warning').length;
  const summary =
    errors + warnings === 0
      ? `All ${audit.checks.length === ALL_CHECKS.length ? '' : 'requested '}checks pass.`
      : `${errors > 0 ? `${errors} problem${errors > 1 ? 's' : ''} to fix` : ''}${errors > 0 && warnings > 0 ? ' and ' : ''}${warnings > 0 ? `${warnings} warning${warnings > 1 ? 's' : ''}` : ''}.`;
  const lines = audit.spf?.tree ? treeLines(audit.spf.tree) : [];
  const clipped = lines.length > MAX_TREE_LINES ? [...lines.slice(0, MAX_TREE_LINES), { text: `… ${lines.length - MAX_TREE_LINES} more`, color: 'Default' }] : lines;
  const shown = audit.findings.slice(0, MAX_FINDINGS);
  const others = audit.checks.length < ALL_CHECKS.length;
  return {
    domain: escapeCardText(audit.domain, 253),
    summary: escapeCardText(summary),
    checks: audit.checks.map((check) => {
      const status = audit.status[check] ?? 'pass';
      return { ...STATUS_LOOK[status], name: CHECK_NAMES[check], line: escapeCardText(`${STATUS_LOOK[status].word}: ${checkLine(check, audit)}`, 400) };
    }),
    hasTree: clipped.length > 0,
    treeTitle: escapeCardText(`SPF include tree: ${audit.spf?.lookups ?? 0} of 10 DNS lookups${audit.spf?.voidLookups ? `, ${audit.spf.voidLookups} void` : ''}`),
    treeLines: clipped,
    hasFindings: shown.length > 0,
    findings: shown.map((finding) => ({
      ...SEVERITY_LOOK[finding.severity],
      message: escapeCardText(finding.message, 600),
      fix: escapeCardText(finding.fix ?? '', 700),
      hasFix: Boolean(finding.fix),
      code: escapeCardText(finding.code, 80),
    })),
    hasRecords: audit.correctedRecords.length > 0,
    records: audit.correctedRecords.map((record) => ({
      title: escapeCardText(`Publish this ${record.type} record at ${record.name} (replacing the current one):`),
      value: escapeTemplate(record.value),
    })),
    hasNote: audit.findings.length > MAX_FINDINGS,
    note: escapeCardText(`${audit.findings.length - MAX_FINDINGS} more findings are in the full result (mailflow-doctor domain ${audit.domain}).`),
    allChecks: !others,
    allChecksQuestion: `check spf, dkim, dmarc, mx and mta-sts for ${audit.domain}`,
    againQuestion: `check ${audit.checks.join(', ')} for ${audit.domain}`,
  };
}

export function domainText(audit: DomainAudit): string {
  const lines = [`Domain check: ${audit.domain}`];
  for (const check of audit.checks) lines.push(`${CHECK_NAMES[check]}: ${audit.status[check]} — ${checkLine(check, audit)}`);
  if (audit.spf?.tree) lines.push('SPF include tree:', ...treeLines(audit.spf.tree).map((line) => `  ${line.text}`));
  for (const finding of audit.findings) lines.push(`[${finding.severity}] ${finding.code}: ${finding.message}${finding.fix ? ` Fix: ${finding.fix}` : ''}`);
  for (const record of audit.correctedRecords) lines.push(`Publish at ${record.name} (${record.type}): ${record.value}`);
  return lines.join('\n');
}

/** "check SPF for contoso.com": audits the first domain named, with the checks asked for (all when none). */
export const answerDomain: Handler = async (request, _turn, services) => {
  const domains = request.domains.map((domain) => normaliseDomain(domain)).filter((domain): domain is string => domain !== null);
  if (domains.length === 0) {
    return textReply('Which domain should I check? For example: "check SPF and DMARC for contoso.com".');
  }
  const checks = request.checks.length > 0 ? request.checks : ALL_CHECKS;
  const audit = await auditDomain(
    domains[0],
    { checks, tenantDomain: services.config.TENANT_DOMAIN ?? null, fetchPolicy: services.fetchMtaStsPolicy },
    services.dns,
  );
  const data = domainCardData(audit);
  if (domains.length > 1) data.summary += escapeCardText(` (I checked ${domains[0]}; ask again for ${domains.slice(1).join(', ')}.)`);
  return cardReply(renderCard('domain', data), domainText(audit), audit);
};
