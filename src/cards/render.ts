import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { lazy } from '../ops/lazy';
import { projectPath } from '../paths';
import { compileTemplate } from './compiled-template';

/** An Adaptive Card as JSON, ready to send. */
export type AdaptiveCardJson = { type: 'AdaptiveCard'; version: string; [key: string]: unknown };

/** Teams rejects a message over ~28 KB; we keep every card under it with room for the envelope. */
export const MAX_CARD_BYTES = 28 * 1024;

/**
 * adaptivecards-templating brings adaptive-expressions, antlr4ts and fast-xml-parser (several MB of resident memory):
 * loaded only for a template our compiler does not cover, or to check the compiler (below), not at start-up.
 */
const templating = lazy(() => require('adaptivecards-templating') as typeof import('adaptivecards-templating'));

type Expander = (root: object) => unknown;

/**
 * One expander per card, made on first use: our compiled form (src/cards/compiled-template.ts), or the library's
 * parsed Template for a template the compiler does not cover. Either is synchronous and keeps no state between turns.
 */
const expanders = new Map<string, Expander>();

/**
 * With MAILFLOW_CHECK_CARDS=1 (the test suite sets it) every card is also expanded by adaptivecards-templating, the
 * reference for the templating language, and a difference throws: every card any test renders checks the compiler.
 */
const checkAgainstLibrary = process.env.MAILFLOW_CHECK_CARDS === '1';

function libraryExpander(template: object): Expander {
  const parsed = new (templating().Template)(template);
  return (root) => parsed.expand({ $root: root });
}

function expanderOf(name: string): Expander {
  let expander = expanders.get(name);
  if (!expander) {
    const template = JSON.parse(readFileSync(projectPath('cards', `${name}.json`), 'utf8')) as object;
    const compiled = compileTemplate(template);
    expander = compiled ?? libraryExpander(template);
    if (compiled && checkAgainstLibrary) expander = checkedExpander(name, compiled, libraryExpander(template));
    expanders.set(name, expander);
  }
  return expander;
}

function checkedExpander(name: string, compiled: Expander, reference: Expander): Expander {
  return (root) => {
    const ours = compiled(root);
    const theirs = reference(root);
    if (!isDeepStrictEqual(ours, theirs) || JSON.stringify(ours) !== JSON.stringify(theirs)) {
      throw new Error(`cards/${name}.json expands differently from adaptivecards-templating:\nours:   ${JSON.stringify(ours)}\ntheirs: ${JSON.stringify(theirs)}`);
    }
    return ours;
  };
}

/** Expands `cards/<name>.json` with `data` (the Adaptive Cards templating language: `${…}`, `$data`, `$when`). */
export function renderCard(name: string, data: object): AdaptiveCardJson {
  return expanderOf(name)(data) as AdaptiveCardJson;
}

export function cardBytes(card: object): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/**
 * No less than `cardBytes`, about ten times cheaper: every UTF-16 unit of a string or key takes at most 6 bytes as
 * JSON (a `\u001f` escape; UTF-8 needs at most 3), a number at most 24, and each value a few bytes of punctuation. A
 * card well under a limit need not be serialised to know it; one near the limit still is (`fitsWithin`).
 */
export function cardBytesAtMost(value: unknown): number {
  if (typeof value === 'string') return 6 * value.length + 2;
  if (typeof value === 'number') return 24;
  if (typeof value !== 'object' || value === null) return 5;
  // A value that serialises itself (a Date) could be longer than its properties say.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return Number.POSITIVE_INFINITY;
  let bytes = 2;
  if (Array.isArray(value)) {
    for (const item of value) bytes += cardBytesAtMost(item) + 1;
    return bytes;
  }
  // for…in rather than Object.entries (no array of pairs per object); inherited keys, which JSON leaves out, only raise the bound.
  for (const key in value) bytes += 6 * key.length + 3 + cardBytesAtMost((value as Record<string, unknown>)[key]) + 1;
  return bytes;
}

/** Whether a card's JSON is at most `limit` bytes: by the cheap bound when that settles it, else exactly. */
export function fitsWithin(card: object, limit: number): boolean {
  return cardBytesAtMost(card) <= limit || cardBytes(card) <= limit;
}
