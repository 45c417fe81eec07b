/**
 * The report streamed from the slot log (one record in memory at a time) against references
 * computed from all records at once: consumer totals by the chaincode's `statementTotals` over every
 * row of a consumer, unit totals by direct sums, and `report.json` in the layout of one
 * `JSON.stringify(report, null, 2)`.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { statementTotals } from '@carbontrace/chaincode';
import type { CarbonFlowRecord } from '@carbontrace/chaincode';
import type { SlotInterval } from './data/wall-clock';
import { summarize, writeReports } from './job-report';
import type { MainJobResult } from './main-job';
import { consumerRowsOf } from './report-accounting';
import type { ConsumerIntervalRow } from './report-accounting';
import { SlotLog } from './slot-log';
import type { SlotTraceOutcome } from './slot-trace';

const UNITS = [
  { busId: 1, unitId: 'G1' },
  { busId: 6, unitId: 'PV6' },
];
const BUSES = [2, 3, 18];

interface SlotDraw {
  readonly hv: 'Hv1' | 'Hv2';
  readonly loadMw: readonly number[];
  readonly shares: readonly number[];
  readonly intensity: number;
  readonly strikeC: boolean;
}

const drawSlot = fc.record({
  hv: fc.constantFrom('Hv1' as const, 'Hv2' as const),
  loadMw: fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 5, noNaN: true })), {
    minLength: BUSES.length,
    maxLength: BUSES.length,
  }),
  shares: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
    minLength: BUSES.length,
    maxLength: BUSES.length,
  }),
  intensity: fc.double({ min: 0.1, max: 1.2, noNaN: true }),
  strikeC: fc.boolean(),
});

function intervalAt(slot: number, minutes: number): SlotInterval {
  const startMs = slot * 60_000;
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  return {
    slot,
    start: iso(startMs),
    end: iso(startMs + minutes * 60_000),
    startMs,
    endMs: startMs + minutes * 60_000,
    offsetMinutes: 0,
    minutes,
  };
}

/** An outcome whose recorded proposal splits each bus's carbon between the two units. */
function outcomeOf(draw: SlotDraw, slot: number, index: number): SlotTraceOutcome {
  const loadTco2PerH = draw.loadMw.map((mw) => mw * draw.intensity);
  const byUnit = loadTco2PerH.flatMap((c, i) => [c * (draw.shares[i] ?? 0), c * (1 - (draw.shares[i] ?? 0))]);
  const taskId = `ct-${slot}-${draw.hv.toLowerCase()}-${index}`;
  const proposal = {
    busIds: BUSES,
    generators: UNITS.map((u) => ({ ...u, pMw: 1 })),
    loadMw: draw.loadMw,
    loadTco2PerH,
    loadByGeneratorTco2PerH: byUnit,
    emissionTco2PerH: [loadTco2PerH.reduce((a, b) => a + b, 0) * 1.02, 0],
    lossTco2PerH: [0.01],
    nodeIntensityTco2PerMwh: BUSES.map(() => draw.intensity),
  };
  const strikes = draw.strikeC ? { CloudC: 1 } : {};
  return {
    hv: draw.hv,
    channel: `slave-${draw.hv.toLowerCase()}`,
    hour: index,
    slot,
    taskId,
    packageSha256: 'ab'.repeat(32),
    sealBlock: 10 + index,
    arbitration: {
      taskId,
      stage: 'END',
      path: draw.strikeC ? ['S0', 'S1', 'END'] : ['S0', 'END'],
      assignment: { I: 'CloudA', II: 'CloudC', III: null },
      expected: [],
      strikesThisTask: strikes,
      transfers: [],
      verdicts: [],
      acceptedFrom: 'CloudA',
      openedAtSeconds: 0,
    },
    // a proposal with the fields the report reads (the engine's other outputs are not needed here)
    carbonFlow: {
      taskId,
      channel: 'slave-hv1',
      slot,
      acceptedFrom: 'CloudA',
      proposal,
      consumers: [],
      recorderMsp: 'GridCoMSP',
      txId: 'tx',
    } as unknown as CarbonFlowRecord,
    local: {
      buses: new Map(),
      units: new Map(),
      attribution: new Map(
        UNITS.map((u, k) => [
          `${u.busId}/${u.unitId}`,
          {
            unitId: u.unitId,
            busId: u.busId,
            loadMw: draw.loadMw[k] ?? 0,
            loadTco2PerH: loadTco2PerH[k] ?? 0,
            lossMw: 0.01,
            lossTco2PerH: 0.002,
          },
        ]),
      ),
      loadByUnitMw: new Map(),
      totals: { emissionTco2PerH: 1, loadCarbonTco2PerH: 1, lossCarbonTco2PerH: 0, totalLossMw: 0 },
    },
    comparison: { maxRelError: 1e-15 * (index + 1), worst: 'x', compared: 3 },
    seconds: 1,
  };
}

/** A finished run over `log`. */
function resultOf(
  log: SlotLog,
  intervals: ReadonlyMap<number, SlotInterval>,
  minutes: number,
): MainJobResult {
  return {
    caseFile: 'case33bw.m',
    firstSlot: 1000,
    intervals,
    intervalMinutes: minutes,
    dataDir: null,
    slots: log.digests,
    slotLogFile: log.file,
    providers: [],
    blacklist: [],
    anchors: [],
    cheats: [],
    answerCounts: new Map(),
    retries: {},
    readConflictsByTransaction: {},
    seconds: 1,
  };
}

const close = (a: number, b: number): boolean =>
  Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

describe('the report streamed from the slot log', () => {
  it('matches the all-at-once references for random runs (consumer and unit totals, slots, CSV rows)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(drawSlot, { minLength: 0, maxLength: 12 }),
        fc.constantFrom(15, 60),
        async (draws, minutes) => {
          const dir = mkdtempSync(path.join(tmpdir(), 'ct-report-'));
          try {
            const log = await SlotLog.create(path.join(dir, 'work', 'slots.jsonl'));
            const intervals = new Map<number, SlotInterval>();
            const outcomes = draws.map((d, i) => outcomeOf(d, 1000 + i, i));
            for (const o of outcomes) {
              const interval = intervalAt(o.slot, minutes);
              intervals.set(o.slot, interval);
              await log.append(o, interval);
            }
            const result = resultOf(log, intervals, minutes);
            const summary = summarize(result, draws.length);
            expect(summary.traces).toBe(draws.length);
            expect(summary.struckProviders).toEqual(draws.some((d) => d.strikeC) ? ['CloudC'] : []);
            expect(summary.maxRelErrorVsLocal).toBeCloseTo(draws.length === 0 ? 0 : 1e-15 * draws.length, 25);
            const out = path.join(dir, 'out');
            const files = await writeReports(out, result, summary);
            const text = readFileSync(files.json, 'utf8');
            const report = JSON.parse(text) as {
              slots: { taskId: string; consumers: unknown[] }[];
              consumerTotals: {
                hv: string;
                busId: number;
                intervals: number;
                energyMwh: number;
                carbonT: number;
                byUnit: { unitId: string; carbonT: number }[];
              }[];
              unitTotals: { hv: string; unitId: string; loadMwh: number; lossCarbonT: number }[];
            };
            // one JSON.stringify(…, null, 2) layout, as before the report was streamed
            expect(text).toBe(`${JSON.stringify(report, null, 2)}\n`);
            expect(report.slots.map((s) => s.taskId)).toEqual(outcomes.map((o) => o.taskId));
            // references from every row at once
            const rows: ConsumerIntervalRow[] = [];
            for (const o of outcomes) {
              const slotRows = consumerRowsOf(
                {
                  ...o,
                  start: '',
                  end: '',
                  localTotals: o.local.totals,
                  attribution: [...o.local.attribution.values()],
                },
                intervalAt(o.slot, minutes),
              );
              const entry = report.slots.find((s) => s.taskId === o.taskId);
              expect(entry?.consumers).toHaveLength(slotRows.length);
              rows.push(...slotRows);
            }
            const csv = readFileSync(path.join(out, 'consumers.csv'), 'utf8').trimEnd().split('\n');
            expect(csv).toHaveLength(rows.length + 1);
            const keys = [...new Set(rows.map((r) => `${r.hv}/${r.busId}`))];
            expect(report.consumerTotals).toHaveLength(keys.length);
            for (const t of report.consumerTotals) {
              const reference = statementTotals(rows.filter((r) => r.hv === t.hv && r.busId === t.busId));
              expect(t.intervals).toBe(reference.intervals);
              expect(close(t.energyMwh, reference.energyMwh)).toBe(true);
              expect(close(t.carbonT, reference.carbonT)).toBe(true);
              for (const u of reference.byUnit) {
                const streamed = t.byUnit.find((x) => x.unitId === u.unitId);
                expect(streamed !== undefined && close(streamed.carbonT, u.carbonT)).toBe(true);
              }
            }
            for (const u of report.unitTotals) {
              const mine = outcomes.filter((o) => o.hv === u.hv);
              const loadMwh = mine.reduce(
                (a, o) =>
                  a +
                  (o.local.attribution.get(`${u.unitId === 'G1' ? 1 : 6}/${u.unitId}`)?.loadMw ?? 0) *
                    (minutes / 60),
                0,
              );
              expect(close(u.loadMwh, loadMwh)).toBe(true);
              expect(close(u.lossCarbonT, mine.length * 0.002 * (minutes / 60))).toBe(true);
            }
            const markdown = readFileSync(files.markdown, 'utf8');
            expect(markdown.split('\n').filter((l) => /^\| \d{4}-/.test(l))).toHaveLength(draws.length);
            expect(markdown.includes('struck CloudC')).toBe(draws.some((d) => d.strikeC));
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 40, seed: 20261207 },
    );
  });

  it('names the file and line of a slot log line that is not a record', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ct-report-'));
    try {
      const log = await SlotLog.create(path.join(dir, 'slots.jsonl'));
      await log.append(
        outcomeOf(
          { hv: 'Hv1', loadMw: [1, 1, 1], shares: [0.5, 0.5, 0.5], intensity: 1, strikeC: false },
          5,
          0,
        ),
        intervalAt(5, 60),
      );
      appendFileSync(log.file, '{"slot": 6\n');
      const result = resultOf(log, new Map([[5, intervalAt(5, 60)]]), 60);
      await expect(writeReports(path.join(dir, 'out'), result, summarize(result, 1))).rejects.toThrow(
        `${log.file}:2: not a JSON slot record`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
