/**
 * Topological order of the flow graph (MATH.md B5): node y precedes node x whenever A[x,y] ≠ 0
 * (y supplies x). Kahn's algorithm, O(N + nnz); initially ready nodes are queued in index order, so the
 * order is deterministic. A directed cycle (possible with phase shifters) gives `undefined`.
 */
import { at } from '../sparse/checked-access';
import { TripletBuilder } from '../sparse/csr-matrix';
import type { SparseEntries } from './distribution-system';

/** A topological order of the N nodes, or undefined if the flow graph has a directed cycle. */
export function flowGraphTopologicalOrder(size: number, entries: SparseEntries): Int32Array | undefined {
  // Supplier → receiver adjacency: row y of `successors` lists every x with A[x,y] ≠ 0.
  const builder = new TripletBuilder(size, size);
  const indegree = new Int32Array(size);
  for (let p = 0; p < entries.values.length; p += 1) {
    const x = at(entries.rows, p);
    builder.add(at(entries.cols, p), x, 1);
    indegree[x] = at(indegree, x) + 1;
  }
  const successors = builder.build();
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
    const end = at(successors.rowPointers, y + 1);
    for (let p = at(successors.rowPointers, y); p < end; p += 1) {
      const x = at(successors.columnIndices, p);
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
