/**
 * The network benchmark plan: every phase, load level, ingestion mode, limit and goal the network
 * phases use, in one object, so that what a run measures is read here rather than from literals
 * scattered through the phases. `networkPlan(quick)` gives the full plan (`npm run bench`) or the
 * short one (`--quick`); `npm run bench:ingest` runs the ingestion-matrix part of the same plan.
 *
 * Phases, in the order they run (`--network-phases a,b` limits them; default all):
 * - `ingestion`: closed-loop `Measurement:Submit` clients at several concurrency levels (tx/s,
 *   submit→commit latency, ledger bytes per measurement);
 * - `traces`: end-to-end traces of case4_carbon and case33bw through the job's slot trace, with
 *   our anchor relays and two honest providers in this process (latency, anchoring lag, ledger
 *   growth);
 * - `ingestion-matrix`: single `Measurement:Submit` against batched `Measurement:SubmitBatch` at
 *   16 and 400 meters per slot, with the CPU time of every network process per committed
 *   transaction. It runs last, after the relays and providers of the other phases are stopped,
 *   so that its CPU profile is ingestion alone (as with `npm run bench:ingest`).
 */
import { join } from 'node:path';

import { REPO_ROOT } from '../engine/bench-cases';

/** The network phases, in the order they run. */
export const NETWORK_PHASES = ['ingestion', 'traces', 'ingestion-matrix'] as const;
/** One network phase. */
export type NetworkPhase = (typeof NETWORK_PHASES)[number];

/** Where the network under test keeps its files. */
export interface NetworkPaths {
  /** The run directory (`CARBONTRACE_NETWORK_DIR`, default `.run/network`): pids/, nodes/. */
  readonly networkDir: string;
  /** Its generated configuration (`CARBONTRACE_NETWORK_CONFIG`, default `<networkDir>/config`). */
  readonly configDir: string;
  /** The peers' and orderers' ledgers (`<networkDir>/nodes`). */
  readonly nodesDir: string;
}

/** One mode of the ingestion matrix. */
export interface IngestionMode {
  readonly name: string;
  /** Slots per transaction (1 = `Submit`, more = `SubmitBatch`). */
  readonly slotsPerTx: number;
  /** Metered buses per slot (one load reading each). */
  readonly metersPerSlot: number;
  /** Closed-loop clients (one gateway connection each, one transaction outstanding). */
  readonly clients: number;
}

/** The ingestion goal. */
export interface IngestionGoal {
  readonly txPerSecond: number;
  readonly readingsPerSecond: number;
}

/** The ingestion matrix: every mode against the same fresh grid, one after the other. */
export interface IngestionMatrixPlan {
  readonly modes: readonly IngestionMode[];
  /** Per mode: stop after this many transactions were issued… */
  readonly maxTx: number;
  /** …or after this long, s. */
  readonly maxSeconds: number;
  /** The slave channel and the LV organizations submitting on it (clients alternate). */
  readonly channel: string;
  readonly lvs: readonly string[];
  /** Co-endorsers, alternating per pair of clients (the trust model: LV peer + its verifier). */
  readonly verifiers: readonly string[];
  readonly goal: IngestionGoal;
}

/** One provider the bench registers and answers for. */
export interface BenchProvider {
  readonly id: string;
  readonly feePerTask: number;
}

/** What the network phases measure. */
export interface NetworkPlan {
  /** The phases this run measures. */
  readonly phases: readonly NetworkPhase[];
  readonly paths: NetworkPaths;
  /** `ingestion`: these client counts, each bounded by maxTx transactions or maxSeconds. */
  readonly ingestion: {
    readonly clientLevels: readonly number[];
    readonly maxTx: number;
    readonly maxSeconds: number;
  };
  /** `traces`: slots traced per case, the two providers, their polling interval. */
  readonly traces: {
    readonly perCase: number;
    readonly providers: readonly [BenchProvider, BenchProvider];
    readonly providerPollMs: number;
    /** Wait after the last trace so that the relays report the last anchors, s. */
    readonly settleSeconds: number;
  };
  readonly ingestionMatrix: IngestionMatrixPlan;
}

/** The goal: ≥ 300 tx/s and ≥ 30,000 meter readings/s. */
export const INGESTION_GOAL: IngestionGoal = { txPerSecond: 300, readingsPerSecond: 30_000 };

/** The network's files from the environment the network scripts set (with-network.sh). */
export function networkPaths(env: NodeJS.ProcessEnv = process.env): NetworkPaths {
  const networkDir = env['CARBONTRACE_NETWORK_DIR'] ?? join(REPO_ROOT, '.run', 'network');
  return {
    networkDir,
    configDir: env['CARBONTRACE_NETWORK_CONFIG'] ?? join(networkDir, 'config'),
    nodesDir: join(networkDir, 'nodes'),
  };
}

/** The ingestion matrix of a full or short run. Meters per slot 16 ≈ a case33bw LV feeder. */
export function ingestionMatrixPlan(quick: boolean): IngestionMatrixPlan {
  return {
    modes: [
      { name: 'Submit, 1 slot × 16 meters', slotsPerTx: 1, metersPerSlot: 16, clients: 8 },
      { name: 'SubmitBatch, 16 slots × 16 meters', slotsPerTx: 16, metersPerSlot: 16, clients: 8 },
      { name: 'Submit, 1 slot × 400 meters', slotsPerTx: 1, metersPerSlot: 400, clients: 8 },
      { name: 'SubmitBatch, 8 slots × 400 meters', slotsPerTx: 8, metersPerSlot: 400, clients: 8 },
      { name: 'SubmitBatch, 24 slots × 400 meters', slotsPerTx: 24, metersPerSlot: 400, clients: 8 },
    ],
    maxTx: quick ? 400 : 1500,
    maxSeconds: quick ? 20 : 45,
    channel: 'slave-hv1',
    lvs: ['Lv1a', 'Lv1b'],
    verifiers: ['Regulator', 'Hv1'],
    goal: INGESTION_GOAL,
  };
}

/**
 * The plan of a full (`quick` = false) or short run, limited to `phases`.
 * @throws Error naming an unknown phase.
 */
export function networkPlan(
  quick: boolean,
  phases: readonly string[] = NETWORK_PHASES,
  env: NodeJS.ProcessEnv = process.env,
): NetworkPlan {
  const selected = phases.map((name) => {
    const phase = NETWORK_PHASES.find((p) => p === name);
    if (phase === undefined)
      throw new Error(`unknown network phase "${name}" (known: ${NETWORK_PHASES.join(', ')})`);
    return phase;
  });
  return {
    phases: NETWORK_PHASES.filter((p) => selected.includes(p)),
    paths: networkPaths(env),
    ingestion: {
      clientLevels: quick ? [8] : [1, 4, 16],
      maxTx: quick ? 600 : 2000,
      maxSeconds: quick ? 25 : 60,
    },
    traces: {
      perCase: quick ? 2 : 5,
      providers: [
        { id: 'CloudA', feePerTask: 1.0 },
        { id: 'CloudB', feePerTask: 1.2 },
      ],
      providerPollMs: 50,
      settleSeconds: 3,
    },
    ingestionMatrix: ingestionMatrixPlan(quick),
  };
}
