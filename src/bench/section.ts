import { loadavg } from 'node:os';
import type { Figure, LatencySeries, Section } from './report';

/** What every section gets: how many runs to take, the time left, and a progress line on stderr. */
export interface BenchContext {
  readonly runs: number;
  /** Epoch ms by which the whole bench must be done; sections shorten or skip themselves to keep to it. */
  readonly deadline: number;
  log(line: string): void;
  secondsLeft(): number;
}

export interface SectionOutcome {
  readonly status: Section['status'];
  readonly notes: readonly string[];
  readonly figures: readonly Figure[];
  readonly latencies?: readonly LatencySeries[];
  readonly details?: unknown;
}

export interface SectionSpec {
  readonly id: string;
  readonly title: string;
  /** Seconds the section needs at most; skipped with a note when less than this is left. */
  readonly needsSeconds: number;
  run(context: BenchContext): Promise<SectionOutcome>;
}

export const skipped = (note: string): SectionOutcome => ({ status: 'skipped', notes: [note], figures: [] });

/** Runs a section, timing it and noting the load average around it; a crash becomes a failed section, not a lost report. */
export async function runSection(spec: SectionSpec, context: BenchContext): Promise<Section> {
  const started = Date.now();
  const loadStart = loadavg()[0];
  let outcome: SectionOutcome;
  if (context.secondsLeft() < spec.needsSeconds) {
    outcome = skipped(`skipped: ${Math.round(context.secondsLeft())} s left of the bench's time budget, this section needs about ${spec.needsSeconds} s`);
  } else {
    context.log(`${spec.title} …`);
    try {
      outcome = await spec.run(context);
    } catch (error) {
      outcome = { status: 'failed', notes: [`failed: ${(error as Error)?.stack ?? String(error)}`], figures: [] };
    }
  }
  const section: Section = {
    id: spec.id,
    title: spec.title,
    status: outcome.status,
    notes: outcome.notes,
    figures: outcome.figures,
    latencies: outcome.latencies ?? [],
    ...(outcome.details !== undefined ? { details: outcome.details } : {}),
    load: { start: loadStart, end: loadavg()[0] },
    seconds: (Date.now() - started) / 1000,
  };
  context.log(`${spec.title}: ${section.status} in ${section.seconds.toFixed(1)} s`);
  return section;
}
