/**
 * Measured data on the real network: a malformed data set is refused before anything is
 * submitted (exit 2, file/line/column/value named, no block added on any channel); two intervals
 * of the sample set are traced, the report labels each slot with its interval, the regulator CLI
 * answers a query by timestamp, and `regulator statement` reproduces, from the ledger, the energy
 * and carbon the report computed from the job's own records.
 */
import { execFile } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { promisify } from 'util';
import type { ConsumerStatement } from '../../gateway-client/src/job/consumer-statement';
import { getChainInfo, withGateway } from './support';
import type { SampleRun } from './support/sample-job';
import { runSampleIntervals } from './support/sample-job';
import { slotRecordsOf } from './support/slot-records';

jest.setTimeout(900_000);

const root = path.resolve(__dirname, '..', '..');
const driver = path.join(root, 'gateway-client', 'dist', 'job', 'run-main-job.js');
const cli = path.join(root, 'gateway-client', 'dist', 'cli', 'main.js');
const run = promisify(execFile);

async function heights(): Promise<bigint[]> {
  return withGateway({ org: 'Regulator' }, async (g) =>
    Promise.all(
      ['master', 'slave-hv1', 'slave-hv2'].map(
        async (c) => (await getChainInfo(g.gateway.getNetwork(c))).height,
      ),
    ),
  );
}

async function exitOf(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error: unknown) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('measured data on the network', () => {
  it('refuses a malformed data set with exit 2 and writes nothing to any ledger', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ct-bad-data-'));
    writeFileSync(
      path.join(dir, 'loads.csv'),
      'timestamp,bus,p_mw,q_mvar\n2026-06-01T00:00:00+08:00,2,0.1,0.06\n2026-06-01T00:00:00+08:00,77,0.1,0.06\n',
    );
    const before = await heights();
    const { code, stderr } = await exitOf([driver, '--data', dir, '--slots', '1']);
    expect(code).toBe(2);
    expect(stderr).toContain("loads.csv:3 column bus value '77': bus 77 is not a bus of the case's feeders");
    expect(stderr).toContain('nothing was submitted');
    expect(await heights()).toEqual(before);
  });

  describe('two traced intervals of the sample set', () => {
    let sample: SampleRun;
    beforeAll(async () => {
      sample = await runSampleIntervals(2, 2);
    });

    it('accepts every trace and labels each slot of report.json with its interval', () => {
      expect(sample.result.slots).toHaveLength(4);
      expect(sample.result.slots.every((o) => o.acceptedFrom !== null && o.acceptedFrom !== '')).toBe(true);
      const report = JSON.parse(readFileSync(path.join(sample.outDir, 'report.json'), 'utf8')) as {
        slots: { slot: number; start: string; end: string }[];
      };
      for (const s of report.slots) {
        const interval = sample.data.intervals.find((m) => m.interval.slot === s.slot)?.interval;
        expect(s.start).toBe(interval?.start);
        expect(s.end).toBe(interval?.end);
        expect(Date.parse(s.end) - Date.parse(s.start)).toBe(15 * 60_000);
      }
      const md = readFileSync(path.join(sample.outDir, 'report.md'), 'utf8');
      expect(md).toContain(`| ${sample.data.intervals[0]?.interval.start ?? '?'} – `);
      expect(md).toContain('![Average intensity of consumption per interval](intensity.svg)');
      expect(readFileSync(path.join(sample.outDir, 'intensity.svg'), 'utf8')).toMatch(/^<svg /);
    });

    it('answers regulator intensity by timestamp as by slot number', async () => {
      const first = sample.data.intervals[0]?.interval;
      if (first === undefined) throw new Error('no interval');
      const byTime = await exitOf([cli, 'regulator', 'intensity', 'slave-hv1', first.start, '18', '--json']);
      const bySlot = await exitOf([
        cli,
        'regulator',
        'intensity',
        'slave-hv1',
        String(first.slot),
        '18',
        '--json',
      ]);
      expect(byTime.code).toBe(0);
      type Labelled = { slot: number; start: string; end: string; intervalMinutes: number };
      const { start, end, ...record } = JSON.parse(byTime.stdout) as Labelled;
      const { start: slotStart, end: slotEnd, ...slotRecord } = JSON.parse(bySlot.stdout) as Labelled;
      expect(record).toEqual(slotRecord);
      expect(record.slot).toBe(first.slot);
      expect(record.intervalMinutes).toBe(15);
      // Labelled in the timestamp's offset, or in UTC when asked by slot number: the same interval.
      expect([start, end]).toEqual([first.start, first.end]);
      expect([Date.parse(slotStart), Date.parse(slotEnd)]).toEqual([Date.parse(start), Date.parse(end)]);
      expect(slotStart.endsWith('+00:00')).toBe(true);
    });

    it("regulator statement reproduces the report's energy and carbon of bus 18 from the ledger", async () => {
      const first = sample.data.intervals[0]?.interval;
      const last = sample.data.intervals[1]?.interval;
      if (first === undefined || last === undefined) throw new Error('no interval');
      const { code, stdout } = await exitOf([
        cli,
        'regulator',
        'statement',
        'slave-hv1',
        '18',
        '--from',
        first.start,
        '--to',
        last.end,
        '--json',
      ]);
      expect(code).toBe(0);
      const statement = JSON.parse(stdout) as ConsumerStatement;
      expect(statement.intervalMinutes).toBe(15);
      expect(statement.method).toBe('location-based');
      expect(statement.missing).toEqual([]);
      // Independent: the job's own outcomes (what GridCo recorded), summed here.
      let energyMwh = 0;
      let carbonT = 0;
      for (const o of (await slotRecordsOf(sample.result)).filter((x) => x.hv === 'Hv1')) {
        const i = o.carbonFlow.proposal.busIds.indexOf(18);
        energyMwh += (o.carbonFlow.proposal.loadMw[i] ?? 0) * 0.25;
        carbonT += (o.carbonFlow.proposal.loadTco2PerH[i] ?? 0) * 0.25;
      }
      expect(Math.abs(statement.totals.energyMwh - energyMwh)).toBeLessThan(1e-12);
      expect(Math.abs(statement.totals.carbonT - carbonT)).toBeLessThan(1e-12);
      expect(statement.totals.averageKgPerKwh).toBeCloseTo(carbonT / energyMwh, 12);
      const shares = statement.totals.byUnit.reduce((a, u) => a + u.carbonShare, 0);
      // Shares of the emissions add up to 1, unless the consumer was fed carbon-free (bus 18 carries
      // PV: at midday its own unit can cover its load, and then there is nothing to share).
      if (carbonT > 0) expect(shares).toBeCloseTo(1, 12);
      else expect(shares).toBe(0);
      const tasks = sample.result.slots.filter((x) => x.hv === 'Hv1');
      expect(statement.provenance.map((p) => p.taskId).sort()).toEqual(tasks.map((t) => t.taskId).sort());
      for (const p of statement.provenance) {
        expect(p.packageMatchesAnchor).toBe(true);
        expect(p.anchoredSlaveBlock).toBe(tasks.find((t) => t.taskId === p.taskId)?.sealBlock);
      }
      const text = await exitOf([
        cli,
        'regulator',
        'statement',
        'slave-hv1',
        '18',
        '--from',
        first.start,
        '--to',
        last.end,
      ]);
      expect(text.stdout).toContain('location-based, GHG Protocol Scope 2');
      process.stderr.write(`statement of slave-hv1 bus 18, ${first.start} to ${last.end}:\n${text.stdout}\n`);
    });
  });
});
