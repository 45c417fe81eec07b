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
 * engine/engine-plan.ts); sections of phases that did not run, and the network sections when the
 * network phase did not run, are kept from the doc being replaced.
 * Environment: BENCH_PYTHON (interpreter with pandapower; unset skips the Python columns),
 * BENCH_COMMAND (the command line to print in the doc).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { REPO_ROOT } from './engine/bench-cases';
import { renderEngineReport } from './engine/engine-report';
import { runEngineSuite, type EngineResults } from './engine/engine-suite';
import { renderAnalysis } from './report/analysis';
import { keptSection } from './report/kept-section';
import { machineInfo } from './machine-info';
import { emptyNetworkResults, runNetworkSuite, type NetworkResults } from './network/network-suite';
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
}

function parseOptions(argv: readonly string[]): CliOptions {
  const has = (flag: string): boolean => argv.includes(flag);
  const outAt = argv.indexOf('--out');
  const phasesAt = argv.indexOf('--engine-phases');
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
    enginePhases: phasesAt >= 0 ? (argv[phasesAt + 1] ?? '').split(',').filter((p) => p !== '') : undefined,
  };
}

/** A numeric field of a summary object, or null (for keys another phase may or may not provide). */
function numberField(summary: object | undefined, key: string): number | null {
  if (summary === undefined) return null;
  const value: unknown = Object.entries(summary).find(([k]) => k === key)?.[1];
  return typeof value === 'number' ? value : null;
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
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
  const phaseSeconds: Record<string, number> = {};
  if (options.engine) {
    const engine = await runEngineSuite({
      quick: options.quick,
      outDir,
      python,
      log,
      ...(options.enginePhases === undefined ? {} : { phases: options.enginePhases }),
    });
    writeFileSync(enginePath, JSON.stringify(engine, null, 1));
    phaseSeconds['engine'] = nowSeconds() - started;
    writeFileSync(timesPath, JSON.stringify(phaseSeconds));
  }
  if (options.network) {
    const phaseStart = nowSeconds();
    const network = await runNetworkSuite({ quick: options.quick, outDir, log });
    writeFileSync(networkPath, JSON.stringify(network, null, 1));
    const saved = existsSync(timesPath)
      ? (JSON.parse(readFileSync(timesPath, 'utf8')) as Record<string, number>)
      : {};
    writeFileSync(timesPath, JSON.stringify({ ...saved, network: nowSeconds() - phaseStart }));
  }
  if (!options.report) return;
  const readSaved = (path: string): unknown =>
    existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : undefined;
  const engine = readSaved(enginePath) as EngineResults | undefined;
  const network = readSaved(networkPath) as NetworkResults | undefined;
  const times = (readSaved(timesPath) as Record<string, number> | undefined) ?? {};
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
      : renderNetworkReport(network);
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
    `| CPU | ${machine.cpuModel}, nproc = ${machine.nproc} (shared with other work during the run) |`,
    `| memory | ${machine.memoryGib.toFixed(1)} GiB |`,
    `| OS | ${machine.kernel} |`,
    `| runtimes | Node ${machine.node}; ${machine.python} (pandapower, lightsim2grid, numpy, scipy, numba pinned in bench/python/requirements*.txt) |`,
    '',
    engine === undefined ? '' : `${renderAnalysis(engine, network)}\n`,
    engine === undefined ? '' : `${renderEngineReport(engine, previous)}\n`,
    networkSection,
    '',
  ].join('\n');
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, doc);
  log(`wrote ${options.out} (${elapsed.toFixed(0)} s)`);

  const summary = {
    pfVsPandapower: engine?.summary.pfVsPandapower ?? null,
    pfVsLightsim2grid: engine?.summary.pfVsLightsim2grid ?? null,
    traceFastVsDense: engine?.summary.traceFastVsDense ?? null,
    clientVsLocal: engine?.summary.clientVsLocal ?? {},
    ingestTps: network?.summary.ingestTps ?? null,
    traceLatencyP50Seconds: network?.summary.traceLatencyP50Seconds ?? null,
    anchorLagP50Seconds: network?.summary.anchorLagP50Seconds ?? null,
    readingsPerSecond: numberField(network?.summary, 'readingsPerSecond'),
  };
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${doc}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
