/**
 * The main job's report: `out/report.json` (everything, machine-readable) and `out/report.md` (for
 * a regulator to read: per-slot intensities, per-consumer carbon, provider outcomes, blacklist,
 * anchor verification), plus the one-line summary `npm start -- --json` prints last.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { MainJobResult } from './main-job';

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
    seconds: Math.round(result.seconds * 10) / 10,
  };
}

/** Per-consumer (load bus) carbon over the run, tCO2. */
function consumerCarbon(result: MainJobResult): Map<string, { loadMwh: number; carbonT: number }> {
  const totals = new Map<string, { loadMwh: number; carbonT: number }>();
  for (const o of result.outcomes) {
    const p = o.carbonFlow.proposal;
    p.busIds.forEach((busId, i) => {
      const loadMw = p.loadMw[i] ?? 0;
      if (loadMw <= 0) return;
      const key = `${o.hv} bus ${busId}`;
      const t = totals.get(key) ?? { loadMwh: 0, carbonT: 0 };
      totals.set(key, { loadMwh: t.loadMwh + loadMw, carbonT: t.carbonT + (p.loadTco2PerH[i] ?? 0) });
    });
  }
  return totals;
}

const f = (value: number, digits = 4): string => value.toFixed(digits);

/** The readable report. */
export function renderMarkdown(result: MainJobResult, summary: JobSummary): string {
  const lines: string[] = [];
  lines.push('# carbontrace: a day of carbon traces', '');
  lines.push(
    `Case \`${path.basename(result.caseFile)}\`, split between Hv1 (slave-hv1: Lv1a, Lv1b) and Hv2 (slave-hv2: Lv2a, Lv2b); ` +
      `${summary.slots} hourly slot(s) from slot ${result.firstSlot}; ${summary.traces} traces in ${summary.seconds} s.`,
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
  lines.push('## Per-slot intensities', '');
  lines.push(
    'Load-weighted average intensity of consumption, emission, losses, and the range of nodal intensities.',
    '',
  );
  lines.push(
    '| hour | HV | load MW | emission tCO2/h | load carbon tCO2/h | loss carbon tCO2/h | avg tCO2/MWh | min–max nodal tCO2/MWh | accepted from | path |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const o of result.outcomes) {
    const p = o.carbonFlow.proposal;
    const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);
    const loadMw = sum(p.loadMw);
    const nodal = p.nodeIntensityTco2PerMwh.slice(0, p.busIds.length);
    lines.push(
      `| ${String(o.hour).padStart(2, '0')}:00 | ${o.hv} | ${f(loadMw)} | ${f(sum(p.emissionTco2PerH))} | ${f(sum(p.loadTco2PerH))} | ` +
        `${f(sum(p.lossTco2PerH))} | ${f(sum(p.loadTco2PerH) / loadMw)} | ${f(Math.min(...nodal))}–${f(Math.max(...nodal))} | ` +
        `${o.carbonFlow.acceptedFrom} | ${o.arbitration.path.join('→')} |`,
    );
  }
  lines.push('', '## Per-consumer carbon', '');
  lines.push('| consumer | energy MWh | carbon tCO2 | tCO2/MWh |', '| --- | --- | --- | --- |');
  for (const [key, t] of [...consumerCarbon(result)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`| ${key} | ${f(t.loadMwh)} | ${f(t.carbonT)} | ${f(t.carbonT / t.loadMwh)} |`);
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
  const struck = result.outcomes.filter((o) =>
    Object.values(o.arbitration.strikesThisTask).some((c) => c > 0),
  );
  if (struck.length === 0) lines.push('- none');
  for (const o of struck) {
    lines.push(
      `- ${o.taskId}: ${o.arbitration.path.join('→')}, struck ${Object.keys(o.arbitration.strikesThisTask).join(', ')}, accepted from ${o.carbonFlow.acceptedFrom}`,
    );
  }
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

/** Writes `report.json` and `report.md` into `outDir`; returns their paths. */
export async function writeReports(
  outDir: string,
  result: MainJobResult,
  summary: JobSummary,
): Promise<{ readonly json: string; readonly markdown: string }> {
  await fs.mkdir(outDir, { recursive: true });
  const json = path.join(outDir, 'report.json');
  const markdown = path.join(outDir, 'report.md');
  const full = {
    summary,
    caseFile: result.caseFile,
    firstSlot: result.firstSlot,
    slots: result.outcomes.map((o) => ({
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
    })),
    providers: result.providers,
    blacklist: result.blacklist,
    anchors: result.anchors,
    cheats: result.cheats,
  };
  await fs.writeFile(json, `${JSON.stringify(full, null, 2)}\n`);
  await fs.writeFile(markdown, renderMarkdown(result, summary));
  return { json, markdown };
}
