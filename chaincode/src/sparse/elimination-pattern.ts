/**
 * The patterns of L and U for a square sparsity pattern eliminated in a symmetric order (pivot k =
 * row and column order[k]) without pivoting: the elimination tree of the pattern of A + Aᵀ, then
 * each row of L (= column of U) as its row subtree (the algorithm of CSparse's `cs_etree` and
 * `cs_ereach`, Davis, "Direct Methods for Sparse Linear Systems", ch. 4). Linear in the entries of
 * L and U. Used by the 2×2 block LU of the power-flow Jacobian (`block-lu.ts`).
 *
 * Indices are pivot positions. U is stored by columns, each ascending with the diagonal last; L by
 * columns, the diagonal first, then the rows below ascending.
 */

/** The L and U patterns of one pattern and order. */
export interface EliminationPattern {
  readonly lPointers: Int32Array;
  readonly lIndices: Int32Array;
  readonly uPointers: Int32Array;
  readonly uIndices: Int32Array;
}

/**
 * Computes the patterns; `order` must be a permutation of 0..n−1 and the column indices must lie
 * in 0..n−1 (the callers validate both).
 */
export function eliminationPattern(
  n: number,
  rowPointers: Int32Array,
  columnIndices: Int32Array,
  order: Int32Array,
): EliminationPattern {
  const position = new Int32Array(n);
  for (let k = 0; k < n; k += 1) position[order[k] as number] = k;
  // Lower neighbours of each ordered node in the pattern of A + Aᵀ (duplicates allowed).
  const lowerPointers = new Int32Array(n + 1);
  for (let r = 0; r < n; r += 1) {
    const end = rowPointers[r + 1] as number;
    for (let p = rowPointers[r] as number; p < end; p += 1) {
      const i = position[r] as number;
      const j = position[columnIndices[p] as number] as number;
      if (i === j) continue;
      const hi = i > j ? i : j;
      lowerPointers[hi + 1] = (lowerPointers[hi + 1] as number) + 1;
    }
  }
  for (let k = 0; k < n; k += 1)
    lowerPointers[k + 1] = (lowerPointers[k + 1] as number) + (lowerPointers[k] as number);
  const lowerNext = lowerPointers.slice(0, n);
  const lower = new Int32Array(lowerPointers[n] as number);
  for (let r = 0; r < n; r += 1) {
    const end = rowPointers[r + 1] as number;
    for (let p = rowPointers[r] as number; p < end; p += 1) {
      const i = position[r] as number;
      const j = position[columnIndices[p] as number] as number;
      if (i === j) continue;
      const hi = i > j ? i : j;
      const slot = lowerNext[hi] as number;
      lowerNext[hi] = slot + 1;
      lower[slot] = i > j ? j : i;
    }
  }
  // Elimination tree (with path compression through `ancestor`).
  const parent = new Int32Array(n).fill(-1);
  const ancestor = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k += 1) {
    const end = lowerPointers[k + 1] as number;
    for (let p = lowerPointers[k] as number; p < end; p += 1) {
      let r = lower[p] as number;
      while (r !== -1 && r < k) {
        const up = ancestor[r] as number;
        ancestor[r] = k;
        if (up === -1) parent[r] = k;
        r = up;
      }
    }
  }
  // Row k of L = the row subtree of k; stored as column k of U, ascending, diagonal last.
  const mark = new Int32Array(n).fill(-1);
  const uPointers = new Int32Array(n + 1);
  let uIndices = new Int32Array(Math.max(2 * (lower.length + n), 16));
  let uCount = 0;
  const lCounts = new Int32Array(n + 1);
  for (let k = 0; k < n; k += 1) {
    uPointers[k] = uCount;
    mark[k] = k;
    const end = lowerPointers[k + 1] as number;
    for (let p = lowerPointers[k] as number; p < end; p += 1) {
      for (let r = lower[p] as number; mark[r] !== k; r = parent[r] as number) {
        mark[r] = k;
        if (uCount === uIndices.length) {
          const grown = new Int32Array(2 * uIndices.length);
          grown.set(uIndices);
          uIndices = grown;
        }
        uIndices[uCount] = r;
        uCount += 1;
        lCounts[r + 1] = (lCounts[r + 1] as number) + 1;
      }
    }
    const start = uPointers[k] as number;
    if (uCount - start > 32) uIndices.subarray(start, uCount).sort();
    else
      for (let p = start + 1; p < uCount; p += 1) {
        const value = uIndices[p] as number;
        let q = p - 1;
        while (q >= start && (uIndices[q] as number) > value) {
          uIndices[q + 1] = uIndices[q] as number;
          q -= 1;
        }
        uIndices[q + 1] = value;
      }
    if (uCount === uIndices.length) {
      const grown = new Int32Array(2 * uIndices.length);
      grown.set(uIndices);
      uIndices = grown;
    }
    uIndices[uCount] = k;
    uCount += 1;
  }
  uPointers[n] = uCount;
  // L by columns: the diagonal first, then rows k > j with U(j, k) stored, ascending.
  const lPointers = new Int32Array(n + 1);
  for (let j = 0; j < n; j += 1) lPointers[j + 1] = (lPointers[j] as number) + 1 + (lCounts[j + 1] as number);
  const lNext = new Int32Array(n);
  const lIndices = new Int32Array(lPointers[n] as number);
  for (let j = 0; j < n; j += 1) {
    const start = lPointers[j] as number;
    lIndices[start] = j;
    lNext[j] = start + 1;
  }
  for (let k = 0; k < n; k += 1) {
    const end = (uPointers[k + 1] as number) - 1;
    for (let p = uPointers[k] as number; p < end; p += 1) {
      const j = uIndices[p] as number;
      const slot = lNext[j] as number;
      lNext[j] = slot + 1;
      lIndices[slot] = k;
    }
  }
  return { lPointers, lIndices, uPointers, uIndices: uIndices.slice(0, uCount) };
}

/**
 * The same elimination in elimination-tree postorder, for a structurally symmetric pattern: every subtree's pivots become consecutive,
 * each parent right after its last child. Fill and operation count are unchanged (a postorder is
 * an equivalent order), but a column's updates then come from nearby columns, which keeps the
 * numeric factorization's working set in cache. Children are visited in ascending position, so
 * the result is deterministic.
 * @returns the reordered `order` (a new permutation of the same nodes).
 */
export function postorderElimination(
  n: number,
  rowPointers: Int32Array,
  columnIndices: Int32Array,
  order: Int32Array,
): Int32Array {
  const position = new Int32Array(n);
  for (let k = 0; k < n; k += 1) position[order[k] as number] = k;
  // Elimination tree in pivot positions, column by column in pivot order (cs_etree).
  const parent = new Int32Array(n).fill(-1);
  const ancestor = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k += 1) {
    const r = order[k] as number;
    const end = rowPointers[r + 1] as number;
    for (let p = rowPointers[r] as number; p < end; p += 1) {
      for (let t = position[columnIndices[p] as number] as number; t !== -1 && t < k;) {
        const up = ancestor[t] as number;
        ancestor[t] = k;
        if (up === -1) parent[t] = k;
        t = up;
      }
    }
  }
  // Children lists (ascending, by pushing in descending order onto heads), then an iterative DFS.
  const head = new Int32Array(n).fill(-1);
  const sibling = new Int32Array(n).fill(-1);
  for (let k = n - 1; k >= 0; k -= 1) {
    const p = parent[k] as number;
    if (p < 0) continue;
    sibling[k] = head[p] as number;
    head[p] = k;
  }
  const stack = new Int32Array(n);
  const result = new Int32Array(n);
  let out = 0;
  for (let root = 0; root < n; root += 1) {
    if ((parent[root] as number) !== -1) continue;
    let top = 0;
    stack[0] = root;
    while (top >= 0) {
      const node = stack[top] as number;
      const child = head[node] as number;
      if (child === -1) {
        top -= 1;
        result[out] = order[node] as number;
        out += 1;
      } else {
        head[node] = sibling[child] as number;
        top += 1;
        stack[top] = child;
      }
    }
  }
  return result;
}
