/**
 * The short soak (issue 15) on the real network: 30 intervals of the sample data set traced by the
 * main job while the LV substations of both slave channels ingest measurements beside it, an LV
 * peer (Lv1b's, the gateway of one ingesting client, which then has a transaction in flight) and a
 * non-leader orderer are killed and restarted on schedule, and every process's memory is sampled
 * (network/scripts/soak.sh; the full 500-interval run is `npm run soak`). Every interval must be
 * traced exactly once, the audit clean, no ingested measurement lost, and the memory series long
 * enough to fit a slope per process.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { makeProvidersEligible } from './support/eligible-providers';

jest.setTimeout(1_200_000);

const root = path.resolve(__dirname, '..', '..');
const SLOTS = 30;

interface SoakSummary {
  slots: number;
  traces: number;
  tracesAccepted: number;
  jobExit: number;
  jobError: string;
  ingestCommitted: number;
  ingestFailed: number;
  auditClean: boolean;
  ledgerGrowthPerSlotBytes: number;
  ok: boolean;
}

describe('short soak: 30 intervals with ingestion and two faults (npm run soak, shortened)', () => {
  let out = '';

  beforeAll(async () => {
    out = mkdtempSync(path.join(tmpdir(), 'ct-soak-'));
    // earlier test files may have blacklisted the cheating provider
    await makeProvidersEligible();
  });

  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
  });

  it('traces every interval once through the faults, loses no measurement, and samples every process', () => {
    // day 7 of the sample week (days 2-6 belong to the other tests), shifted by the minute so
    // that a rerun on the same network traces intervals it has not traced before
    const offset = Math.floor(Date.now() / 60_000) % (96 - SLOTS);
    const from = new Date(Date.parse('2026-06-07T00:00:00+08:00') + offset * 15 * 60_000);
    const fromText = `${new Date(from.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
    const run = spawnSync(
      'bash',
      [
        path.join(root, 'network', 'scripts', 'soak.sh'),
        '--slots',
        String(SLOTS),
        '--from',
        fromText,
        '--faults',
        'peer-lv@10,orderer@20',
        '--ingest',
        'all',
        '--sample-s',
        '2',
        '--out',
        out,
      ],
      { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    process.stdout.write(run.stdout);
    if (run.status !== 0) {
      process.stderr.write(run.stderr.slice(-4000));
      const jobLog = path.join(out, 'job.log');
      if (existsSync(jobLog)) process.stderr.write(`job.log, last lines:\n${tailLines(jobLog, 40)}\n`);
    }
    const summary = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as SoakSummary;
    // the job's own last words first, so that a failed run says why
    expect({ jobExit: summary.jobExit, jobError: summary.jobError }).toEqual({ jobExit: 0, jobError: '' });
    expect(summary.traces).toBe(2 * SLOTS);
    expect(summary.tracesAccepted).toBe(summary.traces);
    expect(summary.auditClean).toBe(true);
    expect(summary.ingestCommitted).toBeGreaterThan(0);
    expect(summary.ingestFailed).toBe(0);
    expect(summary.ledgerGrowthPerSlotBytes).toBeGreaterThan(0);
    expect(summary.ok).toBe(true);
    expect(run.status).toBe(0);
    // both faults were injected, and every network process, the job and the ingestion were sampled
    const faults = readFileSync(path.join(out, 'faults.tsv'), 'utf8').trim().split('\n');
    expect(faults.map((l) => l.split('\t')[1])).toEqual(['peer-lv', 'orderer']);
    const slopes = readFileSync(path.join(out, 'slopes.tsv'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    const sampled = new Set(slopes.map((r) => r[0]));
    for (const name of ['main-job', 'ingest', 'orderer0', 'regulator-peer0', 'gridco-carbon-master']) {
      expect(sampled).toContain(name);
    }
    for (const row of slopes) expect(Number.isFinite(Number(row[5]))).toBe(true);
  });
});

function tailLines(file: string, count: number): string {
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
}
