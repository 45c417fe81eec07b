/**
 * The main job's report: `out/report.json` (everything, machine-readable, every slot with its
 * `start` and `end`), `out/report.md` (for a regulator to read, see `report-markdown.ts`), the
 * charts beside it (`intensity.svg`, `emission.svg`), `consumers.csv` (energy and carbon per
 * consumer per interval), and the one-line summary `npm start -- --json` prints last.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { MainJobResult } from './main-job';
import { consumerRows, consumerTotals, intervalOf, regionPoints, unitTotals } from './report-accounting';
import type { RegionSeries } from './report-charts';
import { emissionChartOption, intensityChartOption, renderChartSvg } from './report-charts';
import { CHART_FILES, renderMarkdown } from './report-markdown';

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
  const struck = new Set<string>();
  for (const o of result.outcomes) {
    for (const [provider, count] of Object.entries(o.arbitration.strikesThisTask))
      if (count > 0) struck.add(provider);
  }
  return {
    slots,
    traces: result.outcomes.length,
    tracesAccepted: result.outcomes.filter((o) => o.arbitration.acceptedFrom !== null).length,
    providersStruck: struck.size,
    struckProviders: [...struck].sort(),
    blacklisted: result.providers.filter((p) => p.blacklisted).map((p) => p.id),
    anchorsVerified: result.anchors.filter((a) => a.valid).length,
    anchorsChecked: result.anchors.length,
    maxRelErrorVsLocal: Math.max(0, ...result.outcomes.map((o) => o.comparison.maxRelError)),
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
export function chartSeries(result: MainJobResult): { intensity: RegionSeries[]; emission: RegionSeries[] } {
  const points = regionPoints(result);
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

/** Writes `report.json`, `report.md`, its SVG charts and `consumers.csv` into `outDir`; returns their paths. */
export async function writeReports(
  outDir: string,
  result: MainJobResult,
  summary: JobSummary,
): Promise<{ readonly json: string; readonly markdown: string; readonly charts: readonly string[] }> {
  await fs.mkdir(outDir, { recursive: true });
  const json = path.join(outDir, 'report.json');
  const markdown = path.join(outDir, 'report.md');
  const rows = consumerRows(result);
  const offset = result.intervals.values().next().value?.offsetMinutes ?? 0;
  const series = chartSeries(result);
  const charts = [path.join(outDir, CHART_FILES.intensity), path.join(outDir, CHART_FILES.emission)];
  await fs.writeFile(charts[0] ?? '', renderChartSvg(intensityChartOption(series.intensity, offset)));
  await fs.writeFile(charts[1] ?? '', renderChartSvg(emissionChartOption(series.emission, offset)));
  await fs.writeFile(
    path.join(outDir, 'consumers.csv'),
    [
      'start,end,hv,channel,bus,energy_mwh,carbon_tco2,intensity_tco2_per_mwh,task_id',
      ...rows.map(
        (r) =>
          `${r.start},${r.end},${r.hv},${r.channel},${r.busId},${r.energyMwh},${r.carbonT},${r.intensityTco2PerMwh ?? ''},${r.taskId}`,
      ),
      '',
    ].join('\n'),
  );
  const full = {
    summary,
    caseFile: result.caseFile,
    dataDir: result.dataDir,
    intervalMinutes: result.intervalMinutes,
    firstSlot: result.firstSlot,
    slots: result.outcomes.map((o) => ({
      start: intervalOf(result, o).start,
      end: intervalOf(result, o).end,
      hour: o.hour,
      slot: o.slot,
      hv: o.hv,
      channel: o.channel,
      taskId: o.taskId,
      packageSha256: o.packageSha256,
      sealBlock: o.sealBlock,
      seconds: o.seconds,
      arbitration: o.arbitration,
      carbonFlow: o.carbonFlow,
      localTotals: o.local.totals,
      comparison: o.comparison,
      consumers: rows
        .filter((r) => r.taskId === o.taskId)
        .map((r) => ({
          busId: r.busId,
          energyMwh: r.energyMwh,
          carbonT: r.carbonT,
          intensityTco2PerMwh: r.intensityTco2PerMwh,
          byUnit: r.byUnit.map((u) => ({ unitId: u.unitId, unitBusId: u.unitBusId, carbonT: u.carbonT })),
        })),
      attribution: [...o.local.attribution.values()],
    })),
    consumerTotals: consumerTotals(rows),
    unitTotals: unitTotals(result),
    providers: result.providers,
    blacklist: result.blacklist,
    anchors: result.anchors,
    cheats: result.cheats,
  };
  await fs.writeFile(json, `${JSON.stringify(full, null, 2)}\n`);
  await fs.writeFile(markdown, renderMarkdown(result, summary));
  return { json, markdown, charts };
}
