import type { CheckFinding } from '../../model/check-finding';
import { allQualifier, isSpfRecord, parseSpfRecord, type SpfRecord, type SpfTerm } from './record';

/** RFC 7208 §4.6.4. */
export const SPF_LOOKUP_LIMIT = 10;
export const SPF_VOID_LIMIT = 2;
/** The include Microsoft documents for every domain that sends through Exchange Online. */
export const EXCHANGE_ONLINE_INCLUDE = 'spf.protection.outlook.com';

/** One SPF record in the include/redirect tree, with what it costs. */
export interface SpfNode {
  readonly domain: string;
  /** How the parent reached this record. */
  readonly via: 'root' | 'include' | 'redirect';
  readonly record: string | null;
  /** DNS-querying terms in this record itself. */
  readonly ownLookups: number;
  /** This record's lookups plus those of everything it includes or redirects to. */
  readonly totalLookups: number;
  /** Terms of this record whose DNS answer was empty (NXDOMAIN or no records). */
  readonly voidLookups: number;
  readonly voidTerms: readonly string[];
  /** Syntax errors, a missing record, or a lookup failure; null when the record is fine. */
  readonly error: string | null;
  readonly children: readonly SpfNode[];
}

export interface SpfAuditInput {
  readonly domain: string;
  /** Every TXT record of the domain that starts with v=spf1. */
  readonly records: readonly string[];
  readonly tree: SpfNode | null;
  /** Does the domain's MX point to Exchange Online? null when MX was not checked or not resolvable. */
  readonly mxPointsToExchangeOnline: boolean | null;
  /** A temporary DNS failure while reading the root TXT record. */
  readonly temporaryFailure: string | null;
}

export interface SpfAuditResult {
  readonly findings: readonly CheckFinding[];
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** The record to publish instead, when one can be computed. */
  readonly correctedRecord: string | null;
}

const finding = (severity: CheckFinding['severity'], code: string, message: string, fix: string | null): CheckFinding => ({ severity, code, message, fix });

function walk(node: SpfNode, visit: (node: SpfNode) => void): void {
  visit(node);
  node.children.forEach((child) => walk(child, visit));
}

/** Does the tree (or, without a tree, the record) include Exchange Online's SPF anywhere? */
function includesExchangeOnline(tree: SpfNode | null, record: SpfRecord | null): boolean {
  let found = false;
  if (tree) walk(tree, (node) => (found ||= node.domain.toLowerCase() === EXCHANGE_ONLINE_INCLUDE));
  return found || (record?.terms.some((term) => term.kind === 'mechanism' && term.mechanism === 'include' && term.value?.toLowerCase() === EXCHANGE_ONLINE_INCLUDE) ?? false);
}

const QUALIFIER_STRENGTH: Record<string, number> = { '-': 3, '~': 2, '?': 1, '+': 0 };

/**
 * Builds the one record to publish: the terms of every record (duplicates once, in order), Exchange Online's
 * include when mail goes out through it, and a single closing `all` that is never +all or ?all.
 */
export function correctedSpfRecord(records: readonly SpfRecord[], options: { addExchangeOnline: boolean }): string {
  const seen = new Set<string>();
  const mechanisms: string[] = [];
  const modifiers: string[] = [];
  let all: string | null = null;
  const add = (term: SpfTerm) => {
    const key = term.text.toLowerCase().replace(/^\+/, '');
    if (seen.has(key)) return;
    seen.add(key);
    if (term.kind === 'modifier') {
      if (term.name !== 'redirect' && term.name !== 'exp') modifiers.push(term.text);
    } else mechanisms.push(term.text.replace(/^\+/, ''));
  };
  for (const record of records) {
    for (const term of record.terms) {
      if (term.kind === 'mechanism' && term.mechanism === 'all') {
        if (all === null || QUALIFIER_STRENGTH[term.qualifier] > QUALIFIER_STRENGTH[all]) all = term.qualifier;
      } else add(term);
    }
  }
  if (options.addExchangeOnline && !seen.has(`include:${EXCHANGE_ONLINE_INCLUDE}`)) mechanisms.push(`include:${EXCHANGE_ONLINE_INCLUDE}`);
  const redirects = records.map((record) => record.redirect).filter((value): value is string => value !== null);
  // A redirect only applies without "all"; when merging, its target becomes an include so nothing is lost.
  for (const target of redirects) if (!seen.has(`include:${target.toLowerCase()}`)) mechanisms.push(`include:${target}`);
  const closing = all === null || all === '+' || all === '?' ? '~' : all;
  return ['v=spf1', ...mechanisms, ...modifiers, `${closing}all`].join(' ');
}

/** The heaviest includes, to say where the lookups go. */
function heaviest(tree: SpfNode): string {
  return [...tree.children]
    .sort((a, b) => b.totalLookups - a.totalLookups)
    .slice(0, 3)
    .map((child) => `${child.domain} (${child.totalLookups + 1})`)
    .join(', ');
}

/** Evaluates an SPF setup against RFC 7208 and what Exchange Online needs. Pure: the tree was gathered before. */
export function auditSpf(input: SpfAuditInput): SpfAuditResult {
  const findings: CheckFinding[] = [];
  const { domain, records, tree } = input;
  const parsed = records.map(parseSpfRecord);
  const onExchange = input.mxPointsToExchangeOnline === true;

  if (input.temporaryFailure) {
    findings.push(finding('warning', 'spf.lookup-failed', `The SPF record of ${domain} could not be read: ${input.temporaryFailure}.`, 'Check the domain\'s DNS servers answer, then run the check again.'));
    return summarise(findings, null);
  }
  if (records.length === 0) {
    const corrected = onExchange ? `v=spf1 include:${EXCHANGE_ONLINE_INCLUDE} -all` : null;
    findings.push(
      finding(
        'error',
        'spf.missing',
        `${domain} has no SPF record, so receivers cannot tell its real mail from forgeries; Exchange Online marks such mail as spoofed (compauth=fail).`,
        corrected
          ? `Publish a TXT record at ${domain}: ${corrected}`
          : `Publish a TXT record at ${domain} listing the servers that send its mail, e.g. "v=spf1 include:<your provider> -all", or "v=spf1 -all" if the domain sends no mail.`,
      ),
    );
    return summarise(findings, corrected);
  }

  let corrected: string | null = null;
  if (records.length > 1) {
    corrected = correctedSpfRecord(parsed, { addExchangeOnline: onExchange && !includesExchangeOnline(tree, null) && !parsed.some((record) => includesExchangeOnline(null, record)) });
    findings.push(
      finding(
        'error',
        'spf.multiple-records',
        `${domain} publishes ${records.length} SPF records. RFC 7208 §4.5 makes that a permanent error: every receiver treats SPF as failed (permerror).`,
        `Delete all ${records.length} records and publish one TXT record that combines them: ${corrected}`,
      ),
    );
  }

  const syntax: string[] = [];
  if (tree) walk(tree, (node) => node.record !== null && parseSpfRecord(node.record).errors.forEach((error) => syntax.push(node.via === 'root' ? error : `${node.domain}: ${error}`)));
  else parsed.forEach((record) => syntax.push(...record.errors));
  for (const error of syntax) {
    findings.push(finding('error', 'spf.syntax', `SPF syntax error: ${error}. Receivers return permerror for the whole record.`, 'Correct or remove the term; each term is separated by one space, e.g. "include:example.com", "ip4:192.0.2.0/24".'));
  }

  const missingTargets: string[] = [];
  if (tree) walk(tree, (node) => node !== tree && node.record === null && node.error !== null && missingTargets.push(`${node.via}:${node.domain} (${node.error})`));
  for (const target of missingTargets) {
    findings.push(finding('error', 'spf.broken-include', `The SPF record points to ${target}; evaluation of that term ends in permerror or temperror.`, 'Remove the term or fix the record it points to.'));
  }

  if (tree && tree.totalLookups > SPF_LOOKUP_LIMIT) {
    findings.push(
      finding(
        'error',
        'spf.too-many-lookups',
        `The SPF record of ${domain} needs ${tree.totalLookups} DNS lookups counting every include and redirect; the limit is ${SPF_LOOKUP_LIMIT} (RFC 7208 §4.6.4), so receivers return permerror and SPF fails. Most lookups: ${heaviest(tree)}.`,
        'Remove includes for services that no longer send for you, replace a:/mx:/ptr terms with ip4:/ip6: ranges, or move a sender to its own subdomain (e.g. news.' + domain + ') with its own SPF record.',
      ),
    );
  }
  let voids = 0;
  const voidTerms: string[] = [];
  if (tree) walk(tree, (node) => {
    voids += node.voidLookups;
    voidTerms.push(...node.voidTerms);
  });
  if (voids > SPF_VOID_LIMIT) {
    findings.push(
      finding('error', 'spf.void-lookups', `${voids} terms of the SPF record find nothing in DNS (${voidTerms.join(', ')}); more than ${SPF_VOID_LIMIT} void lookups is a permanent error (RFC 7208 §4.6.4).`, `Remove the terms that point to names without records: ${voidTerms.join(', ')}.`),
    );
  }

  const root = parsed.length === 1 ? parsed[0] : null;
  if (root) {
    // One record to publish that fixes everything computable at once: void terms dropped, a safe "all",
    // Exchange Online's include added. Each finding's fix quotes the same record.
    const rootVoids = new Set((tree?.voidTerms ?? []).map((term) => term.toLowerCase()));
    const kept: SpfRecord = { ...root, terms: root.terms.filter((term) => !rootVoids.has(term.text.toLowerCase().replace(/^\+/, ''))) };
    const missingExchange = onExchange && !includesExchangeOnline(tree, root);
    const fixed = correctedSpfRecord([kept], { addExchangeOnline: missingExchange });
    const qualifier = allQualifier(root);
    const permissive = qualifier === '+' || qualifier === '?';
    if (permissive || missingExchange || rootVoids.size > 0) corrected = fixed;
    if (permissive) {
      findings.push(
        finding(
          qualifier === '+' ? 'error' : 'warning',
          'spf.permissive-all',
          qualifier === '+'
            ? `The record ends in "+all": it authorises every server on the Internet to send as ${domain}.`
            : `The record ends in "?all" (neutral): mail from servers it does not list is not marked as failing SPF.`,
          `End the record with "~all" (or "-all" once every sender is listed): ${fixed}`,
        ),
      );
    } else if (qualifier === null && root.redirect === null) {
      findings.push(finding('warning', 'spf.permissive-all', `The record has no "all" term, so mail from unlisted servers gets neutral rather than fail.`, `End the record with "~all" or "-all".`));
    }
    if (root.terms.some((term) => term.kind === 'mechanism' && term.mechanism === 'ptr')) {
      findings.push(
        finding('warning', 'spf.ptr-mechanism', 'The record uses the "ptr" mechanism, which RFC 7208 §5.5 says not to use: it is slow, unreliable, and some receivers ignore it.', 'Replace "ptr" with the ip4:/ip6: ranges of the servers it was meant to cover.'),
      );
    }
    if (missingExchange) {
      findings.push(
        finding(
          'error',
          'spf.no-exchange-online-include',
          `${domain}'s MX points to Exchange Online but its SPF record does not include ${EXCHANGE_ONLINE_INCLUDE}: mail sent from Microsoft 365 fails SPF at other receivers.`,
          `Publish: ${fixed}`,
        ),
      );
    }
  }
  return summarise(findings, corrected);
}

function summarise(findings: CheckFinding[], correctedRecord: string | null): SpfAuditResult {
  return {
    findings,
    errors: findings.filter((item) => item.severity === 'error').map((item) => item.message),
    warnings: findings.filter((item) => item.severity === 'warning').map((item) => item.message),
    correctedRecord,
  };
}

export { isSpfRecord };
