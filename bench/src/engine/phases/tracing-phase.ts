/**
 * Tracing phase: every engine path (build, fast, the bench's minimal kernel, sparse LU, dense up to
 * DENSE_MAX_BUSES) and numpy/scipy on the same exported (n+m) system, for the plan's cases and for
 * the scaling series, with the fitted scaling exponent of each path. The fast path and the minimal
 * kernel are timed alternately in one process, so that their ratio is not the difference between two
 * processes' load and JIT state.
 */
import { num, type ChildResult } from '../../child-runner';
import { fitScalingExponent, type ScalingFit } from '../../statistics';
import { caseLabel, feeder, type CaseSpec } from '../bench-cases';
import type { EngineContext } from '../engine-context';
import { DENSE_MAX_BUSES, SCALING_DG_COUNT } from '../engine-plan';
import type { TracePath } from '../engine-worker';

/** Python-side tracing paths. */
export type NumpyPath = 'solve' | 'inverse' | 'triangular';

/** One case's tracing measurements (keys: engine paths, and `numpy-*` paths). */
export interface TraceRow {
  readonly label: string;
  readonly busCount: number;
  readonly exported: ChildResult;
  readonly paths: Readonly<Partial<Record<TracePath | `numpy-${NumpyPath}`, ChildResult>>>;
}

/** The tracing phase's results. */
export interface TracingResults {
  readonly tracing: readonly TraceRow[];
  readonly scaling: readonly TraceRow[];
  readonly fits: Readonly<Record<string, ScalingFit | undefined>>;
}

/**
 * numpy runs with one BLAS thread, like our single-threaded JavaScript; on this shared 2-core
 * machine multi-threaded OpenBLAS also spins on a descheduled second thread and gives erratic times.
 */
const SINGLE_THREAD_BLAS = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } as const;

const ALL_PATHS = [
  'build',
  'fast',
  'minimal',
  'sparse',
  'dense',
  'numpy-solve',
  'numpy-inverse',
  'numpy-triangular',
] as const;

async function traceRow(
  context: EngineContext,
  spec: CaseSpec,
  busCount: number,
  withDense: boolean,
): Promise<TraceRow> {
  const { plan, log, quick } = context;
  const label = caseLabel(spec);
  log(`engine: tracing ${label}${withDense ? ' (with dense paths)' : ''}`);
  const exported = await context.exportCase(spec);
  const paths: Partial<Record<TracePath | `numpy-${NumpyPath}`, ChildResult>> = {};
  const enginePaths: TracePath[] = ['build', 'fast', 'sparse'];
  if (withDense) enginePaths.push('dense');
  for (const path of enginePaths) {
    paths[path] = await context.worker({ kind: 'trace', caseSpec: spec, path, timing: plan.timing });
  }
  // The minimal kernel is timed in the fast path's process, alternating with it (see the worker).
  const fast = paths.fast;
  if (fast !== undefined) {
    paths.minimal = fast.ok
      ? {
          ...fast,
          seconds: fast['minimalSeconds'],
          minSeconds: fast['minimalMinSeconds'],
          reps: fast['minimalReps'],
          rowSumRelError: fast['minimalRowSumRelError'],
        }
      : fast;
  }
  const numpyPaths: NumpyPath[] = withDense
    ? quick
      ? ['solve', 'triangular']
      : ['solve', 'inverse', 'triangular']
    : ['triangular'];
  for (const path of numpyPaths) {
    const result = await context.runPython(
      'numpy_trace_bench.py',
      [`${context.folderOf(spec)}/system`, path, ...plan.pythonTiming],
      SINGLE_THREAD_BLAS,
    );
    if (result !== undefined) paths[`numpy-${path}`] = result;
  }
  return { label, busCount, exported, paths };
}

/** Runs the tracing phase. */
export async function runTracingPhase(context: EngineContext): Promise<TracingResults> {
  const tracing: TraceRow[] = [];
  for (const spec of context.plan.tracing.cases) {
    const exported = await context.exportCase(spec);
    const n = spec.kind === 'feeder' ? spec.busCount : num(exported, 'caseBuses');
    tracing.push(await traceRow(context, spec, n, n <= DENSE_MAX_BUSES));
  }
  const scaling: TraceRow[] = [];
  for (const n of context.plan.scaling.busCounts) {
    scaling.push(await traceRow(context, feeder(n, SCALING_DG_COUNT), n, n <= DENSE_MAX_BUSES));
  }
  const fits: Record<string, ScalingFit | undefined> = {};
  for (const path of ALL_PATHS) {
    fits[path] = fitScalingExponent(
      scaling.map((row) => ({ n: row.busCount, t: num(row.paths[path], 'minSeconds') })),
    );
  }
  return { tracing, scaling, fits };
}
