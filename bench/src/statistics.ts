/** Small statistics for the benchmark tables: percentiles and log–log scaling fits. */

/** The p-th percentile (0–100) by linear interpolation between order statistics; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (rank - lo);
}

/** A least-squares fit of log(t) = log(c) + exponent·log(n). */
export interface ScalingFit {
  /** The fitted exponent (slope in log–log). */
  readonly exponent: number;
  /** Coefficient of determination of the log–log fit. */
  readonly r2: number;
  /** Points used. */
  readonly points: number;
}

/** Fits t ≈ c·n^exponent over points with n > 0 and t > 0; undefined with fewer than two points. */
export function fitScalingExponent(
  points: readonly { readonly n: number; readonly t: number }[],
): ScalingFit | undefined {
  const usable = points.filter((p) => p.n > 0 && p.t > 0);
  if (usable.length < 2) return undefined;
  const xs = usable.map((p) => Math.log(p.n));
  const ys = usable.map((p) => Math.log(p.t));
  const mean = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    const y = ys[i] ?? my;
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) * (x - mx);
    syy += (y - my) * (y - my);
  });
  if (sxx === 0) return undefined;
  const exponent = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { exponent, r2, points: usable.length };
}
