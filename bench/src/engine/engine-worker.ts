/**
 * One engine measurement per process (so that each has its own peak RSS): the orchestrator runs
 * `node bench/dist/engine/engine-worker.js '<task JSON>'` and reads the one JSON line printed.
 *
 * Tasks: `export` (solve, then write the case and the extended system for the Python side),
 * `pf` (power flow, optionally with one workspace across the repeats), `day` (24 hourly slots:
 * power flow + carbon trace, with and without a workspace across slots), `trace` (generator shares by one path), `outsource` (one outsourced trace
 * per mask profile, honest providers), `baseline` (engine loaded and case built, nothing run).
 */
import { join } from 'node:path';

import {
  buildDistributionSystem,
  buildOutsourcingProblem,
  computeLocalTrace,
  runOutsourcing,
  solvePowerFlow,
  solveSharesByDenseInverse,
  solveSharesByForwardSubstitution,
  solveSharesBySparseLu,
  PowerFlowWorkspace,
  type DistributionSystem,
  type MaskProfile,
  type PowerFlowMethod,
} from '@carbontrace/chaincode';

import {
  currentRssKb,
  measure,
  median,
  nowSeconds,
  peakRssKb,
  type Measurement,
  type MeasureOptions,
} from '../timing';
import { loadCase, type CaseSpec, type LoadedCase } from './bench-cases';
import { exportDistributionSystem, exportPowerCase } from './case-export';
import { daySlots, runDay, type DayTiming } from './day-profile';
import { minimalForwardSubstitution } from './minimal-forward-substitution';

/** Tracing paths measured by the bench. */
export type TracePath = 'build' | 'fast' | 'minimal' | 'sparse' | 'dense';

/** A task for the worker. */
export type EngineTask =
  | { readonly kind: 'baseline'; readonly caseSpec: CaseSpec }
  | {
      readonly kind: 'export';
      readonly caseSpec: CaseSpec;
      readonly folder: string;
      readonly tolerancePu: number;
    }
  | {
      readonly kind: 'pf';
      readonly caseSpec: CaseSpec;
      readonly method: PowerFlowMethod;
      readonly tolerancePu: number;
      readonly timing: MeasureOptions;
      /** Keep one PowerFlowWorkspace across the repeated solves (ordering and symbolic LU once). */
      readonly reuse: boolean;
    }
  | {
      readonly kind: 'day';
      readonly caseSpec: CaseSpec;
      /** Days run one after another in this process (the first includes JIT warm-up). */
      readonly days: number;
    }
  | {
      readonly kind: 'trace';
      readonly caseSpec: CaseSpec;
      readonly path: TracePath;
      readonly timing: MeasureOptions;
    }
  | {
      readonly kind: 'outsource';
      readonly caseSpec: CaseSpec;
      readonly profile: MaskProfile;
      readonly timing: MeasureOptions;
    };

/** Tolerance of the power flow that feeds the tracing measurements, pu. */
const TRACE_FLOW_TOLERANCE_PU = 1e-10;

function solvedSystem(loaded: LoadedCase): DistributionSystem {
  const flow = solvePowerFlow(loaded.powerCase, { method: 'nr', tolerancePu: TRACE_FLOW_TOLERANCE_PU });
  return buildDistributionSystem(loaded.powerCase, flow);
}

function sizes(system: DistributionSystem): Record<string, number> {
  const k = system.generators.length;
  const nnz = system.size + system.offDiagonal.values.length;
  return {
    busCount: system.busCount,
    branchCount: system.branchCount,
    size: system.size,
    generatorCount: k,
    nnz,
    work: nnz * k,
  };
}

/** max_x |Σ_g X[x,g] − P_x| / max_x P_x: every MW through x is attributed to some unit (B4). */
function rowSumError(system: DistributionSystem, shares: Float64Array): number {
  const k = system.generators.length;
  let worst = 0;
  let scale = 0;
  for (let x = 0; x < system.size; x += 1) {
    let sum = 0;
    for (let g = 0; g < k; g += 1) sum += shares[x * k + g] ?? Number.NaN;
    const p = system.throughFlowMw[x] ?? 0;
    scale = Math.max(scale, Math.abs(p));
    const d = Math.abs(sum - p);
    worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(worst, d);
  }
  return worst / Math.max(scale, 1e-300);
}

/**
 * Times two functions alternately (a, b, b, a, a, b, …: neither always runs first), each pair once as
 * warm-up, then until both have run for `minSeconds` in total or `maxReps` pairs; median and fastest
 * of each.
 */
function measureAlternating<T>(
  first: () => T,
  second: () => T,
  options: Readonly<MeasureOptions>,
): { first: Measurement<T>; second: Measurement<T> } {
  const minTotal = options.minSeconds ?? 1;
  const maxReps = options.maxReps ?? 25;
  let firstValue = first();
  let secondValue = second();
  const firstSamples: number[] = [];
  const secondSamples: number[] = [];
  let total = 0;
  const time = (run: () => T): [number, T] => {
    const start = nowSeconds();
    const value = run();
    return [nowSeconds() - start, value];
  };
  while (firstSamples.length < maxReps && (total < 2 * minTotal || firstSamples.length < 3)) {
    const order = firstSamples.length % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) {
      if (which === 0) {
        const [elapsed, value] = time(first);
        firstSamples.push(elapsed);
        firstValue = value;
        total += elapsed;
      } else {
        const [elapsed, value] = time(second);
        secondSamples.push(elapsed);
        secondValue = value;
        total += elapsed;
      }
    }
  }
  const summary = (samples: number[], value: T): Measurement<T> => ({
    seconds: median(samples),
    minSeconds: Math.min(...samples),
    reps: samples.length,
    warmedUp: true,
    value,
  });
  return { first: summary(firstSamples, firstValue), second: summary(secondSamples, secondValue) };
}

function runTask(task: EngineTask): Record<string, unknown> {
  const loaded = loadCase(task.caseSpec);
  switch (task.kind) {
    case 'baseline':
      return { buses: loaded.powerCase.buses.length };
    case 'export': {
      const flow = solvePowerFlow(loaded.powerCase, { method: 'nr', tolerancePu: task.tolerancePu });
      const system = buildDistributionSystem(loaded.powerCase, flow);
      exportPowerCase(loaded.powerCase, join(task.folder, 'case.json'));
      exportDistributionSystem(system, join(task.folder, 'system'));
      return {
        ...sizes(system),
        caseBuses: loaded.powerCase.buses.length,
        caseBranches: loaded.powerCase.branches.length,
        caseGenerators: loaded.powerCase.generators.length,
        nrLossMw: flow.totalLossMw,
        nrIterations: flow.iterations,
        acyclic: system.topologicalOrder !== undefined,
      };
    }
    case 'pf': {
      const rssBeforeKb = currentRssKb();
      const workspace = task.reuse ? new PowerFlowWorkspace() : undefined;
      const options = { method: task.method, tolerancePu: task.tolerancePu };
      const m = measure(
        () => solvePowerFlow(loaded.powerCase, workspace === undefined ? options : { ...options, workspace }),
        task.timing,
      );
      return {
        seconds: m.seconds,
        minSeconds: m.minSeconds,
        reps: m.reps,
        iterations: m.value.iterations,
        maxMismatchPu: m.value.maxMismatchPu,
        lossMw: m.value.totalLossMw,
        rssBeforeKb,
      };
    }
    case 'day': {
      const slots = daySlots(loaded.powerCase);
      const days = Array.from({ length: task.days }, (_, d) => runDay(slots, loaded.sidecar, d % 2 === 0));
      const fastest = (reuse: boolean): DayTiming | undefined =>
        days
          .filter((_, d) => (d % 2 === 0) === reuse)
          .reduce<DayTiming | undefined>(
            (a, b) => (a === undefined || b.totalSeconds < a.totalSeconds ? b : a),
            undefined,
          );
      const summary = (day: DayTiming | undefined): Record<string, number> | undefined => {
        if (day === undefined) return undefined;
        const later = day.slotSeconds.slice(1);
        return {
          totalSeconds: day.totalSeconds,
          firstSlotSeconds: day.slotSeconds[0] ?? Number.NaN,
          laterSlotMeanSeconds: later.reduce((a, b) => a + b, 0) / Math.max(later.length, 1),
          laterSlotMinSeconds: Math.min(...later),
          powerFlowSeconds: day.powerFlowSeconds,
          traceSeconds: day.traceSeconds,
          iterations: day.iterations,
          emissionTco2: day.emissionTco2,
        };
      };
      return {
        slots: slots.length,
        buses: loaded.powerCase.buses.length,
        firstDaySeconds: days[0]?.totalSeconds ?? Number.NaN,
        reused: summary(fastest(true)),
        fresh: summary(fastest(false)),
      };
    }
    case 'trace': {
      const flow = solvePowerFlow(loaded.powerCase, { method: 'nr', tolerancePu: TRACE_FLOW_TOLERANCE_PU });
      if (task.path === 'build') {
        const rssBeforeKb = currentRssKb();
        const m = measure(() => buildDistributionSystem(loaded.powerCase, flow), task.timing);
        return { ...sizes(m.value), seconds: m.seconds, minSeconds: m.minSeconds, reps: m.reps, rssBeforeKb };
      }
      const system = buildDistributionSystem(loaded.powerCase, flow);
      const solve: Record<Exclude<TracePath, 'build'>, () => Float64Array> = {
        fast: () => solveSharesByForwardSubstitution(system),
        minimal: () => minimalForwardSubstitution(system),
        sparse: () => solveSharesBySparseLu(system),
        dense: () => solveSharesByDenseInverse(system).sharesMw,
      };
      const rssBeforeKb = currentRssKb();
      if (task.path === 'fast') {
        // The fast path and the minimal kernel alternate in this one process, so that their ratio
        // compares runs under the same load, JIT state and heap (the kernel's own numbers are
        // reported beside the fast path's as `minimal*`).
        const pair = measureAlternating(solve.fast, solve.minimal, task.timing);
        return {
          ...sizes(system),
          seconds: pair.first.seconds,
          minSeconds: pair.first.minSeconds,
          reps: pair.first.reps,
          rowSumRelError: rowSumError(system, pair.first.value),
          minimalSeconds: pair.second.seconds,
          minimalMinSeconds: pair.second.minSeconds,
          minimalReps: pair.second.reps,
          minimalRowSumRelError: rowSumError(system, pair.second.value),
          rssBeforeKb,
        };
      }
      const m = measure(solve[task.path], task.timing);
      return {
        ...sizes(system),
        seconds: m.seconds,
        minSeconds: m.minSeconds,
        reps: m.reps,
        rowSumRelError: rowSumError(system, m.value),
        rssBeforeKb,
      };
    }
    case 'outsource': {
      const system = solvedSystem(loaded);
      const problem = buildOutsourcingProblem(system, loaded.sidecar);
      const local = measure(() => computeLocalTrace(problem), { minSeconds: 0.5, maxReps: 25 });
      const rssBeforeKb = currentRssKb();
      const run = (): ReturnType<typeof runOutsourcing> =>
        runOutsourcing({
          problem,
          seed: 'bench-outsourcing',
          taskId: `bench-${task.profile}`,
          profile: task.profile,
          behaviours: ['honest', 'honest'],
          clock: nowSeconds,
          maxPayloadBytes: 2 ** 31 - 1,
        });
      const runs: ReturnType<typeof runOutsourcing>[] = [];
      const m = measure(() => {
        const report = run();
        runs.push(report);
        return report;
      }, task.timing);
      const measured = m.warmedUp ? runs.slice(1) : runs;
      const fastest = (pick: (r: ReturnType<typeof runOutsourcing>) => number): number =>
        Math.min(...measured.map(pick));
      const report = m.value;
      return {
        ...sizes(system),
        profile: task.profile,
        reps: m.reps,
        wallSeconds: m.seconds,
        clientSeconds: fastest((r) => r.clientSeconds),
        cloudSeconds: fastest((r) => r.cloudSeconds),
        localSeconds: local.minSeconds,
        accepted: report.accepted,
        path: report.path,
        maxRelErrorVsLocal: report.maxRelErrorVsLocal,
        taskBytes: Object.values(report.taskBytes),
        rssBeforeKb,
      };
    }
  }
}

function main(): void {
  const text = process.argv[2];
  if (text === undefined) throw new Error('usage: engine-worker <task JSON>');
  const task = JSON.parse(text) as EngineTask;
  const started = nowSeconds();
  let result: Record<string, unknown>;
  try {
    result = { ...runTask(task), ok: true };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const text = error instanceof Error ? error.message : String(error);
    result = { ok: false, error: `${name}: ${text}`.slice(0, 300) };
  }
  process.stdout.write(
    `${JSON.stringify({ ...result, maxRssKb: peakRssKb(), processSeconds: nowSeconds() - started })}\n`,
  );
}

main();
