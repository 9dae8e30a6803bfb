import { readFileSync } from 'node:fs';
import * as ACData from 'adaptivecards-templating';
import { projectPath } from '../paths';

/** An Adaptive Card as JSON, ready to send. */
export type AdaptiveCardJson = { type: 'AdaptiveCard'; version: string; [key: string]: unknown };

/** Teams rejects a message over ~28 KB; we keep every card under it with room for the envelope. */
export const MAX_CARD_BYTES = 28 * 1024;

const templates = new Map<string, object>();

function template(name: string): object {
  let cached = templates.get(name);
  if (!cached) {
    cached = JSON.parse(readFileSync(projectPath('cards', `${name}.json`), 'utf8')) as object;
    templates.set(name, cached);
  }
  return cached;
}

/** Expands `cards/<name>.json` with `data` (adaptivecards-templating: `${…}`, `$data`, `$when`). */
export function renderCard(name: string, data: object): AdaptiveCardJson {
  const expanded = new ACData.Template(template(name)).expand({ $root: data }) as AdaptiveCardJson;
  return expanded;
}

export function cardBytes(card: object): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
