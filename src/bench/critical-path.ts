import type { SpfNode } from '../analyzers/spf';
import type { DomainAudit } from '../diagnosis/domain';

/**
 * The critical path of a diagnosis, derived from what the runbook does (src/diagnosis/runbook.ts), not measured:
 *   stage 1: service health ∥ accepted domains ∥ message trace list   — one Graph/Exchange latency
 *   stage 2: trace details of the examined messages, in parallel       — one latency, when any message was found
 *   stage 3: one layer check: an Exchange cmdlet (one latency each, pages are dependent) or a DNS audit of a domain
 *            (its longest chain of dependent DNS answers × the DNS latency).
 * Which stages a question goes through is read from the calls it made (counted on the emulator at one conversation).
 */

/** What one diagnosis asked of Microsoft 365 and DNS. */
export interface DiagnosisCalls {
  /** Graph requests by route (graph.messageTraces, graph.traceDetails, graph.healthOverviews …). */
  readonly graph: Readonly<Record<string, number>>;
  /** Exchange cmdlets by name (Get-AcceptedDomain, Get-Recipient …). */
  readonly cmdlets: Readonly<Record<string, number>>;
  /** The domain whose SPF/DKIM/DMARC the layer check audited, with its dependent DNS chain; null when none. */
  readonly dnsAudit: { readonly domain: string; readonly chain: number } | null;
}

/** Cmdlets read in stage 1 (in parallel with the trace list); every other read cmdlet is a stage-3 layer check. */
const STAGE_ONE_CMDLETS = new Set(['Get-AcceptedDomain']);

export interface CriticalPath {
  /** Sequential Graph/Exchange round trips. */
  readonly m365Stages: number;
  /** Sequential DNS answers. */
  readonly dnsChain: number;
  readonly ms: number;
}

export function criticalPath(calls: DiagnosisCalls, m365LatencyMs: number, dnsLatencyMs: number): CriticalPath {
  const details = calls.graph['graph.traceDetails'] ?? 0;
  const layerCmdlets = Object.entries(calls.cmdlets)
    .filter(([name]) => !STAGE_ONE_CMDLETS.has(name))
    .reduce((sum, [, count]) => sum + count, 0);
  const m365Stages = 1 + (details > 0 ? 1 : 0) + layerCmdlets;
  const dnsChain = calls.dnsAudit?.chain ?? 0;
  return { m365Stages, dnsChain, ms: m365Stages * m365LatencyMs + dnsChain * dnsLatencyMs };
}

/** Graph calls this diagnosis made, and the budget the issue sets: 1 + messages examined (one details call each). */
export function graphCallBudget(calls: DiagnosisCalls): { calls: number; messagesExamined: number; budget: number; within: boolean } {
  const total = Object.values(calls.graph).reduce((sum, count) => sum + count, 0);
  const messagesExamined = calls.graph['graph.traceDetails'] ?? 0;
  return { calls: total, messagesExamined, budget: 1 + messagesExamined, within: total <= 1 + messagesExamined };
}

/** SPF terms whose target is looked up after the record arrives (a, mx, exists: RFC 7208 §4.6.4). */
const LOOKUP_TERM = /(?:^|\s)[+\-~?]?(?:a|mx|exists)(?=[:/\s]|$)/i;

/**
 * The longest chain of dependent DNS answers in an SPF tree: the root TXT, each include/redirect one more, and a
 * record's a/mx/exists checks one more after the record itself.
 */
export function spfChain(tree: SpfNode | null): number {
  if (!tree) return 1;
  const walk = (node: SpfNode, depth: number): number => {
    const own = depth + (node.record && LOOKUP_TERM.test(node.record.replace(/^v=spf1/i, '')) ? 1 : 0);
    return Math.max(own, ...node.children.map((child) => walk(child, depth + 1)));
  };
  return walk(tree, 1);
}

/** Does a DMARC report address lie outside the policy domain, so its _report._dmarc record is read afterwards? */
function externalReports(audit: DomainAudit): boolean {
  const policyDomain = audit.dmarc?.inheritedFrom ?? audit.domain;
  const org = (domain: string) => domain.split('.').slice(-2).join('.');
  return [...(audit.dmarc?.rua ?? []), ...(audit.dmarc?.ruf ?? [])].some((uri) => {
    const target = uri.replace(/^mailto:/i, '').replace(/!.*$/, '').split('@')[1]?.toLowerCase();
    return target !== undefined && org(target) !== org(policyDomain);
  });
}

/**
 * The dependent DNS chain of the diagnosis's audit (SPF, DKIM and DMARC of one domain, all started together): the
 * longest of the SPF chain, DMARC (its record, the organizational domain's when inherited, then report
 * authorization) and one answer each for MX and the DKIM selectors.
 */
export function auditChain(audit: DomainAudit): number {
  const dmarc = audit.dmarc ? 1 + (audit.dmarc.inheritedFrom ? 1 : 0) + (externalReports(audit) ? 1 : 0) : 0;
  const spf = audit.spf ? spfChain(audit.spf.tree) : 0;
  return Math.max(1, spf, dmarc, audit.dkim ? 1 : 0);
}
