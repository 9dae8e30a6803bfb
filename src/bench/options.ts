import { parseArgs } from 'node:util';

/** What `npm run bench -- …` asked for. */
export interface BenchOptions {
  /** Section ids to run; null for all of them. */
  readonly only: readonly string[] | null;
  /** Timed runs per figure. */
  readonly runs: number;
  /** Where report.json, report.md and latency.svg are written. */
  readonly out: string;
}

interface Named {
  readonly id: string;
}

export function benchUsage(sections: readonly Named[]): string {
  return `usage: npm run bench [-- --only ${sections.map((section) => section.id).join(',')}] [--runs N (1 to 9, default 3)] [--out DIR]`;
}

/**
 * The options, or null for --help. An unknown option or section id is an error that names what is allowed, found
 * before anything runs: a typo must not cost (or start) a run of several minutes.
 */
export function benchOptions(argv: readonly string[], sections: readonly Named[], defaultOut: string): BenchOptions | null {
  const { values } = parseArgs({
    args: [...argv],
    options: { only: { type: 'string' }, runs: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return null;
  const runs = Number(values.runs ?? 3);
  if (!Number.isInteger(runs) || runs < 1 || runs > 9) throw new Error('--runs must be a whole number from 1 to 9');
  const only = values.only?.split(',').map((id) => id.trim()) ?? null;
  const unknown = only?.filter((id) => !sections.some((section) => section.id === id)) ?? [];
  if (unknown.length > 0) throw new Error(`no section ${unknown.join(', ')}; the sections are ${sections.map((section) => section.id).join(', ')}`);
  return { only, runs, out: values.out ?? defaultOut };
}
