/**
 * The network sections of docs/benchmarks.md. Each subsection belongs to a phase of the network
 * plan; a subsection whose phase did not run in this run is kept from the previous doc (with a
 * note), and subsections measured by hand are carried over as they are.
 */
import { handMeasuredSubsections, keptSubsection } from '../report/kept-section';
import { formatCount, formatNumber, formatSeconds, renderTable } from '../report/markdown-table';
import { median } from '../timing';
import type { NetworkPhase } from './network-plan';
import { latencyKey, TRACE_STEPS } from './network-results';
import type { NetworkResults, Percentiles, TraceRecording } from './network-results';
import { INGESTION_MATRIX_HEADING, renderIngestionMatrix } from './report/ingestion-report';

/** The `## ` heading of the network half. */
export const NETWORK_HEADING = '## Network (the real test network, loopback)';
/** Subsection headings, by what they show. */
export const NETWORK_HEADINGS = {
  ingestion:
    '### Measurement ingestion (slave-hv1, `Measurement:Submit` from Lv1a and Lv1b, case33bw feeder data)',
  traces: '### End-to-end traces (request → accepted result recorded)',
  anchoring: '### Anchoring lag (slave block committed → verification block committed on master)',
  ledger: "### Ledger growth (bytes of each peer's ledger directory under .run/network/nodes)",
  ingestionMatrix: INGESTION_MATRIX_HEADING,
} as const;

const pct = (p: Percentiles): string[] => [
  formatCount(p.count),
  formatSeconds(p.p50),
  formatSeconds(p.p90),
  formatSeconds(p.p99),
  formatSeconds(p.max),
];

function renderIngestionLevels(results: NetworkResults): string {
  const firstError = results.ingestion.map((l) => l.firstError).find((e) => e !== null);
  return [
    NETWORK_HEADINGS.ingestion,
    '',
    renderTable({
      header: ['clients', 'committed', 'failed', 'wall', 'tx/s', 'n', 'p50', 'p90', 'p99', 'max'],
      rows: results.ingestion.map((l) => [
        String(l.clients),
        formatCount(l.committed),
        formatCount(l.failed),
        formatSeconds(l.seconds),
        formatNumber(l.tps, 3),
        ...pct(l.latency),
      ]),
    }),
    firstError === undefined
      ? ''
      : [
          '',
          `First error: ${firstError}`,
          '',
          'The load generator never submits a slot twice (each client takes a new slot), so an "already has',
          'version 1" refusal is the gateway client retrying a `Submit` after a transient transport error when the',
          'first attempt had in fact committed: the retry of a non-idempotent submission. The data are on the',
          'ledger once; treating ALREADY_EXISTS with an identical payload as success on a retried attempt would',
          'remove the error.',
        ].join('\n'),
  ].join('\n');
}

const RECORDERS: readonly { readonly mode: TraceRecording; readonly label: string }[] = [
  { mode: 'condition-b', label: 'condition b (default)' },
  { mode: 'gridco', label: 'GridCo `RecordCarbonFlow`' },
];

function renderTraces(results: NetworkResults): string {
  const cases = [...new Set(results.traces.map((t) => t.caseName))];
  const rows = RECORDERS.flatMap(({ mode, label }) =>
    cases.flatMap((name) => {
      const samples = results.traces.filter((t) => t.caseName === name && t.recordBy === mode);
      if (samples.length === 0) return [];
      const latency = results.traceLatency[latencyKey(name, mode)];
      return [
        [
          name,
          label,
          ...(latency === undefined ? ['–', '–', '–', '–', '–'] : pct(latency)),
          formatSeconds(median(samples.map((t) => t.slotSeconds))),
          formatSeconds(median(samples.map((t) => t.sealToAnchoredSeconds))),
          [...new Set(samples.map((t) => t.path.join('→')))].join(', '),
          formatNumber(Math.max(...samples.map((t) => t.maxRelErrorVsLocal)), 2),
        ],
      ];
    }),
  );
  const stepRows = RECORDERS.flatMap(({ mode, label }) => {
    const samples = results.traces.filter((t) => t.recordBy === mode);
    if (samples.length === 0) return [];
    return [
      [
        label,
        formatCount(samples.length),
        ...TRACE_STEPS.map((step) =>
          step === 'record' && mode === 'condition-b'
            ? 'in condition b'
            : formatSeconds(median(samples.map((t) => t.stepSeconds[step]))),
        ),
        formatSeconds(median(samples.map((t) => t.requestToRecordedSeconds))),
      ],
    ];
  });
  return [
    NETWORK_HEADINGS.traces,
    '',
    'Per traced slot: LV submissions, seal (`Index:Seal`), our anchor relay records the verification block,',
    'then the timed part: GridCo `Trace:Request` → HV condition a (masking, keys in the implicit private',
    'collection) → CloudA and CloudB (honest, computing in the bench process, each polling every 50 ms for',
    'the answers it owes on this task only) compute on the masked task and submit side by side → HV',
    'condition b (unmask, compare, residual check) → the carbon flow recorded: by that condition b',
    "(the request's `recordOnAccept`, the job's default) or by GridCo's `RecordCarbonFlow` afterwards; both",
    'ways alternate in the same run. Monomial mask, as in the main job. case33bw runs as the main job does:',
    'split across Hv1 and Hv2, both regions traced at the same time.',
    '',
    renderTable({
      header: [
        'case',
        'carbon flow recorded by',
        'traces',
        'p50',
        'p90',
        'p99',
        'max',
        'whole slot p50',
        'seal → anchored p50',
        'arbitration path',
        'max rel. err vs local',
      ],
      rows,
    }),
    '',
    'Where the time goes (median seconds of each step over all traces of a mode; each step runs from the',
    'end of the one before: the request from the anchoring seen, condition a from the request committed on',
    "GridCo's peer and includes the HV peer catching up, the answers until the HV peer holds both):",
    '',
    renderTable({
      header: ['carbon flow recorded by', 'traces', ...TRACE_STEPS, 'request → recorded'],
      rows: stepRows,
    }),
    results.traceFailures.length === 0
      ? ''
      : ['', 'Failed traces:', '', ...results.traceFailures.map((f) => `- ${f}`)].join('\n'),
  ].join('\n');
}

function renderAnchoring(results: NetworkResults): string {
  return [
    NETWORK_HEADINGS.anchoring,
    '',
    'Measured from the commit a client sees for a slave transaction (ingestion and seal blocks) to the',
    "anchor relay's report that the master transaction recording that block committed.",
    '',
    renderTable({ header: ['samples', 'p50', 'p90', 'p99', 'max'], rows: [pct(results.anchorLag)] }),
  ].join('\n');
}

function renderLedger(results: NetworkResults): string {
  return [
    NETWORK_HEADINGS.ledger,
    '',
    renderTable({
      header: ['peer', 'before traces', 'after traces', 'per trace', 'per ingested measurement'],
      rows: Object.keys(results.ledgerBytesAfter).map((peer) => [
        peer,
        formatCount(results.ledgerBytesBefore[peer] ?? Number.NaN),
        formatCount(results.ledgerBytesAfter[peer] ?? Number.NaN),
        formatCount(results.ledgerGrowthPerTrace[peer] ?? Number.NaN),
        formatCount(results.ingestionBytesPerTx[peer] ?? Number.NaN),
      ]),
    }),
    '',
    'Ledger sizes include everything a peer wrote meanwhile (block files, state and history LevelDB, which',
    'grow in steps as files are preallocated and compacted), so per-trace numbers are averages over the run.',
  ].join('\n');
}

function renderIngestionMatrixSection(results: NetworkResults): string {
  if (results.ingestionMatrix !== null) return renderIngestionMatrix(results.ingestionMatrix);
  return [
    NETWORK_HEADINGS.ingestionMatrix,
    '',
    `Not measured: ${results.ingestionMatrixFailure ?? 'the phase did not produce a result'}.`,
  ].join('\n');
}

/** Renders the network sections (markdown); `previous` is the doc being replaced, if any. */
export function renderNetworkReport(results: NetworkResults, previous?: string): string {
  const ran = (...phases: NetworkPhase[]): boolean =>
    results.ran && phases.some((p) => results.phases.includes(p));
  const section = (measured: boolean, heading: string, render: () => string): string =>
    measured ? render() : (keptSubsection(previous, heading) ?? '');
  const parts = [
    NETWORK_HEADING,
    results.ran ? '' : `Not measured in this run: ${results.reason}.`,
    [
      'Load generator: ours (`bench/src/network/`, one phase per file under phases/, driven by the plan in',
      '`network-plan.ts`), on the gateway-client role clients, not Hyperledger Caliper. Every client is its own',
      "gRPC connection to its organization's peer with one outstanding transaction at a time (closed loop); BFT",
      'ordering with 4 orderers on every channel.',
    ].join('\n'),
    section(ran('ingestion-matrix'), NETWORK_HEADINGS.ingestionMatrix, () =>
      renderIngestionMatrixSection(results),
    ),
    ...handMeasuredSubsections(previous, '## Network'),
    section(ran('ingestion'), NETWORK_HEADINGS.ingestion, () => renderIngestionLevels(results)),
    section(ran('traces'), NETWORK_HEADINGS.traces, () => renderTraces(results)),
    section(ran('ingestion', 'traces'), NETWORK_HEADINGS.anchoring, () => renderAnchoring(results)),
    section(ran('traces'), NETWORK_HEADINGS.ledger, () => renderLedger(results)),
  ];
  return parts
    .filter((p) => p !== '')
    .join('\n\n')
    .replace(/\n{3,}/g, '\n\n');
}
