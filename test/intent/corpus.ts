import { readFileSync } from 'node:fs';
import { understandMessage } from '../../src/assistant/understand';
import type { ParsedRequest } from '../../src/model/intent';

/** The clock both example sets are written against. */
export const NOW = new Date('2026-11-20T15:00:00Z');
export const TIME_ZONE = 'America/New_York';

/** One example: the text, the expected intent, and any fields it asserts (absent fields are not checked). */
export interface Example {
  readonly text: string;
  readonly intent: string;
  /** The question asked just before, for follow-ups. */
  readonly previous?: string;
  readonly pastedContains?: readonly string[];
  readonly pastedLacks?: readonly string[];
  readonly [field: string]: unknown;
}

const CHECKED_FIELDS = ['intent', 'symptom', 'senders', 'recipients', 'domains', 'codes', 'messageId', 'quarantineId', 'window', 'checks', 'ips', 'followUp'] as const;

export function readExamples(path: string): Example[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Example);
}

export function parseExample(example: Example): ParsedRequest {
  const context = { now: NOW, timeZone: TIME_ZONE };
  // As the assistant understands them: a pasted NDR's people and codes are its analyzer's reading.
  const previous = example.previous === undefined ? undefined : understandMessage(example.previous, context);
  return understandMessage(example.text, { ...context, previous });
}

/** The fields where the parse differs from the example, as "field: expected … got …" lines; empty when it matches. */
export function differences(example: Example, parsed: ParsedRequest): string[] {
  const out: string[] = [];
  for (const field of CHECKED_FIELDS) {
    if (!(field in example)) continue;
    const expected = JSON.stringify(example[field]);
    const got = JSON.stringify((parsed as unknown as Record<string, unknown>)[field] ?? null);
    if (expected !== got) out.push(`${field}: expected ${expected} got ${got}`);
  }
  for (const part of example.pastedContains ?? []) if (!parsed.pasted?.includes(part)) out.push(`pasted lacks ${JSON.stringify(part)}`);
  for (const part of example.pastedLacks ?? []) if (parsed.pasted?.includes(part)) out.push(`pasted still has ${JSON.stringify(part)}`);
  return out;
}

export interface Score {
  readonly total: number;
  readonly passed: number;
  readonly misses: readonly string[];
}

export function score(examples: readonly Example[]): Score {
  const misses: string[] = [];
  for (const example of examples) {
    const diff = differences(example, parseExample(example));
    if (diff.length > 0) misses.push(`${JSON.stringify(example.text.slice(0, 120))}${example.previous ? ` (after ${JSON.stringify(example.previous)})` : ''}\n    ${diff.join('\n    ')}`);
  }
  return { total: examples.length, passed: examples.length - misses.length, misses };
}
