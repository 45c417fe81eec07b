import { emptyNetworkResults, type NetworkResults } from '../network/network-results';
import { networkSummary } from '../network/network-summary';
import { INGESTION_MATRIX_FIXTURE } from '../network/test-fixtures/ingestion-matrix-fixture';
import { benchSummary } from './bench-summary';

const EXISTING_KEYS = [
  'pfVsPandapower',
  'pfVsLightsim2grid',
  'traceFastVsDense',
  'clientVsLocal',
  'ingestTps',
  'traceLatencyP50Seconds',
  'anchorLagP50Seconds',
  'readingsPerSecond',
];

describe('benchSummary', () => {
  it('keeps every existing key, null without results', () => {
    const s = benchSummary(undefined, undefined);
    for (const key of EXISTING_KEYS) expect(Object.keys(s)).toContain(key);
    expect(s.readingsPerSecond).toBeNull();
    expect(s.ingestTps).toBeNull();
    expect(s.clientVsLocal).toEqual({});
  });

  it('reads readingsPerSecond from the network results of an ingestion-matrix run', () => {
    const empty = emptyNetworkResults('');
    const network: NetworkResults = {
      ...empty,
      ran: true,
      phases: ['ingestion-matrix'],
      ingestionMatrix: INGESTION_MATRIX_FIXTURE,
      summary: networkSummary({
        ingestion: [],
        ingestionMatrix: INGESTION_MATRIX_FIXTURE,
        traceLatency: undefined,
        anchorLag: empty.anchorLag,
      }),
    };
    const s = benchSummary(undefined, network);
    expect(s.readingsPerSecond).toBe(15618);
    expect(s.ingestTps).toBe(29.6);
    expect(s.ingestCpuMsPerTx).toBeCloseTo(52.3, 10);
    expect(JSON.parse(JSON.stringify(s))).toMatchObject({ readingsPerSecond: 15618 });
  });

  it('gives null for a key an older saved result lacks', () => {
    const old: unknown = JSON.parse(
      JSON.stringify({ ...emptyNetworkResults(''), summary: { ingestTps: 17.3 } }),
    );
    const s = benchSummary(undefined, old as NetworkResults);
    expect(s.ingestTps).toBe(17.3);
    expect(s.readingsPerSecond).toBeNull();
  });
});
