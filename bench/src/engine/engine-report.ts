/** The engine sections of docs/benchmarks.md, rendered from {@link EngineResults}. */
import { num, type ChildResult } from '../child-runner';
import { formatCount, formatNumber, formatRatio, formatSeconds, renderTable } from '../report/markdown-table';
import { DENSE_REFERENCE_BUSES, SCALING_DG_COUNT, type EngineResults, type TraceRow } from './engine-suite';
import { keptSection } from '../report/kept-section';
import type { EnginePhase } from './engine-plan';
import { growth, nsPerWork, peak, ratio, seconds } from './report/cells';
import { daySection } from './report/day-report';
import { powerFlowSection } from './report/power-flow-report';

function failures(results: EngineResults): string[] {
  const notes: string[] = [];
  const note = (what: string, r: ChildResult | undefined): void => {
    if (r !== undefined && !r.ok) notes.push(`- ${what}: ${r.error ?? 'failed'}`);
  };
  for (const row of results.powerFlow) {
    note(`${row.label} ours NR`, row.oursNr);
    note(`${row.label} ours sweep`, row.oursBfs);
    note(`${row.label} pandapower NR`, row.pandapowerNr);
    if (row.pandapowerBfsw?.error?.startsWith('skipped') !== true)
      note(`${row.label} pandapower BFSW`, row.pandapowerBfsw);
    note(`${row.label} ours NR (workspace)`, row.oursNrReused);
    note(`${row.label} lightsim2grid cold`, row.lightsim2gridCold);
    note(`${row.label} lightsim2grid warm`, row.lightsim2gridWarm);
  }
  for (const row of [...results.tracing, ...results.scaling]) {
    for (const [path, r] of Object.entries(row.paths)) {
      note(`${row.label} tracing ${path}`, r);
      const error = num(r, 'rowSumRelError');
      if (error > 1e-9)
        notes.push(`- ${row.label} tracing ${path}: CHECK FAILED, Σ_g X[x,g] vs P_x off by ${error}`);
    }
  }
  for (const row of results.outsourcing) note(`${row.label} outsourcing ${row.profile}`, row.result);
  if (results.phases.includes('day')) note(`${results.day.label} day at scale`, results.day.result);
  return notes;
}

function traceTable(rows: readonly TraceRow[]): string {
  return renderTable({
    header: [
      'case',
      'N = n+m',
      'K',
      'nnz(A)',
      'build A',
      'fast (fwd subst.)',
      'minimal kernel',
      'sparse LU',
      'dense (ours, mathjs)',
      'numpy solve',
      'numpy inv·G',
      'scipy triangular',
      'dense/fast',
      'fast ns/(nnz·K)',
      'minimal ns/(nnz·K)',
    ],
    rows: rows.map((row) => {
      const fast = row.paths.fast;
      return [
        row.label,
        formatCount(num(row.exported, 'size')),
        formatCount(num(row.exported, 'generatorCount')),
        formatCount(num(row.exported, 'nnz')),
        seconds(row.paths.build),
        seconds(fast),
        seconds(row.paths.minimal),
        seconds(row.paths.sparse),
        seconds(row.paths.dense),
        seconds(row.paths['numpy-solve']),
        seconds(row.paths['numpy-inverse']),
        seconds(row.paths['numpy-triangular']),
        row.paths.dense === undefined ? '–' : ratio(row.paths.dense, fast),
        nsPerWork(fast),
        nsPerWork(row.paths.minimal),
      ];
    }),
  });
}

function memoryTable(rows: readonly TraceRow[]): string {
  const paths = ['fast', 'sparse', 'dense', 'numpy-solve', 'numpy-inverse', 'numpy-triangular'] as const;
  return renderTable({
    header: ['case', ...paths.map((p) => `${p} peak (growth)`)],
    rows: rows.map((row) => [
      row.label,
      ...paths.map((p) =>
        row.paths[p]?.ok === true ? `${peak(row.paths[p])} (${growth(row.paths[p])})` : '–',
      ),
    ]),
  });
}

function tracingSection(results: EngineResults): string {
  const fit = (path: string): string => {
    const f = results.fits[path];
    return f === undefined ? '–' : `${f.exponent.toFixed(2)} (R² ${f.r2.toFixed(3)}, ${f.points} sizes)`;
  };
  const reference = results.scaling.find((row) => row.busCount === DENSE_REFERENCE_BUSES);
  return [
    '## Tracing: X = A⁻¹·G on the (n+m) system',
    '',
    'Paths: **fast** = `solveSharesByForwardSubstitution` (topological forward substitution, O(nnz·K), the',
    "product path); **minimal kernel** = the bench's own stripped loop over the same data and order (the",
    'practical floor of O(nnz·K) in JavaScript); **sparse LU** = `solveSharesBySparseLu` (the cyclic-flow',
    "fallback); **dense (ours)** = `solveSharesByDenseInverse` (the paper's B = A⁻¹ through mathjs);",
    '**numpy solve** / **numpy inv·G** = LAPACK on the same dense (n+m) matrix read from the exported',
    'system (the numpy column is the same paper path, vectorised); **scipy triangular** =',
    "`spsolve_triangular` on A permuted to the same topological order. Every path's answer is checked",
    '(Σ_g X[x,g] = P_x to 1e-9 relative). "build A" is `buildDistributionSystem` from the solved flow.',
    "Only the solve is timed on the Python side. The fast path builds A's rows in topological order once",
    'per DistributionSystem (cached with it, first call of the warm-up) and G on every call; the minimal',
    'kernel regroups the entries on every call, so fast / kernel may be below 1. The two are timed',
    'alternately in one process (fastest of the runs of each), so that their ratio compares runs under',
    'the same load and JIT state rather than two processes minutes apart.',
    '',
    '### Cases',
    '',
    traceTable(results.tracing),
    '',
    `### Scaling in n (radial feeders, ${SCALING_DG_COUNT} DGs, K = ${SCALING_DG_COUNT + 1})`,
    '',
    traceTable(results.scaling),
    '',
    'Fitted exponents (time ∝ n^e, least squares in log–log over the sizes above):',
    '',
    renderTable({
      header: ['path', 'exponent e'],
      rows: [
        ['build A', fit('build')],
        ['fast (forward substitution)', fit('fast')],
        ['minimal kernel', fit('minimal')],
        ['sparse LU', fit('sparse')],
        ['dense (ours, mathjs)', fit('dense')],
        ['numpy solve', fit('numpy-solve')],
        ['numpy inv·G', fit('numpy-inverse')],
        ['scipy triangular', fit('numpy-triangular')],
      ],
    }),
    '',
    reference === undefined
      ? ''
      : `At n = ${DENSE_REFERENCE_BUSES.toLocaleString('en-US')} (N = ${formatCount(num(reference.exported, 'size'))}): dense (ours) / fast = ${ratio(reference.paths.dense, reference.paths.fast)}, numpy solve / fast = ${ratio(reference.paths['numpy-solve'], reference.paths.fast)}, fast / minimal kernel = ${ratio(reference.paths.fast, reference.paths.minimal)}, fast / scipy triangular = ${ratio(reference.paths.fast, reference.paths['numpy-triangular'])}.`,
    '',
    '### Peak memory of the tracing paths (scaling series; whole process, growth during the timed solve)',
    '',
    memoryTable(results.scaling),
  ].join('\n');
}

function outsourcingSection(results: EngineResults): string {
  return [
    '## Outsourcing: client and cloud cost per mask profile',
    '',
    'One outsourced trace per run (`runOutsourcing`: keys, masking, canonical-JSON task, cloud',
    'computation, unmasking, F.4 residual verification, comparison; two honest providers, as the double',
    'check runs). **client** = everything the grid company / HV substation does for both providers',
    "(key generation, mask, serialise, parse, unmask, verify); **cloud** = both providers' work on the",
    'masked data; **local** = `computeLocalTrace` (the sparse solve plus the component groups), what the',
    'client would run instead of outsourcing. Payload cap lifted for the measurement (the chaincode',
    'refuses tasks over 4 MiB).',
    '',
    renderTable({
      header: [
        'case',
        'N',
        'profile',
        'client',
        'cloud',
        'local sparse',
        'client/local',
        'cloud/local',
        'task bytes (per provider)',
        'max rel. err vs local',
        'peak RSS',
      ],
      rows: results.outsourcing.map((row) => {
        const r = row.result;
        const bytes = Array.isArray(r['taskBytes']) ? (r['taskBytes'] as number[]) : [];
        return [
          row.label,
          formatCount(num(r, 'size')),
          row.profile,
          formatSeconds(num(r, 'clientSeconds')),
          formatSeconds(num(r, 'cloudSeconds')),
          formatSeconds(num(r, 'localSeconds')),
          formatRatio(num(r, 'clientSeconds') / num(r, 'localSeconds')),
          formatRatio(num(r, 'cloudSeconds') / num(r, 'localSeconds')),
          bytes.length === 0 ? '–' : formatCount(Math.max(...bytes)),
          formatNumber(num(r, 'maxRelErrorVsLocal'), 2),
          peak(r),
        ];
      }),
    }),
  ].join('\n');
}

/**
 * Renders the engine sections (markdown); a phase that did not run keeps its section of
 * `previous` (the doc being replaced), when there is one.
 */
export function renderEngineReport(results: EngineResults, previous?: string): string {
  const failed = failures(results);
  const section = (phase: EnginePhase, heading: string, render: () => string): string =>
    results.phases.includes(phase) ? render() : (keptSection(previous, heading) ?? '');
  return [
    section('power-flow', '## Power flow', () => powerFlowSection(results)),
    section('day', '## A day at scale', () => daySection(results)),
    section('tracing', '## Tracing', () => tracingSection(results)),
    section('outsourcing', '## Outsourcing', () => outsourcingSection(results)),
    `Baseline process (engine loaded, small case built, nothing solved): peak RSS ${peak(results.baseline)}.`,
    failed.length === 0 ? '' : ['### Measurements that did not run', '', ...failed, ''].join('\n'),
  ].join('\n\n');
}
