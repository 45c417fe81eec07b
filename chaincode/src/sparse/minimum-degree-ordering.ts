/**
 * Minimum-degree fill-reducing ordering on the symmetric pattern of A + Aᵀ.
 *
 * The elimination graph is kept explicitly (one neighbour set per node); eliminating a node joins
 * its neighbours into a clique (the fill it would create) and removes it. The next node is always
 * one of least current degree, ties broken by the lower index, so the order is deterministic. On
 * the tree-like graphs of radial feeders eliminating leaves creates no fill and the whole ordering
 * costs O(n log n); meshed transmission cases stay small enough for the explicit graph.
 */
import { at } from './checked-access';
import type { CsrMatrix } from './csr-matrix';

/** Binary min-heap of (degree, node) keys with lazy deletion. */
class DegreeHeap {
  #keys: number[] = [];
  #nodes: number[] = [];

  get size(): number {
    return this.#nodes.length;
  }

  push(key: number, node: number): void {
    this.#keys.push(key);
    this.#nodes.push(node);
    let i = this.#nodes.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** Removes and returns the smallest (key, node). */
  pop(): { key: number; node: number } {
    const key = this.#keys[0] ?? 0;
    const node = this.#nodes[0] ?? -1;
    const lastKey = this.#keys.pop() ?? 0;
    const lastNode = this.#nodes.pop() ?? -1;
    if (this.#nodes.length > 0) {
      this.#keys[0] = lastKey;
      this.#nodes[0] = lastNode;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.#nodes.length && this.#less(l, m)) m = l;
        if (r < this.#nodes.length && this.#less(r, m)) m = r;
        if (m === i) break;
        this.#swap(i, m);
        i = m;
      }
    }
    return { key, node };
  }

  #less(i: number, j: number): boolean {
    const ki = this.#keys[i] ?? 0;
    const kj = this.#keys[j] ?? 0;
    return ki < kj || (ki === kj && (this.#nodes[i] ?? 0) < (this.#nodes[j] ?? 0));
  }

  #swap(i: number, j: number): void {
    const k = this.#keys[i] ?? 0;
    const n = this.#nodes[i] ?? 0;
    this.#keys[i] = this.#keys[j] ?? 0;
    this.#nodes[i] = this.#nodes[j] ?? 0;
    this.#keys[j] = k;
    this.#nodes[j] = n;
  }
}

/**
 * A minimum-degree order of the rows/columns of a square matrix.
 * @returns `order[k]` = the k-th node to eliminate (a permutation of 0..n−1).
 */
export function minimumDegreeOrdering(matrix: CsrMatrix): Int32Array {
  const n = matrix.rowCount;
  const neighbours: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let r = 0; r < n; r += 1) {
    const end = at(matrix.rowPointers, r + 1);
    for (let p = at(matrix.rowPointers, r); p < end; p += 1) {
      const c = at(matrix.columnIndices, p);
      if (c !== r && c < n) {
        neighbours[r]?.add(c);
        neighbours[c]?.add(r);
      }
    }
  }
  const eliminated = new Uint8Array(n);
  const heap = new DegreeHeap();
  neighbours.forEach((set, node) => {
    heap.push(set.size, node);
  });
  const order = new Int32Array(n);
  let k = 0;
  while (heap.size > 0) {
    const { key, node } = heap.pop();
    const adjacent = neighbours[node];
    if (eliminated[node] === 1 || adjacent === undefined || adjacent.size !== key) continue; // stale entry
    eliminated[node] = 1;
    order[k] = node;
    k += 1;
    const clique = [...adjacent];
    for (const u of clique) {
      const set = neighbours[u];
      if (set === undefined) continue;
      set.delete(node);
      for (const w of clique) if (w !== u) set.add(w);
      heap.push(set.size, u);
    }
    adjacent.clear();
  }
  return order;
}
