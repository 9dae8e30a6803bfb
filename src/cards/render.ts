import { readFileSync } from 'node:fs';
import type * as ACData from 'adaptivecards-templating';
import { lazy } from '../ops/lazy';
import { projectPath } from '../paths';

/** An Adaptive Card as JSON, ready to send. */
export type AdaptiveCardJson = { type: 'AdaptiveCard'; version: string; [key: string]: unknown };

/** Teams rejects a message over ~28 KB; we keep every card under it with room for the envelope. */
export const MAX_CARD_BYTES = 28 * 1024;

/**
 * Parsed templates, one per card. Parsing every `${…}` is most of a render's cost, and `expand` is synchronous and
 * leaves the parsed template untouched, so one Template serves every turn.
 */
const templates = new Map<string, ACData.Template>();

/**
 * adaptivecards-templating brings adaptive-expressions, antlr4ts and fast-xml-parser (several MB of resident memory):
 * loaded by the first card rendered, not at start-up.
 */
const templating = lazy(() => require('adaptivecards-templating') as typeof import('adaptivecards-templating'));

function template(name: string): ACData.Template {
  let cached = templates.get(name);
  if (!cached) {
    cached = new (templating().Template)(JSON.parse(readFileSync(projectPath('cards', `${name}.json`), 'utf8')) as object);
    templates.set(name, cached);
  }
  return cached;
}

/** Expands `cards/<name>.json` with `data` (adaptivecards-templating: `${…}`, `$data`, `$when`). */
export function renderCard(name: string, data: object): AdaptiveCardJson {
  return template(name).expand({ $root: data }) as AdaptiveCardJson;
}

export function cardBytes(card: object): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
