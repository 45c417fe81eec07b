/**
 * An ingestion-matrix result for the unit tests: the numbers of the hand-measured 2026-12-06 run
 * with default block cutting (docs/benchmarks.md, "Ingestion: single vs batched submissions…",
 * first two tables), on 2 cores.
 */
import type { IngestionMatrixResult, IngestionModeResult } from '../network-results';

function row(
  name: string,
  slotsPerTx: number,
  metersPerSlot: number,
  measured: { committed: number; txPerSecond: number; readingsPerSecond: number },
  cpu: readonly [number, number, number, number],
): IngestionModeResult {
  return {
    name,
    slotsPerTx,
    metersPerSlot,
    clients: 8,
    committed: measured.committed,
    failed: 0,
    firstError: null,
    seconds: measured.committed / measured.txPerSecond,
    txPerSecond: measured.txPerSecond,
    readingsPerSecond: measured.readingsPerSecond,
    latencyP50Seconds: 0.26,
    latencyP90Seconds: 0.39,
    cpuMsPerTx: { orderer: cpu[0], peer: cpu[1], chaincode: cpu[2], client: cpu[3] },
    loadAverage: [9.6, 9.52],
  };
}

/** Five modes, 2 cores, goal 300 tx/s and 30,000 readings/s. */
export const INGESTION_MATRIX_FIXTURE: IngestionMatrixResult = {
  modes: [
    row(
      'Submit, 1 slot × 16 meters',
      1,
      16,
      { committed: 400, txPerSecond: 29.6, readingsPerSecond: 473 },
      [13.1, 18.9, 12.5, 7.8],
    ),
    row(
      'SubmitBatch, 16 slots × 16 meters',
      16,
      16,
      { committed: 164, txPerSecond: 8.1, readingsPerSecond: 2062 },
      [36.6, 85.3, 79.2, 13.0],
    ),
    row(
      'Submit, 1 slot × 400 meters',
      1,
      400,
      { committed: 319, txPerSecond: 14.9, readingsPerSecond: 5963 },
      [28.2, 44.1, 21.9, 10.9],
    ),
    row(
      'SubmitBatch, 8 slots × 400 meters',
      8,
      400,
      { committed: 99, txPerSecond: 4.7, readingsPerSecond: 15060 },
      [88.2, 154.4, 111.3, 16.9],
    ),
    row(
      'SubmitBatch, 24 slots × 400 meters',
      24,
      400,
      { committed: 36, txPerSecond: 1.6, readingsPerSecond: 15618 },
      [267.5, 444.7, 320.0, 32.7],
    ),
  ],
  cores: 2,
  processCount: { orderer: 4, peer: 8, chaincode: 11 },
  maxTx: 400,
  maxSeconds: 20,
  goal: { txPerSecond: 300, readingsPerSecond: 30_000 },
  at: '2026-12-06T12:00:00.000Z',
};
