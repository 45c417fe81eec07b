/** The text form of `carbontrace regulator statement` (the JSON form is the statement object itself). */
import type { ConsumerStatement } from '../../job/consumer-statement';

const f = (value: number, digits = 6): string => value.toFixed(digits);

/** Renders a statement for a reader. */
export function renderStatement(s: ConsumerStatement): string {
  const t = s.totals;
  const blocks = s.provenance.map((p) => p.anchoredSlaveBlock).filter((b): b is number => b !== null);
  const lines = [
    `Statement of ${s.channel} bus ${s.busId}, ${s.from} to ${s.to}`,
    `  ${t.intervals} interval(s) of ${s.intervalMinutes} min traced, ${s.missing.length} without a trace` +
      (s.missing.length === 0 ? '' : ` (first ${s.missing[0]?.start ?? ''})`),
    '',
    `  energy                 ${f(t.energyMwh)} MWh`,
    `  emissions              ${f(t.carbonT)} tCO2   (location-based, GHG Protocol Scope 2)`,
    `  average intensity      ${t.averageKgPerKwh === null ? '-' : f(t.averageKgPerKwh)} kgCO2/kWh`,
    '',
    '  share per generator (of the emissions)',
    ...t.byUnit.map(
      (u) =>
        `    ${`${u.unitId} @ bus ${u.unitBusId}`.padEnd(20)} ${f(u.carbonT)} tCO2  ${(100 * u.carbonShare).toFixed(2).padStart(6)} %`,
    ),
    '',
    `  provenance: ${s.provenance.length} task(s), ${s.provenance.filter((p) => p.packageMatchesAnchor).length} with the package matching its master anchor`,
    `    anchored slave blocks ${blocks.length === 0 ? '-' : `${Math.min(...blocks)}..${Math.max(...blocks)}`} of ${s.channel}`,
    ...s.provenance
      .slice(0, 5)
      .map(
        (p) =>
          `    ${p.taskId}: slave block ${p.anchoredSlaveBlock ?? '-'}, package ${p.packageSha256?.slice(0, 16) ?? '-'}…, accepted from ${p.acceptedFrom}`,
      ),
    ...(s.provenance.length > 5 ? [`    … ${s.provenance.length - 5} more (--json lists all)`] : []),
    '',
  ];
  return lines.join('\n');
}
