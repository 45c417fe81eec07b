/**
 * The machine's 1-minute load average sampled through a benchmark phase, so the report can say
 * whether the cores were the benchmark's own or shared with other work while it measured.
 */
import { availableParallelism, loadavg } from 'node:os';

/** Load average over one phase. */
export interface LoadSummary {
  readonly samples: number;
  readonly min: number;
  readonly mean: number;
  readonly max: number;
  /** Cores available to the process, for comparison with the load. */
  readonly cores: number;
}

/** A running sampler; `stop` ends it and summarizes what it saw (the last reading included). */
export interface LoadSampler {
  stop(): LoadSummary;
}

/** Starts sampling `os.loadavg()[0]` every `periodMs` (first reading immediately). */
export function startLoadSampler(
  periodMs = 5_000,
  read: () => number = () => loadavg()[0] ?? 0,
): LoadSampler {
  const values: number[] = [read()];
  const timer = setInterval(() => values.push(read()), periodMs);
  timer.unref();
  return {
    stop(): LoadSummary {
      clearInterval(timer);
      values.push(read());
      return summarizeLoad(values, availableParallelism());
    },
  };
}

/** Min, mean and max of load readings. @throws Error when there are none. */
export function summarizeLoad(values: readonly number[], cores: number): LoadSummary {
  if (values.length === 0) throw new Error('summarizeLoad: no load readings');
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { samples: values.length, min, mean: sum / values.length, max, cores };
}

/** True when the load exceeded the cores for a good part of the phase (mean above the core count). */
export function wasShared(load: LoadSummary): boolean {
  return load.mean > load.cores;
}

/** `min 0.4, mean 1.9, max 2.6 (2 cores)`. */
export function formatLoad(load: LoadSummary): string {
  return `min ${load.min.toFixed(1)}, mean ${load.mean.toFixed(1)}, max ${load.max.toFixed(1)} (${load.cores} cores)`;
}
