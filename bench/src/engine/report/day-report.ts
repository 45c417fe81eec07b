/** The "a day at scale" section of docs/benchmarks.md. */
import { formatSeconds, renderTable } from '../../report/markdown-table';
import type { EngineResults } from '../engine-suite';

function field(result: Record<string, unknown>, part: string, name: string): number {
  const value = result[part];
  if (typeof value !== 'object' || value === null) return Number.NaN;
  const v = (value as Record<string, unknown>)[name];
  return typeof v === 'number' ? v : Number.NaN;
}

/** Renders the day section. */
export function daySection(results: EngineResults): string {
  const { label, result } = results.day;
  const cell = (part: string, name: string): string =>
    result.ok ? formatSeconds(field(result, part, name)) : 'n/a';
  const first = result['firstDaySeconds'];
  return [
    '## A day at scale: 24 hourly slots, power flow + carbon trace',
    '',
    `${label}: 24 slot cases with the same topology, loads scaled by a daily curve (0.55–1.0) and DG`,
    'outputs by a solar curve (zero before 06:00 and after 18:00, when the DGs drop out of the trace). Per',
    'slot: `solvePowerFlow` (NR, 1e-10 pu) and `traceCarbon` (extended network, shares, components,',
    'carbon flow rates, conservation checks C-i..C-v); engine only, one process. With a workspace, one',
    '`PowerFlowWorkspace` serves all 24 slots (network topology, Ybus, ordering and symbolic LU once, in the first',
    "slot) and one `TracingWorkspace` keeps the extended network's pattern while the flows keep their directions",
    'and lends the N×K matrices to each trace; without, every slot analyses and allocates afresh. Fastest of the',
    'days run in the process; the first day of the process',
    `(JIT warm-up included) took ${typeof first === 'number' ? formatSeconds(first) : 'n/a'}.`,
    '',
    renderTable({
      header: [
        '',
        'day total',
        'first slot',
        'later slots (mean)',
        'later slots (min)',
        'power flow (day)',
        'trace + carbon (day)',
      ],
      rows: [
        [
          'with workspace',
          ...[
            'totalSeconds',
            'firstSlotSeconds',
            'laterSlotMeanSeconds',
            'laterSlotMinSeconds',
            'powerFlowSeconds',
            'traceSeconds',
          ].map((n) => cell('reused', n)),
        ],
        [
          'without',
          ...[
            'totalSeconds',
            'firstSlotSeconds',
            'laterSlotMeanSeconds',
            'laterSlotMinSeconds',
            'powerFlowSeconds',
            'traceSeconds',
          ].map((n) => cell('fresh', n)),
        ],
      ],
    }),
    result.ok ? '' : `\nThe day did not run: ${result.error ?? 'failed'}.`,
  ].join('\n');
}
