/**
 * Sparse LU with a symbolic phase computed once per pattern and a numeric phase per matrix (the
 * KLU-style `analyze` / `refactor` split): for a fill-reducing symmetric order Q and diagonal
 * pivots, the patterns of L and U depend only on the sparsity pattern (its elimination tree), so a
 * matrix with the same pattern and new values is factored with no ordering, no graph search and no
 * allocation. Column k of U is the stored ascending sequence of earlier pivots, column k of L the
 * stored rows below.
 *
 * {@link SparseLuSymbolic.refactor} keeps a pivot only when it passes the threshold test of
 * {@link SparseLu.factor} (|diagonal| ≥ pivotTolerance · max |column|) and reports false
 * otherwise; the caller then factors with partial pivoting. The result depends only on the values
 * and the pattern, never on what was factored before, so ledger code may keep a symbolic object
 * across solves and peers with different histories agree bit for bit.
 *
 * Indices are validated once in {@link SparseLuSymbolic.analyze}; the loops read the typed arrays
 * directly.
 */
import { CarbonTraceError } from '../common/errors';
import type { CsrMatrix } from './csr-matrix';
import { eliminationPattern } from './elimination-pattern';
import { checkPermutation, DEFAULT_PIVOT_TOLERANCE } from './sparse-lu';

/** The symbolic factorization of one sparsity pattern, with the numeric factors of the last refactor. */
export class SparseLuSymbolic {
  /** Matrix order n. */
  readonly size: number;
  /** Stored entries of the matrix this pattern belongs to. */
  readonly nonZeroCount: number;
  /** Column order Q. */
  readonly columnOrder: Int32Array;
  readonly #pivotTolerance: number;
  /** rowPivot[i] = k: original row i is the k-th pivot row. */
  readonly #rowPivot: Int32Array;
  readonly #lPointers: Int32Array;
  readonly #lIndices: Int32Array;
  readonly #lValues: Float64Array;
  readonly #uPointers: Int32Array;
  readonly #uIndices: Int32Array;
  readonly #uValues: Float64Array;
  /** Entries of ordered column k: pivot positions aRows[aPointers[k]..], CSR positions aSource[…]. */
  readonly #aPointers: Int32Array;
  readonly #aRows: Int32Array;
  readonly #aSource: Int32Array;
  readonly #work: Float64Array;

  private constructor(
    matrix: CsrMatrix,
    columnOrder: Int32Array,
    pivotTolerance: number,
    l: { pointers: Int32Array; indices: Int32Array },
    u: { pointers: Int32Array; indices: Int32Array },
  ) {
    const n = matrix.rowCount;
    this.size = n;
    this.nonZeroCount = matrix.nonZeroCount;
    this.columnOrder = columnOrder;
    this.#pivotTolerance = pivotTolerance;
    const rowPivot = new Int32Array(n);
    for (let k = 0; k < n; k += 1) rowPivot[columnOrder[k] as number] = k;
    this.#rowPivot = rowPivot;
    this.#lPointers = l.pointers;
    this.#lIndices = l.indices;
    this.#lValues = new Float64Array(l.indices.length);
    this.#uPointers = u.pointers;
    this.#uIndices = u.indices;
    this.#uValues = new Float64Array(u.indices.length);
    // Ordered columns of A, rows renumbered into pivot order.
    const { rowPointers, columnIndices } = matrix;
    const nnz = matrix.nonZeroCount;
    const pointers = new Int32Array(n + 1);
    for (let p = 0; p < nnz; p += 1) {
      const k = rowPivot[columnIndices[p] as number] as number;
      pointers[k + 1] = (pointers[k + 1] as number) + 1;
    }
    for (let k = 0; k < n; k += 1) pointers[k + 1] = (pointers[k + 1] as number) + (pointers[k] as number);
    const next = pointers.slice(0, n);
    const rows = new Int32Array(nnz);
    const source = new Int32Array(nnz);
    for (let r = 0; r < n; r += 1) {
      const end = rowPointers[r + 1] as number;
      for (let p = rowPointers[r] as number; p < end; p += 1) {
        const k = rowPivot[columnIndices[p] as number] as number;
        const slot = next[k] as number;
        next[k] = slot + 1;
        rows[slot] = rowPivot[r] as number;
        source[slot] = p;
      }
    }
    this.#aPointers = pointers;
    this.#aRows = rows;
    this.#aSource = source;
    this.#work = new Float64Array(n);
  }

  /**
   * Symbolic analysis of a square matrix for the symmetric order Q (pivot k = row and column
   * Q[k]); see `elimination-pattern.ts`. Linear in the entries of L and U.
   * @throws CarbonTraceError DIMENSION_MISMATCH for a non-square matrix or an order of the wrong
   * length; INVALID_ARGUMENT when the order is not a permutation.
   */
  static analyze(
    matrix: CsrMatrix,
    columnOrder: Int32Array,
    pivotTolerance: number = DEFAULT_PIVOT_TOLERANCE,
  ): SparseLuSymbolic {
    const n = matrix.rowCount;
    if (matrix.columnCount !== n || columnOrder.length !== n) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'symbolic LU needs a square matrix and a full order', {
        rows: n,
        columns: matrix.columnCount,
        order: columnOrder.length,
      });
    }
    checkPermutation(columnOrder);
    const { lPointers, lIndices, uPointers, uIndices } = eliminationPattern(
      n,
      matrix.rowPointers,
      matrix.columnIndices,
      columnOrder,
    );
    return new SparseLuSymbolic(
      matrix,
      columnOrder,
      pivotTolerance,
      { pointers: lPointers, indices: lIndices },
      { pointers: uPointers, indices: uIndices },
    );
  }

  /**
   * Refactors in place from new values of the same pattern (`values[p]` belongs to CSR position p).
   * @returns false, leaving the factors unusable, when a pivot would move (the caller factors afresh).
   * @throws CarbonTraceError DIMENSION_MISMATCH when `values` has the wrong length.
   */
  refactor(values: Float64Array): boolean {
    if (values.length !== this.nonZeroCount) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'values do not fit the factored pattern', {
        expected: this.nonZeroCount,
        actual: values.length,
      });
    }
    const n = this.size;
    const x = this.#work;
    const tolerance = this.#pivotTolerance;
    const aPointers = this.#aPointers;
    const aRows = this.#aRows;
    const aSource = this.#aSource;
    const lPointers = this.#lPointers;
    const lIndices = this.#lIndices;
    const lValues = this.#lValues;
    const uPointers = this.#uPointers;
    const uIndices = this.#uIndices;
    const uValues = this.#uValues;
    for (let k = 0; k < n; k += 1) {
      const aEnd = aPointers[k + 1] as number;
      for (let e = aPointers[k] as number; e < aEnd; e += 1)
        x[aRows[e] as number] = values[aSource[e] as number] as number;
      const uEnd = (uPointers[k + 1] as number) - 1; // the diagonal is stored last
      for (let p = uPointers[k] as number; p < uEnd; p += 1) {
        const j = uIndices[p] as number;
        const xj = x[j] as number;
        uValues[p] = xj;
        x[j] = 0;
        const lEnd = lPointers[j + 1] as number;
        for (let pp = (lPointers[j] as number) + 1; pp < lEnd; pp += 1) {
          const i = lIndices[pp] as number;
          x[i] = (x[i] as number) - (lValues[pp] as number) * xj;
        }
      }
      const pivot = x[k] as number;
      x[k] = 0;
      const lStart = lPointers[k] as number;
      const lEnd = lPointers[k + 1] as number;
      let largest = Math.abs(pivot);
      for (let pp = lStart + 1; pp < lEnd; pp += 1) {
        const magnitude = Math.abs(x[lIndices[pp] as number] as number);
        if (magnitude > largest) largest = magnitude;
      }
      if (!(largest > 0) || !(Math.abs(pivot) >= tolerance * largest)) {
        for (let pp = lStart + 1; pp < lEnd; pp += 1) x[lIndices[pp] as number] = 0;
        return false;
      }
      uValues[uEnd] = pivot;
      lValues[lStart] = 1;
      for (let pp = lStart + 1; pp < lEnd; pp += 1) {
        const i = lIndices[pp] as number;
        lValues[pp] = (x[i] as number) / pivot;
        x[i] = 0;
      }
    }
    return true;
  }

  /**
   * Solves A·x = b with the current factors into `out` (same arithmetic as `SparseLu.solve`).
   * @throws CarbonTraceError DIMENSION_MISMATCH when b or out has the wrong length.
   */
  solveInto(b: Float64Array, out: Float64Array): Float64Array {
    const n = this.size;
    if (b.length !== n || out.length !== n) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'right-hand side has the wrong length', {
        expected: n,
        actual: b.length,
        out: out.length,
      });
    }
    const y = this.#work;
    const rowPivot = this.#rowPivot;
    const lPointers = this.#lPointers;
    const lIndices = this.#lIndices;
    const lValues = this.#lValues;
    const uPointers = this.#uPointers;
    const uIndices = this.#uIndices;
    const uValues = this.#uValues;
    const q = this.columnOrder;
    for (let i = 0; i < n; i += 1) y[rowPivot[i] as number] = b[i] as number;
    for (let j = 0; j < n; j += 1) {
      const yj = y[j] as number;
      if (yj === 0) continue;
      const end = lPointers[j + 1] as number;
      for (let p = (lPointers[j] as number) + 1; p < end; p += 1) {
        const i = lIndices[p] as number;
        y[i] = (y[i] as number) - (lValues[p] as number) * yj;
      }
    }
    for (let j = n - 1; j >= 0; j -= 1) {
      const start = uPointers[j] as number;
      const end = uPointers[j + 1] as number;
      const yj = (y[j] as number) / (uValues[end - 1] as number);
      y[j] = yj;
      if (yj === 0) continue;
      for (let p = start; p < end - 1; p += 1) {
        const i = uIndices[p] as number;
        y[i] = (y[i] as number) - (uValues[p] as number) * yj;
      }
    }
    for (let k = 0; k < n; k += 1) {
      out[q[k] as number] = y[k] as number;
      y[k] = 0;
    }
    return out;
  }
}
