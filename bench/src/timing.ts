/**
 * Wall-clock timing for the benchmarks: a monotonic clock in seconds, and a repeat-until-stable
 * measurement that discards a short first run as JIT warm-up and reports the median.
 */

/** Monotonic clock, seconds. */
export function nowSeconds(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /**
   * Keep repeating until the measured runs add up to this many seconds.
   * @default 1
   */
  readonly minSeconds?: number;
  /**
   * Never more than this many measured runs.
   * @default 25
   */
  readonly maxReps?: number;
  /**
   * A first run longer than this is kept as the only sample (no warm-up run is affordable), s.
   * @default 3
   */
  readonly slowRunSeconds?: number;
}

/** What {@link measure} reports. */
export interface Measurement<T> {
  /** Median of the measured runs, s. */
  readonly seconds: number;
  /** Fastest measured run, s. */
  readonly minSeconds: number;
  /** Number of measured runs. */
  readonly reps: number;
  /** Whether a warm-up run was made and discarded. */
  readonly warmedUp: boolean;
  /** The last run's value. */
  readonly value: T;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

/**
 * Times `run`: one warm-up run (discarded unless it was slower than `slowRunSeconds`), then
 * repeated runs until `minSeconds` or `maxReps`; reports the median.
 */
export function measure<T>(run: () => T, options: Readonly<MeasureOptions> = {}): Measurement<T> {
  const minTotal = options.minSeconds ?? 1;
  const maxReps = options.maxReps ?? 25;
  const slow = options.slowRunSeconds ?? 3;
  let start = nowSeconds();
  let value = run();
  const first = nowSeconds() - start;
  if (first >= slow || maxReps <= 1) {
    return { seconds: first, minSeconds: first, reps: 1, warmedUp: false, value };
  }
  const samples: number[] = [];
  let total = 0;
  while (samples.length < maxReps && (total < minTotal || samples.length < 3)) {
    start = nowSeconds();
    value = run();
    const elapsed = nowSeconds() - start;
    samples.push(elapsed);
    total += elapsed;
  }
  return {
    seconds: median(samples),
    minSeconds: Math.min(...samples),
    reps: samples.length,
    warmedUp: true,
    value,
  };
}

/** Peak resident set size of this process so far, kB (Linux maxrss). */
export function peakRssKb(): number {
  return process.resourceUsage().maxRSS;
}

/** Current resident set size, kB. */
export function currentRssKb(): number {
  return Math.round(process.memoryUsage().rss / 1024);
}
