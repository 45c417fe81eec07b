/**
 * `carbontrace trace-interval --data DIR --at TS [--config DIR] [--case FILE] [--out DIR] [--json]`:
 * traces one interval of a measured data set on the running network (the main job's steps for
 * that interval: LV submissions, seal, anchor, request, outsourced computation, condition b,
 * carbon-flow record, anchor check) and writes its report. The data set is checked whole first.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { parseMatpowerCase } from '@carbontrace/chaincode';
import { resolveCasePath } from '../../job/case-path';
import { isDataFileError } from '../../job/data/data-file-error';
import { readMeasuredData } from '../../job/data/measured-data';
import { parseOffsetTimestamp } from '../../job/data/wall-clock';
import { splitCase33bw } from '../../job/feeder-split';
import { summarize, writeReports } from '../../job/job-report';
import { runMainJob } from '../../job/main-job';
import type { CliCommand, CliIo } from '../command';
import { EXIT_BAD_INPUT } from '../command';

const USAGE = `Usage: carbontrace trace-interval --data DIR --at TS [--config DIR] [--case FILE] [--out DIR] [--json]

Traces the interval of DIR (loads.csv, generation.csv, grid-intensity.csv; see README "Measured
data") that starts at TS (ISO 8601 with offset) on the running network, with the cloud workers and
anchor relays of the main job, and writes report.json / report.md to --out (default out/interval).
Exit codes: 0 traced and verified, 1 failure, 2 bad input or bad data (nothing submitted).`;

const OPTIONS = ['--data', '--at', '--config', '--case', '--out'] as const;

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const given = new Map<string, string>();
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--json') {
      json = true;
      continue;
    }
    const value = args[i + 1];
    if (!(OPTIONS as readonly string[]).includes(arg) || value === undefined) {
      io.err(
        `carbontrace trace-interval: ${value === undefined ? `${arg} needs a value` : `unknown option ${arg}`}\n${USAGE}\n`,
      );
      return EXIT_BAD_INPUT;
    }
    given.set(arg, value);
    i++;
  }
  const dataDir = given.get('--data');
  const at = parseOffsetTimestamp(given.get('--at') ?? '');
  if (dataDir === undefined || typeof at === 'string') {
    io.err(
      `carbontrace trace-interval: --data and --at (ISO 8601 with offset) are required${typeof at === 'string' && given.has('--at') ? ` (--at: ${at})` : ''}\n`,
    );
    return EXIT_BAD_INPUT;
  }
  const casePath = resolveCasePath(given.get('--case'));
  const powerCase = parseMatpowerCase(await fs.readFile(casePath, 'utf8'), casePath);
  let data;
  try {
    data = await readMeasuredData(path.resolve(dataDir), powerCase, splitCase33bw(powerCase));
  } catch (error: unknown) {
    if (!isDataFileError(error)) throw error;
    io.err(`carbontrace trace-interval: the data has problems (nothing was submitted):\n${error.message}\n`);
    return EXIT_BAD_INPUT;
  }
  const interval = data.intervals.find((m) => m.interval.startMs === at.ms);
  if (interval === undefined) {
    io.err(`carbontrace trace-interval: no interval of ${dataDir} starts at ${given.get('--at') ?? ''}\n`);
    return EXIT_BAD_INPUT;
  }
  const configDir = given.get('--config');
  const outDir = path.resolve(given.get('--out') ?? path.join('out', 'interval'));
  const result = await runMainJob({
    slots: 1,
    data: { ...data, intervals: [interval] },
    casePath,
    workDir: path.resolve('.run', 'main-job'),
    slotLogFile: path.join(outDir, 'slots.jsonl'),
    ...(configDir === undefined ? {} : { configDir }),
    progress: (line) => {
      io.err(`[trace-interval] ${line}\n`);
    },
  });
  const summary = summarize(result, 1);
  const files = await writeReports(outDir, result, summary);
  io.out(
    json
      ? `${JSON.stringify({ interval: interval.interval, summary })}\n`
      : `${interval.interval.start} – ${interval.interval.end}: ${summary.tracesAccepted}/${summary.traces} traces accepted, ` +
          `${summary.anchorsVerified}/${summary.anchorsChecked} anchors verified; report ${files.markdown}\n`,
  );
  return summary.tracesAccepted === summary.traces && summary.anchorsVerified === summary.anchorsChecked
    ? 0
    : 1;
}

/** The `trace-interval` sub-command. */
export const traceIntervalCommand: CliCommand = {
  name: 'trace-interval',
  summary: 'trace one interval of a measured data set on the running network',
  usage: USAGE,
  run,
};
