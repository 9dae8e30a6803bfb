/**
 * Our card templates, expanded without an expression engine.
 *
 * The templates are written in the Adaptive Cards templating language and stay designer-compatible;
 * adaptivecards-templating is the reference for what they mean. But that library evaluates every `${…}` through
 * adaptive-expressions, whose property lookup lower-cases every key of the object on each access, and a card took a
 * quarter of the NDR path's own CPU time to render. The templates use four forms only, compiled here once into
 * closures:
 *
 * - `${a.b}`, `${$root.a}`, `${$index}`: a value, alone (keeps its type) or inside text (as text). A missing value
 *   stays as its `${a.b}` text, as the library leaves it.
 * - in `$when` only: `${a}` (true when exactly `true`), `${!a}`, `${a != ''}` and `${count(a) > 0}`.
 * - `$data` (an object, or an array that repeats the element) and `$when` (drops the element).
 *
 * A template with any other expression is not compiled (`compileTemplate` returns null) and the caller falls back to
 * the library. Tests render every card through both and compare (see `renderCard`).
 */

/** Where names are looked up while expanding: the data of the nearest `$data`, else the root, and the repeat index. */
interface Scope {
  readonly root: unknown;
  readonly data: unknown;
  readonly index: number | undefined;
}

/** Expands one template node; an object that `$when` drops (or an empty `$data` array) leaves null behind. */
type Expand = (scope: Scope) => unknown;

export type CompiledTemplate = (root: unknown) => unknown;

/** Keys the templating language reserves: they steer the expansion and never reach the card. */
const RESERVED_KEYS = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);

const PATH = /^(?:\$root|\$data|\$index|[A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

class Unsupported extends Error {}

export function compileTemplate(template: unknown): CompiledTemplate | null {
  try {
    const expand = compileNode(template);
    return (root) => expand({ root, data: undefined, index: undefined });
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

function compileNode(node: unknown): Expand {
  if (typeof node === 'string') return compileString(node);
  if (Array.isArray(node)) return compileArray(node);
  if (typeof node === 'object' && node !== null) return compileObject(node as Record<string, unknown>);
  return () => node;
}

function compileArray(items: readonly unknown[]): Expand {
  const expanders = items.map(compileNode);
  return (scope) => {
    const out: unknown[] = [];
    for (const expand of expanders) {
      const value = expand(scope);
      if (value === null) continue;
      // An element repeated by `$data` comes back as an array and is spliced in, as the library does.
      if (Array.isArray(value)) out.push(...value);
      else out.push(value);
    }
    return out;
  };
}

function compileObject(node: Record<string, unknown>): Expand {
  const fields = Object.keys(node)
    .filter((key) => !RESERVED_KEYS.has(key))
    .map((key) => [key, compileNode(node[key])] as const);
  const data = node.$data === undefined ? undefined : compileDataBinding(node.$data);
  const when = node.$when === undefined ? undefined : compileCondition(node.$when);
  const expandOne = (scope: Scope): Record<string, unknown> | null => {
    if (when && !when(scope)) return null;
    const out: Record<string, unknown> = {};
    for (const [key, expand] of fields) {
      const value = expand(scope);
      if (value !== undefined) out[key] = value;
    }
    return out;
  };
  if (!data) return expandOne;
  return (scope) => {
    const bound = data(scope);
    const contexts = Array.isArray(bound) ? bound : [bound];
    const results: Record<string, unknown>[] = [];
    let previous = scope.data;
    for (let i = 0; i < contexts.length; i++) {
      // An undefined element keeps the data of the one before, as the library's context does.
      if (contexts[i] !== undefined) previous = contexts[i];
      const result = expandOne({ root: scope.root, data: previous, index: Array.isArray(bound) ? i : scope.index });
      if (result) results.push(result);
    }
    return results.length === 0 ? null : results.length === 1 ? results[0] : results;
  };
}

/** `$data`: a `${path}` expression (a missing value binds its own `${…}` text, as the library does), or a literal. */
function compileDataBinding(binding: unknown): Expand {
  if (typeof binding !== 'string' || !binding.includes('${')) {
    if (typeof binding === 'object' && binding !== null) throw new Unsupported('a literal object or array as $data');
    return () => binding;
  }
  const path = wholeExpression(binding);
  if (path === null || !PATH.test(path)) throw new Unsupported(`$data ${binding}`);
  return compileValueOrItsText(path);
}

/** `$when`: the element stays only when the expression is exactly `true`; no `${…}` text stands in for a missing value. */
function compileCondition(condition: unknown): (scope: Scope) => boolean {
  const expression = typeof condition === 'string' ? wholeExpression(condition) : null;
  // A `$when` that is not an expression drops its element (when it is set at all), as the library does.
  if (expression === null) {
    if (typeof condition === 'string' && condition.includes('${')) throw new Unsupported(`$when ${condition}`);
    return () => !condition;
  }
  let match: RegExpExecArray | null;
  if (PATH.test(expression)) {
    const lookup = compileLookup(expression);
    return (scope) => lookup(scope) === true;
  }
  if ((match = /^!\s*(\S+)$/.exec(expression)) && PATH.test(match[1])) {
    const lookup = compileLookup(match[1]);
    return (scope) => {
      const value = lookup(scope);
      return value === false || value === null || value === undefined;
    };
  }
  if ((match = /^(\S+)\s*!=\s*''$/.exec(expression)) && PATH.test(match[1])) {
    const lookup = compileLookup(match[1]);
    return (scope) => lookup(scope) !== '';
  }
  if ((match = /^count\((\S+)\)\s*>\s*0$/.exec(expression)) && PATH.test(match[1])) {
    const lookup = compileLookup(match[1]);
    return (scope) => sizeOf(lookup(scope)) > 0;
  }
  throw new Unsupported(`$when ${condition as string}`);
}

/** `count()` of a string, an array or an object's keys; anything else is an error, which makes `$when` false. */
function sizeOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value instanceof Map) return value.size;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  return Number.NaN;
}

/** Text with `${path}` parts: one part alone keeps its value's type; text around parts makes the result text. */
function compileString(text: string): Expand {
  if (!text.includes('${')) return () => text;
  const whole = wholeExpression(text);
  if (whole !== null) {
    if (!PATH.test(whole)) throw new Unsupported(text);
    return compileValueOrItsText(whole);
  }
  const pieces: (string | { path: string; value: Expand })[] = [];
  let rest = text;
  for (;;) {
    const start = rest.indexOf('${');
    if (start < 0) break;
    const end = rest.indexOf('}', start);
    const path = end < 0 ? '' : rest.slice(start + 2, end).trim();
    if (!PATH.test(path)) throw new Unsupported(text);
    if (start > 0) pieces.push(rest.slice(0, start));
    pieces.push({ path, value: compileValueOrItsText(path) });
    rest = rest.slice(end + 1);
  }
  if (rest) pieces.push(rest);
  // The library reads the text as a template literal: a backslash or backquote in it would mean something else there.
  if (pieces.some((piece) => typeof piece === 'string' && /[\\`]/.test(piece))) throw new Unsupported(text);
  return (scope) => {
    let out = '';
    for (const piece of pieces) {
      if (typeof piece === 'string') out += piece;
      else {
        const value = piece.value(scope);
        // The library calls toString() on the value: a null fails the whole card there, and here.
        if (value === null) throw new TypeError(`${piece.path} is null in text`);
        out += String(value);
      }
    }
    return out;
  };
}

/** The expression of `${…}` when the text is exactly one (nothing around it), else null. */
function wholeExpression(text: string): string | null {
  const match = /^\$\{([^{}]*)\}$/.exec(text);
  return match ? match[1].trim() : null;
}

/** A missing value stays as its own `${path}` text, as the library leaves it. */
function compileValueOrItsText(path: string): Expand {
  const lookup = compileLookup(path);
  const itsText = `\${${path}}`;
  return (scope) => {
    const value = lookup(scope);
    return value === undefined ? itsText : value;
  };
}

/** No `$data` yet means the root; a `$data` bound to null stays null. */
const currentData = (scope: Scope): unknown => (scope.data !== undefined ? scope.data : scope.root);

/** A path from the scope (`$root…`, `$index`, `$data…`, or a name in the current data), split once, here. */
function compileLookup(path: string): Expand {
  const [head, ...names] = path.split('.');
  const start: Expand = head === '$root' ? (scope) => scope.root : head === '$index' ? (scope) => scope.index : currentData;
  if (head !== '$root' && head !== '$index' && head !== '$data') names.unshift(head);
  if (names.length === 0) return start;
  return (scope) => {
    let value = start(scope);
    for (const name of names) value = property(value, name);
    return value;
  };
}

/**
 * A property as adaptive-expressions reads it: nothing from a falsy value, and names match without regard to case.
 * The exact name is tried first (the library takes the first key that matches ignoring case, which is the same key
 * unless an object has two names differing only in case; ours never do).
 */
function property(instance: unknown, name: string): unknown {
  if (!instance || typeof instance !== 'object') return undefined;
  if (Object.prototype.hasOwnProperty.call(instance, name)) return (instance as Record<string, unknown>)[name];
  const lower = name.toLowerCase();
  const key = Object.keys(instance).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : (instance as Record<string, unknown>)[key];
}
