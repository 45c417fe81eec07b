/**
 * Topological order of the flow graph (MATH.md B5): node y precedes node x whenever A[x,y] ≠ 0
 * (y supplies x). Kahn's algorithm, O(N + nnz); initially ready nodes are queued in index order, so the
 * order is deterministic. A directed cycle (possible with phase shifters) gives `undefined`.
 */
import { at } from '../sparse/checked-access';
import type { SparseEntries } from './distribution-system';

/** A topological order of the N nodes, or undefined if the flow graph has a directed cycle. */
export function flowGraphTopologicalOrder(size: number, entries: SparseEntries): Int32Array | undefined {
  const indegree = new Int32Array(size);
  const outStart = new Int32Array(size + 1);
  for (let p = 0; p < entries.values.length; p += 1) {
    const x = at(entries.rows, p);
    const y = at(entries.cols, p);
    indegree[x] = at(indegree, x) + 1;
    outStart[y + 1] = at(outStart, y + 1) + 1;
  }
  for (let y = 0; y < size; y += 1) outStart[y + 1] = at(outStart, y + 1) + at(outStart, y);
  const next = outStart.slice(0, size);
  const targets = new Int32Array(entries.values.length);
  for (let p = 0; p < entries.values.length; p += 1) {
    const y = at(entries.cols, p);
    const q = at(next, y);
    next[y] = q + 1;
    targets[q] = at(entries.rows, p);
  }
  const order = new Int32Array(size);
  let tail = 0;
  for (let x = 0; x < size; x += 1) {
    if (at(indegree, x) === 0) {
      order[tail] = x;
      tail += 1;
    }
  }
  for (let head = 0; head < tail; head += 1) {
    const y = at(order, head);
    const end = at(outStart, y + 1);
    for (let p = at(outStart, y); p < end; p += 1) {
      const x = at(targets, p);
      const d = at(indegree, x) - 1;
      indegree[x] = d;
      if (d === 0) {
        order[tail] = x;
        tail += 1;
      }
    }
  }
  return tail === size ? order : undefined;
}
