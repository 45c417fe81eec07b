/** The network sections of docs/benchmarks.md. */
import { median } from '../timing';
import { formatCount, formatNumber, formatSeconds, renderTable } from '../report/markdown-table';
import type { NetworkResults, Percentiles } from './network-suite';

const pct = (p: Percentiles): string[] => [
  formatCount(p.count),
  formatSeconds(p.p50),
  formatSeconds(p.p90),
  formatSeconds(p.p99),
  formatSeconds(p.max),
];

/** Renders the network sections (markdown). */
export function renderNetworkReport(results: NetworkResults): string {
  if (!results.ran) return ['## Network', '', `Not measured in this run: ${results.reason}.`].join('\n');
  const cases = [...new Set(results.traces.map((t) => t.caseName))];
  const traceRows = cases.map((name) => {
    const samples = results.traces.filter((t) => t.caseName === name);
    const latency = results.traceLatency[name];
    return [
      name,
      ...(latency === undefined ? ['–', '–', '–', '–', '–'] : pct(latency)),
      formatSeconds(median(samples.map((t) => t.slotSeconds))),
      formatSeconds(median(samples.map((t) => t.sealToAnchoredSeconds))),
      [...new Set(samples.map((t) => t.path.join('→')))].join(', '),
      formatNumber(Math.max(...samples.map((t) => t.maxRelErrorVsLocal)), 2),
    ];
  });
  const peers = Object.keys(results.ledgerBytesAfter);
  return [
    '## Network (the real test network, loopback)',
    '',
    'Load generator: ours (`bench/src/network/network-suite.ts`), on the gateway-client role clients, not',
    "Hyperledger Caliper. Every client is its own gRPC connection to its organization's peer with one",
    'outstanding transaction at a time (closed loop); BFT ordering with 4 orderers on every channel.',
    '',
    '### Measurement ingestion (slave-hv1, `Measurement:Submit` from Lv1a and Lv1b, case33bw feeder data)',
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
    results.ingestion.some((l) => l.firstError !== null)
      ? [
          '',
          `First error: ${results.ingestion.map((l) => l.firstError).find((e) => e !== null) ?? ''}`,
          '',
          'The load generator never submits a slot twice (each client takes the next slot of its organization),',
          'so an "already has version 1" refusal is the gateway client retrying a `Submit` after a transient',
          'transport error when the first attempt had in fact committed: the retry of a non-idempotent',
          'submission. The data are on the ledger once; treating ALREADY_EXISTS with an identical payload as',
          'success on a retried attempt would remove the error.',
        ].join('\n')
      : '',
    '',
    '### End-to-end traces (request → accepted result recorded)',
    '',
    'Per traced slot: LV submissions, seal (`Index:Seal`), our anchor relay records the verification block,',
    'then the timed part: GridCo `Trace:Request` → HV condition a (masking, keys in the implicit private',
    'collection) → CloudA and CloudB (honest, computing in the bench process, polling every 250 ms for the',
    'answers they owe on this task only) compute on the masked task and submit → HV condition b (unmask,',
    'compare, residual check) → GridCo `RecordCarbonFlow` committed; monomial mask, as in the main job. case33bw runs as the main job does:',
    'split across Hv1 and Hv2, both regions traced at the same time.',
    '',
    renderTable({
      header: [
        'case',
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
      rows: traceRows,
    }),
    results.traceFailures.length === 0
      ? ''
      : ['', 'Failed traces:', '', ...results.traceFailures.map((f) => `- ${f}`)].join('\n'),
    '',
    '### Anchoring lag (slave block committed → verification block committed on master)',
    '',
    'Measured from the commit a client sees for a slave transaction (ingestion and seal blocks) to the',
    "anchor relay's report that the master transaction recording that block committed.",
    '',
    renderTable({ header: ['samples', 'p50', 'p90', 'p99', 'max'], rows: [pct(results.anchorLag).slice(0)] }),
    '',
    "### Ledger growth (bytes of each peer's ledger directory under .run/network/nodes)",
    '',
    renderTable({
      header: ['peer', 'before traces', 'after traces', 'per trace', 'per ingested measurement'],
      rows: peers.map((peer) => [
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
