/**
 * The engine benchmark plan: every case, size and path the engine phases measure, in one object,
 * so that what a run measures is read here rather than from literals scattered through the phases.
 * `enginePlan(quick)` gives the full plan (`npm run bench`) or the short one (`--quick`).
 */
import type { MaskProfile } from '@carbontrace/chaincode';

import type { MeasureOptions } from '../timing';
import { feeder, type CaseSpec } from './bench-cases';

/** The engine phases, in the order they run. */
export const ENGINE_PHASES = ['power-flow', 'day', 'tracing', 'outsourcing'] as const;
/** One engine phase. */
export type EnginePhase = (typeof ENGINE_PHASES)[number];

/** What the engine phases measure. */
export interface EnginePlan {
  /** The phases this run measures (`--engine-phases a,b`; default all). */
  readonly phases: readonly EnginePhase[];
  /** Engine repeats: a warm-up, then repeated runs for at least minSeconds (at most maxReps). */
  readonly timing: MeasureOptions;
  /** The same for the Python scripts, as their [minSeconds, maxReps] arguments. */
  readonly pythonTiming: readonly [string, string];
  /** A slow power flow still gets a warm-up and three timed runs below this many seconds per run. */
  readonly slowRunSeconds: number;
  /** Power-flow table: ours (fresh, with a workspace, sweep) vs pandapower and lightsim2grid. */
  readonly powerFlow: {
    readonly cases: readonly CaseSpec[];
    /** pandapower's BFSW is skipped above this size (it needs ~17 GB at 50,000 buses). */
    readonly pandapowerBfswMaxBuses: number;
  };
  /** Tracing paths on the shared cases and feeders (dense paths up to denseMaxBuses). */
  readonly tracing: { readonly cases: readonly CaseSpec[] };
  /** Tracing scaling series: radial feeders with scalingDgCount DGs at these sizes. */
  readonly scaling: { readonly busCounts: readonly number[] };
  /** Outsourcing: every profile at `sizes`, the monomial profile alone at `monomialSizes`. */
  readonly outsourcing: {
    readonly sizes: readonly number[];
    readonly profiles: readonly MaskProfile[];
    readonly monomialSizes: readonly number[];
  };
  /** A day at scale: 24 hourly slots of one feeder, `days` days in one process. */
  readonly day: { readonly caseSpec: CaseSpec; readonly days: number };
}

/** Power-flow tolerance used on every side (max |mismatch|, pu). */
export const PF_TOLERANCE_PU = 1e-8;
/** Loss agreement required between our NR and the references (relative). */
export const LOSS_AGREEMENT = 1e-6;
/** DGs of the tracing scaling series (K = DGs + the grid supply). */
export const SCALING_DG_COUNT = 20;
/** n at which the summary's traceFastVsDense is taken. */
export const DENSE_REFERENCE_BUSES = 2000;
/** Largest n at which the O(N³) dense paths are run. */
export const DENSE_MAX_BUSES = 2000;

const SHARED_CASES: readonly CaseSpec[] = [
  { kind: 'matpower', file: 'case4_carbon.m' },
  { kind: 'matpower', file: 'case14.m' },
  { kind: 'matpower', file: 'case33bw.m' },
];

/** A feeder of n buses with n/100 DGs, radial and meshed by n/100 tie branches. */
function radialAndMeshed(busCount: number): CaseSpec[] {
  const dg = Math.max(5, busCount / 100);
  return [feeder(busCount, dg), feeder(busCount, dg, busCount / 100)];
}

/**
 * The plan of a full (`quick` = false) or short run, limited to `phases`.
 * @throws Error naming an unknown phase.
 */
export function enginePlan(quick: boolean, phases: readonly string[] = ENGINE_PHASES): EnginePlan {
  const selected = phases.map((name) => {
    const phase = ENGINE_PHASES.find((p) => p === name);
    if (phase === undefined)
      throw new Error(`unknown engine phase "${name}" (known: ${ENGINE_PHASES.join(', ')})`);
    return phase;
  });
  const powerFlowFeeders = (quick ? [1000, 10000] : [1000, 10000, 50000, 100000]).flatMap(radialAndMeshed);
  const tracingFeeders: CaseSpec[] = [
    feeder(100, 5),
    feeder(1000, 20),
    feeder(10000, 100),
    feeder(50000, 200),
  ];
  return {
    phases: selected,
    timing: quick ? { minSeconds: 0.2, maxReps: 200 } : { minSeconds: 1, maxReps: 1000 },
    pythonTiming: quick ? ['0.2', '200'] : ['1', '1000'],
    slowRunSeconds: quick ? 3 : 20,
    powerFlow: {
      cases: [...SHARED_CASES, ...powerFlowFeeders],
      pandapowerBfswMaxBuses: quick ? 10000 : 50000,
    },
    tracing: { cases: quick ? [] : [...SHARED_CASES, ...tracingFeeders] },
    scaling: {
      busCounts: quick ? [500, 1000, 2000, 10000] : [100, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000],
    },
    outsourcing: {
      sizes: quick ? [300] : [100, 300, 1000],
      profiles: ['dense', 'monomial', 'hardened'],
      monomialSizes: quick ? [] : [10000, 50000],
    },
    day: { caseSpec: feeder(10000, 100), days: quick ? 2 : 6 },
  };
}
