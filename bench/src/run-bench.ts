/**
 * `npm run bench` (through bench/scripts/bench.sh): the engine benchmarks, then the network
 * benchmarks on the running test network, then docs/benchmarks.md and, with `--json`, one JSON
 * summary as the last line of output.
 *
 * Flags: `--quick` (fewer and smaller sizes, shorter timing; writes bench-out/benchmarks-quick.md
 * instead of docs/benchmarks.md), `--json`, `--out FILE`, and the phases bench.sh runs one by one
 * (so that only the network phase holds the shared test network): `--engine-only` and
 * `--network-only` measure and save bench-out/{engine,network}-results.json; `--report-only`
 * renders the doc and the JSON summary from the saved results. No phase flag: all three.
 * `--engine-phases power-flow,day,tracing,outsourcing` limits the engine phases (see
 * engine/engine-plan.ts) and `--network-phases ingestion,traces,ingestion-matrix` the network phases
 * (see network/network-plan.ts); sections of phases that did not run, and the network sections when
 * the network phase did not run, are kept from the doc being replaced.
 * Environment: BENCH_PYTHON (interpreter with pandapower; unset skips the Python columns),
 * BENCH_COMMAND (the command line to print in the doc).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { REPO_ROOT } from './engine/bench-cases';
import { renderEngineReport } from './engine/engine-report';
import { runEngineSuite, type EngineResults } from './engine/engine-suite';
import { networkSummaryLine, renderAnalysis } from './report/analysis';
import { benchSummary } from './report/bench-summary';
import { keptEngineReport, keptSection } from './report/kept-section';
import { formatLoad, startLoadSampler, wasShared, type LoadSummary } from './load-sampler';
import { machineInfo } from './machine-info';
import { emptyNetworkResults, type NetworkResults } from './network/network-results';
import { runNetworkSuite } from './network/network-suite';
import { renderNetworkReport } from './network/network-report';
import { nowSeconds } from './timing';

interface CliOptions {
  readonly quick: boolean;
  readonly json: boolean;
  readonly engine: boolean;
  readonly network: boolean;
  readonly report: boolean;
  readonly out: string;
  /** `--engine-phases a,b`: only these engine phases (default all). */
  readonly enginePhases: readonly string[] | undefined;
  /** `--network-phases a,b`: only these network phases (default all). */
  readonly networkPhases: readonly string[] | undefined;
}

function parseOptions(argv: readonly string[]): CliOptions {
  const has = (flag: string): boolean => argv.includes(flag);
  const outAt = argv.indexOf('--out');
  const list = (flag: string): readonly string[] | undefined => {
    const at = argv.indexOf(flag);
    return at >= 0 ? (argv[at + 1] ?? '').split(',').filter((p) => p !== '') : undefined;
  };
  const quick = has('--quick');
  const defaultOut = quick
    ? join(REPO_ROOT, 'bench-out', 'benchmarks-quick.md')
    : join(REPO_ROOT, 'docs', 'benchmarks.md');
  return {
    quick,
    json: has('--json'),
    engine: has('--engine-only') || !(has('--network-only') || has('--report-only')),
    network: has('--network-only') || !(has('--engine-only') || has('--report-only')),
    report: has('--report-only') || !(has('--engine-only') || has('--network-only')),
    out: outAt >= 0 ? (argv[outAt + 1] ?? defaultOut) : defaultOut,
    enginePhases: list('--engine-phases'),
    networkPhases: list('--network-phases'),
  };
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** A JSON file the bench saved in bench-out/, or undefined when there is none. */
function readSaved(path: string): unknown {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : undefined;
}

/** Adds `entries` to the JSON object saved at `path` (what an earlier partial run recorded stays). */
function mergeSaved(path: string, entries: Readonly<Record<string, unknown>>): void {
  const saved = (readSaved(path) as Record<string, unknown> | undefined) ?? {};
  writeFileSync(path, JSON.stringify({ ...saved, ...entries }));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = nowSeconds();
  const python = process.env['BENCH_PYTHON'] || undefined;
  const outDir = join(REPO_ROOT, 'bench-out');
  mkdirSync(outDir, { recursive: true });
  const machine = machineInfo(python);
  if (options.engine)
    log(`machine: ${machine.nproc} × ${machine.cpuModel}, ${machine.memoryGib.toFixed(1)} GiB`);

  const enginePath = join(outDir, 'engine-results.json');
  const networkPath = join(outDir, 'network-results.json');
  const timesPath = join(outDir, 'phase-seconds.json');
  const loadPath = join(outDir, 'load-average.json');
  const phaseSeconds: Record<string, number> = {};
  if (options.engine) {
    const sampler = startLoadSampler();
    const engine = await runEngineSuite({
      quick: options.quick,
      outDir,
      python,
      log,
      ...(options.enginePhases === undefined ? {} : { phases: options.enginePhases }),
    });
    writeFileSync(enginePath, JSON.stringify(engine, null, 1));
    mergeSaved(loadPath, { engine: sampler.stop() });
    phaseSeconds['engine'] = nowSeconds() - started;
    writeFileSync(timesPath, JSON.stringify(phaseSeconds));
  }
  if (options.network) {
    const phaseStart = nowSeconds();
    const sampler = startLoadSampler();
    const network = await runNetworkSuite({
      quick: options.quick,
      outDir,
      log,
      ...(options.networkPhases === undefined ? {} : { phases: options.networkPhases }),
    });
    writeFileSync(networkPath, JSON.stringify(network, null, 1));
    mergeSaved(loadPath, { network: sampler.stop() });
    mergeSaved(timesPath, { network: nowSeconds() - phaseStart });
  }
  if (!options.report) return;
  const engine = readSaved(enginePath) as EngineResults | undefined;
  const network = readSaved(networkPath) as NetworkResults | undefined;
  const times = (readSaved(timesPath) as Record<string, number> | undefined) ?? {};
  const loads = (readSaved(loadPath) as Partial<Record<'engine' | 'network', LoadSummary>> | undefined) ?? {};
  const loadRow = (['engine', 'network'] as const)
    .flatMap((phase) => {
      const load = loads[phase];
      if (load === undefined) return [];
      const note = phase === 'network' ? ' (mostly the network and load generator themselves)' : '';
      return [`${phase} phases${note}: ${formatLoad(load)}`];
    })
    .join('; ');
  // the engine phases measure one process at a time, so a load above the cores there is other
  // work; the network phases load the machine themselves (23 processes and the load generator)
  const shared = loads.engine !== undefined && wasShared(loads.engine);
  const elapsed = (times['engine'] ?? 0) + (times['network'] ?? 0) || nowSeconds() - started;

  const command =
    process.env['BENCH_COMMAND'] ?? `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  // A partial run keeps the sections it did not measure from the doc it replaces.
  const previous = existsSync(options.out) ? readFileSync(options.out, 'utf8') : undefined;
  const networkSection =
    network === undefined
      ? (keptSection(previous, '## Network') ??
        renderNetworkReport(
          emptyNetworkResults(
            'the network phase was skipped or failed before saving results (see the run log)',
          ),
        ))
      : renderNetworkReport(network, previous);
  const doc = [
    '# carbontrace benchmarks',
    '',
    `Generated by \`${command}\` (bench/scripts/bench.sh → bench/src/run-bench.ts) on ${machine.date}, in ${elapsed.toFixed(0)} s of measurement (engine ${(times['engine'] ?? 0).toFixed(0)} s, network ${(times['network'] ?? 0).toFixed(0)} s).`,
    'Every number on this page comes from that one run on this machine, except the sections marked as kept',
    '(copied from the previous run of the whole bench, when this run measured only some phases); regenerate',
    'everything with `npm run bench`.',
    'No test asserts a time; the benchmarks only print and record.',
    '',
    '| machine | |',
    '| :--- | :--- |',
    `| CPU | ${machine.cpuModel}, nproc = ${machine.nproc}${shared ? ' (shared with other work during the run)' : ''} |`,
    `| load average (1 min) while measuring | ${loadRow === '' ? 'not recorded' : loadRow} |`,
    `| memory | ${machine.memoryGib.toFixed(1)} GiB |`,
    `| OS | ${machine.kernel} |`,
    `| runtimes | Node ${machine.node}; ${machine.python} (pandapower, lightsim2grid, numpy, scipy, numba pinned in bench/python/requirements*.txt) |`,
    '',
    // a network-only run keeps the engine sections of the doc it replaces
    engine === undefined
      ? `${(keptEngineReport(previous) ?? '')
          .split('\n')
          .map((line) =>
            line.startsWith('- Network:') ? `${networkSummaryLine(network)} _(This line: this run.)_` : line,
          )
          .join('\n')}\n`
      : `${renderAnalysis(engine, network, loads.engine)}\n`,
    engine === undefined ? '' : `${renderEngineReport(engine, previous)}\n`,
    networkSection,
    '',
  ].join('\n');
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, doc);
  log(`wrote ${options.out} (${elapsed.toFixed(0)} s)`);

  const summary = benchSummary(engine, network);
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${doc}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
