import { networkSummary } from './network-summary';
import { percentiles, type IngestionLevel } from './network-results';
import { INGESTION_MATRIX_FIXTURE } from './test-fixtures/ingestion-matrix-fixture';

const level = (clients: number, tps: number, committed = 100): IngestionLevel => ({
  clients,
  committed,
  failed: 0,
  seconds: committed / tps,
  tps,
  latency: percentiles([0.1, 0.2]),
  firstError: null,
});

describe('networkSummary', () => {
  it('takes readingsPerSecond from the best batched row and the CPU figures from the best rows', () => {
    const s = networkSummary({
      ingestion: [],
      ingestionMatrix: INGESTION_MATRIX_FIXTURE,
      traceLatency: undefined,
      anchorLag: percentiles([]),
    });
    expect(s.readingsPerSecond).toBe(15618);
    expect(s.ingestTps).toBe(29.6);
    expect(s.ingestCpuMsPerTx).toBeCloseTo(52.3, 10);
    expect(s.ingestCpuUsPerReading).toBeCloseTo((1000 * 1064.9) / 9600, 10);
    expect(s.traceLatencyP50Seconds).toBeNull();
    expect(s.anchorLagP50Seconds).toBeNull();
  });

  it('takes ingestTps as the best single Submit over the levels and the matrix', () => {
    const s = networkSummary({
      ingestion: [level(1, 8), level(16, 42.6), level(4, 50, 0)],
      ingestionMatrix: INGESTION_MATRIX_FIXTURE,
      traceLatency: percentiles([1, 2, 3]),
      anchorLag: percentiles([0.5]),
    });
    expect(s.ingestTps).toBe(42.6);
    expect(s.traceLatencyP50Seconds).toBe(2);
    expect(s.anchorLagP50Seconds).toBe(0.5);
  });

  it('is null throughout without measurements', () => {
    const s = networkSummary({
      ingestion: [],
      ingestionMatrix: null,
      traceLatency: undefined,
      anchorLag: percentiles([]),
    });
    expect(Object.values(s).every((v) => v === null)).toBe(true);
  });
});
