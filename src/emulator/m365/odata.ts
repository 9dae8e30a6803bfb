/**
 * The OData $filter subset the Graph endpoints accept and our clients send: `and`-joined clauses of
 * `prop eq 'text'`, `prop eq false`, `prop ge|le 2026-01-20T00:00:00Z`, `contains|startswith|endswith(prop,'text')`
 * and `proxyAddresses/any(p:p eq 'smtp:x')`. `or` is refused: Graph's message trace keeps one value per property.
 */
export type Clause =
  | { readonly kind: 'compare'; readonly property: string; readonly op: 'eq' | 'ge' | 'le' | 'ne'; readonly value: string | boolean }
  | { readonly kind: 'text'; readonly property: string; readonly fn: 'contains' | 'startswith' | 'endswith'; readonly value: string }
  | { readonly kind: 'any'; readonly property: string; readonly value: string };

export class FilterError extends Error {}

function splitOutsideQuotes(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") {
      // '' inside a quoted literal is an escaped quote
      if (quoted && text[i + 1] === "'") {
        current += "''";
        i++;
        continue;
      }
      quoted = !quoted;
    }
    if (!quoted) {
      separator.lastIndex = 0;
      const rest = text.slice(i);
      const match = separator.exec(rest);
      if (match && match.index === 0) {
        parts.push(current);
        current = '';
        i += match[0].length - 1;
        continue;
      }
    }
    current += ch;
  }
  if (quoted) throw new FilterError('unterminated string literal');
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

const unquote = (literal: string): string => {
  const match = /^'((?:[^']|'')*)'$/.exec(literal.trim());
  if (!match) throw new FilterError(`expected a quoted string, got ${literal}`);
  return match[1].replace(/''/g, "'");
};

export function parseFilter(filter: string | null): Clause[] {
  if (filter === null || filter.trim() === '') return [];
  if (splitOutsideQuotes(filter, / or /iy).length > 1) throw new FilterError("'or' is not supported in this $filter");
  return splitOutsideQuotes(filter, / and /iy).map(parseClause);
}

function parseClause(text: string): Clause {
  const fn = /^(contains|startswith|endswith)\(\s*([A-Za-z]+)\s*,\s*('.*')\s*\)$/i.exec(text);
  if (fn) return { kind: 'text', fn: fn[1].toLowerCase() as 'contains', property: fn[2], value: unquote(fn[3]) };
  const any = /^([A-Za-z]+)\/any\(\s*(\w+)\s*:\s*\2\s+eq\s+('.*')\s*\)$/i.exec(text);
  if (any) return { kind: 'any', property: any[1], value: unquote(any[3]) };
  const compare = /^([A-Za-z]+)\s+(eq|ge|le|ne)\s+(.+)$/i.exec(text);
  if (!compare) throw new FilterError(`unsupported filter clause: ${text}`);
  const raw = compare[3].trim();
  const value = raw.startsWith("'") ? unquote(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
  return { kind: 'compare', property: compare[1], op: compare[2].toLowerCase() as 'eq', value };
}

/** Whether a row satisfies every clause; property names compare case-insensitively, text values too. */
export function matches(row: Readonly<Record<string, unknown>>, clauses: readonly Clause[]): boolean {
  const get = (property: string): unknown => {
    const key = Object.keys(row).find((name) => name.toLowerCase() === property.toLowerCase());
    return key === undefined ? undefined : row[key];
  };
  return clauses.every((clause) => {
    const actual = get(clause.property);
    if (clause.kind === 'any') {
      return Array.isArray(actual) && actual.some((item) => String(item).toLowerCase() === clause.value.toLowerCase());
    }
    if (clause.kind === 'text') {
      const haystack = String(actual ?? '').toLowerCase();
      const needle = clause.value.toLowerCase();
      return clause.fn === 'contains' ? haystack.includes(needle) : clause.fn === 'startswith' ? haystack.startsWith(needle) : haystack.endsWith(needle);
    }
    if (clause.op === 'ge' || clause.op === 'le') {
      const left = Date.parse(String(actual));
      const right = Date.parse(String(clause.value));
      if (Number.isNaN(right)) throw new FilterError(`not a date: ${String(clause.value)}`);
      return clause.op === 'ge' ? left >= right : left <= right;
    }
    const equal = typeof clause.value === 'boolean' ? actual === clause.value : String(actual ?? '').toLowerCase() === clause.value.toLowerCase();
    return clause.op === 'eq' ? equal : !equal;
  });
}
