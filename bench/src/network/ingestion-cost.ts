/**
 * What the ingestion matrix's CPU profile implies: CPU per transaction and per meter reading over
 * all processes, and the throughput the machine's cores could sustain at that cost (the CPU
 * bound: cores × 1 s ÷ CPU per transaction). Pure functions of a measured row.
 */
import type { IngestionModeResult } from './network-results';

/** Meter readings one transaction of the mode carries. */
export function readingsPerTx(row: IngestionModeResult): number {
  return row.slotsPerTx * row.metersPerSlot;
}

/** Whether the row is a batched (`SubmitBatch`) mode. */
export function isBatched(row: IngestionModeResult): boolean {
  return row.slotsPerTx > 1;
}

/** CPU ms per committed transaction over orderers, peers, chaincode servers and the client; null when unmeasured. */
export function totalCpuMsPerTx(row: IngestionModeResult): number | null {
  const parts = [
    row.cpuMsPerTx.orderer,
    row.cpuMsPerTx.peer,
    row.cpuMsPerTx.chaincode,
    row.cpuMsPerTx.client,
  ];
  let total = 0;
  for (const part of parts) {
    if (part === null || !Number.isFinite(part)) return null;
    total += part;
  }
  return total > 0 ? total : null;
}

/** CPU µs per meter reading over all processes; null when unmeasured. */
export function cpuUsPerReading(row: IngestionModeResult): number | null {
  const total = totalCpuMsPerTx(row);
  return total === null ? null : (1000 * total) / readingsPerTx(row);
}

/** Transactions/s that `cores` fully used cores allow at the row's CPU per transaction. */
export function cpuBoundTxPerSecond(row: IngestionModeResult, cores: number): number | null {
  const total = totalCpuMsPerTx(row);
  return total === null ? null : (cores * 1000) / total;
}

/** Meter readings/s that `cores` fully used cores allow at the row's CPU per reading. */
export function cpuBoundReadingsPerSecond(row: IngestionModeResult, cores: number): number | null {
  const perReading = cpuUsPerReading(row);
  return perReading === null ? null : (cores * 1e6) / perReading;
}

function best(
  rows: readonly IngestionModeResult[],
  by: (row: IngestionModeResult) => number,
): IngestionModeResult | undefined {
  let found: IngestionModeResult | undefined;
  for (const row of rows) {
    if (row.committed === 0 || !Number.isFinite(by(row))) continue;
    if (found === undefined || by(row) > by(found)) found = row;
  }
  return found;
}

/** The single-`Submit` row with the most committed tx/s. */
export function bestSingleRow(rows: readonly IngestionModeResult[]): IngestionModeResult | undefined {
  return best(
    rows.filter((r) => !isBatched(r)),
    (r) => r.txPerSecond,
  );
}

/** The batched row with the most meter readings/s. */
export function bestBatchedRow(rows: readonly IngestionModeResult[]): IngestionModeResult | undefined {
  return best(rows.filter(isBatched), (r) => r.readingsPerSecond);
}
