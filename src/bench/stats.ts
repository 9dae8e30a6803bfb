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
  /** Where the median of many more runs would likely fall; null when there are too few runs to say. */
  readonly interval: MedianInterval | null;
  readonly runs: readonly number[];
}

export function spreadOf(runs: readonly number[]): Spread {
  const finite = runs.filter((value) => Number.isFinite(value));
  const mid = median(finite);
  const min = finite.length > 0 ? Math.min(...finite) : Number.NaN;
  const max = finite.length > 0 ? Math.max(...finite) : Number.NaN;
  return { median: mid, min, max, relative: mid > 0 ? (max - min) / mid : 0, interval: medianInterval(finite), runs: [...runs] };
}

/** Two of the runs that bracket the true median with (at least) the stated confidence. */
export interface MedianInterval {
  readonly low: number;
  readonly high: number;
  /** The exact confidence of this pair of runs, e.g. 0.961 for the 2nd and 8th of 9. */
  readonly confidence: number;
}

/**
 * How far the median of a few runs can be trusted, without assuming how the runs are distributed: each run falls
 * below the true median with probability ½, so the k-th smallest and the k-th largest of n runs bracket it with
 * confidence 1 − 2·P(Binomial(n, ½) < k). The narrowest such pair (largest k) that reaches `wanted` is returned; null
 * when even the smallest and largest run do not (fewer than 5 runs at 90%).
 */
export function medianInterval(runs: readonly number[], wanted = 0.9): MedianInterval | null {
  const sorted = runs.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  const n = sorted.length;
  let best: MedianInterval | null = null;
  let below = 0; // P(Binomial(n, ½) < k), built up term by term in log space (2^-n underflows past 1,074 runs)
  let logChoose = 0; // log C(n, i)
  for (let k = 1; k <= Math.ceil(n / 2); k++) {
    const i = k - 1;
    if (i > 0) logChoose += Math.log((n - i + 1) / i);
    below += Math.exp(logChoose - n * Math.LN2);
    const confidence = 1 - 2 * below;
    if (confidence < wanted) break;
    best = { low: sorted[k - 1], high: sorted[n - k], confidence };
  }
  return best;
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
