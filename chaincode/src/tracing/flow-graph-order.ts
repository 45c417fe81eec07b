/**
 * Topological order of the flow graph (MATH.md B5): node y precedes node x whenever A[x,y] ≠ 0
 * (y supplies x). Kahn's algorithm, O(N + nnz); initially ready nodes are queued in index order and
 * each node's receivers in ascending index order, so the order is deterministic. A directed cycle
 * (possible with phase shifters) gives `undefined`.
 */
import type { SparseEntries } from './distribution-system';
import { bucketEntries, checkEntries } from './entry-buckets';

/**
 * A topological order of the N nodes, or undefined if the flow graph has a directed cycle.
 * @throws CarbonTraceError DIMENSION_MISMATCH when an entry lies outside the N nodes.
 */
export function flowGraphTopologicalOrder(size: number, entries: SparseEntries): Int32Array | undefined {
  const { rows, cols } = entries;
  const count = rows.length;
  checkEntries(size, rows, cols);
  const indegree = new Int32Array(size);
  for (let p = 0; p < count; p += 1)
    indegree[rows[p] as number] = (indegree[rows[p] as number] as number) + 1;
  // Supplier → receiver adjacency: receivers of y at start[y] .. start[y+1]−1.
  const { start, entries: byColumn } = bucketEntries(size, cols);
  const receivers = new Int32Array(count);
  for (let q = 0; q < count; q += 1) receivers[q] = rows[byColumn[q] as number] as number;
  // Each supplier's receivers ascending, a repeated pair once (lists are short: insertion sort).
  const end = new Int32Array(size);
  for (let y = 0; y < size; y += 1) {
    const begin = start[y] as number;
    const stop = start[y + 1] as number;
    for (let i = begin + 1; i < stop; i += 1) {
      const x = receivers[i] as number;
      let j = i - 1;
      while (j >= begin && (receivers[j] as number) > x) {
        receivers[j + 1] = receivers[j] as number;
        j -= 1;
      }
      receivers[j + 1] = x;
    }
    let out = begin;
    for (let i = begin; i < stop; i += 1) {
      const x = receivers[i] as number;
      if (out === begin || receivers[out - 1] !== x) {
        receivers[out] = x;
        out += 1;
      }
    }
    end[y] = out;
  }
  const order = new Int32Array(size);
  let tail = 0;
  for (let x = 0; x < size; x += 1) {
    if (indegree[x] === 0) {
      order[tail] = x;
      tail += 1;
    }
  }
  for (let head = 0; head < tail; head += 1) {
    const y = order[head] as number;
    const stop = end[y] as number;
    for (let p = start[y] as number; p < stop; p += 1) {
      const x = receivers[p] as number;
      const d = (indegree[x] as number) - 1;
      indegree[x] = d;
      if (d === 0) {
        order[tail] = x;
        tail += 1;
      }
    }
  }
  return tail === size ? order : undefined;
}
