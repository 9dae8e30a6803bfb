import { isIPv6 } from 'node:net';

/**
 * SPF record syntax (RFC 7208 §4.6.1, §5, §6, §7.1), parsed without any DNS: what the record says, how many DNS
 * lookups its own terms cost, and every syntax error, so the audit can name the broken term and the evaluator can
 * return permerror for a record with an error anywhere in it (§4.6).
 */
export type Qualifier = '+' | '-' | '~' | '?';
export type MechanismName = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';

export type SpfTerm =
  | {
      readonly kind: 'mechanism';
      readonly qualifier: Qualifier;
      readonly mechanism: MechanismName;
      /** domain-spec for include/exists/a/mx/ptr, the network for ip4/ip6, null when absent. */
      readonly value: string | null;
      readonly cidr4: number | null;
      readonly cidr6: number | null;
      readonly text: string;
    }
  | { readonly kind: 'modifier'; readonly name: string; readonly value: string; readonly text: string };

export interface SpfRecord {
  readonly text: string;
  readonly terms: readonly SpfTerm[];
  /** Syntax errors, one sentence each; empty when the record is valid. */
  readonly errors: readonly string[];
  readonly redirect: string | null;
  readonly exp: string | null;
}

const MECHANISMS: readonly MechanismName[] = ['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'];
/** The terms that make check_host() query DNS (RFC 7208 §4.6.4); the limit is 10 per evaluation. */
export const LOOKUP_MECHANISMS: ReadonlySet<string> = new Set(['include', 'a', 'mx', 'ptr', 'exists']);

/** Is this TXT record an SPF record? "v=spf1" followed by a space or nothing (RFC 7208 §4.5). */
export const isSpfRecord = (text: string): boolean => /^v=spf1(?: |$)/i.test(text);

const MACRO_LETTERS = 'slodiphcrtv';
const EXP_ONLY_LETTERS = 'crt';

/** macro-string (§7.1): literals %x21-24 / %x26-7E and macro-expands. Returns an error or null. */
export function macroStringProblem(text: string, inExplanation = false): string | null {
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char !== '%') {
      const code = char.charCodeAt(0);
      if (inExplanation ? code < 0x20 || code > 0x7e : code < 0x21 || code > 0x7e) return `character ${JSON.stringify(char)} is not allowed`;
      continue;
    }
    const next = text[i + 1];
    if (next === '%' || next === '_' || next === '-') {
      i += 1;
      continue;
    }
    const macro = /^%\{([a-z])(\d*)(r?)([.\-+,/_=]*)\}/i.exec(text.slice(i));
    if (!macro) return `"%" must start a macro like %{d}, or be written %%`;
    const letter = macro[1].toLowerCase();
    if (!MACRO_LETTERS.includes(letter)) return `%{${macro[1]}} is not a macro letter`;
    if (!inExplanation && EXP_ONLY_LETTERS.includes(letter)) return `%{${macro[1]}} is allowed only in explanation text`;
    if (macro[2] !== '' && Number(macro[2]) === 0) return `%{${macro[1]}${macro[2]}} keeps zero labels`;
    i += macro[0].length - 1;
  }
  return null;
}

const TOPLABEL = /^(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])$/i;

/** domain-spec = macro-string domain-end; domain-end = "." toplabel ["."] / macro-expand (§7.1). */
export function domainSpecProblem(spec: string): string | null {
  if (spec.length === 0) return 'the domain is empty';
  const macro = macroStringProblem(spec);
  if (macro) return macro;
  if (/%\{[a-z]\d*r?[.\-+,/_=]*\}$/i.test(spec)) return null;
  const trimmed = spec.replace(/\.$/, '');
  const dot = trimmed.lastIndexOf('.');
  if (dot < 0) return `"${spec}" is not a fully qualified domain name`;
  if (!TOPLABEL.test(trimmed.slice(dot + 1))) return `"${spec}" does not end in a valid top-level label`;
  return null;
}

function parseCidr(text: string, max: number): number | null | 'bad' {
  if (!/^\d+$/.test(text) || (text.length > 1 && text.startsWith('0'))) return 'bad';
  const value = Number(text);
  return value > max ? 'bad' : value;
}

const IP4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

// Full, compressed and IPv4-suffixed forms; node's parser is the arbiter.
const ip6Valid = (text: string): boolean => /^[0-9a-f:.]+$/i.test(text) && isIPv6(text);

function parseMechanism(text: string, errors: string[]): SpfTerm | null {
  const match = /^([+\-~?]?)([a-z0-9]+)(.*)$/i.exec(text);
  const name = match?.[2].toLowerCase() as MechanismName | undefined;
  if (!match || !name || !MECHANISMS.includes(name)) {
    errors.push(`"${text}" is not an SPF mechanism or modifier`);
    return null;
  }
  const qualifier = (match[1] || '+') as Qualifier;
  let rest = match[3];
  let cidr4: number | null = null;
  let cidr6: number | null = null;
  const bad = (why: string) => {
    errors.push(`"${text}": ${why}`);
    return null;
  };

  if (name === 'all') return rest === '' ? { kind: 'mechanism', qualifier, mechanism: name, value: null, cidr4, cidr6, text } : bad('"all" takes no value');
  if (rest !== '' && !rest.startsWith(':') && !rest.startsWith('/')) return bad(`unexpected "${rest}"`);

  if (name === 'ip4' || name === 'ip6') {
    if (!rest.startsWith(':') || rest.length === 1) return bad(`${name} needs an address, like ${name === 'ip4' ? 'ip4:192.0.2.0/24' : 'ip6:2001:db8::/32'}`);
    const [address, length, ...extra] = rest.slice(1).split('/');
    if (extra.length > 0) return bad('too many "/"');
    if (name === 'ip4' && !IP4.test(address)) return bad(`"${address}" is not an IPv4 address`);
    if (name === 'ip6' && !ip6Valid(address)) return bad(`"${address}" is not an IPv6 address`);
    if (length !== undefined) {
      const parsed = parseCidr(length, name === 'ip4' ? 32 : 128);
      if (parsed === 'bad') return bad(`"/${length}" is not a valid prefix length`);
      if (name === 'ip4') cidr4 = parsed;
      else cidr6 = parsed;
    }
    return { kind: 'mechanism', qualifier, mechanism: name, value: address, cidr4, cidr6, text };
  }

  // a, mx: [":" domain-spec] [dual-cidr-length]; ptr: [":" domain-spec]; include, exists: ":" domain-spec.
  if (name === 'a' || name === 'mx') {
    const dual = /(?:\/(\d+))?(?:\/\/(\d+))?$/.exec(rest);
    if (dual && dual[0].length > 0) {
      if (dual[1] !== undefined) {
        const parsed = parseCidr(dual[1], 32);
        if (parsed === 'bad') return bad(`"/${dual[1]}" is not a valid IPv4 prefix length`);
        cidr4 = parsed;
      }
      if (dual[2] !== undefined) {
        const parsed = parseCidr(dual[2], 128);
        if (parsed === 'bad') return bad(`"//${dual[2]}" is not a valid IPv6 prefix length`);
        cidr6 = parsed;
      }
      rest = rest.slice(0, rest.length - dual[0].length);
    }
  }
  if (rest.startsWith('/')) return bad(`unexpected "${rest}"`);
  const domain = rest.startsWith(':') ? rest.slice(1) : null;
  if ((name === 'include' || name === 'exists') && domain === null) return bad(`${name} needs a domain, like ${name}:example.com`);
  if (domain !== null) {
    const problem = domainSpecProblem(domain);
    if (problem) return bad(problem);
  }
  return { kind: 'mechanism', qualifier, mechanism: name, value: domain, cidr4, cidr6, text };
}

/** Parses one SPF record; `errors` lists every syntax problem (an empty list means valid). */
export function parseSpfRecord(text: string): SpfRecord {
  const errors: string[] = [];
  const terms: SpfTerm[] = [];
  if (!isSpfRecord(text)) errors.push('the record does not start with "v=spf1"');
  if (/[^\x20-\x7e]/.test(text)) errors.push('the record contains characters other than printable ASCII');
  const words = text.split(' ').slice(1).filter((word) => word.length > 0);
  for (const word of words) {
    const modifier = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(word);
    if (modifier) {
      const name = modifier[1].toLowerCase();
      const value = modifier[2];
      const problem = name === 'redirect' || name === 'exp' ? domainSpecProblem(value) : macroStringProblem(value);
      if (problem) errors.push(`"${word}": ${problem}`);
      terms.push({ kind: 'modifier', name, value, text: word });
      continue;
    }
    if (/^[^:/]*=/.test(word)) {
      errors.push(`"${word}" is not a valid modifier`);
      continue;
    }
    const mechanism = parseMechanism(word, errors);
    if (mechanism) terms.push(mechanism);
  }
  for (const name of ['redirect', 'exp']) {
    if (terms.filter((term) => term.kind === 'modifier' && term.name === name).length > 1) errors.push(`"${name}=" appears more than once`);
  }
  const modifier = (name: string) => {
    const term = terms.find((item) => item.kind === 'modifier' && item.name === name);
    return term && term.kind === 'modifier' ? term.value : null;
  };
  return { text, terms, errors, redirect: modifier('redirect'), exp: modifier('exp') };
}

/** DNS lookups this record's own terms cost (include, a, mx, ptr, exists, and redirect when no "all"). */
export function ownLookups(record: SpfRecord): number {
  const mechanisms = record.terms.filter((term) => term.kind === 'mechanism' && LOOKUP_MECHANISMS.has(term.mechanism)).length;
  return mechanisms + (record.redirect !== null && !hasAll(record) ? 1 : 0);
}

export const hasAll = (record: SpfRecord): boolean => record.terms.some((term) => term.kind === 'mechanism' && term.mechanism === 'all');

export function allQualifier(record: SpfRecord): Qualifier | null {
  const all = record.terms.find((term) => term.kind === 'mechanism' && term.mechanism === 'all');
  return all && all.kind === 'mechanism' ? all.qualifier : null;
}
