/**
 * The main job's report: `out/report.json` (everything, machine-readable, every slot with its
 * `start` and `end`), `out/report.md` (for a regulator to read, see `report-markdown.ts`), the
 * charts beside it (`intensity.svg`, `emission.svg`), `consumers.csv` (energy and carbon per
 * consumer per interval), and the one-line summary `npm start -- --json` prints last.
 */
import { createWriteStream, promises as fs } from 'fs';
import type { WriteStream } from 'fs';
import { once } from 'events';
import * as path from 'path';
import type { MainJobResult } from './main-job';
import {
  ConsumerTotalsFold,
  UnitTotalsFold,
  consumerRowsOf,
  intervalOf,
  regionPointOf,
} from './report-accounting';
import type { RegionPoint } from './report-accounting';
import type { RegionSeries } from './report-charts';
import { emissionChartOption, intensityChartOption, renderChartSvg } from './report-charts';
import { CHART_FILES, intervalRowOf, renderMarkdown, struckLineOf } from './report-markdown';
import { readSlotRecords } from './slot-log';

/** The summary printed as the last line with `--json`. */
export interface JobSummary {
  readonly slots: number;
  readonly traces: number;
  readonly tracesAccepted: number;
  /** Providers struck at least once during the run. */
  readonly providersStruck: number;
  readonly struckProviders: readonly string[];
  readonly blacklisted: readonly string[];
  readonly anchorsVerified: number;
  readonly anchorsChecked: number;
  readonly maxRelErrorVsLocal: number;
  readonly cheatedAnswers: number;
  /** Provider answers submitted, and how many of them were submitted more than once (should be 0). */
  readonly answersSubmitted: number;
  readonly duplicateAnswers: number;
  /** Retries by reason, and the read conflicts among them (MVCC and phantom reads). */
  readonly retries: Readonly<Record<string, number>>;
  readonly readConflicts: number;
  readonly readConflictsByTransaction: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/** Builds the summary. */
export function summarize(result: MainJobResult, slots: number): JobSummary {
  const struck = new Set(result.slots.flatMap((d) => d.struck));
  return {
    slots,
    traces: result.slots.length,
    tracesAccepted: result.slots.filter((d) => d.acceptedFrom !== null).length,
    providersStruck: struck.size,
    struckProviders: [...struck].sort(),
    blacklisted: result.providers.filter((p) => p.blacklisted).map((p) => p.id),
    anchorsVerified: result.anchors.filter((a) => a.valid).length,
    anchorsChecked: result.anchors.length,
    maxRelErrorVsLocal: result.slots.reduce((worst, d) => Math.max(worst, d.maxRelError), 0),
    cheatedAnswers: result.cheats.length,
    answersSubmitted: result.answerCounts.size,
    duplicateAnswers: [...result.answerCounts.values()].filter((n) => n > 1).length,
    retries: result.retries,
    readConflicts:
      (result.retries['MVCC_READ_CONFLICT'] ?? 0) + (result.retries['PHANTOM_READ_CONFLICT'] ?? 0),
    readConflictsByTransaction: result.readConflictsByTransaction,
    seconds: Math.round(result.seconds * 10) / 10,
  };
}

/** The charts' series: per region, [start, value] points. */
export function chartSeries(points: readonly RegionPoint[]): {
  intensity: RegionSeries[];
  emission: RegionSeries[];
} {
  const regions = [...new Set(points.map((p) => p.hv))].sort();
  return {
    intensity: regions.map((hv) => ({
      hv,
      points: points.filter((p) => p.hv === hv).map((p) => [p.startMs, p.intensityTco2PerMwh] as const),
    })),
    emission: regions.map((hv) => ({
      hv,
      points: points.filter((p) => p.hv === hv).map((p) => [p.startMs, p.emissionT] as const),
    })),
  };
}

/** Writes a chunk, waiting when the stream's buffer is full. */
async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** Ends a stream and waits until its file is closed. @throws the stream's error. */
async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'close');
}

/** Indents a pretty-printed JSON value nested `depth` levels deep (two spaces per level). */
function nested(value: unknown, depth: number): string {
  const pad = '  '.repeat(depth);
  return pad + JSON.stringify(value, null, 2).replace(/\n/g, `\n${pad}`);
}

/**
 * Writes `report.json`, `report.md`, its SVG charts and `consumers.csv` into `outDir`; returns their
 * paths. One pass over the run's slot log: each record is read, written to `report.json` and
 * `consumers.csv`, and folded into the totals and tables, so memory does not grow with the run.
 */
export async function writeReports(
  outDir: string,
  result: MainJobResult,
  summary: JobSummary,
): Promise<{ readonly json: string; readonly markdown: string; readonly charts: readonly string[] }> {
  await fs.mkdir(outDir, { recursive: true });
  const json = path.join(outDir, 'report.json');
  const markdown = path.join(outDir, 'report.md');
  const csv = createWriteStream(path.join(outDir, 'consumers.csv'));
  const report = createWriteStream(json);
  csv.on('error', () => undefined);
  report.on('error', () => undefined);
  const consumers = new ConsumerTotalsFold();
  const units = new UnitTotalsFold();
  const points: RegionPoint[] = [];
  const intervalRows: string[] = [];
  const struckLines: string[] = [];
  try {
    await write(csv, 'start,end,hv,channel,bus,energy_mwh,carbon_tco2,intensity_tco2_per_mwh,task_id\n');
    const head = {
      summary,
      caseFile: result.caseFile,
      dataDir: result.dataDir,
      intervalMinutes: result.intervalMinutes,
      firstSlot: result.firstSlot,
    };
    const headText = JSON.stringify(head, null, 2);
    await write(report, `${headText.slice(0, -2)},\n  "slots": [`);
    let count = 0;
    for await (const record of readSlotRecords(result.slotLogFile)) {
      const interval = intervalOf(result, record);
      const rows = consumerRowsOf(record, interval);
      for (const r of rows) {
        consumers.add(r);
        await write(
          csv,
          `${r.start},${r.end},${r.hv},${r.channel},${r.busId},${r.energyMwh},${r.carbonT},${r.intensityTco2PerMwh ?? ''},${r.taskId}\n`,
        );
      }
      units.add(record, interval.minutes);
      points.push(regionPointOf(record, interval));
      intervalRows.push(intervalRowOf(record, interval));
      const struck = struckLineOf(record, interval);
      if (struck !== undefined) struckLines.push(struck);
      const { attribution, ...rest } = record;
      const entry = {
        ...rest,
        consumers: rows.map((r) => ({
          busId: r.busId,
          energyMwh: r.energyMwh,
          carbonT: r.carbonT,
          intensityTco2PerMwh: r.intensityTco2PerMwh,
          byUnit: r.byUnit.map((u) => ({ unitId: u.unitId, unitBusId: u.unitBusId, carbonT: u.carbonT })),
        })),
        attribution,
      };
      await write(report, `${count === 0 ? '' : ','}\n${nested(entry, 2)}`);
      count += 1;
    }
    const tail = {
      consumerTotals: consumers.totals(),
      unitTotals: units.totals(),
      providers: result.providers,
      blacklist: result.blacklist,
      anchors: result.anchors,
      cheats: result.cheats,
    };
    const tailText = JSON.stringify(tail, null, 2);
    await write(report, `${count === 0 ? '' : '\n  '}],\n${tailText.slice(2)}\n`);
  } finally {
    await Promise.all([close(csv), close(report)]);
  }
  const offset = result.intervals.values().next().value?.offsetMinutes ?? 0;
  const series = chartSeries(points);
  const charts = [path.join(outDir, CHART_FILES.intensity), path.join(outDir, CHART_FILES.emission)];
  await fs.writeFile(charts[0] ?? '', renderChartSvg(intensityChartOption(series.intensity, offset)));
  await fs.writeFile(charts[1] ?? '', renderChartSvg(emissionChartOption(series.emission, offset)));
  await fs.writeFile(
    markdown,
    renderMarkdown(result, summary, {
      intervalRows,
      consumerTotals: consumers.totals(),
      unitTotals: units.totals(),
      struckLines,
    }),
  );
  return { json, markdown, charts };
}
