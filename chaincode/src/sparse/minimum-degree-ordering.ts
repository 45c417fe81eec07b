/**
 * Minimum-degree fill-reducing ordering on the symmetric pattern of A + Aᵀ.
 *
 * The elimination graph is kept explicitly (one neighbour set per node); eliminating a node joins
 * its neighbours into a clique (the fill it would create) and removes it. The next node is always
 * one of least current degree, ties broken by the lower index, so the order is deterministic. On
 * the tree-like graphs of radial feeders eliminating leaves creates no fill and the whole ordering
 * costs O(n log n); meshed transmission cases stay small enough for the explicit graph.
 */
import type { CsrMatrix } from './csr-matrix';

/**
 * Binary min-heap of (degree, node) keys with lazy deletion, each pair encoded as the one number
 * degree·n + node (exact in a double), so that ties go to the lower node.
 */
class DegreeHeap {
  #items: Float64Array;
  #size = 0;
  readonly #nodeCount: number;

  constructor(nodeCount: number) {
    this.#nodeCount = nodeCount;
    this.#items = new Float64Array(Math.max(16, 2 * nodeCount));
  }

  get size(): number {
    return this.#size;
  }

  push(degree: number, node: number): void {
    if (this.#size === this.#items.length) {
      const grown = new Float64Array(2 * this.#items.length);
      grown.set(this.#items);
      this.#items = grown;
    }
    const items = this.#items;
    const key = degree * this.#nodeCount + node;
    let i = this.#size;
    this.#size += 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = items[parent] as number;
      if (above <= key) break;
      items[i] = above;
      i = parent;
    }
    items[i] = key;
  }

  /** Removes the smallest pair; returns its node, and its degree through `degreeOf`. */
  pop(): { degree: number; node: number } {
    const items = this.#items;
    const top = items[0] as number;
    this.#size -= 1;
    const size = this.#size;
    const last = items[size] as number;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const m = r < size && (items[r] as number) < (items[l] as number) ? r : l;
      if ((items[m] as number) >= last) break;
      items[i] = items[m] as number;
      i = m;
    }
    if (size > 0) items[i] = last;
    const node = top % this.#nodeCount;
    return { degree: (top - node) / this.#nodeCount, node };
  }
}

/**
 * A minimum-degree order of the rows/columns of a square matrix.
 * @returns `order[k]` = the k-th node to eliminate (a permutation of 0..n−1).
 */
export function minimumDegreeOrdering(matrix: CsrMatrix): Int32Array {
  const n = matrix.rowCount;
  const graph = new EliminationGraph(matrix);
  const heap = new DegreeHeap(n);
  for (let node = 0; node < n; node += 1) heap.push(graph.degree(node), node);
  const eliminated = new Uint8Array(n);
  const order = new Int32Array(n);
  let k = 0;
  while (heap.size > 0) {
    const { degree, node } = heap.pop();
    if (eliminated[node] === 1 || graph.degree(node) !== degree) continue; // stale entry
    eliminated[node] = 1;
    order[k] = node;
    k += 1;
    graph.eliminate(node, (u, newDegree) => {
      heap.push(newDegree, u);
    });
  }
  return order;
}

/**
 * The elimination graph: one neighbour list per node in a shared Int32Array pool (a list is
 * rewritten in place when it does not grow, appended at the end of the pool otherwise), so that
 * elimination allocates nothing but pool growth.
 */
class EliminationGraph {
  #pool: Int32Array;
  #used = 0;
  readonly #start: Int32Array;
  readonly #length: Int32Array;
  readonly #capacity: Int32Array;
  readonly #seen: Int32Array;
  readonly #scratch: Int32Array;
  #stamp = 0;

  constructor(matrix: CsrMatrix) {
    const n = matrix.rowCount;
    const { rowPointers, columnIndices } = matrix;
    const counts = new Int32Array(n);
    for (let r = 0; r < n; r += 1) {
      const end = rowPointers[r + 1] as number;
      for (let p = rowPointers[r] as number; p < end; p += 1) {
        const c = columnIndices[p] as number;
        if (c !== r && c < n) {
          counts[r] = (counts[r] as number) + 1;
          counts[c] = (counts[c] as number) + 1;
        }
      }
    }
    this.#start = new Int32Array(n);
    this.#length = new Int32Array(n);
    this.#capacity = counts;
    let total = 0;
    for (let r = 0; r < n; r += 1) {
      this.#start[r] = total;
      total += counts[r] as number;
    }
    this.#pool = new Int32Array(Math.max(16, 2 * total));
    this.#used = total;
    const pool = this.#pool;
    const length = this.#length;
    const start = this.#start;
    for (let r = 0; r < n; r += 1) {
      const end = rowPointers[r + 1] as number;
      for (let p = rowPointers[r] as number; p < end; p += 1) {
        const c = columnIndices[p] as number;
        if (c !== r && c < n) {
          pool[(start[r] as number) + (length[r] as number)] = c;
          length[r] = (length[r] as number) + 1;
          pool[(start[c] as number) + (length[c] as number)] = r;
          length[c] = (length[c] as number) + 1;
        }
      }
    }
    this.#seen = new Int32Array(n).fill(-1);
    this.#scratch = new Int32Array(n);
    // Remove duplicate entries (a pattern may hold both (r, c) and (c, r)).
    for (let r = 0; r < n; r += 1) {
      this.#stamp += 1;
      const stamp = this.#stamp;
      const seen = this.#seen;
      const from = start[r] as number;
      const end = from + (length[r] as number);
      let out = from;
      for (let p = from; p < end; p += 1) {
        const w = pool[p] as number;
        if (seen[w] === stamp) continue;
        seen[w] = stamp;
        pool[out] = w;
        out += 1;
      }
      length[r] = out - from;
    }
  }

  degree(node: number): number {
    return this.#length[node] as number;
  }

  /** Joins the neighbours of `node` into a clique, removes `node`, reports each new degree. */
  eliminate(node: number, updated: (u: number, degree: number) => void): void {
    const cliqueStart = this.#start[node] as number;
    const cliqueLength = this.#length[node] as number;
    for (let c = 0; c < cliqueLength; c += 1) {
      const u = this.#pool[cliqueStart + c] as number;
      this.#stamp += 1;
      const stamp = this.#stamp;
      const seen = this.#seen;
      const scratch = this.#scratch;
      seen[u] = stamp;
      seen[node] = stamp;
      let count = 0;
      const pool = this.#pool;
      const from = this.#start[u] as number;
      const end = from + (this.#length[u] as number);
      for (let p = from; p < end; p += 1) {
        const w = pool[p] as number;
        if (seen[w] === stamp) continue;
        seen[w] = stamp;
        scratch[count] = w;
        count += 1;
      }
      for (let p = cliqueStart; p < cliqueStart + cliqueLength; p += 1) {
        const w = pool[p] as number;
        if (seen[w] === stamp) continue;
        seen[w] = stamp;
        scratch[count] = w;
        count += 1;
      }
      this.#store(u, count);
      updated(u, count);
    }
    this.#length[node] = 0;
  }

  /** Writes scratch[0..count) as the list of u. */
  #store(u: number, count: number): void {
    if (count > (this.#capacity[u] as number)) {
      if (this.#used + count > this.#pool.length) {
        const grown = new Int32Array(2 * (this.#used + count));
        grown.set(this.#pool.subarray(0, this.#used));
        this.#pool = grown;
      }
      this.#start[u] = this.#used;
      this.#capacity[u] = count;
      this.#used += count;
    }
    this.#pool.set(this.#scratch.subarray(0, count), this.#start[u]);
    this.#length[u] = count;
  }
}
