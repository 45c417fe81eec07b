/**
 * The ingestion-matrix section of docs/benchmarks.md: throughput and latency per mode, CPU per
 * committed transaction per kind of process, and where we stand against the goal, with the
 * CPU bound computed from the measured CPU per transaction and the machine's cores.
 */
import { formatCount, formatNumber, formatSeconds, renderTable } from '../../report/markdown-table';
import {
  bestBatchedRow,
  bestSingleRow,
  cpuBoundReadingsPerSecond,
  cpuBoundTxPerSecond,
  cpuUsPerReading,
  totalCpuMsPerTx,
} from '../ingestion-cost';
import type { CpuConsumer, IngestionMatrixResult, IngestionModeResult } from '../network-results';

/** The section's heading (the report keeps it from the previous doc when the phase did not run). */
export const INGESTION_MATRIX_HEADING =
  '### Ingestion matrix: single `Measurement:Submit` vs batched `Measurement:SubmitBatch`, CPU per transaction';

const CONSUMER_NAMES: Readonly<Record<CpuConsumer, string>> = {
  orderer: 'orderers',
  peer: 'peers',
  chaincode: 'chaincode servers',
  client: 'client',
};
const CONSUMERS: readonly CpuConsumer[] = ['orderer', 'peer', 'chaincode', 'client'];

const num = (value: number | null, digits = 3): string =>
  value === null ? '–' : formatNumber(value, digits);
const ms = (value: number | null): string => (value === null ? '–' : formatSeconds(value / 1000));
const load = (row: IngestionModeResult): string =>
  row.loadAverage.map((x) => (Number.isFinite(x) ? x.toFixed(2) : '–')).join(' → ');

function cpuBreakdown(row: IngestionModeResult): string {
  return CONSUMERS.map((c) => `${CONSUMER_NAMES[c]} ${ms(row.cpuMsPerTx[c])}`).join(', ');
}

/** The consumer with the most CPU per transaction in `row`. */
function largestConsumer(row: IngestionModeResult): CpuConsumer | undefined {
  let largest: CpuConsumer | undefined;
  for (const c of CONSUMERS) {
    const value = row.cpuMsPerTx[c];
    if (value === null) continue;
    const current = largest === undefined ? null : row.cpuMsPerTx[largest];
    if (current === null || value > current) largest = c;
  }
  return largest;
}

/** One goal's line: measured best, CPU bound at the measured cost, and what the goal would need. */
function goalLine(options: {
  readonly what: string;
  readonly unit: string;
  readonly goal: number;
  readonly row: IngestionModeResult | undefined;
  readonly measured: (row: IngestionModeResult) => number;
  readonly cost: (row: IngestionModeResult) => number | null;
  readonly costUnit: string;
  readonly bound: (row: IngestionModeResult) => number | null;
  readonly costAtGoal: number;
  readonly cores: number;
}): string {
  const { what, unit, goal, row, cores } = options;
  if (row === undefined)
    return `- ${what}: no mode of this kind committed a transaction, so there is nothing to compare.`;
  const measured = options.measured(row);
  const bound = options.bound(row);
  const cost = options.cost(row);
  const reached = measured >= goal;
  const head = `- ${what}: best **${formatNumber(measured)} ${unit}** (${row.name}); goal ≥ ${formatCount(goal)} ${unit}: **${reached ? 'reached' : 'not reached'}**.`;
  if (bound === null || cost === null)
    return `${head} No CPU profile for this mode (no network pids sampled).`;
  const boundText =
    `At the measured ${formatNumber(cost)} ${options.costUnit} of CPU, ${cores} fully used cores allow at most ` +
    `${formatNumber(bound)} ${unit} (the goal needs ≤ ${formatNumber(options.costAtGoal)} ${options.costUnit}); ` +
    `the run reached ${formatNumber((100 * measured) / bound, 2)} % of that bound.`;
  if (reached) return `${head} ${boundText}`;
  const verdict =
    bound < goal
      ? `CPU-bound: even with the ${cores} cores to the network alone, the goal is out of reach at this cost per ${unit === 'tx/s' ? 'transaction' : 'reading'}; only a lower cost closes it.`
      : `Not CPU-bound by this measure (the bound is above the goal): the closed-loop clients wait on latency (${formatSeconds(row.latencyP50Seconds ?? Number.NaN)} p50 per transaction), and the cores are shared with other work.`;
  return `${head} ${boundText} ${verdict}`;
}

/** The lines saying where we are against the goal and why (computed from `result`). */
export function ingestionGoalLines(result: IngestionMatrixResult): string[] {
  const { goal, cores } = result;
  const single = bestSingleRow(result.modes);
  const batched = bestBatchedRow(result.modes);
  const lines = [
    `**Where we are against the goal (≥ ${formatCount(goal.txPerSecond)} tx/s, ≥ ${formatCount(goal.readingsPerSecond)} readings/s), and why.**`,
    '',
    goalLine({
      what: 'Transactions (single `Submit`)',
      unit: 'tx/s',
      goal: goal.txPerSecond,
      row: single,
      measured: (r) => r.txPerSecond,
      cost: totalCpuMsPerTx,
      costUnit: 'ms per transaction',
      bound: (r) => cpuBoundTxPerSecond(r, cores),
      costAtGoal: (cores * 1000) / goal.txPerSecond,
      cores,
    }),
    goalLine({
      what: 'Meter readings (`SubmitBatch`)',
      unit: 'readings/s',
      goal: goal.readingsPerSecond,
      row: batched,
      measured: (r) => r.readingsPerSecond,
      cost: cpuUsPerReading,
      costUnit: 'µs per reading',
      bound: (r) => cpuBoundReadingsPerSecond(r, cores),
      costAtGoal: (cores * 1e6) / goal.readingsPerSecond,
      cores,
    }),
  ];
  if (single !== undefined) {
    const largest = largestConsumer(single);
    lines.push(
      `- Where a single \`Submit\`'s CPU goes: ${cpuBreakdown(single)}` +
        (largest === undefined ? '.' : `; the ${CONSUMER_NAMES[largest]} take the largest share.`) +
        ' Every process runs on the same cores, the load generator included.',
    );
  }
  lines.push(
    '- What a reading costs: a batch amortizes the per-transaction part (BFT ordering, endorsement round' +
      ' trips, signature checks, block delivery to every peer of the channel); what is left per slot is one' +
      ' key with its key-level endorsement policy (an amendment overwrites it; earlier versions are in the' +
      " key's history), and per reading its numbers twice (argument and stored record, both with the loads in" +
      ' columns, about 23 bytes per reading instead of 46 as one object per bus), JSON parsing, validation and' +
      ' canonical JSON in both endorsing chaincode servers. Compare the µs per reading of the batched rows with' +
      ' the single rows above.',
    "- What would lower it further (not done): a binary reading format, a `Submit` that returns the record's" +
      ' digest instead of the record (its result is one more copy in the transaction), fewer peers validating' +
      ' slave-channel blocks.',
  );
  return lines;
}

/**
 * One sentence for the doc's summary: the goal, whether it is reached, and the CPU bound at the
 * measured cost per transaction and per reading.
 */
export function ingestionGoalSummary(result: IngestionMatrixResult): string {
  const { goal, cores } = result;
  const single = bestSingleRow(result.modes);
  const batched = bestBatchedRow(result.modes);
  const perTx = single === undefined ? null : totalCpuMsPerTx(single);
  const perReading = batched === undefined ? null : cpuUsPerReading(batched);
  const txBound = single === undefined ? null : cpuBoundTxPerSecond(single, cores);
  const readingBound = batched === undefined ? null : cpuBoundReadingsPerSecond(batched, cores);
  const bounds = [
    perTx === null || txBound === null
      ? ''
      : `${formatNumber(perTx)} ms of CPU per transaction allow ≤ ${formatNumber(txBound)} tx/s`,
    perReading === null || readingBound === null
      ? ''
      : `${formatNumber(perReading)} µs per reading allow ≤ ${formatNumber(readingBound)} readings/s`,
  ].filter((b) => b !== '');
  const cpuBound =
    (txBound !== null && txBound < goal.txPerSecond) ||
    (readingBound !== null && readingBound < goal.readingsPerSecond);
  const txReached = (single?.txPerSecond ?? 0) >= goal.txPerSecond;
  const readingsReached = (batched?.readingsPerSecond ?? 0) >= goal.readingsPerSecond;
  return (
    `goal ≥ ${formatCount(goal.txPerSecond)} tx/s: ${txReached ? 'reached' : 'not reached'}, ` +
    `≥ ${formatCount(goal.readingsPerSecond)} readings/s: ${readingsReached ? 'reached' : 'not reached'}` +
    (bounds.length === 0
      ? ''
      : `; ${cpuBound ? 'CPU-bound: ' : ''}on ${cores} cores, ${bounds.join(' and ')}`)
  );
}

/** Renders the ingestion-matrix section (markdown) from a measured result. */
export function renderIngestionMatrix(result: IngestionMatrixResult): string {
  const count = result.processCount;
  const failures = result.modes.filter((r) => r.firstError !== null);
  return [
    INGESTION_MATRIX_HEADING,
    '',
    `Measured ${result.at} by the \`ingestion-matrix\` phase (bench/src/network/phases/ingestion-matrix-phase.ts; also \`npm run bench:ingest\`),`,
    'after the other network phases and with their relays and providers stopped, on a fresh grid: closed-loop clients',
    'of Lv1a and Lv1b on slave-hv1 (one gateway connection and one outstanding transaction each), every write',
    "endorsed by the LV's peer and its verifier (alternately Regulator and Hv1), up to",
    `${formatCount(result.maxTx)} transactions or ${formatCount(result.maxSeconds)} s per mode. A meter reading is one load (P, Q at a bus).`,
    '',
    renderTable({
      header: [
        'mode',
        'clients',
        'committed',
        'failed',
        'tx/s',
        'readings/s',
        'latency p50',
        'p90',
        'load avg (1 min)',
      ],
      rows: result.modes.map((r) => [
        r.name,
        String(r.clients),
        formatCount(r.committed),
        formatCount(r.failed),
        formatNumber(r.txPerSecond),
        formatCount(r.readingsPerSecond),
        formatSeconds(r.latencyP50Seconds ?? Number.NaN),
        formatSeconds(r.latencyP90Seconds ?? Number.NaN),
        load(r),
      ]),
    }),
    failures.length === 0
      ? ''
      : ['', ...failures.map((r) => `First error of ${r.name}: ${r.firstError ?? ''}`)].join('\n'),
    '',
    `CPU per committed transaction (utime + stime from /proc/<pid>/stat of the run directory's pids, summed per kind: ${count.orderer} orderers, ${count.peer} peers, ${count.chaincode} chaincode servers; "client" is the load generator's process), and the tx/s ${result.cores} fully used cores would allow at that cost:`,
    '',
    renderTable({
      header: [
        'mode',
        ...CONSUMERS.map((c) => CONSUMER_NAMES[c]),
        'total',
        'per reading',
        `${result.cores} cores ÷ total, tx/s`,
      ],
      rows: result.modes.map((r) => {
        const perReading = cpuUsPerReading(r);
        return [
          r.name,
          ...CONSUMERS.map((c) => ms(r.cpuMsPerTx[c])),
          ms(totalCpuMsPerTx(r)),
          perReading === null ? '–' : formatSeconds(perReading / 1e6),
          num(cpuBoundTxPerSecond(r, result.cores)),
        ];
      }),
    }),
    '',
    ...ingestionGoalLines(result),
  ].join('\n');
}
