/**
 * `out/report.md`: the main job's report for a regulator to read — summary, the charts (SVG files
 * beside it), per-interval intensities labelled with their wall-clock interval, per-consumer
 * energy and carbon, per-unit attribution, provider outcomes, blacklist, anchor verification.
 */
import * as path from 'path';
import type { SlotInterval } from './data/wall-clock';
import type { JobSummary } from './job-report';
import type { MainJobResult } from './main-job';
import { intervalOf } from './report-accounting';
import type { ConsumerTotals, UnitTotals } from './report-accounting';
import type { SlotRecord } from './slot-log';

/** The chart files written beside `report.md`. */
export const CHART_FILES = { intensity: 'intensity.svg', emission: 'emission.svg' } as const;

const f = (value: number, digits = 4): string => value.toFixed(digits);
const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);

/** What the report's tables hold, gathered in one pass over the slot log (job-report.ts). */
export interface ReportTables {
  /** Per traced slot, its row of the per-interval table ({@link intervalRowOf}). */
  readonly intervalRows: readonly string[];
  readonly consumerTotals: readonly ConsumerTotals[];
  readonly unitTotals: readonly UnitTotals[];
  /** Per task where a provider was struck, its line ({@link struckLineOf}). */
  readonly struckLines: readonly string[];
}

/** A traced slot's row of the per-interval table. */
export function intervalRowOf(record: SlotRecord, interval: SlotInterval): string {
  const p = record.carbonFlow.proposal;
  const hours = interval.minutes / 60;
  const loadMw = sum(p.loadMw);
  const nodal = p.nodeIntensityTco2PerMwh.slice(0, p.busIds.length);
  return (
    `| ${interval.start} – ${interval.end.slice(11, 16)} | ${record.slot} | ${record.hv} | ${f(loadMw)} | ${f(loadMw * hours)} | ${f(sum(p.emissionTco2PerH))} | ` +
    `${f(sum(p.emissionTco2PerH) * hours)} | ${f(sum(p.lossTco2PerH))} | ${f(sum(p.loadTco2PerH) / loadMw)} | ` +
    `${f(Math.min(...nodal))}–${f(Math.max(...nodal))} | ${record.carbonFlow.acceptedFrom} | ${record.arbitration.path.join('→')} |`
  );
}

/** The line of a task where a provider was struck, or undefined. */
export function struckLineOf(record: SlotRecord, interval: SlotInterval): string | undefined {
  const strikes = record.arbitration.strikesThisTask;
  if (!Object.values(strikes).some((c) => c > 0)) return undefined;
  return `- ${record.taskId} (${interval.start}): ${record.arbitration.path.join('→')}, struck ${Object.keys(strikes).join(', ')}, accepted from ${record.carbonFlow.acceptedFrom}`;
}

/** The readable report. */
export function renderMarkdown(result: MainJobResult, summary: JobSummary, tables: ReportTables): string {
  const lines: string[] = [];
  const firstSlot = result.slots[0];
  const lastSlot = result.slots.at(-1);
  const first = firstSlot === undefined ? undefined : intervalOf(result, firstSlot);
  const lastInterval = lastSlot === undefined ? undefined : intervalOf(result, lastSlot);
  lines.push('# carbontrace: carbon traces', '');
  lines.push(
    `Case \`${path.basename(result.caseFile)}\`, split between Hv1 (slave-hv1: Lv1a, Lv1b) and Hv2 (slave-hv2: Lv2a, Lv2b); ` +
      `${summary.slots} slot(s) of ${result.intervalMinutes} min` +
      (first === undefined || lastInterval === undefined
        ? ''
        : ` from ${first.start} to ${lastInterval.end}`) +
      ` (${result.dataDir === null ? 'built-in day profiles' : `measured data from \`${path.basename(result.dataDir)}\``}); ` +
      `${summary.traces} traces in ${summary.seconds} s.`,
    '',
  );
  lines.push('## Summary', '');
  lines.push(
    '| traces accepted | providers struck | blacklisted | anchors verified | max rel. error vs local engine | cheated answers |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- |');
  lines.push(
    `| ${summary.tracesAccepted}/${summary.traces} | ${summary.struckProviders.join(', ') || 'none'} | ${summary.blacklisted.join(', ') || 'none'} | ` +
      `${summary.anchorsVerified}/${summary.anchorsChecked} | ${summary.maxRelErrorVsLocal.toExponential(2)} | ${summary.cheatedAnswers} |`,
    '',
  );
  const retries = Object.entries(summary.retries).map(([reason, n]) => `${n} ${reason}`);
  const lost = Object.entries(summary.readConflictsByTransaction).map(([tx, n]) => `${n} ${tx}`);
  lines.push(
    `Client retries: ${retries.length === 0 ? 'none' : retries.join(', ')} (read conflicts: ${summary.readConflicts}` +
      `${lost.length === 0 ? '' : `, lost by ${lost.join(', ')}`}).`,
    '',
  );
  lines.push('## Charts', '');
  lines.push(`![Average intensity of consumption per interval](${CHART_FILES.intensity})`, '');
  lines.push(`![Emission per interval](${CHART_FILES.emission})`, '');
  lines.push('## Per-interval intensities', '');
  lines.push(
    'Load-weighted average intensity of consumption, emission and energy over the interval, losses, and the range of nodal intensities.',
    '',
  );
  lines.push(
    '| interval | slot | HV | load MW | energy MWh | emission tCO2/h | emission tCO2 | loss carbon tCO2/h | avg tCO2/MWh | min–max nodal tCO2/MWh | accepted from | path |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  lines.push(...tables.intervalRows);
  lines.push('', '## Per-consumer energy and carbon', '');
  lines.push(
    'Location-based (GHG Protocol Scope 2): each consumer’s metered energy times the traced intensity of its bus, interval by interval ' +
      '(tCO2 = rate × interval length). Every interval of every consumer is in `consumers.csv` and `report.json`.',
    '',
  );
  lines.push(
    '| consumer | intervals | energy MWh | carbon tCO2 | kgCO2/kWh | largest carbon shares |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const t of tables.consumerTotals) {
    const shares = t.byUnit
      .filter((u) => u.carbonShare > 0)
      .slice(0, 3)
      .map((u) => `${u.unitId}@${u.unitBusId} ${(100 * u.carbonShare).toFixed(1)} %`)
      .join(', ');
    lines.push(
      `| ${t.hv} bus ${t.busId} | ${t.intervals} | ${f(t.energyMwh)} | ${f(t.carbonT)} | ${t.averageKgPerKwh === null ? '-' : f(t.averageKgPerKwh)} | ${shares || '-'} |`,
    );
  }
  lines.push('', '## Per-unit attribution', '');
  lines.push(
    'What each unit supplied to loads and to branch losses over the run (proportional sharing, MATH.md B6–B7, D1, D3; from the local engine, which matched the ledger).',
    '',
  );
  lines.push(
    '| HV | unit | bus | to loads MWh | to loads tCO2 | to losses MWh | to losses tCO2 |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const u of tables.unitTotals) {
    lines.push(
      `| ${u.hv} | ${u.unitId} | ${u.busId} | ${f(u.loadMwh)} | ${f(u.loadCarbonT)} | ${f(u.lossMwh)} | ${f(u.lossCarbonT)} |`,
    );
  }
  lines.push('', '## Provider outcomes', '');
  lines.push(
    '| provider | fee/task | strikes now | wrong results | correct results | earned | penalties paid | times blacklisted | blacklisted until cycle | blacklisted now |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const p of result.providers) {
    lines.push(
      `| ${p.id} | ${p.feePerTask} | ${p.strikes} | ${p.wrongResults} | ${p.correctResults} | ${f(p.earned, 2)} | ${f(p.penaltiesPaid, 2)} | ` +
        `${p.blacklistings} | ${p.blacklistedUntilCycle ?? '-'} | ${p.blacklisted ? 'yes' : 'no'} |`,
    );
  }
  lines.push('', 'Tasks where a provider was struck:', '');
  if (tables.struckLines.length === 0) lines.push('- none');
  lines.push(...tables.struckLines);
  lines.push(
    '',
    `Cheated answers sent (ground truth from the cheating worker): ${result.cheats.map((c) => `${c.taskId}#${c.round}`).join(', ') || 'none'}`,
  );
  lines.push('', '## Blacklist', '', '```json', JSON.stringify(result.blacklist, null, 2), '```');
  lines.push('', '## Anchor verification (regulator)', '');
  lines.push(
    "Each traced package's sealing slave block, fetched from the regulator's peer, rehashed, and checked against the master anchor and the anchored block before it.",
    '',
  );
  lines.push('| channel | block | header hash | valid | reason |', '| --- | --- | --- | --- | --- |');
  for (const a of result.anchors) {
    lines.push(
      `| ${a.channel} | ${a.blockNumber} | \`${a.computedHeaderHash.slice(0, 16)}…\` | ${a.valid ? 'yes' : 'NO'} | ${a.reason} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
