/**
 * What the network phases measure, as saved in bench-out/network-results.json and read back by
 * the report. Quantities that may be missing are `null` (a JSON round trip turns NaN into null).
 */
import { percentile } from '../statistics';
import type { IngestionGoal, IngestionMode, NetworkPhase } from './network-plan';
import type { ProcessKind } from './process-cpu';

/** Latency percentiles, s. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** One ingestion level (`ingestion` phase). */
export interface IngestionLevel {
  readonly clients: number;
  readonly committed: number;
  readonly failed: number;
  readonly seconds: number;
  readonly tps: number;
  readonly latency: Percentiles;
  readonly firstError: string | null;
}

/** One traced slot of one region (`traces` phase). */
/** Who records a trace's carbon flow (the job's `recordBy`). */
export type TraceRecording = 'condition-b' | 'gridco';

/** The timed steps of a trace, in order, each from the end of the one before (or the anchoring). */
export const TRACE_STEPS = ['request', 'condition a', 'answers', 'condition b', 'record'] as const;
export type TraceStep = (typeof TRACE_STEPS)[number];

/** Trace latency keys: the case (or `all`), with the recording mode when it is not the default. */
export function latencyKey(caseName: string, recordBy: TraceRecording): string {
  return recordBy === 'condition-b' ? caseName : `${caseName}, GridCo records`;
}

export interface TraceSample {
  readonly caseName: string;
  readonly recordBy: TraceRecording;
  /** Seconds of each step (answers: from condition a's commit until the HV peer holds both). */
  readonly stepSeconds: Readonly<Record<TraceStep, number>>;
  readonly hv: string;
  readonly slot: number;
  /** Request → carbon flow recorded, s. */
  readonly requestToRecordedSeconds: number;
  /** LV submissions → carbon flow recorded, s. */
  readonly slotSeconds: number;
  /** Seal committed → package anchored seen, s. */
  readonly sealToAnchoredSeconds: number;
  readonly acceptedFrom: string;
  readonly path: readonly string[];
  readonly maxRelErrorVsLocal: number;
}

/** Who spent the CPU: every kind of network process, and the load generator's own process. */
export type CpuConsumer = ProcessKind | 'client';

/** One mode of the ingestion matrix (`ingestion-matrix` phase). */
export interface IngestionModeResult extends IngestionMode {
  readonly committed: number;
  readonly failed: number;
  readonly firstError: string | null;
  readonly seconds: number;
  readonly txPerSecond: number;
  readonly readingsPerSecond: number;
  readonly latencyP50Seconds: number | null;
  readonly latencyP90Seconds: number | null;
  /** CPU milliseconds per committed transaction by consumer; null when nothing committed. */
  readonly cpuMsPerTx: Readonly<Record<CpuConsumer, number | null>>;
  /** Load average (1 min) before and after. */
  readonly loadAverage: readonly [number, number];
}

/** The whole ingestion matrix. */
export interface IngestionMatrixResult {
  readonly modes: readonly IngestionModeResult[];
  /** Cores of the machine (`os.availableParallelism()`): the CPU the whole network shares. */
  readonly cores: number;
  /** Network processes sampled, by kind (their CPU is summed per kind). */
  readonly processCount: Readonly<Record<ProcessKind, number>>;
  readonly maxTx: number;
  readonly maxSeconds: number;
  readonly goal: IngestionGoal;
  /** When the matrix finished (ISO 8601). */
  readonly at: string;
}

/** The numbers of the JSON summary and the doc's summary line. */
export interface NetworkSummary {
  /** Best committed tx/s of a single `Measurement:Submit` (ingestion levels and matrix rows). */
  readonly ingestTps: number | null;
  /** Best meter readings/s of the batched (`SubmitBatch`) matrix rows. */
  readonly readingsPerSecond: number | null;
  /** CPU ms per committed single `Submit` (all processes), in the matrix row with the best tx/s. */
  readonly ingestCpuMsPerTx: number | null;
  /** CPU µs per meter reading (all processes), in the batched row with the best readings/s. */
  readonly ingestCpuUsPerReading: number | null;
  readonly traceLatencyP50Seconds: number | null;
  readonly anchorLagP50Seconds: number | null;
}

/** Everything the network half measured. */
export interface NetworkResults {
  readonly ran: boolean;
  readonly reason: string;
  /** The phases that ran; the report keeps the previous doc's sections of the others. */
  readonly phases: readonly NetworkPhase[];
  readonly ingestion: readonly IngestionLevel[];
  readonly ingestionBytesPerTx: Record<string, number>;
  readonly traces: readonly TraceSample[];
  readonly traceFailures: readonly string[];
  readonly traceLatency: Record<string, Percentiles>;
  readonly anchorLag: Percentiles;
  readonly ledgerBytesBefore: Record<string, number>;
  readonly ledgerBytesAfter: Record<string, number>;
  readonly ledgerGrowthPerTrace: Record<string, number>;
  readonly ingestionMatrix: IngestionMatrixResult | null;
  /** Why the ingestion matrix has no result although it was planned, or null. */
  readonly ingestionMatrixFailure: string | null;
  readonly summary: NetworkSummary;
}

/** p50, p90, p99 and max of `values` (NaN when empty). */
export function percentiles(values: readonly number[]): Percentiles {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
  };
}

/** Results of a network half that did not run. */
export function emptyNetworkResults(reason: string): NetworkResults {
  return {
    ran: false,
    reason,
    phases: [],
    ingestion: [],
    ingestionBytesPerTx: {},
    traces: [],
    traceFailures: [],
    traceLatency: {},
    anchorLag: percentiles([]),
    ledgerBytesBefore: {},
    ledgerBytesAfter: {},
    ledgerGrowthPerTrace: {},
    ingestionMatrix: null,
    ingestionMatrixFailure: null,
    summary: {
      ingestTps: null,
      readingsPerSecond: null,
      ingestCpuMsPerTx: null,
      ingestCpuUsPerReading: null,
      traceLatencyP50Seconds: null,
      anchorLagP50Seconds: null,
    },
  };
}
