import { isIPv4, isIPv6 } from 'node:net';
import { isSpfRecord, parseSpfRecord } from '../../analyzers/spf';
import type { DnsAnswer, DnsResolver, RecordType } from '../../sources/dns';
import { lazy } from '../../ops/lazy';

export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror';

export interface SpfQuestion {
  readonly ip: string;
  /** MAIL FROM; empty means the null sender (a bounce), checked as postmaster@helo (RFC 7208 §2.4). */
  readonly sender: string;
  readonly helo?: string;
}

export interface SpfEvaluation {
  readonly result: SpfResult;
  readonly explanation: string;
  /** The explanation is the one the domain published with exp= (RFC 7208 §6.2), not our default text. */
  readonly explanationPublished: boolean;
  /** DNS-querying terms the evaluation used (RFC 7208 §4.6.4), not counting the first TXT lookup. */
  readonly lookups: number;
  readonly voidLookups: number;
  /** The SPF record of the sender's domain, when one was found. */
  readonly record: string | null;
}

/** RFC 7208 §4.6.4: at most 10 DNS-querying terms and 2 void lookups per check_host(). */
const MAX_LOOKUPS = 10;
const MAX_VOID_LOOKUPS = 2;
const MTA = 'mailflow-doctor';

type SpfOutcome = { error?: string; qualifier?: string; text?: string; rr?: string; type?: string } | false | undefined;
type LookupFunction = ((name: string, type: string, options?: { clientIpType?: 4 | 6 }) => Promise<unknown[]>) & {
  updateSubQueries?: (type: string, count: number) => void;
  getResolveCount?: () => number;
  getVoidCount?: () => number;
};

/*
 * mailauth's check_host() walker (lib/spf/spf-verify). Its front door (lib/spf) validates every name before it is
 * queried and turns a name it dislikes into permerror; RFC 7208 wants names built from macros (%{h} with a bogus
 * HELO) simply looked up and found void. So we call the walker with our own lookup function instead.
 */
// Loaded by the first SPF evaluation, not at start-up: mailauth brings joi, libmime and encoding-japanese (several MB
// of resident memory an idle bot has no use for).
const mailauth = lazy(() => ({
  spfVerify: (require('mailauth/lib/spf/spf-verify') as {
    spfVerify: (domain: string, options: Record<string, unknown>) => Promise<SpfOutcome>;
  }).spfVerify,
  macro: require('mailauth/lib/spf/macro') as (input: string, values: { sender: string; ip: string; helo?: string; mta: string }) => string,
}));
const spfVerify = (domain: string, options: Record<string, unknown>): Promise<SpfOutcome> => mailauth().spfVerify(domain, options);
const mailauthMacro = (input: string, values: { sender: string; ip: string; helo?: string; mta: string }): string => mailauth().macro(input, values);

/** RFC 7208 §7.3: an upper-case macro letter means the value is URL-escaped (mailauth ignores the case). */
function expandMacros(input: string, values: { sender: string; ip: string; helo?: string; mta: string }): string {
  return input
    .split(/(%\{[A-Z][^}]*\})/)
    .map((part) => (/^%\{[A-Z]/.test(part) ? mailauthMacro(part, values).replace(/[^A-Za-z0-9\-._~]/g, (char) => encodeURIComponent(char).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)) : mailauthMacro(part, values)))
    .join('');
}

class SpfStop extends Error {
  constructor(
    readonly spfResult: { error: SpfResult; text: string },
    readonly code?: string,
  ) {
    super(spfResult.text);
  }
}

/** mailauth expects node:dns's shapes and error codes; our answers are a union, so they are translated here. */
function failureOf(answer: Exclude<DnsAnswer<unknown>, { kind: 'ok' }>, name: string): Error {
  if (answer.kind === 'nxdomain') return Object.assign(new Error(`${name}: no such domain`), { code: 'ENOTFOUND' });
  if (answer.kind === 'nodata') return Object.assign(new Error(`${name}: no records`), { code: 'ENODATA' });
  // A name DNS cannot carry (a label over 63 octets after macro expansion) is looked up by nobody: it is void.
  if (answer.reason === 'badname') return Object.assign(new Error(answer.message), { code: 'ENOTFOUND' });
  // mailauth swallows unknown errors inside include:, so the temperror travels as its own result (RFC 7208 §5.2).
  return new SpfStop({ error: 'temperror', text: answer.message }, answer.reason === 'timeout' ? 'ETIMEOUT' : 'ESERVFAIL');
}

/** What one evaluation shares between its lookups. */
interface Evaluation {
  readonly ip: string;
  /** The client's validated host names (%{p}), looked up once when a record needs them. */
  validatedNames?: Promise<string[]>;
  /** Records we rewrote for %{p}, mapped back to what was published. */
  readonly published: Map<string, string>;
}

/** RFC 7208 §5.5 / §7.3: PTR names of the IP whose A/AAAA records lead back to it (at most 10 are tried). */
async function validatedNamesOf(resolver: DnsResolver, ip: string): Promise<string[]> {
  const reverse = isIPv4(ip)
    ? `${ip.split('.').reverse().join('.')}.in-addr.arpa`
    : `${expandIPv6(ip).split('').reverse().join('.')}.ip6.arpa`;
  const ptr = await resolver.query(reverse, 'PTR');
  if (ptr.kind !== 'ok') return [];
  const checks = await Promise.all(
    ptr.records.slice(0, 10).map(async (name) => {
      const forward = await resolver.query(name, isIPv4(ip) ? 'A' : 'AAAA');
      return forward.kind === 'ok' && forward.records.some((address) => address.toLowerCase() === ip.toLowerCase() || (isIPv6(ip) && expandIPv6(address) === expandIPv6(ip))) ? name : null;
    }),
  );
  return checks.filter((name): name is string => name !== null);
}

function expandIPv6(ip: string): string {
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups.map((group) => group.padStart(4, '0')).join('');
}

/**
 * mailauth expands %{p} to the sender's domain; RFC 7208 §7.3 wants the client's validated domain name, preferring
 * one in <domain>. We expand %{p} ourselves in the record before mailauth reads it.
 */
async function withValidatedDomain(resolver: DnsResolver, evaluation: Evaluation, domain: string, record: string): Promise<string> {
  if (!/%\{p/i.test(record)) return record;
  evaluation.validatedNames ??= validatedNamesOf(resolver, evaluation.ip);
  const names = await evaluation.validatedNames;
  const target = domain.toLowerCase().replace(/\.$/, '');
  const chosen =
    names.find((name) => name.toLowerCase() === target) ?? names.find((name) => name.toLowerCase().endsWith(`.${target}`)) ?? names[0] ?? 'unknown';
  const rewritten = record.replace(/%\{p(\d*)(r?)([.\-+,/_=]*)\}/gi, (_match, digits: string, reverse: string, delimiters: string) => {
    let parts = chosen.split(new RegExp(`[${(delimiters || '.').replace(/[-\\\]^]/g, '\\$&')}]`));
    if (reverse) parts = parts.reverse();
    if (digits) parts = parts.slice(-Number(digits));
    return parts.join('.');
  });
  evaluation.published.set(rewritten, record);
  return rewritten;
}

async function lookUp(resolver: DnsResolver, evaluation: Evaluation, name: string, type: string): Promise<unknown[]> {
  const answer = await resolver.query(name, type as RecordType);
  if (answer.kind !== 'ok') throw failureOf(answer, name);
  const records = answer.records.map((record) => (Array.isArray(record) ? [...record] : record));
  if (type === 'TXT') {
    // RFC 7208 §4.6: a syntax error anywhere in the record is permerror, even in terms evaluation never reaches.
    const texts = records.map((strings) => (strings as string[]).join(''));
    const spf = texts.filter(isSpfRecord);
    if (spf.length === 1) {
      const parsed = parseSpfRecord(spf[0]);
      if (parsed.errors.length > 0) throw new SpfStop({ error: 'permerror', text: `${name}: ${parsed.errors[0]}` });
      return Promise.all(texts.map(async (text) => [isSpfRecord(text) ? await withValidatedDomain(resolver, evaluation, name, text) : text]));
    }
  }
  return records;
}

/** Counts lookups and void lookups the way RFC 7208 §4.6.4 does, and stops at the limits. */
function limitedLookup(resolver: DnsResolver, evaluation: Evaluation, countFirst: boolean): LookupFunction {
  let count = 0;
  let voids = 0;
  let first = !countFirst;
  const isVoid = (error: unknown) => ['ENOTFOUND', 'ENODATA'].includes((error as { code?: string })?.code ?? '');
  const lookup: LookupFunction = async (name, type, options) => {
    if (first) first = false;
    else count += 1;
    if (count > MAX_LOOKUPS) throw new SpfStop({ error: 'permerror', text: `more than ${MAX_LOOKUPS} DNS lookups` });
    try {
      if (options?.clientIpType && (type === 'A' || type === 'AAAA')) {
        // A host with only the other address family is not void (mailauth's dual-stack rule).
        const [a, aaaa] = await Promise.allSettled([lookUp(resolver, evaluation, name, 'A'), lookUp(resolver, evaluation, name, 'AAAA')]);
        const mine = options.clientIpType === 6 ? aaaa : a;
        const other = options.clientIpType === 6 ? a : aaaa;
        if (mine.status === 'fulfilled') return mine.value;
        if (!isVoid(mine.reason)) throw mine.reason;
        if (other.status === 'fulfilled') return [];
        throw mine.reason;
      }
      return await lookUp(resolver, evaluation, name, type);
    } catch (error) {
      if (!isVoid(error)) throw error;
      voids += 1;
      if (voids > MAX_VOID_LOOKUPS) throw new SpfStop({ error: 'permerror', text: `more than ${MAX_VOID_LOOKUPS} void DNS lookups` });
      return [];
    }
  };
  const sub: Record<string, number> = {};
  lookup.updateSubQueries = (type, value) => {
    sub[type] = (sub[type] ?? 0) + value;
  };
  lookup.getResolveCount = () => count;
  lookup.getVoidCount = () => voids;
  return lookup;
}

/** RFC 7208 §4.3: a domain that is not a usable FQDN gives "none" without any lookup. */
function usableDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > 253 || !/^[\x21-\x7e]+$/.test(domain)) return false;
  const labels = domain.replace(/\.$/, '').split('.');
  return labels.length >= 2 && labels.every((label) => label.length > 0 && label.length <= 63) && /^[a-z0-9-]*[a-z][a-z0-9-]*$/i.test(labels[labels.length - 1]);
}

/**
 * RFC 7208 check_host() for one connection: mailauth's evaluator, driven by our resolver so that it uses the
 * configured servers, timeouts and cache, and tells void answers from failures.
 */
export async function evaluateSpf(question: SpfQuestion, resolver: DnsResolver): Promise<SpfEvaluation> {
  const helo = question.helo?.trim() || undefined;
  let sender = question.sender.trim() || `postmaster@${helo ?? ''}`;
  if (!sender.includes('@')) sender = `postmaster@${sender}`;
  else if (sender.startsWith('@')) sender = `postmaster${sender}`;
  const domain = sender.slice(sender.lastIndexOf('@') + 1).toLowerCase();
  // IPv4-mapped IPv6 addresses are evaluated as the IPv4 address they carry (RFC 7208 §5.6).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(question.ip.trim());
  const ip = mapped ? mapped[1] : question.ip.trim();

  let outcome: SpfOutcome;
  const evaluation: Evaluation = { ip, published: new Map() };
  const lookup = limitedLookup(resolver, evaluation, false);
  if (!isIPv4(ip) && !isIPv6(ip)) {
    outcome = { error: 'permerror', text: `"${question.ip}" is not an IP address` };
  } else if (!usableDomain(domain)) {
    outcome = { error: 'none', text: `"${domain}" is not a domain SPF can be checked for` };
  } else {
    try {
      outcome = await spfVerify(domain, {
        sender,
        ip,
        helo,
        mta: MTA,
        resolver: lookup,
        createSubResolver: () => limitedLookup(resolver, evaluation, true),
      });
    } catch (error) {
      const spfResult = (error as { spfResult?: { error: string; text?: string; rr?: string } }).spfResult;
      outcome = spfResult ?? { error: 'temperror', text: (error as Error).message };
    }
  }
  const outcomeRecord = outcome && typeof outcome === 'object' ? { ...outcome, rr: outcome.rr ? evaluation.published.get(outcome.rr) ?? outcome.rr : undefined } : null;
  const result = resultOf(outcomeRecord);
  const published =
    result === 'fail' && outcomeRecord?.rr
      ? await explanationOf(resolver, evaluation, await concludingRecord(resolver, outcomeRecord.rr, outcomeRecord.type), { sender, ip, helo, mta: MTA })
      : null;
  return {
    result,
    explanation: published ?? explain(result, sender, ip, domain, outcomeRecord?.text),
    explanationPublished: published !== null,
    lookups: lookup.getResolveCount?.() ?? 0,
    voidLookups: lookup.getVoidCount?.() ?? 0,
    record: outcomeRecord?.rr ?? null,
  };
}

/**
 * RFC 7208 §6.2: a failing domain may publish its own explanation (exp=domain, a TXT record with macros). Any
 * problem fetching or expanding it means the default explanation is used, never a different result.
 */
async function explanationOf(
  resolver: DnsResolver,
  evaluation: Evaluation,
  conclusion: { domain: string | null; record: string },
  values: { sender: string; ip: string; helo?: string; mta: string },
): Promise<string | null> {
  const exp = parseSpfRecord(conclusion.record).exp;
  if (!exp) return null;
  const domain = conclusion.domain ?? values.sender.slice(values.sender.lastIndexOf('@') + 1);
  try {
    let name = expandMacros(await withValidatedDomain(resolver, evaluation, domain, exp), values).replace(/\.$/, '');
    // RFC 7208 §7.3: an expanded name over 253 characters loses labels on the left until it fits.
    while (name.length > 253 && name.includes('.')) name = name.slice(name.indexOf('.') + 1);
    const answer = await resolver.query(name, 'TXT');
    if (answer.kind !== 'ok' || answer.records.length !== 1) return null;
    const text = expandMacros(await withValidatedDomain(resolver, evaluation, domain, answer.records[0].join('')), values);
    return /^[\x20-\x7e]*$/.test(text) ? text : null;
  } catch {
    return null;
  }
}

/**
 * The record whose "all" decided a fail: after a redirect (RFC 7208 §6.1) that is the target's record, whose exp=
 * replaces the original's. A fail from a mechanism is credited to the sender's own record.
 */
async function concludingRecord(resolver: DnsResolver, record: string, matched: string | undefined): Promise<{ domain: string | null; record: string }> {
  let current = { domain: null as string | null, record };
  for (let hop = 0; hop < 10 && matched === 'all'; hop += 1) {
    const parsed = parseSpfRecord(current.record);
    if (!parsed.redirect || parsed.terms.some((term) => term.kind === 'mechanism' && term.mechanism === 'all')) break;
    const target = parsed.redirect.replace(/\.$/, '');
    const answer = await resolver.query(target, 'TXT');
    const next = answer.kind === 'ok' ? answer.records.map((strings) => strings.join('')).filter(isSpfRecord) : [];
    if (next.length !== 1) break;
    current = { domain: target, record: next[0] };
  }
  return current;
}

function resultOf(outcome: { error?: string; qualifier?: string } | null): SpfResult {
  switch (outcome?.qualifier ?? outcome?.error) {
    case '+':
      return 'pass';
    case '-':
      return 'fail';
    case '~':
      return 'softfail';
    case undefined:
    case '?':
      return 'neutral';
    case 'none':
      return 'none';
    case 'permerror':
      return 'permerror';
    default:
      return 'temperror';
  }
}

function explain(result: SpfResult, sender: string, ip: string, domain: string, detail: string | undefined): string {
  const suffix = detail ? `: ${detail}` : '';
  switch (result) {
    case 'pass':
      return `domain of ${sender} designates ${ip} as permitted sender`;
    case 'fail':
      return `domain of ${sender} does not designate ${ip} as permitted sender`;
    case 'softfail':
      return `domain of transitioning ${sender} does not designate ${ip} as permitted sender`;
    case 'neutral':
      return `${ip} is neither permitted nor denied by domain of ${sender}`;
    case 'none':
      return `${domain} does not designate permitted sender hosts${suffix}`;
    case 'permerror':
      return `permanent error in processing during lookup of ${sender}${suffix}`;
    case 'temperror':
      return `temporary error in processing during lookup of ${sender}${suffix}`;
  }
}
