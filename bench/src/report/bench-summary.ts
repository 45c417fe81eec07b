/**
 * The one-line JSON summary of `npm run bench -- --json`: the headline number of each phase, null
 * where the phase did not run (or ran before the key existed: results are read back from
 * bench-out/*.json of possibly older runs).
 */
import type { EngineResults } from '../engine/engine-suite';
import type { NetworkResults } from '../network/network-results';

/** The JSON summary's keys. */
export interface BenchSummary {
  readonly pfVsPandapower: number | null;
  readonly pfVsLightsim2grid: number | null;
  readonly traceFastVsDense: number | null;
  readonly clientVsLocal: Record<string, number | null>;
  /** Best committed tx/s of a single `Measurement:Submit`. */
  readonly ingestTps: number | null;
  readonly traceLatencyP50Seconds: number | null;
  readonly anchorLagP50Seconds: number | null;
  /** Best meter readings/s of the batched (`SubmitBatch`) ingestion rows. */
  readonly readingsPerSecond: number | null;
  /** CPU ms (all processes) per committed single `Submit`, at the best single row. */
  readonly ingestCpuMsPerTx: number | null;
  /** CPU µs (all processes) per meter reading, at the best batched row. */
  readonly ingestCpuUsPerReading: number | null;
}

/** The summary of saved engine and network results (either may be missing). */
export function benchSummary(
  engine: EngineResults | undefined,
  network: NetworkResults | undefined,
): BenchSummary {
  const n = network?.summary;
  return {
    pfVsPandapower: engine?.summary.pfVsPandapower ?? null,
    pfVsLightsim2grid: engine?.summary.pfVsLightsim2grid ?? null,
    traceFastVsDense: engine?.summary.traceFastVsDense ?? null,
    clientVsLocal: engine?.summary.clientVsLocal ?? {},
    ingestTps: n?.ingestTps ?? null,
    traceLatencyP50Seconds: n?.traceLatencyP50Seconds ?? null,
    anchorLagP50Seconds: n?.anchorLagP50Seconds ?? null,
    readingsPerSecond: n?.readingsPerSecond ?? null,
    ingestCpuMsPerTx: n?.ingestCpuMsPerTx ?? null,
    ingestCpuUsPerReading: n?.ingestCpuUsPerReading ?? null,
  };
}
