/**
 * The network half of the benchmark, on the running test network (started or reused by
 * network/scripts/with-network.sh), with our own load generator on the gateway-client role
 * clients. It runs the phases of the {@link NetworkPlan} in order (network-plan.ts says what each
 * measures): `ingestion` and `traces` share one connected session with our anchor relays and two
 * honest providers; `ingestion-matrix` runs after the session is closed, so that its CPU profile
 * is ingestion alone. Loopback only; everything it starts it stops.
 */
import { networkPlan, type NetworkPhase, type NetworkPlan } from './network-plan';
import {
  emptyNetworkResults,
  percentiles,
  type IngestionMatrixResult,
  type NetworkResults,
} from './network-results';
import { NetworkUnreachableError, openNetworkSession } from './network-session';
import { networkSummary } from './network-summary';
import { runIngestionMatrixPhase } from './phases/ingestion-matrix-phase';
import { runIngestionPhase, type IngestionPhaseResult } from './phases/ingestion-phase';
import { runTracePhase, type TracePhaseResult } from './phases/trace-phase';

/** Options of {@link runNetworkSuite} (from the command line). */
export interface NetworkSuiteOptions {
  readonly quick: boolean;
  /** Scratch folder (relay checkpoints). */
  readonly outDir: string;
  readonly log: (line: string) => void;
  /** Phases to run (`--network-phases a,b`; default all of NETWORK_PHASES). */
  readonly phases?: readonly string[];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the session phases measured (ingestion levels, traces, anchoring lag). */
interface SessionResults {
  readonly ingestion: IngestionPhaseResult | undefined;
  readonly traces: TracePhaseResult | undefined;
  readonly anchorLags: readonly number[];
}

async function runSessionPhases(plan: NetworkPlan, options: NetworkSuiteOptions): Promise<SessionResults> {
  const has = (phase: NetworkPhase): boolean => plan.phases.includes(phase);
  const session = await openNetworkSession(plan, options.outDir);
  try {
    options.log('network: clients connected, topologies registered');
    const clouds = await session.startServices();
    options.log('network: anchor relays started, providers registered');
    const ingestion = has('ingestion') ? await runIngestionPhase(session, plan, options.log) : undefined;
    const traces = has('traces') ? await runTracePhase(session, clouds, plan, options.log) : undefined;
    // give the relays a moment to report the last anchors
    await new Promise((resolve) => setTimeout(resolve, plan.traces.settleSeconds * 1000));
    return { ingestion, traces, anchorLags: session.probe.lags() };
  } finally {
    await session.close();
  }
}

/** Runs the network phases of the plan. Never throws: a failure is the results' reason. */
export async function runNetworkSuite(options: NetworkSuiteOptions): Promise<NetworkResults> {
  const plan = networkPlan(options.quick, options.phases);
  const has = (phase: NetworkPhase): boolean => plan.phases.includes(phase);
  let session: SessionResults = { ingestion: undefined, traces: undefined, anchorLags: [] };
  if (has('ingestion') || has('traces')) {
    try {
      session = await runSessionPhases(plan, options);
    } catch (error) {
      if (error instanceof NetworkUnreachableError) return emptyNetworkResults(error.message);
      return emptyNetworkResults(`the network phase stopped: ${message(error).slice(0, 300)}`);
    }
  }
  let ingestionMatrix: IngestionMatrixResult | null = null;
  let ingestionMatrixFailure: string | null = null;
  if (has('ingestion-matrix')) {
    options.log('network: ingestion matrix (Submit vs SubmitBatch, CPU per transaction)');
    try {
      ingestionMatrix = await runIngestionMatrixPhase(plan.ingestionMatrix, plan.paths, options.log);
    } catch (error) {
      ingestionMatrixFailure = `the ingestion matrix stopped: ${message(error).slice(0, 300)}`;
      options.log(ingestionMatrixFailure);
      if (plan.phases.length === 1) return emptyNetworkResults(ingestionMatrixFailure);
    }
  }
  const { ingestion, traces } = session;
  const anchorLag = percentiles(session.anchorLags);
  return {
    ran: true,
    reason: '',
    phases: plan.phases,
    ingestion: ingestion?.levels ?? [],
    ingestionBytesPerTx: ingestion?.bytesPerTx ?? {},
    traces: traces?.traces ?? [],
    traceFailures: traces?.failures ?? [],
    traceLatency: traces?.latency ?? {},
    anchorLag,
    ledgerBytesBefore: traces?.ledgerBytesBefore ?? {},
    ledgerBytesAfter: traces?.ledgerBytesAfter ?? {},
    ledgerGrowthPerTrace: traces?.ledgerGrowthPerTrace ?? {},
    ingestionMatrix,
    ingestionMatrixFailure,
    summary: networkSummary({
      ingestion: ingestion?.levels ?? [],
      ingestionMatrix,
      traceLatency: traces?.latency['all'],
      anchorLag,
    }),
  };
}
