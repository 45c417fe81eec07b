/** The headline numbers of the network half (the JSON summary and the doc's summary line). */
import { bestBatchedRow, bestSingleRow, cpuUsPerReading, totalCpuMsPerTx } from './ingestion-cost';
import type { IngestionLevel, IngestionMatrixResult, NetworkSummary, Percentiles } from './network-results';

/** What the summary is derived from. */
export interface NetworkSummaryInput {
  readonly ingestion: readonly IngestionLevel[];
  readonly ingestionMatrix: IngestionMatrixResult | null;
  /** Trace latency over every traced slot. */
  readonly traceLatency: Percentiles | undefined;
  readonly anchorLag: Percentiles;
}

function finiteOrNull(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

function maxOrNull(values: readonly number[]): number | null {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length === 0 ? null : Math.max(...finite);
}

/**
 * The summary: `ingestTps` is the best committed tx/s of a single `Measurement:Submit` over the
 * ingestion levels and the matrix's `Submit` rows; `readingsPerSecond` the best readings/s of the
 * matrix's `SubmitBatch` rows; the CPU figures come from the same rows as those bests.
 */
export function networkSummary(input: NetworkSummaryInput): NetworkSummary {
  const rows = input.ingestionMatrix?.modes ?? [];
  const single = bestSingleRow(rows);
  const batched = bestBatchedRow(rows);
  return {
    ingestTps: maxOrNull([
      ...input.ingestion.filter((l) => l.committed > 0).map((l) => l.tps),
      ...(single === undefined ? [] : [single.txPerSecond]),
    ]),
    readingsPerSecond: finiteOrNull(batched?.readingsPerSecond),
    ingestCpuMsPerTx: single === undefined ? null : totalCpuMsPerTx(single),
    ingestCpuUsPerReading: batched === undefined ? null : cpuUsPerReading(batched),
    traceLatencyP50Seconds: finiteOrNull(input.traceLatency?.p50),
    anchorLagP50Seconds: finiteOrNull(input.anchorLag.p50),
  };
}
