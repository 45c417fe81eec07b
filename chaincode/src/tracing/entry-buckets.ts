/**
 * The coordinate entries (`rows`, `cols`) of an N×N flow-graph matrix, checked once and grouped
 * by a key with a stable counting sort (O(N + entries)). Shared by the flow graph's topological
 * order (entries by supplier column) and the ordered rows of the tracing matrix (entries by the
 * rank of their row).
 */
import { CarbonTraceError } from '../common/errors';

/** @throws CarbonTraceError DIMENSION_MISMATCH when an entry lies outside the N nodes. */
export function checkEntries(size: number, rows: Int32Array, cols: Int32Array): void {
  const count = rows.length;
  for (let p = 0; p < count; p += 1) {
    const x = rows[p] as number;
    const y = cols[p] as number;
    if (!(x >= 0 && x < size && y >= 0 && y < size) || cols.length !== count) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'an entry of A lies outside the system', {
        size,
        entry: p,
      });
    }
  }
}

/** Entries grouped by key: those of key t are `entries[start[t]] … entries[start[t+1] − 1]`, in entry order. */
export interface EntryBuckets {
  readonly start: Int32Array;
  readonly entries: Int32Array;
}

/** Groups entries 0 … keys.length − 1 by `keys[p]` ∈ [0, bucketCount), stably. */
export function bucketEntries(bucketCount: number, keys: Int32Array): EntryBuckets {
  const count = keys.length;
  const start = new Int32Array(bucketCount + 1);
  for (let p = 0; p < count; p += 1) {
    const slot = (keys[p] as number) + 1;
    start[slot] = (start[slot] as number) + 1;
  }
  for (let t = 0; t < bucketCount; t += 1) start[t + 1] = (start[t + 1] as number) + (start[t] as number);
  const next = start.slice(0, bucketCount);
  const entries = new Int32Array(count);
  for (let p = 0; p < count; p += 1) {
    const t = keys[p] as number;
    const q = next[t] as number;
    next[t] = q + 1;
    entries[q] = p;
  }
  return { start, entries };
}
