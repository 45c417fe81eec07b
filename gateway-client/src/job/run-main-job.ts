#!/usr/bin/env node
/**
 * Driver of the main job, run by `network/scripts/start.sh` (`npm start`) once the network is up
 * and deployed. Usage: `node gateway-client/dist/job/run-main-job.js [--slots N] [--json]
 * [--out DIR] [--case FILE] [--slot-seconds S]` (S: verification-block slot length when this run
 * opens the EA-DPoS epoch; 0 lets any consensus node record at any time). Progress goes to stderr; with `--json` the last line on stdout is
 * the summary object. Exit code 0 when every trace was accepted, matched the local engine to 1e-9
 * and every anchor verified; 1 otherwise; 2 for bad arguments.
 */
import { existsSync } from 'fs';
import * as path from 'path';
import { runMainJob } from './main-job';
import { summarize, writeReports } from './job-report';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Parsed arguments. */
interface JobArguments {
  readonly slots: number;
  readonly json: boolean;
  readonly outDir: string;
  readonly casePath: string | undefined;
  readonly slotSeconds: number;
}

function parseArguments(argv: readonly string[]): JobArguments | string {
  let slots = 24;
  let json = false;
  let outDir = path.join(repoRoot, 'out');
  let casePath: string | undefined;
  let slotSeconds = 2;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    switch (arg) {
      case '--slots':
        if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 24) {
          return `--slots needs a whole number from 1 to 24 (got ${value ?? 'nothing'})`;
        }
        slots = Number(value);
        i++;
        break;
      case '--json':
        json = true;
        break;
      case '--keep':
        break; // handled by start.sh
      case '--out':
        if (value === undefined) return '--out needs a directory';
        outDir = path.resolve(value);
        i++;
        break;
      case '--slot-seconds':
        if (value === undefined || !/^\d+$/.test(value) || Number(value) > 3600) {
          return `--slot-seconds needs a whole number of seconds, 0 to 3600 (got ${value ?? 'nothing'})`;
        }
        slotSeconds = Number(value);
        i++;
        break;
      case '--case':
        if (value === undefined) return '--case needs a file';
        casePath = path.resolve(value);
        i++;
        break;
      default:
        return `unknown argument ${arg ?? ''} (usage: npm start -- [--slots N] [--json] [--keep] [--out DIR] [--case FILE] [--slot-seconds S])`;
    }
  }
  return { slots, json, outDir, casePath, slotSeconds };
}

/** The case file: `--case`, else `../shared/cases/case33bw.m` beside the repo, else the committed copy. */
export function resolveCasePath(explicit: string | undefined): string {
  if (explicit !== undefined) return explicit;
  const shared = path.resolve(repoRoot, '..', 'shared', 'cases', 'case33bw.m');
  if (existsSync(shared)) return shared;
  return path.join(repoRoot, 'chaincode', 'src', 'grid', 'test-cases', 'case33bw.m');
}

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`main job: ${args}\n`);
    return 2;
  }
  const casePath = resolveCasePath(args.casePath);
  if (!existsSync(casePath)) {
    process.stderr.write(`main job: case file ${casePath} does not exist\n`);
    return 2;
  }
  const say = (line: string): void => {
    process.stderr.write(`[main job] ${line}\n`);
  };
  say(`case ${casePath}, ${args.slots} slot(s)`);
  const result = await runMainJob({
    slots: args.slots,
    casePath,
    workDir: path.join(repoRoot, '.run', 'main-job'),
    slotSeconds: args.slotSeconds,
    progress: say,
  });
  const summary = summarize(result, args.slots);
  const files = await writeReports(args.outDir, result, summary);
  say(`report written to ${files.markdown} and ${files.json}`);
  const ok =
    summary.tracesAccepted === summary.traces &&
    summary.maxRelErrorVsLocal <= 1e-9 &&
    summary.anchorsVerified === summary.anchorsChecked;
  if (args.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    process.stdout.write(
      [
        `traces accepted:        ${summary.tracesAccepted}/${summary.traces}`,
        `providers struck:       ${summary.struckProviders.join(', ') || 'none'}`,
        `blacklisted:            ${summary.blacklisted.join(', ') || 'none'}`,
        `anchors verified:       ${summary.anchorsVerified}/${summary.anchorsChecked}`,
        `max rel. error vs local: ${summary.maxRelErrorVsLocal.toExponential(2)}`,
        `report:                 ${path.relative(process.cwd(), files.markdown)}`,
        '',
      ].join('\n'),
    );
  }
  return ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // exit at once: a relay, worker or event stream still open must not keep a failed job alive
    process.stderr.write(
      `main job failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
      () => process.exit(1),
    );
  },
);
