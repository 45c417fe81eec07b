/**
 * Runs the main job on a few intervals of the committed sample data set (data/case33bw-week) and
 * writes its report. The intervals are chosen from days 2–6 by the current minute, so a rerun on
 * the same network (CARBONTRACE_REUSE_NETWORK=1) traces slots it has not traced before (days 1
 * and 7 are left to runs by hand: npm start -- --data data/case33bw-week --from ...).
 */
import { promises as fs } from 'fs';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parseMatpowerCase } from '@carbontrace/chaincode';
import { splitCase33bw } from '../../../gateway-client/src/job/feeder-split';
import { readMeasuredData } from '../../../gateway-client/src/job/data/measured-data';
import type { MeasuredData } from '../../../gateway-client/src/job/data/measured-data';
import { runMainJob } from '../../../gateway-client/src/job/main-job';
import type { MainJobResult } from '../../../gateway-client/src/job/main-job';
import { summarize, writeReports } from '../../../gateway-client/src/job/job-report';

const root = path.resolve(__dirname, '..', '..', '..');
/** The committed case and sample set. */
export const SAMPLE_CASE = path.join(root, 'chaincode', 'src', 'grid', 'test-cases', 'case33bw.m');
export const SAMPLE_DIR = path.join(root, 'data', 'case33bw-week');

/** A finished sample run. */
export interface SampleRun {
  readonly data: MeasuredData;
  readonly result: MainJobResult;
  /** Directory holding report.json, report.md and the charts. */
  readonly outDir: string;
}

/**
 * Traces `count` consecutive intervals of the sample set.
 * @param salt - separates the interval choice of different test files.
 */
export async function runSampleIntervals(count: number, salt: number): Promise<SampleRun> {
  const powerCase = parseMatpowerCase(await fs.readFile(SAMPLE_CASE, 'utf8'), SAMPLE_CASE);
  const full = await readMeasuredData(SAMPLE_DIR, powerCase, splitCase33bw(powerCase));
  const perDay = (24 * 60) / full.intervalMinutes;
  const span = full.intervals.length - 2 * perDay - count;
  const first = perDay + ((Math.floor(Date.now() / 60_000) * 7 + salt * 97) % span);
  const data: MeasuredData = { ...full, intervals: full.intervals.slice(first, first + count) };
  const outDir = mkdtempSync(path.join(tmpdir(), 'ct-sample-'));
  const result = await runMainJob({
    slots: count,
    data,
    casePath: SAMPLE_CASE,
    // The checkpoints npm start keeps (per network genesis): workers and relays resume instead of
    // replaying the whole ledger on a network that has traced a lot already.
    workDir: path.join(root, '.run', 'main-job'),
    slotLogFile: path.join(outDir, 'slots.jsonl'),
    slotSeconds: 0,
    progress: () => undefined,
  });
  await writeReports(outDir, result, summarize(result, count));
  return { data, result, outDir };
}
