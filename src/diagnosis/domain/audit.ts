import { domainToASCII } from 'node:url';
import { getDomain } from 'tldts';
import { auditDkim, MICROSOFT_SELECTORS, type DkimSelectorEvidence, type DkimSelectorReport } from '../../analyzers/dkim';
import { auditDmarc, isDmarcRecord, reportDomain, type DmarcPolicy } from '../../analyzers/dmarc';
import { auditMtaSts, isMtaStsRecord, type MtaStsPolicy } from '../../analyzers/mta-sts';
import { auditMx, type MxHost } from '../../analyzers/mx';
import { auditSpf, type SpfNode } from '../../analyzers/spf';
import { bySeverity, type CheckFinding } from '../../model/check-finding';
import type { DomainCheck } from '../../model/intent';
import { createPolicyFetcher, isVoid, joinTxt, mtaStsPolicyUrl, withBudget, type DnsResolver, type PolicyFetcher } from '../../sources/dns';
import { gatherSpf } from './spf-tree';

export const ALL_CHECKS: readonly DomainCheck[] = ['spf', 'dkim', 'dmarc', 'mx', 'mta-sts'];

export interface DomainAuditOptions {
  readonly checks?: readonly DomainCheck[];
  /** DKIM selectors to check besides Microsoft 365's selector1 and selector2. */
  readonly selectors?: readonly string[];
  /** The tenant's initial domain (contoso.onmicrosoft.com), to write exact DKIM CNAME targets. */
  readonly tenantDomain?: string | null;
  readonly fetchPolicy?: PolicyFetcher;
  /** Overall DNS budget for the audit (default 10 s); per-query timeouts are the resolver's. */
  readonly budgetMs?: number;
}

export type CheckStatus = 'pass' | 'warning' | 'error';

export interface SpfReport {
  readonly records: readonly string[];
  readonly record: string | null;
  readonly lookups: number;
  readonly voidLookups: number;
  readonly tree: SpfNode | null;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

export interface DmarcReport {
  readonly record: string | null;
  readonly policy: DmarcPolicy | null;
  readonly subdomainPolicy: DmarcPolicy | null;
  readonly pct: number | null;
  readonly aspf: 'r' | 's' | null;
  readonly adkim: 'r' | 's' | null;
  readonly rua: readonly string[];
  readonly ruf: readonly string[];
  readonly inheritedFrom: string | null;
}

export interface MtaStsReport {
  readonly record: string | null;
  readonly id: string | null;
  readonly policyUrl: string | null;
  readonly policyStatus: number | null;
  readonly policy: MtaStsPolicy | null;
  /** What was looked at, in order, so a person can repeat it. */
  readonly checked: readonly string[];
}

export interface CorrectedRecord {
  readonly check: DomainCheck;
  readonly name: string;
  readonly type: 'TXT' | 'CNAME' | 'MX';
  readonly value: string;
}

/** The JSON of `mailflow-doctor domain`: one section per check run (null when not asked for). */
export interface DomainAudit {
  readonly domain: string;
  readonly checks: readonly DomainCheck[];
  readonly status: Partial<Record<DomainCheck, CheckStatus>>;
  readonly spf: SpfReport | null;
  readonly dkim: { readonly selectors: readonly DkimSelectorReport[] } | null;
  readonly dmarc: DmarcReport | null;
  readonly mx: { readonly hosts: readonly MxHost[]; readonly pointsToExchangeOnline: boolean | null } | null;
  readonly mtaSts: MtaStsReport | null;
  readonly findings: readonly CheckFinding[];
  readonly correctedRecords: readonly CorrectedRecord[];
}

/** A domain name as typed ("Contoso.com.", "https://contoso.com/"), normalised; null when it is not one. */
export function normaliseDomain(text: string): string | null {
  const typed = text.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/[/?#].*$/, '').replace(/^.*@/, '').replace(/\.$/, '');
  // Internationalised names (bücher.de) are looked up in their ASCII (punycode) form.
  const domain = /^[\x00-\x7f]*$/.test(typed) ? typed : domainToASCII(typed);
  if (domain.length > 253 || !/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/.test(domain)) return null;
  if (!/[a-z]/.test(domain.slice(domain.lastIndexOf('.') + 1))) return null;
  return domain;
}

async function txtRecords(resolver: DnsResolver, name: string, keep: (text: string) => boolean) {
  const answer = await resolver.query(name, 'TXT');
  if (answer.kind === 'temperror') return { records: [] as string[], temporaryFailure: answer.message, void: false };
  return { records: answer.kind === 'ok' ? joinTxt(answer.records).filter(keep) : [], temporaryFailure: null, void: isVoid(answer) };
}

async function gatherMx(resolver: DnsResolver, domain: string) {
  const answer = await resolver.query(domain, 'MX');
  return auditMx({
    domain,
    records: answer.kind === 'ok' ? answer.records : [],
    answer: answer.kind,
    temporaryFailure: answer.kind === 'temperror' ? answer.message : null,
  });
}

async function gatherDmarc(resolver: DnsResolver, domain: string) {
  let found = await txtRecords(resolver, `_dmarc.${domain}`, isDmarcRecord);
  let inheritedFrom: string | null = null;
  const organizational = getDomain(domain);
  // RFC 7489 §6.6.3: with no record at the domain, the organizational domain's record applies.
  if (found.records.length === 0 && found.temporaryFailure === null && organizational && organizational !== domain) {
    const inherited = await txtRecords(resolver, `_dmarc.${organizational}`, isDmarcRecord);
    if (inherited.records.length > 0 || inherited.temporaryFailure) {
      found = inherited;
      inheritedFrom = organizational;
    }
  }
  const policyDomain = inheritedFrom ?? domain;
  const record = found.records.length === 1 ? found.records[0] : null;
  const uris = record ? [...new Set(record.split(';').flatMap((part) => (/^\s*ru[af]\s*=/i.test(part) ? part.slice(part.indexOf('=') + 1).split(',').map((uri) => uri.trim()) : [])))] : [];
  // RFC 7489 §7.1: a report address outside the organizational domain must authorise the policy domain.
  const reportAuthorization = await Promise.all(
    uris.filter((uri) => /^mailto:/i.test(uri)).map(async (uri) => {
      const target = reportDomain(uri);
      if ((getDomain(target) ?? target) === (getDomain(policyDomain) ?? policyDomain)) return { uri, authorized: true };
      const answer = await txtRecords(resolver, `${policyDomain}._report._dmarc.${target}`, (text) => /^v=DMARC1/i.test(text.trim()));
      return { uri, authorized: answer.temporaryFailure ? null : answer.records.length > 0 };
    }),
  );
  return auditDmarc({ domain, records: found.records, inheritedFrom, reportAuthorization, temporaryFailure: found.temporaryFailure });
}

async function gatherDkimSelector(resolver: DnsResolver, domain: string, selector: string): Promise<DkimSelectorEvidence> {
  const name = `${selector}._domainkey.${domain}`;
  const [cname, txt] = await Promise.all([resolver.query(name, 'CNAME'), resolver.query(name, 'TXT')]);
  const record = txt.kind === 'ok' ? joinTxt(txt.records).find((text) => /(^|;)\s*(v=DKIM1|p=)/i.test(text)) ?? null : null;
  return {
    name: selector,
    cnameTarget: cname.kind === 'ok' ? cname.records[0] : null,
    record,
    temporaryFailure: txt.kind === 'temperror' ? txt.message : null,
  };
}

function statusOf(check: DomainCheck, findings: readonly CheckFinding[]): CheckStatus {
  const mine = findings.filter((item) => item.code.startsWith(`${check}.`));
  if (mine.some((item) => item.severity === 'error')) return 'error';
  if (mine.some((item) => item.severity === 'warning')) return 'warning';
  return 'pass';
}

/**
 * Audits a domain's mail DNS the way checkdmarc, MXToolbox and the Exchange admin center would together: every
 * check starts at once, and within SPF every independent lookup runs in parallel (see spf-tree.ts).
 */
export async function auditDomain(domainText: string, options: DomainAuditOptions, baseResolver: DnsResolver): Promise<DomainAudit> {
  const domain = normaliseDomain(domainText) ?? domainText.trim().toLowerCase();
  const checks = ALL_CHECKS.filter((check) => (options.checks && options.checks.length > 0 ? options.checks : ALL_CHECKS).includes(check));
  const resolver = withBudget(baseResolver, options.budgetMs ?? 10_000);
  const wants = (check: DomainCheck) => checks.includes(check);
  const selectors = [...new Set([...MICROSOFT_SELECTORS, ...(options.selectors ?? []).map((s) => s.trim().toLowerCase()).filter(Boolean)])];
  const fetchPolicy = options.fetchPolicy ?? createPolicyFetcher({ resolver });

  // MX is needed by SPF (Exchange Online include), DKIM and MTA-STS, so it is read even when not shown.
  const mxPromise = gatherMx(resolver, domain);
  const spfPromise = wants('spf') ? gatherSpf(resolver, domain) : null;
  const dmarcPromise = wants('dmarc') ? gatherDmarc(resolver, domain) : null;
  const dkimPromise = wants('dkim') ? Promise.all(selectors.map((selector) => gatherDkimSelector(resolver, domain, selector))) : null;
  const stsPromise = wants('mta-sts')
    ? (async () => {
        const txt = await txtRecords(resolver, `_mta-sts.${domain}`, isMtaStsRecord);
        if (txt.records.length === 0) return { txt, policy: null };
        const url = mtaStsPolicyUrl(domain);
        const fetched = await fetchPolicy(url);
        return {
          txt,
          policy: fetched.kind === 'ok' ? { url, status: fetched.status, body: fetched.body, failure: null } : { url, status: null, body: null, failure: fetched.reason },
        };
      })()
    : null;

  const mx = await mxPromise;
  const onExchange = mx.pointsToExchangeOnline;
  const findings: CheckFinding[] = [];
  const corrected: CorrectedRecord[] = [];
  const result: { -readonly [K in keyof DomainAudit]: DomainAudit[K] } = {
    domain, checks, status: {}, spf: null, dkim: null, dmarc: null, mx: null, mtaSts: null, findings: [], correctedRecords: [],
  };

  if (wants('mx')) {
    result.mx = { hosts: mx.hosts, pointsToExchangeOnline: mx.pointsToExchangeOnline };
    findings.push(...mx.findings);
  }
  if (spfPromise) {
    const gathered = await spfPromise;
    const audit = auditSpf({ domain, records: gathered.records, tree: gathered.tree, mxPointsToExchangeOnline: onExchange, temporaryFailure: gathered.temporaryFailure });
    let voids = 0;
    const count = (node: SpfNode | null) => {
      if (!node) return;
      voids += node.voidLookups;
      node.children.forEach(count);
    };
    count(gathered.tree);
    result.spf = {
      records: gathered.records,
      record: gathered.records.length === 1 ? gathered.records[0] : null,
      lookups: gathered.tree?.totalLookups ?? 0,
      voidLookups: voids,
      tree: gathered.tree,
      errors: audit.errors,
      warnings: audit.warnings,
    };
    findings.push(...audit.findings);
    if (audit.correctedRecord) corrected.push({ check: 'spf', name: domain, type: 'TXT', value: audit.correctedRecord });
  }
  if (dmarcPromise) {
    const audit = await dmarcPromise;
    const inheritedFrom = audit.findings.some((item) => item.code === 'dmarc.inherited') ? getDomain(domain) : null;
    result.dmarc = {
      record: audit.record?.text ?? null,
      policy: audit.record?.policy ?? null,
      subdomainPolicy: audit.record?.subdomainPolicy ?? null,
      pct: audit.record?.pct ?? null,
      aspf: audit.record?.aspf ?? null,
      adkim: audit.record?.adkim ?? null,
      rua: audit.record?.rua ?? [],
      ruf: audit.record?.ruf ?? [],
      inheritedFrom,
    };
    findings.push(...audit.findings);
    if (audit.correctedRecord) corrected.push({ check: 'dmarc', name: `_dmarc.${inheritedFrom ?? domain}`, type: 'TXT', value: audit.correctedRecord });
  }
  if (dkimPromise) {
    const audit = auditDkim({ domain, selectors: await dkimPromise, mxPointsToExchangeOnline: onExchange, tenantDomain: options.tenantDomain ?? null, parked: mx.isNull });
    result.dkim = { selectors: audit.selectors };
    findings.push(...audit.findings);
  }
  if (stsPromise) {
    const { txt, policy } = await stsPromise;
    const audit = auditMtaSts({ domain, records: txt.records, temporaryFailure: txt.temporaryFailure, policy, mxHosts: mx.hosts.map((host) => host.exchange) });
    const checked = [`TXT _mta-sts.${domain}: ${txt.temporaryFailure ?? (txt.records.length > 0 ? txt.records.join(' | ') : 'no STSv1 record')}`];
    if (policy) checked.push(`GET ${policy.url}: ${policy.failure ?? `HTTP ${policy.status}`}`);
    if (audit.policy) checked.push(`policy mode ${audit.policy.mode ?? '?'}, mx ${audit.policy.mx.join(', ') || 'none'}, against MX ${mx.hosts.map((host) => host.exchange).join(', ') || 'none'}`);
    result.mtaSts = {
      record: txt.records[0] ?? null,
      id: audit.id,
      policyUrl: policy?.url ?? null,
      policyStatus: policy?.status ?? null,
      policy: audit.policy,
      checked,
    };
    findings.push(...audit.findings);
  }
  result.findings = [...findings].sort(bySeverity);
  result.correctedRecords = corrected;
  result.status = Object.fromEntries(checks.map((check) => [check, statusOf(check, findings)]));
  return result;
}
