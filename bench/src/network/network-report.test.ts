import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  emptyNetworkResults,
  latencyKey,
  percentiles,
  type NetworkResults,
  type TraceRecording,
  type TraceSample,
} from './network-results';
import { NETWORK_HEADINGS, renderNetworkReport } from './network-report';
import { INGESTION_MATRIX_FIXTURE } from './test-fixtures/ingestion-matrix-fixture';

// The committed doc: its network section holds a hand-measured subsection and generated ones.
const PREVIOUS = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'benchmarks.md'), 'utf8');

const matrixOnly: NetworkResults = {
  ...emptyNetworkResults(''),
  ran: true,
  phases: ['ingestion-matrix'],
  ingestionMatrix: INGESTION_MATRIX_FIXTURE,
};

describe('renderNetworkReport', () => {
  it('renders the ingestion matrix and keeps the sections of phases that did not run', () => {
    const doc = renderNetworkReport(matrixOnly, PREVIOUS);
    expect(doc).toContain(NETWORK_HEADINGS.ingestionMatrix);
    expect(doc).toContain('2 cores ÷ total, tx/s');
    for (const heading of [NETWORK_HEADINGS.ingestion, NETWORK_HEADINGS.traces, NETWORK_HEADINGS.ledger]) {
      expect(doc).toContain(`${heading}\n\n_Kept from the previous run`);
    }
    expect(doc).toContain('_Measured by hand on 2026-12-06');
    expect(doc).not.toContain('NaN');
  });

  it('without a previous doc shows only what ran', () => {
    const doc = renderNetworkReport(matrixOnly);
    expect(doc).toContain(NETWORK_HEADINGS.ingestionMatrix);
    expect(doc).not.toContain(NETWORK_HEADINGS.traces);
  });

  it('names why nothing was measured and keeps every previous subsection', () => {
    const doc = renderNetworkReport(emptyNetworkResults('cannot connect'), PREVIOUS);
    expect(doc).toContain('Not measured in this run: cannot connect.');
    expect(doc).toContain(`${NETWORK_HEADINGS.traces}\n\n_Kept from the previous run`);
  });

  it('renders both ways of recording a trace, with the median of each step', () => {
    const sample = (recordBy: TraceRecording, scale: number): TraceSample => ({
      caseName: 'case4_carbon',
      recordBy,
      stepSeconds: {
        request: 0.1 * scale,
        'condition a': 0.2 * scale,
        answers: 0.3 * scale,
        'condition b': 0.25 * scale,
        record: recordBy === 'gridco' ? 0.22 * scale : 0,
      },
      hv: 'Hv1',
      slot: 1,
      requestToRecordedSeconds: scale,
      slotSeconds: 2 * scale,
      sealToAnchoredSeconds: 0.3,
      acceptedFrom: 'CloudA',
      path: ['S0', 'S1', 'S2', 'END'],
      maxRelErrorVsLocal: 1e-15,
    });
    const traces = [
      sample('condition-b', 1),
      sample('condition-b', 3),
      sample('condition-b', 2),
      sample('gridco', 4),
    ];
    const latency = (mode: TraceRecording): ReturnType<typeof percentiles> =>
      percentiles(traces.filter((t) => t.recordBy === mode).map((t) => t.requestToRecordedSeconds));
    const doc = renderNetworkReport({
      ...emptyNetworkResults(''),
      ran: true,
      phases: ['traces'],
      traces,
      traceLatency: {
        [latencyKey('case4_carbon', 'condition-b')]: latency('condition-b'),
        [latencyKey('case4_carbon', 'gridco')]: latency('gridco'),
      },
    });
    // condition b: medians of 3 traces (scale 2): 200 ms, 400 ms, 600 ms, 500 ms, recorded in condition b
    expect(doc).toContain(
      '| condition b (default) | 3 | 200 ms | 400 ms | 600 ms | 500 ms | in condition b | 2.00 s |',
    );
    expect(doc).toContain(
      '| GridCo `RecordCarbonFlow` | 1 | 400 ms | 800 ms | 1.20 s | 1.00 s | 880 ms | 4.00 s |',
    );
    expect(doc).toMatch(/\| case4_carbon \| condition b \(default\) \| 3 \| 2\.00 s \|/);
    expect(doc).toMatch(/\| case4_carbon \| GridCo `RecordCarbonFlow` \| 1 \| 4\.00 s \|/);
  });
});
