#!/usr/bin/env node
/**
 * Driver of the main job, run by `network/scripts/start.sh` (`npm start`) once the network is up
 * and deployed (and before that with `--check`, which parses the arguments and reads and checks
 * the data set without touching a network). Progress goes to stderr; with `--json` the last line
 * on stdout is the summary object. Exit code 0 when every trace was accepted, matched the local
 * engine to 1e-9 and every anchor verified; 1 otherwise; 2 for bad arguments or bad data.
 */
import { existsSync, promises as fs } from 'fs';
import * as path from 'path';
import { parseMatpowerCase } from '@carbontrace/chaincode';
import { GatewayClientError } from '../sdk/client-errors';
import { runMainJob } from './main-job';
import { summarize, writeReports } from './job-report';
import { splitCase33bw } from './feeder-split';
import type { MeasuredData } from './data/measured-data';
import { readMeasuredData } from './data/measured-data';
import { isDataFileError } from './data/data-file-error';
import { resolveCasePath } from './case-path';
import { parseOffsetTimestamp } from './data/wall-clock';

/** Usage of `npm start`. */
export const MAIN_JOB_USAGE = `Usage: npm start -- [--data DIR [--from TS]] [--slots N] [--json] [--keep] [--out DIR] [--case FILE] [--slot-seconds S] [--slot-deadline-s S]

Starts the test network (unless one runs), deploys the chaincodes, traces a day of slots of case33bw
split between two HV substations, writes out/report.json and out/report.md, and stops the network.
  --data DIR        measured data instead of the built-in day profiles: DIR/loads.csv
                    (timestamp,bus,p_mw,q_mvar), optional DIR/generation.csv (timestamp,unit,p_mw) and
                    DIR/grid-intensity.csv (timestamp,intensity_tco2_per_mwh); timestamps ISO 8601 with
                    offset; the interval length comes from the data (sample: data/case33bw-week)
  --slots N         how many slots: 1-24 hours of the built-in day (default 24), or the first N
                    intervals of --data (default all)
  --from TS         with --data: start at the interval that starts at TS (ISO 8601 with offset)
  --json            print one JSON summary as the last line of stdout
  --keep            leave the network running afterwards (npm run network:down stops it)
  --out DIR         where report.json, report.md, consumers.csv, the charts and slots.jsonl (each
                    traced slot's record, appended as it is traced) go (default out/)
  --case FILE       the case33bw file (default the committed copy)
  --slot-seconds S  EA-DPoS verification-block slot length when this run opens the epoch (default 2)
  --slot-deadline-s S  longest time one slot may take before the job stops and says why (default 180)
  --external-relays HV[,HV]  these HV substations' anchor relays run as their own processes
                    (carbontrace relay --hv HV); the job does not start them
  --external-workers CLOUD[,CLOUD]  these providers' workers run as their own processes
                    (carbontrace worker --provider CLOUD); the job does not start them
  --help            this text
Exit codes: 0 all traces accepted and verified, 1 otherwise, 2 bad arguments or bad data (nothing submitted).`;

const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Parsed arguments. */
interface JobArguments {
  readonly slots: number | undefined;
  readonly dataDir: string | undefined;
  readonly from: string | undefined;
  readonly check: boolean;
  readonly help: boolean;
  readonly json: boolean;
  readonly outDir: string;
  readonly casePath: string | undefined;
  readonly slotSeconds: number;
  readonly slotDeadlineS: number | undefined;
  readonly externalRelays: readonly string[];
  readonly externalWorkers: readonly string[];
}

function parseArguments(argv: readonly string[]): JobArguments | string {
  let slots: number | undefined;
  let dataDir: string | undefined;
  let from: string | undefined;
  let check = false;
  let help = false;
  let json = false;
  let outDir = path.join(repoRoot, 'out');
  let casePath: string | undefined;
  let slotSeconds = 2;
  let slotDeadlineS: number | undefined;
  let externalRelays: string[] = [];
  let externalWorkers: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    switch (arg) {
      case '--slots':
        if (value === undefined || !/^\d{1,6}$/.test(value) || Number(value) < 1) {
          return `--slots needs a whole number of at least 1 (got ${value ?? 'nothing'})`;
        }
        slots = Number(value);
        i++;
        break;
      case '--data':
        if (value === undefined) return '--data needs a directory';
        dataDir = path.resolve(value);
        i++;
        break;
      case '--from':
        if (value === undefined || typeof parseOffsetTimestamp(value) === 'string') {
          return `--from needs an ISO 8601 timestamp with offset (got ${value ?? 'nothing'})`;
        }
        from = value;
        i++;
        break;
      case '--check':
        check = true;
        break;
      case '--help':
      case '-h':
        help = true;
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
      case '--slot-deadline-s':
        if (value === undefined || !/^[1-9]\d{0,4}$/.test(value)) {
          return `--slot-deadline-s needs a whole number of seconds, 1 to 99999 (got ${value ?? 'nothing'})`;
        }
        slotDeadlineS = Number(value);
        i++;
        break;
      case '--external-relays':
        if (value === undefined || !/^Hv[A-Za-z0-9]+(,Hv[A-Za-z0-9]+)*$/.test(value)) {
          return `--external-relays needs HV substations separated by commas, e.g. Hv1,Hv2 (got ${value ?? 'nothing'})`;
        }
        externalRelays = value.split(',');
        i++;
        break;
      case '--external-workers':
        if (value === undefined || !/^Cloud[A-Za-z0-9]+(,Cloud[A-Za-z0-9]+)*$/.test(value)) {
          return `--external-workers needs cloud providers separated by commas, e.g. CloudA (got ${value ?? 'nothing'})`;
        }
        externalWorkers = value.split(',');
        i++;
        break;
      case '--case':
        if (value === undefined) return '--case needs a file';
        casePath = path.resolve(value);
        i++;
        break;
      default:
        return `unknown argument ${arg ?? ''} (npm start -- --help for the usage)`;
    }
  }
  if (dataDir === undefined && slots !== undefined && slots > 24) {
    return `--slots needs a whole number from 1 to 24 for the built-in day (got ${slots})`;
  }
  if (from !== undefined && dataDir === undefined) return '--from needs --data';
  return {
    slots,
    dataDir,
    from,
    check,
    help,
    json,
    outDir,
    casePath,
    slotSeconds,
    slotDeadlineS,
    externalRelays,
    externalWorkers,
  };
}

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`main job: ${args}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${MAIN_JOB_USAGE}\n`);
    return 0;
  }
  const casePath = resolveCasePath(args.casePath);
  if (!existsSync(casePath)) {
    process.stderr.write(`main job: case file ${casePath} does not exist\n`);
    return 2;
  }
  const say = (line: string): void => {
    process.stderr.write(`[main job] ${line}\n`);
  };
  let data: MeasuredData | undefined;
  if (args.dataDir !== undefined) {
    try {
      const powerCase = parseMatpowerCase(await fs.readFile(casePath, 'utf8'), casePath);
      data = await readMeasuredData(args.dataDir, powerCase, splitCase33bw(powerCase));
      const fromTs = args.from === undefined ? undefined : parseOffsetTimestamp(args.from);
      if (fromTs !== undefined && typeof fromTs !== 'string') {
        const at = data.intervals.findIndex((m) => m.interval.startMs === fromTs.ms);
        if (at < 0) {
          process.stderr.write(`main job: no interval of ${args.dataDir} starts at ${args.from ?? ''}\n`);
          return 2;
        }
        data = { ...data, intervals: data.intervals.slice(at) };
      }
    } catch (error: unknown) {
      if (!isDataFileError(error)) throw error;
      process.stderr.write(
        `main job: the data in ${args.dataDir} has problems (nothing was submitted):\n${error.message}\n`,
      );
      return 2;
    }
    if (args.slots !== undefined && args.slots > data.intervals.length) {
      process.stderr.write(
        `main job: --slots ${args.slots} but ${args.dataDir} has ${data.intervals.length} intervals\n`,
      );
      return 2;
    }
  }
  const slots = args.slots ?? data?.intervals.length ?? 24;
  if (args.check) {
    say(
      `arguments${data === undefined ? '' : ` and data (${data.intervals.length} intervals of ${data.intervalMinutes} min)`} checked`,
    );
    return 0;
  }
  say(
    `case ${casePath}, ${slots} slot(s)` +
      (data === undefined
        ? ' of the built-in day'
        : ` of ${data.intervalMinutes} min from ${args.dataDir} (${data.files.join(', ')}), first ${data.intervals[0]?.interval.start ?? ''}`),
  );
  const result = await runMainJob({
    slots,
    ...(data === undefined ? {} : { data }),
    casePath,
    workDir: path.join(repoRoot, '.run', 'main-job'),
    slotLogFile: path.join(args.outDir, 'slots.jsonl'),
    slotSeconds: args.slotSeconds,
    ...(args.slotDeadlineS === undefined ? {} : { slotDeadlineMs: args.slotDeadlineS * 1000 }),
    externalRelays: args.externalRelays,
    externalWorkers: args.externalWorkers,
    progress: say,
  });
  const summary = summarize(result, slots);
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
      `main job failed: ${error instanceof Error ? `${error.name}: ${error.message}${siteOf(error)}` : String(error)}\n`,
      () => process.exit(1),
    );
  },
);

/** Where a refused call was made (` (Governance:SubmitPow on master)`), unless its message says. */
function siteOf(error: Error): string {
  if (!(error instanceof GatewayClientError) || error.site === undefined) return '';
  const where = `${error.site.transaction} on ${error.site.channel}`;
  return error.message.includes(where) ? '' : ` (${where})`;
}
