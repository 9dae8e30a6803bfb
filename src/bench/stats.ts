/**
 * The bench's arithmetic, kept pure so a fast test can check it: percentiles of one run's samples, and the median
 * and spread of a figure over several runs (the report quotes the median and shows min–max beside it).
 */

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN for none. Nearest-rank never invents a value. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)];
}

/** The middle value; for an even count, the mean of the two middle values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A figure measured in several runs: what the report quotes (median) and how far the runs were apart. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max − min) / median: 0.1 means the runs were within 10% of each other. */
  readonly relative: number;
  readonly runs: readonly number[];
}

export function spreadOf(runs: readonly number[]): Spread {
  const finite = runs.filter((value) => Number.isFinite(value));
  const mid = median(finite);
  const min = finite.length > 0 ? Math.min(...finite) : Number.NaN;
  const max = finite.length > 0 ? Math.max(...finite) : Number.NaN;
  return { median: mid, min, max, relative: mid > 0 ? (max - min) / mid : 0, runs: [...runs] };
}

/** The percentiles the latency chart draws for one distribution. */
export interface Distribution {
  readonly count: number;
  readonly p1: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p99: number;
  readonly max: number;
}

export function distributionOf(samples: readonly number[]): Distribution {
  return {
    count: samples.length,
    p1: percentile(samples, 1),
    p25: percentile(samples, 25),
    p50: percentile(samples, 50),
    p75: percentile(samples, 75),
    p99: percentile(samples, 99),
    max: samples.length > 0 ? Math.max(...samples) : Number.NaN,
  };
}

/** Rounds for the report: 3 significant digits keeps 0.0123 ms and 1234 emails/s readable. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const factor = 10 ** (digits - 1 - magnitude);
  return Math.round(value * factor) / factor;
}

/** Milliseconds since an hrtime.bigint() start. */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
