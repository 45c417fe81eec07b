/**
 * The engine half of the benchmark: runs the phases of the {@link EnginePlan} in order (power
 * flow, tracing, outsourcing, a day at scale) and derives the summary numbers. Every measurement
 * is its own process (engine worker or Python script), so each reports its own peak RSS.
 */
import { num, type ChildResult } from '../child-runner';
import type { ScalingFit } from '../statistics';
import { caseLabel, feeder } from './bench-cases';
import { createEngineContext, type EngineSuiteOptions } from './engine-context';
import {
  DENSE_REFERENCE_BUSES,
  enginePlan,
  type EnginePhase,
  LOSS_AGREEMENT,
  PF_TOLERANCE_PU,
  SCALING_DG_COUNT,
} from './engine-plan';
import { runDayPhase, type DayRow } from './phases/day-phase';
import { runOutsourcingPhase, type OutsourcingRow } from './phases/outsourcing-phase';
import { runPowerFlowPhase, type PowerFlowRow } from './phases/power-flow-phase';
import { runTracingPhase, type NumpyPath, type TraceRow } from './phases/tracing-phase';

export { DENSE_REFERENCE_BUSES, LOSS_AGREEMENT, PF_TOLERANCE_PU, SCALING_DG_COUNT };
export type { DayRow, EngineSuiteOptions, NumpyPath, OutsourcingRow, PowerFlowRow, TraceRow };

/** Everything the engine half measured. */
export interface EngineResults {
  readonly tolerancePu: number;
  /** The phases that ran; the report keeps the previous doc's sections of the others. */
  readonly phases: readonly EnginePhase[];
  readonly baseline: ChildResult;
  readonly powerFlow: readonly PowerFlowRow[];
  readonly tracing: readonly TraceRow[];
  readonly scaling: readonly TraceRow[];
  readonly fits: Readonly<Record<string, ScalingFit | undefined>>;
  readonly outsourcing: readonly OutsourcingRow[];
  readonly day: DayRow;
  readonly summary: {
    readonly pfVsPandapower: number | null;
    readonly pfVsPandapowerCase: string;
    readonly pfVsLightsim2grid: number | null;
    readonly pfVsLightsim2gridCase: string;
    readonly traceFastVsDense: number | null;
    readonly traceFastVsKernelWorst: number | null;
    readonly dayTotalSeconds: number | null;
    readonly dayLaterSlotSeconds: number | null;
    readonly clientVsLocal: Record<string, number | null>;
    readonly clientVsLocalCase: string;
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The largest row where both sides have a time, and ours / theirs there. */
function largestRatio(
  rows: readonly PowerFlowRow[],
  theirs: (row: PowerFlowRow) => ChildResult | undefined,
): { ratio: number | null; label: string } {
  const row = [...rows]
    .reverse()
    .find(
      (r) => Number.isFinite(num(r.oursNr, 'minSeconds')) && Number.isFinite(num(theirs(r), 'minSeconds')),
    );
  if (row === undefined) return { ratio: null, label: '–' };
  return {
    ratio: finiteOrNull(num(row.oursNr, 'minSeconds') / num(theirs(row), 'minSeconds')),
    label: row.label,
  };
}

function dayField(day: DayRow, field: string): number {
  const reused = day.result['reused'];
  if (!day.result.ok || typeof reused !== 'object' || reused === null) return Number.NaN;
  const value = (reused as Record<string, unknown>)[field];
  return typeof value === 'number' ? value : Number.NaN;
}

/** Runs every engine phase of the plan. */
export async function runEngineSuite(options: EngineSuiteOptions): Promise<EngineResults> {
  const plan = enginePlan(options.quick, options.phases);
  const has = (phase: EnginePhase): boolean => plan.phases.includes(phase);
  const context = createEngineContext(options, plan);
  options.log('engine: baseline process');
  const baseline = await context.worker({ kind: 'baseline', caseSpec: feeder(100, 5) });
  const powerFlow = has('power-flow') ? await runPowerFlowPhase(context) : [];
  const day = has('day')
    ? await runDayPhase(context)
    : { label: caseLabel(plan.day.caseSpec), result: { ok: false, error: 'not run' } };
  const { tracing, scaling, fits } = has('tracing')
    ? await runTracingPhase(context)
    : { tracing: [], scaling: [], fits: {} };
  const outsourcing = has('outsourcing') ? await runOutsourcingPhase(context) : [];

  const pandapower = largestRatio(powerFlow, (row) => row.pandapowerNr);
  const lightsim = largestRatio(powerFlow, (row) => row.lightsim2gridCold);
  const denseRow = scaling.find((row) => row.busCount === DENSE_REFERENCE_BUSES);
  const kernelRatios = [...tracing, ...scaling]
    .map((row) => num(row.paths.fast, 'minSeconds') / num(row.paths.minimal, 'minSeconds'))
    .filter(Number.isFinite);
  const clientN = Math.max(...plan.outsourcing.sizes);
  const clientVsLocal: Record<string, number | null> = {};
  for (const row of outsourcing) {
    if (row.busCount !== clientN) continue;
    clientVsLocal[row.profile] = finiteOrNull(
      num(row.result, 'clientSeconds') / num(row.result, 'localSeconds'),
    );
  }
  return {
    tolerancePu: PF_TOLERANCE_PU,
    phases: plan.phases,
    baseline,
    powerFlow,
    tracing,
    scaling,
    fits,
    outsourcing,
    day,
    summary: {
      pfVsPandapower: pandapower.ratio,
      pfVsPandapowerCase: pandapower.label,
      pfVsLightsim2grid: lightsim.ratio,
      pfVsLightsim2gridCase: lightsim.label,
      traceFastVsDense:
        denseRow === undefined
          ? null
          : finiteOrNull(num(denseRow.paths.dense, 'minSeconds') / num(denseRow.paths.fast, 'minSeconds')),
      traceFastVsKernelWorst: kernelRatios.length === 0 ? null : Math.max(...kernelRatios),
      dayTotalSeconds: finiteOrNull(dayField(day, 'totalSeconds')),
      dayLaterSlotSeconds: finiteOrNull(dayField(day, 'laterSlotMeanSeconds')),
      clientVsLocal,
      clientVsLocalCase: caseLabel(feeder(clientN, SCALING_DG_COUNT)),
    },
  };
}
