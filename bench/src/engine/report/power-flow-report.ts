/** The power-flow section of docs/benchmarks.md: ours vs pandapower vs lightsim2grid. */
import { num, type ChildResult } from '../../child-runner';
import { formatCount, formatNumber, formatSeconds, renderTable } from '../../report/markdown-table';
import { LOSS_AGREEMENT } from '../engine-plan';
import type { EngineResults } from '../engine-suite';
import type { PowerFlowRow } from '../phases/power-flow-phase';
import { peak, ratio, withIterations } from './cells';

function agreement(r: ChildResult | undefined): string {
  const diff = num(r, 'lossRelDiff');
  if (!Number.isFinite(diff)) return 'n/a';
  return `${formatNumber(diff, 2)} (${diff <= LOSS_AGREEMENT ? 'yes' : 'NO'})`;
}

function row(r: PowerFlowRow): string[] {
  const pp = r.pandapowerNr;
  return [
    r.label,
    r.topology,
    formatCount(num(r.exported, 'caseBuses')),
    withIterations(r.oursNr),
    withIterations(r.oursNrReused),
    withIterations(pp),
    pp?.ok === true ? formatSeconds(num(pp, 'minCoreSeconds')) : 'n/a',
    withIterations(r.lightsim2gridCold),
    withIterations(r.lightsim2gridWarm),
    ratio(r.oursNr, pp),
    ratio(r.oursNr, r.lightsim2gridCold),
    ratio(r.oursNrReused, r.lightsim2gridWarm),
    r.oursBfs.ok ? withIterations(r.oursBfs) : 'n/a (meshed or PV)',
    withIterations(r.pandapowerBfsw),
    ratio(r.oursBfs, r.pandapowerBfsw),
    formatNumber(num(r.oursNr, 'lossMw'), 8),
    `${agreement(pp)} / ${agreement(r.lightsim2gridCold)}`,
    `${peak(r.oursNr)} / ${peak(pp)}`,
  ];
}

/** Renders the power-flow section. */
export function powerFlowSection(results: EngineResults): string {
  return [
    '## Power flow: ours vs pandapower vs lightsim2grid',
    '',
    'Same case data (exported by the bench, converted to a pandapower net by `bench/python/pandapower_bench.py`;',
    "lightsim2grid's `NR_KLU` solver gets pandapower's internal Ybus, Sbus and bus types, `bench/python/lightsim2grid_bench.py`),",
    `same stopping rule (max |mismatch| < ${results.tolerancePu} pu on every side; pandapower compares its per-unit`,
    'mismatch with `tolerance_mva`), flat start; fastest of repeated runs after one warm-up run each.',
    'Feeders: random radial feeders (n buses, n/100 DGs); "meshed" adds n/100 tie branches between random bus pairs.',
    '',
    '- **ours NR** = `solvePowerFlow` end to end (network preparation, Ybus, Jacobian pattern, ordering,',
    '  symbolic LU, iterations, result tables); **ours NR (workspace)** = the same with one `PowerFlowWorkspace`',
    '  kept across the repeated solves, so the network topology, Ybus, ordering and symbolic factorization are reused (the slots of a day).',
    '- **pandapower runpp** = `pandapower.runpp` end to end (numba NR, SuperLU); **pp core** = its own timing',
    '  of the iteration loop (`net._ppc["et"]`).',
    '- **lightsim2grid cold** = a new `NR_KLU` solver per solve (KLU analysis every time); **warm** = one solver',
    '  solving again (KLU reuses its analysis). Solver only: Ybus and Sbus are built before the clock starts,',
    '  so it is compared with the whole of our solve, which is the stricter comparison for us.',
    `- Loss check: |our series losses − theirs| / ours must be ≤ ${LOSS_AGREEMENT} (pandapower / lightsim2grid).`,
    '',
    renderTable({
      header: [
        'case',
        'topology',
        'buses',
        'ours NR',
        'ours NR (workspace)',
        'pandapower runpp',
        'pp core',
        'lightsim2grid cold',
        'lightsim2grid warm',
        'ours/pp',
        'ours/ls2g cold',
        'ours ws/ls2g warm',
        'ours sweep',
        'pandapower BFSW',
        'ours/pp sweep',
        'losses (MW)',
        'loss rel. diff pp / ls2g (agree)',
        'peak RSS ours / pp',
      ],
      rows: results.powerFlow.map(row),
    }),
  ].join('\n');
}
