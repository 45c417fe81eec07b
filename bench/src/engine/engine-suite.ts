/**
 * The engine half of the benchmark: which cases and sizes are measured, in which process, and
 * the summary numbers derived from them. Every measurement is its own process (engine worker or
 * Python script), so each reports its own peak RSS.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { MaskProfile } from '@carbontrace/chaincode';

import { num, runChild, type ChildResult } from '../child-runner';
import { fitScalingExponent, type ScalingFit } from '../statistics';
import type { MeasureOptions } from '../timing';
import { caseLabel, feeder, REPO_ROOT, type CaseSpec } from './bench-cases';
import type { EngineTask, TracePath } from './engine-worker';

/** Power-flow tolerance used on both sides (max |mismatch|, pu). */
export const PF_TOLERANCE_PU = 1e-8;
/** Loss agreement required between our NR and pandapower's (relative). */
export const LOSS_AGREEMENT = 1e-5;
/** DGs of the tracing scaling series (K = DGs + the grid supply). */
export const SCALING_DG_COUNT = 20;
/** n at which the summary's traceFastVsDense is taken. */
export const DENSE_REFERENCE_BUSES = 2000;
/** Largest n at which the O(N³) dense paths are run. */
export const DENSE_MAX_BUSES = 2000;

/** Options of {@link runEngineSuite}. */
export interface EngineSuiteOptions {
  readonly quick: boolean;
  /** Scratch folder for exported cases. */
  readonly outDir: string;
  /** Python interpreter with pandapower, or undefined to skip the Python columns. */
  readonly python: string | undefined;
  readonly log: (line: string) => void;
}

/** Python-side tracing paths. */
export type NumpyPath = 'solve' | 'inverse' | 'triangular';

/** One case's power-flow measurements. */
export interface PowerFlowRow {
  readonly label: string;
  readonly exported: ChildResult;
  readonly oursNr: ChildResult;
  readonly oursBfs: ChildResult;
  readonly pandapowerNr: ChildResult | undefined;
  readonly pandapowerBfsw: ChildResult | undefined;
}

/** One case's tracing measurements (keys: engine paths, and `numpy-*` paths). */
export interface TraceRow {
  readonly label: string;
  readonly busCount: number;
  readonly exported: ChildResult;
  readonly paths: Readonly<Partial<Record<TracePath | `numpy-${NumpyPath}`, ChildResult>>>;
}

/** One outsourcing measurement. */
export interface OutsourcingRow {
  readonly label: string;
  readonly busCount: number;
  readonly profile: MaskProfile;
  readonly result: ChildResult;
}

/** Everything the engine half measured. */
export interface EngineResults {
  readonly tolerancePu: number;
  readonly baseline: ChildResult;
  readonly powerFlow: readonly PowerFlowRow[];
  readonly tracing: readonly TraceRow[];
  readonly scaling: readonly TraceRow[];
  readonly fits: Readonly<Record<string, ScalingFit | undefined>>;
  readonly outsourcing: readonly OutsourcingRow[];
  readonly summary: {
    readonly pfVsPandapower: number | null;
    readonly pfVsPandapowerCase: string;
    readonly traceFastVsDense: number | null;
    readonly clientVsLocal: Record<string, number | null>;
    readonly clientVsLocalCase: string;
  };
}

const WORKER = join(__dirname, 'engine-worker.js');
/**
 * numpy runs with one BLAS thread, like our single-threaded JavaScript; on this shared 2-core
 * machine multi-threaded OpenBLAS also spins on a descheduled second thread and gives erratic times.
 */
const SINGLE_THREAD_BLAS = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } as const;
const PYTHON_DIR = join(REPO_ROOT, 'bench', 'python');

function slug(spec: CaseSpec): string {
  return spec.kind === 'matpower' ? spec.file.replace(/\.m$/, '') : `feeder-${spec.busCount}-${spec.dgCount}`;
}

function worker(task: EngineTask): Promise<ChildResult> {
  return runChild(process.execPath, ['--max-old-space-size=12288', WORKER, JSON.stringify(task)], {
    timeoutSeconds: 1200,
  });
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** Runs every engine measurement. */
export async function runEngineSuite(options: EngineSuiteOptions): Promise<EngineResults> {
  const { quick, python, log } = options;
  const timing: MeasureOptions = quick ? { minSeconds: 0.2, maxReps: 200 } : { minSeconds: 1, maxReps: 1000 };
  const pyTiming = quick ? ['0.2', '200'] : ['1', '1000'];
  const exported = new Map<string, ChildResult>();

  const exportCase = async (spec: CaseSpec): Promise<ChildResult> => {
    const key = slug(spec);
    const known = exported.get(key);
    if (known !== undefined) return known;
    const folder = join(options.outDir, 'cases', key);
    mkdirSync(folder, { recursive: true });
    const result = await worker({ kind: 'export', caseSpec: spec, folder, tolerancePu: PF_TOLERANCE_PU });
    exported.set(key, result);
    return result;
  };
  const folderOf = (spec: CaseSpec): string => join(options.outDir, 'cases', slug(spec));

  const shared: CaseSpec[] = [
    { kind: 'matpower', file: 'case4_carbon.m' },
    { kind: 'matpower', file: 'case14.m' },
    { kind: 'matpower', file: 'case33bw.m' },
  ];
  const feeders: CaseSpec[] = quick
    ? [feeder(1000, 20), feeder(10000, 100)]
    : [feeder(100, 5), feeder(1000, 20), feeder(10000, 100), feeder(50000, 200)];
  const cases = [...shared, ...feeders];

  log('engine: baseline process');
  const baseline = await worker({ kind: 'baseline', caseSpec: feeder(100, 5) });

  // Power flow: ours (NR, sweep) vs pandapower (NR, BFSW), same case data and tolerance.
  const powerFlow: PowerFlowRow[] = [];
  for (const spec of cases) {
    const label = caseLabel(spec);
    log(`engine: power flow ${label}`);
    const ex = await exportCase(spec);
    const pf = (method: 'nr' | 'bfs'): Promise<ChildResult> =>
      worker({
        kind: 'pf',
        caseSpec: spec,
        method,
        tolerancePu: PF_TOLERANCE_PU,
        // a warm-up and at least three timed runs even for the largest feeder (its single runs
        // swing by 2× on this shared machine); the quick run keeps single slow runs
        timing: { ...timing, slowRunSeconds: quick ? 3 : 20 },
      });
    const oursNr = await pf('nr');
    const oursBfs = await pf('bfs');
    const pp: ChildResult | undefined =
      python === undefined
        ? undefined
        : await runChild(python, [
            join(PYTHON_DIR, 'pandapower_bench.py'),
            join(folderOf(spec), 'case.json'),
            String(PF_TOLERANCE_PU),
            ...pyTiming,
            String(num(oursNr, 'lossMw')),
            String(num(oursBfs, 'lossMw')),
          ]);
    const algorithm = (name: 'nr' | 'bfsw'): ChildResult | undefined => {
      if (pp === undefined) return undefined;
      const part = pp[name];
      if (!pp.ok || typeof part !== 'object' || part === null)
        return { ok: false, error: pp.error ?? 'no result' };
      const fields = part as Record<string, unknown>;
      return { ...fields, ok: fields['ok'] === true, maxRssKb: pp['maxRssKb'] };
    };
    powerFlow.push({
      label,
      exported: ex,
      oursNr,
      oursBfs,
      pandapowerNr: algorithm('nr'),
      pandapowerBfsw: algorithm('bfsw'),
    });
  }

  // Tracing: engine paths and numpy/scipy on the same exported (n+m) system.
  const traceRow = async (spec: CaseSpec, busCount: number, withDense: boolean): Promise<TraceRow> => {
    const label = caseLabel(spec);
    log(`engine: tracing ${label}${withDense ? ' (with dense paths)' : ''}`);
    const ex = await exportCase(spec);
    const paths: Partial<Record<TracePath | `numpy-${NumpyPath}`, ChildResult>> = {};
    const enginePaths: TracePath[] = ['build', 'fast', 'minimal', 'sparse'];
    if (withDense) enginePaths.push('dense');
    for (const path of enginePaths) {
      paths[path] = await worker({ kind: 'trace', caseSpec: spec, path, timing });
    }
    if (python !== undefined) {
      const numpyPaths: NumpyPath[] = withDense
        ? quick
          ? ['solve', 'triangular']
          : ['solve', 'inverse', 'triangular']
        : ['triangular'];
      for (const path of numpyPaths) {
        paths[`numpy-${path}`] = await runChild(
          python,
          [join(PYTHON_DIR, 'numpy_trace_bench.py'), join(folderOf(spec), 'system'), path, ...pyTiming],
          { env: SINGLE_THREAD_BLAS },
        );
      }
    }
    return { label, busCount, exported: ex, paths };
  };
  const busesOf = (spec: CaseSpec, ex: ChildResult): number =>
    spec.kind === 'feeder' ? spec.busCount : num(ex, 'caseBuses');

  const tracing: TraceRow[] = [];
  for (const spec of quick ? [] : cases) {
    const ex = await exportCase(spec);
    const n = busesOf(spec, ex);
    tracing.push(await traceRow(spec, n, n <= DENSE_MAX_BUSES));
  }

  const scalingSizes = quick
    ? [500, 1000, 2000, 10000]
    : [100, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000];
  const scaling: TraceRow[] = [];
  for (const n of scalingSizes) {
    scaling.push(await traceRow(feeder(n, SCALING_DG_COUNT), n, n <= DENSE_MAX_BUSES));
  }
  const fits: Record<string, ScalingFit | undefined> = {};
  const allPaths = [
    'build',
    'fast',
    'minimal',
    'sparse',
    'dense',
    'numpy-solve',
    'numpy-inverse',
    'numpy-triangular',
  ] as const;
  for (const path of allPaths) {
    fits[path] = fitScalingExponent(
      scaling.map((row) => ({ n: row.busCount, t: num(row.paths[path], 'minSeconds') })),
    );
  }

  // Outsourcing: client (mask + unmask + verify, both providers) and cloud seconds per profile.
  const outsourcing: OutsourcingRow[] = [];
  const outsourceSizes = quick ? [300] : [100, 300, 1000];
  const profiles: MaskProfile[] = ['dense', 'monomial', 'hardened'];
  for (const n of outsourceSizes) {
    const spec = feeder(n, SCALING_DG_COUNT);
    for (const profile of profiles) {
      log(`engine: outsourcing ${caseLabel(spec)} ${profile}`);
      const result = await worker({
        kind: 'outsource',
        caseSpec: spec,
        profile,
        timing: { ...timing, slowRunSeconds: 2 },
      });
      outsourcing.push({ label: caseLabel(spec), busCount: n, profile, result });
    }
  }
  if (!quick) {
    for (const n of [10000, 50000]) {
      const spec = feeder(n, SCALING_DG_COUNT);
      log(`engine: outsourcing ${caseLabel(spec)} monomial`);
      const result = await worker({ kind: 'outsource', caseSpec: spec, profile: 'monomial', timing });
      outsourcing.push({ label: caseLabel(spec), busCount: n, profile: 'monomial', result });
    }
  }

  // Summary numbers.
  const largestPf = [...powerFlow]
    .reverse()
    .find(
      (row) =>
        Number.isFinite(num(row.oursNr, 'minSeconds')) &&
        Number.isFinite(num(row.pandapowerNr, 'minSeconds')),
    );
  const denseRow = scaling.find((row) => row.busCount === DENSE_REFERENCE_BUSES);
  const clientN = Math.max(...outsourceSizes);
  const clientVsLocal: Record<string, number | null> = {};
  for (const row of outsourcing) {
    if (row.busCount !== clientN) continue;
    clientVsLocal[row.profile] = finiteOrNull(
      num(row.result, 'clientSeconds') / num(row.result, 'localSeconds'),
    );
  }
  return {
    tolerancePu: PF_TOLERANCE_PU,
    baseline,
    powerFlow,
    tracing,
    scaling,
    fits,
    outsourcing,
    summary: {
      pfVsPandapower:
        largestPf === undefined
          ? null
          : finiteOrNull(num(largestPf.oursNr, 'minSeconds') / num(largestPf.pandapowerNr, 'minSeconds')),
      pfVsPandapowerCase: largestPf?.label ?? '–',
      traceFastVsDense:
        denseRow === undefined
          ? null
          : finiteOrNull(num(denseRow.paths.dense, 'minSeconds') / num(denseRow.paths.fast, 'minSeconds')),
      clientVsLocal,
      clientVsLocalCase: caseLabel(feeder(clientN, SCALING_DG_COUNT)),
    },
  };
}
