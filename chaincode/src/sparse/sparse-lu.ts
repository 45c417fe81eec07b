/**
 * Sparse LU factorization P·A·Q = L·U, left-looking (Gilbert–Peierls) with threshold partial
 * pivoting, as in Davis' CSparse `cs_lu`: column k of L and U comes from one sparse triangular
 * solve whose non-zero pattern is found by a depth-first search, so the work is proportional to
 * the arithmetic. Q is a fill-reducing column order (minimum degree on A + Aᵀ by default); among
 * the rows, the diagonal of the ordered matrix is preferred when it is within `pivotTolerance` of
 * the column's largest entry, which keeps the fill of the symmetric order on well-conditioned
 * power-flow Jacobians.
 *
 * Usage: `SparseLu.factor(matrix).solve(b)`.
 */
import { CarbonTraceError } from '../common/errors';
import type { CsrMatrix } from './csr-matrix';
import { minimumDegreeOrdering } from './minimum-degree-ordering';

/** Options of {@link SparseLu.factor}. */
export interface SparseLuOptions {
  /**
   * Column elimination order (a permutation of 0..n−1); computed by minimum degree when absent.
   * Pass the order of a previous factorization to reuse it for a matrix of the same pattern.
   */
  readonly columnOrder?: Int32Array;
  /**
   * Accept the diagonal pivot when |diagonal| ≥ pivotTolerance · max |column|.
   * @default 0.01
   */
  readonly pivotTolerance?: number;
}

/** Default of {@link SparseLuOptions.pivotTolerance}. */
export const DEFAULT_PIVOT_TOLERANCE = 0.01;

/** A growable typed-array pair (indices + values). */
class EntryBuffer {
  indices: Int32Array;
  values: Float64Array;
  length = 0;

  constructor(capacity: number) {
    this.indices = new Int32Array(Math.max(capacity, 16));
    this.values = new Float64Array(Math.max(capacity, 16));
  }

  push(index: number, value: number): void {
    if (this.length === this.values.length) {
      const indices = new Int32Array(this.length * 2);
      indices.set(this.indices);
      const values = new Float64Array(this.length * 2);
      values.set(this.values);
      this.indices = indices;
      this.values = values;
    }
    this.indices[this.length] = index;
    this.values[this.length] = value;
    this.length += 1;
  }
}

/** Bounds are checked here once, so that the loops below read the typed arrays directly. */
export function checkPermutation(q: Int32Array): void {
  const seen = new Uint8Array(q.length);
  for (const c of q) {
    if (!(c >= 0 && c < q.length) || seen[c] === 1) {
      throw new CarbonTraceError('INVALID_ARGUMENT', 'column order is not a permutation', { column: c });
    }
    seen[c] = 1;
  }
}

/** A computed factorization; solve as many right-hand sides as needed. */
export class SparseLu {
  /** Matrix order n. */
  readonly size: number;
  /** The column order Q used (reuse it for matrices with the same pattern). */
  readonly columnOrder: Int32Array;
  /** pivotRow[i] = k: original row i is the k-th pivot row. */
  readonly #rowPivot: Int32Array;
  readonly #lPointers: Int32Array;
  readonly #lIndices: Int32Array;
  readonly #lValues: Float64Array;
  readonly #uPointers: Int32Array;
  readonly #uIndices: Int32Array;
  readonly #uValues: Float64Array;

  private constructor(
    size: number,
    columnOrder: Int32Array,
    rowPivot: Int32Array,
    l: { pointers: Int32Array; indices: Int32Array; values: Float64Array },
    u: { pointers: Int32Array; indices: Int32Array; values: Float64Array },
  ) {
    this.size = size;
    this.columnOrder = columnOrder;
    this.#rowPivot = rowPivot;
    this.#lPointers = l.pointers;
    this.#lIndices = l.indices;
    this.#lValues = l.values;
    this.#uPointers = u.pointers;
    this.#uIndices = u.indices;
    this.#uValues = u.values;
  }

  /** Stored entries of L plus U (a measure of fill). */
  get factorNonZeroCount(): number {
    return this.#lValues.length + this.#uValues.length;
  }

  /**
   * Factors a square matrix.
   * @throws CarbonTraceError DIMENSION_MISMATCH for a non-square matrix; SINGULAR_MATRIX when a
   * column has no usable pivot (details name the column).
   */
  static factor(matrix: CsrMatrix, options: Readonly<SparseLuOptions> = {}): SparseLu {
    const n = matrix.rowCount;
    if (matrix.columnCount !== n) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'LU needs a square matrix', {
        rows: n,
        columns: matrix.columnCount,
      });
    }
    const tolerance = options.pivotTolerance ?? DEFAULT_PIVOT_TOLERANCE;
    const q = options.columnOrder ?? minimumDegreeOrdering(matrix);
    if (q.length !== n) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'column order has the wrong length', {
        n,
        length: q.length,
      });
    }
    checkPermutation(q);
    // Column access: the transpose in CSR is A in compressed-column form.
    const csc = matrix.transpose();
    const aPointers = csc.rowPointers;
    const aIndices = csc.columnIndices;
    const aValues = csc.values;

    const lPointers = new Int32Array(n + 1);
    const uPointers = new Int32Array(n + 1);
    const l = new EntryBuffer(4 * matrix.nonZeroCount + n);
    const u = new EntryBuffer(4 * matrix.nonZeroCount + n);
    const rowPivot = new Int32Array(n).fill(-1);
    const x = new Float64Array(n);
    const pattern = new Int32Array(n); // xi: the reach, stored in pattern[top..n−1]
    const stack = new Int32Array(n);
    const childPosition = new Int32Array(n);
    const mark = new Int32Array(n).fill(-1);

    for (let k = 0; k < n; k += 1) {
      lPointers[k] = l.length;
      uPointers[k] = u.length;
      const column = q[k] as number;
      // --- Reach: rows that become non-zero in x = L \ A(:, column) (DFS over L's graph).
      let top = n;
      const colStart = aPointers[column] as number;
      const colEnd = aPointers[column + 1] as number;
      for (let p = colStart; p < colEnd; p += 1) {
        const start = aIndices[p] as number;
        if ((mark[start] as number) === k) continue;
        let head = 0;
        stack[0] = start;
        while (head >= 0) {
          const j = stack[head] as number;
          const jCol = rowPivot[j] as number;
          if ((mark[j] as number) !== k) {
            mark[j] = k;
            childPosition[head] = jCol < 0 ? 0 : (lPointers[jCol] as number) + 1;
          }
          let done = true;
          if (jCol >= 0) {
            const end = lPointers[jCol + 1] as number;
            for (let pp = childPosition[head] as number; pp < end; pp += 1) {
              const i = l.indices[pp] as number;
              if ((mark[i] as number) === k) continue;
              childPosition[head] = pp + 1;
              head += 1;
              stack[head] = i;
              done = false;
              break;
            }
          }
          if (done) {
            head -= 1;
            top -= 1;
            pattern[top] = j;
          }
        }
      }
      // --- Numeric sparse triangular solve.
      for (let p = top; p < n; p += 1) x[pattern[p] as number] = 0;
      for (let p = colStart; p < colEnd; p += 1) x[aIndices[p] as number] = aValues[p] as number;
      for (let p = top; p < n; p += 1) {
        const j = pattern[p] as number;
        const jCol = rowPivot[j] as number;
        if (jCol < 0) continue;
        const xj = x[j] as number;
        const end = lPointers[jCol + 1] as number;
        for (let pp = (lPointers[jCol] as number) + 1; pp < end; pp += 1) {
          const i = l.indices[pp] as number;
          x[i] = (x[i] as number) - (l.values[pp] as number) * xj;
        }
      }
      // --- Pivot choice and storage of U(:, k) and L(:, k).
      let pivotRow = -1;
      let largest = -1;
      for (let p = top; p < n; p += 1) {
        const i = pattern[p] as number;
        if ((rowPivot[i] as number) < 0) {
          const magnitude = Math.abs(x[i] as number);
          if (magnitude > largest) {
            largest = magnitude;
            pivotRow = i;
          }
        } else {
          u.push(rowPivot[i] as number, x[i] as number);
        }
      }
      if (pivotRow < 0 || !(largest > 0)) {
        throw new CarbonTraceError('SINGULAR_MATRIX', `matrix is singular at column ${column}`, {
          column,
          step: k,
        });
      }
      if (column < n && (rowPivot[column] as number) < 0 && (mark[column] as number) === k) {
        if (Math.abs(x[column] as number) >= tolerance * largest) pivotRow = column;
      }
      const pivot = x[pivotRow] as number;
      u.push(k, pivot);
      rowPivot[pivotRow] = k;
      l.push(pivotRow, 1);
      for (let p = top; p < n; p += 1) {
        const i = pattern[p] as number;
        if ((rowPivot[i] as number) < 0) l.push(i, (x[i] as number) / pivot);
        x[i] = 0;
      }
    }
    lPointers[n] = l.length;
    uPointers[n] = u.length;
    // Renumber L's rows into pivot order.
    const lIndices = l.indices.slice(0, l.length);
    for (let p = 0; p < lIndices.length; p += 1) lIndices[p] = rowPivot[lIndices[p] as number] as number;
    return new SparseLu(
      n,
      q,
      rowPivot,
      { pointers: lPointers, indices: lIndices, values: l.values.slice(0, l.length) },
      { pointers: uPointers, indices: u.indices.slice(0, u.length), values: u.values.slice(0, u.length) },
    );
  }

  /**
   * Solves A·x = b.
   * @throws CarbonTraceError DIMENSION_MISMATCH when b has the wrong length.
   */
  solve(b: Float64Array): Float64Array {
    const n = this.size;
    if (b.length !== n) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'right-hand side has the wrong length', {
        expected: n,
        actual: b.length,
      });
    }
    const y = new Float64Array(n);
    for (let i = 0; i < n; i += 1) y[this.#rowPivot[i] as number] = b[i] as number;
    // L y = P b (unit lower, diagonal stored first in each column).
    for (let j = 0; j < n; j += 1) {
      const yj = y[j] as number;
      if (yj === 0) continue;
      const end = this.#lPointers[j + 1] as number;
      for (let p = (this.#lPointers[j] as number) + 1; p < end; p += 1) {
        const i = this.#lIndices[p] as number;
        y[i] = (y[i] as number) - (this.#lValues[p] as number) * yj;
      }
    }
    // U z = y (diagonal stored last in each column).
    for (let j = n - 1; j >= 0; j -= 1) {
      const start = this.#uPointers[j] as number;
      const end = this.#uPointers[j + 1] as number;
      const yj = (y[j] as number) / (this.#uValues[end - 1] as number);
      y[j] = yj;
      if (yj === 0) continue;
      for (let p = start; p < end - 1; p += 1) {
        const i = this.#uIndices[p] as number;
        y[i] = (y[i] as number) - (this.#uValues[p] as number) * yj;
      }
    }
    const x = new Float64Array(n);
    for (let k = 0; k < n; k += 1) x[this.columnOrder[k] as number] = y[k] as number;
    return x;
  }

  /**
   * Solves A·X = B for K right-hand sides given row-major (B[i·K + c]); returns X row-major.
   * @throws CarbonTraceError DIMENSION_MISMATCH when B is not n×K.
   */
  solveRowMajor(b: Float64Array, columns: number): Float64Array {
    const n = this.size;
    if (b.length !== n * columns) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'right-hand sides must be n×K', {
        expected: n * columns,
        actual: b.length,
      });
    }
    const x = new Float64Array(n * columns);
    const column = new Float64Array(n);
    for (let c = 0; c < columns; c += 1) {
      for (let i = 0; i < n; i += 1) column[i] = b[i * columns + c] as number;
      const solved = this.solve(column);
      for (let i = 0; i < n; i += 1) x[i * columns + c] = solved[i] as number;
    }
    return x;
  }
}
