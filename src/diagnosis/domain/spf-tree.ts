import { isSpfRecord, ownLookups, parseSpfRecord, type SpfNode, type SpfRecord } from '../../analyzers/spf';
import { isVoid, joinTxt, type DnsResolver } from '../../sources/dns';

/** Deeper than any real tree; a loop or a hostile chain stops here. */
const MAX_DEPTH = 10;

export interface SpfRoot {
  readonly records: readonly string[];
  readonly tree: SpfNode | null;
  readonly temporaryFailure: string | null;
}

const hasMacro = (name: string): boolean => name.includes('%');

function node(domain: string, via: SpfNode['via'], fields: Partial<SpfNode>): SpfNode {
  return { domain, via, record: null, ownLookups: 0, totalLookups: 0, voidLookups: 0, voidTerms: [], error: null, children: [], ...fields };
}

/** Is a term's target void? a: needs neither A nor AAAA; mx: and exists: their one type (RFC 7208 §4.6.4). */
async function targetIsVoid(resolver: DnsResolver, kind: 'a' | 'mx' | 'exists', name: string): Promise<boolean> {
  if (kind === 'a') {
    const [a, aaaa] = await Promise.all([resolver.query(name, 'A'), resolver.query(name, 'AAAA')]);
    return isVoid(a) && isVoid(aaaa);
  }
  return isVoid(await resolver.query(name, kind === 'mx' ? 'MX' : 'A'));
}

/**
 * Walks one record and, at the same time, everything it points to: all includes, the redirect and the void
 * checks of a record are asked together, and each include's own walk starts as soon as its TXT arrives, so the
 * whole tree takes as long as its longest chain of dependent lookups, not the sum of them.
 */
async function walkRecord(resolver: DnsResolver, domain: string, via: SpfNode['via'], record: SpfRecord, path: readonly string[]): Promise<SpfNode> {
  const own = ownLookups(record);
  const targets: { via: 'include' | 'redirect'; domain: string }[] = [];
  const voidChecks: { term: string; kind: 'a' | 'mx' | 'exists'; name: string }[] = [];
  for (const term of record.terms) {
    if (term.kind !== 'mechanism') continue;
    const target = term.value ?? domain;
    if (term.mechanism === 'include' && term.value && !hasMacro(term.value)) targets.push({ via: 'include', domain: term.value.replace(/\.$/, '').toLowerCase() });
    if ((term.mechanism === 'a' || term.mechanism === 'mx' || term.mechanism === 'exists') && !hasMacro(target)) voidChecks.push({ term: term.text, kind: term.mechanism, name: target });
  }
  const hasAll = record.terms.some((term) => term.kind === 'mechanism' && term.mechanism === 'all');
  if (record.redirect && !hasAll && !hasMacro(record.redirect)) targets.push({ via: 'redirect', domain: record.redirect.replace(/\.$/, '').toLowerCase() });

  const [children, voids] = await Promise.all([
    Promise.all(targets.map((target) => walkDomain(resolver, target.domain, target.via, [...path, domain]))),
    Promise.all(voidChecks.map(async (check) => ((await targetIsVoid(resolver, check.kind, check.name)) ? check.term : null))),
  ]);
  const voidTerms = voids.filter((term): term is string => term !== null);
  // An include or redirect whose name has no TXT at all is itself a void lookup.
  children.forEach((child, index) => {
    if (child.error === 'void') voidTerms.push(`${targets[index].via}:${child.domain}`);
  });
  return node(domain, via, {
    record: record.text,
    ownLookups: own,
    totalLookups: own + children.reduce((sum, child) => sum + child.totalLookups, 0),
    voidLookups: voidTerms.length,
    voidTerms,
    error: record.errors[0] ?? null,
    children,
  });
}

async function walkDomain(resolver: DnsResolver, domain: string, via: SpfNode['via'], path: readonly string[]): Promise<SpfNode> {
  if (path.includes(domain)) return node(domain, via, { error: `loop: ${[...path, domain].join(' → ')}` });
  if (path.length >= MAX_DEPTH) return node(domain, via, { error: `nested more than ${MAX_DEPTH} deep` });
  const answer = await resolver.query(domain, 'TXT');
  if (answer.kind === 'temperror') return node(domain, via, { error: answer.message });
  const records = answer.kind === 'ok' ? joinTxt(answer.records).filter(isSpfRecord) : [];
  if (isVoid(answer)) return node(domain, via, { error: 'void' });
  if (records.length === 0) return node(domain, via, { error: 'no SPF record' });
  if (records.length > 1) return node(domain, via, { error: `${records.length} SPF records` });
  return walkRecord(resolver, domain, via, parseSpfRecord(records[0]), path);
}

/** The domain's SPF records as published, and the include/redirect tree with lookup counts. */
export async function gatherSpf(resolver: DnsResolver, domain: string): Promise<SpfRoot> {
  const answer = await resolver.query(domain, 'TXT');
  if (answer.kind === 'temperror') return { records: [], tree: null, temporaryFailure: answer.message };
  const records = answer.kind === 'ok' ? joinTxt(answer.records).filter(isSpfRecord) : [];
  if (records.length !== 1) return { records, tree: null, temporaryFailure: null };
  return { records, tree: await walkRecord(resolver, domain, 'root', parseSpfRecord(records[0]), []), temporaryFailure: null };
}
