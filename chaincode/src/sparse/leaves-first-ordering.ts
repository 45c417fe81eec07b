/**
 * A fill-reducing order for the near-tree graphs of distribution feeders: eliminate leaves first.
 *
 * Eliminating a node of degree ≤ 1 creates no fill and never raises another node's degree, so
 * peeling leaves (and the nodes that become leaves) in a first-in-first-out queue orders every
 * tree part of the graph with zero fill in linear time; on a radial feeder that is the whole graph.
 * What remains is the 2-core (the loops closed by ties and whatever hangs between them), which is
 * ordered by minimum degree (`minimum-degree-ordering.ts`) on its own, smaller graph. The order is
 * deterministic: the queue starts with the leaves in ascending index order.
 */
import { CsrMatrix } from './csr-matrix';
import { minimumDegreeOrdering } from './minimum-degree-ordering';

/**
 * A leaves-first order of the rows/columns of a square pattern (symmetrized; the diagonal and
 * duplicate entries are ignored).
 * @returns `order[k]` = the k-th node to eliminate (a permutation of 0..n−1).
 */
export function leavesFirstOrdering(pattern: CsrMatrix): Int32Array {
  const n = pattern.rowCount;
  const { rowPointers, columnIndices } = pattern;
  // Symmetric adjacency without the diagonal (duplicates kept: degrees count distinct neighbours).
  const counts = new Int32Array(n + 1);
  for (let r = 0; r < n; r += 1) {
    const end = rowPointers[r + 1] as number;
    for (let p = rowPointers[r] as number; p < end; p += 1) {
      const c = columnIndices[p] as number;
      if (c === r) continue;
      counts[r + 1] = (counts[r + 1] as number) + 1;
      counts[c + 1] = (counts[c + 1] as number) + 1;
    }
  }
  for (let r = 0; r < n; r += 1) counts[r + 1] = (counts[r + 1] as number) + (counts[r] as number);
  const next = counts.slice(0, n);
  const adjacent = new Int32Array(counts[n] as number);
  for (let r = 0; r < n; r += 1) {
    const end = rowPointers[r + 1] as number;
    for (let p = rowPointers[r] as number; p < end; p += 1) {
      const c = columnIndices[p] as number;
      if (c === r) continue;
      adjacent[next[r] as number] = c;
      next[r] = (next[r] as number) + 1;
      adjacent[next[c] as number] = r;
      next[c] = (next[c] as number) + 1;
    }
  }
  // Distinct-neighbour degrees.
  const degree = new Int32Array(n);
  const seen = new Int32Array(n).fill(-1);
  for (let r = 0; r < n; r += 1) {
    let d = 0;
    const end = counts[r + 1] as number;
    for (let p = counts[r] as number; p < end; p += 1) {
      const c = adjacent[p] as number;
      if (seen[c] === r) continue;
      seen[c] = r;
      d += 1;
    }
    degree[r] = d;
  }
  // Peel leaves.
  const order = new Int32Array(n);
  const removed = new Uint8Array(n);
  let head = 0;
  let tail = 0;
  for (let r = 0; r < n; r += 1) {
    if ((degree[r] as number) <= 1) {
      order[tail] = r;
      tail += 1;
      removed[r] = 1;
    }
  }
  while (head < tail) {
    const v = order[head] as number;
    head += 1;
    const end = counts[v + 1] as number;
    for (let p = counts[v] as number; p < end; p += 1) {
      const u = adjacent[p] as number;
      if (removed[u] === 1 || seen[u] === -2 - v) continue;
      seen[u] = -2 - v;
      const d = (degree[u] as number) - 1;
      degree[u] = d;
      if (d <= 1) {
        order[tail] = u;
        tail += 1;
        removed[u] = 1;
      }
    }
  }
  if (tail === n) return order;
  // The 2-core: minimum degree on its induced subgraph.
  const coreIndex = new Int32Array(n).fill(-1);
  const coreNodes = new Int32Array(n - tail);
  let coreCount = 0;
  for (let r = 0; r < n; r += 1) {
    if (removed[r] === 1) continue;
    coreIndex[r] = coreCount;
    coreNodes[coreCount] = r;
    coreCount += 1;
  }
  const corePointers = new Int32Array(coreCount + 1);
  let coreEntries = 0;
  for (let t = 0; t < coreCount; t += 1) {
    const r = coreNodes[t] as number;
    const end = counts[r + 1] as number;
    for (let p = counts[r] as number; p < end; p += 1)
      if ((coreIndex[adjacent[p] as number] as number) >= 0) coreEntries += 1;
    corePointers[t + 1] = coreEntries;
  }
  const coreColumns = new Int32Array(coreEntries);
  let out = 0;
  for (let t = 0; t < coreCount; t += 1) {
    const r = coreNodes[t] as number;
    const end = counts[r + 1] as number;
    const start = out;
    for (let p = counts[r] as number; p < end; p += 1) {
      const c = coreIndex[adjacent[p] as number] as number;
      if (c >= 0) {
        coreColumns[out] = c;
        out += 1;
      }
    }
    coreColumns.subarray(start, out).sort();
  }
  const core = new CsrMatrix(coreCount, coreCount, corePointers, coreColumns, new Float64Array(coreEntries));
  const coreOrder = minimumDegreeOrdering(core);
  for (let t = 0; t < coreCount; t += 1) order[tail + t] = coreNodes[coreOrder[t] as number] as number;
  return order;
}
