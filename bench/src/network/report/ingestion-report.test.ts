import { INGESTION_MATRIX_FIXTURE } from '../test-fixtures/ingestion-matrix-fixture';
import type { IngestionMatrixResult } from '../network-results';
import {
  INGESTION_MATRIX_HEADING,
  ingestionGoalLines,
  ingestionGoalSummary,
  renderIngestionMatrix,
} from './ingestion-report';

describe('renderIngestionMatrix', () => {
  const doc = renderIngestionMatrix(INGESTION_MATRIX_FIXTURE);
  const lines = doc.split('\n');

  it('starts with the section heading and has one row per mode in both tables', () => {
    expect(lines[0]).toBe(INGESTION_MATRIX_HEADING);
    for (const mode of INGESTION_MATRIX_FIXTURE.modes) {
      expect(lines.filter((l) => l.startsWith(`| ${mode.name} |`))).toHaveLength(2);
    }
  });

  it('renders the measured throughput of a row', () => {
    const row = lines.find((l) => l.startsWith('| SubmitBatch, 24 slots × 400 meters | 8 |'));
    expect(row).toContain('| 1.6 | 15,618 |');
  });

  it('sums the CPU per transaction and derives µs per reading and the 2-core bound', () => {
    // 13.1 + 18.9 + 12.5 + 7.8 = 52.3 ms; 52.3 ms / 16 readings = 3.27 ms; 2000 / 52.3 = 38.2 tx/s
    const cpuRow = lines.filter((l) => l.startsWith('| Submit, 1 slot × 16 meters |'))[1];
    expect(cpuRow).toBe(
      '| Submit, 1 slot × 16 meters | 13.1 ms | 18.9 ms | 12.5 ms | 7.80 ms | 52.3 ms | 3.27 ms | 38.2 |',
    );
    expect(doc).toContain('2 cores ÷ total, tx/s');
    expect(doc).toContain('4 orderers, 8 peers, 11 chaincode servers');
  });

  it('says the goal is not reached and CPU-bound, with the bound computed from the CPU per transaction', () => {
    const goal = ingestionGoalLines(INGESTION_MATRIX_FIXTURE).join('\n');
    expect(goal).toContain(
      'best **29.6 tx/s** (Submit, 1 slot × 16 meters); goal ≥ 300 tx/s: **not reached**',
    );
    expect(goal).toContain(
      'At the measured 52.3 ms per transaction of CPU, 2 fully used cores allow at most 38.2 tx/s',
    );
    expect(goal).toContain('the goal needs ≤ 6.67 ms per transaction');
    // 24 × 400 batch: 1064.9 ms / 9600 readings = 110.9 µs; 2e6 / 110.9 = 18,029 readings/s
    expect(goal).toContain('best **15,600 readings/s** (SubmitBatch, 24 slots × 400 meters)');
    expect(goal).toContain('allow at most 18,000 readings/s');
    expect(goal.match(/CPU-bound/g)).toHaveLength(2);
    expect(goal).toContain('the peers take the largest share');
  });

  it('says reached, and no CPU-bound verdict, when the rows meet the goal', () => {
    const fast: IngestionMatrixResult = {
      ...INGESTION_MATRIX_FIXTURE,
      goal: { txPerSecond: 10, readingsPerSecond: 1000 },
    };
    const goal = ingestionGoalLines(fast).join('\n');
    expect(goal).not.toContain('not reached');
    expect(goal).not.toContain('CPU-bound');
    expect(ingestionGoalSummary(fast)).toMatch(
      /^goal ≥ 10 tx\/s: reached, ≥ 1,000 readings\/s: reached; on 2 cores/,
    );
  });

  it('says which of the two goals is reached', () => {
    const readingsOnly: IngestionMatrixResult = {
      ...INGESTION_MATRIX_FIXTURE,
      goal: { txPerSecond: 300, readingsPerSecond: 1000 },
    };
    expect(ingestionGoalSummary(readingsOnly)).toMatch(
      /^goal ≥ 300 tx\/s: not reached, ≥ 1,000 readings\/s: reached; CPU-bound: on 2 cores/,
    );
  });

  it('summarizes the goal in one sentence', () => {
    expect(ingestionGoalSummary(INGESTION_MATRIX_FIXTURE)).toBe(
      'goal ≥ 300 tx/s: not reached, ≥ 30,000 readings/s: not reached; CPU-bound: on 2 cores, 52.3 ms of CPU per transaction allow ≤ 38.2 tx/s and 111 µs per reading allow ≤ 18,000 readings/s',
    );
  });

  it('shows dashes, not NaN, for a mode that committed nothing', () => {
    const first = INGESTION_MATRIX_FIXTURE.modes[0]!;
    const empty: IngestionMatrixResult = {
      ...INGESTION_MATRIX_FIXTURE,
      modes: [
        {
          ...first,
          committed: 0,
          failed: 3,
          firstError: 'UNAVAILABLE',
          txPerSecond: 0,
          readingsPerSecond: 0,
          latencyP50Seconds: null,
          latencyP90Seconds: null,
          cpuMsPerTx: { orderer: null, peer: null, chaincode: null, client: null },
        },
      ],
    };
    const doc2 = renderIngestionMatrix(empty);
    expect(doc2).not.toContain('NaN');
    expect(doc2).toContain('First error of Submit, 1 slot × 16 meters: UNAVAILABLE');
    expect(doc2).toContain('no mode of this kind committed a transaction');
  });
});
