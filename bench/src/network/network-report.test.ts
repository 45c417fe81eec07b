import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { emptyNetworkResults, type NetworkResults } from './network-results';
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
});
