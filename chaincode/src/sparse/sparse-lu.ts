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
import { at } from './checked-access';
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
    const tolerance = options.pivotTolerance ?? 0.01;
    const q = options.columnOrder ?? minimumDegreeOrdering(matrix);
    if (q.length !== n) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'column order has the wrong length', {
        n,
        length: q.length,
      });
    }
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
      const column = at(q, k);
      // --- Reach: rows that become non-zero in x = L \ A(:, column) (DFS over L's graph).
      let top = n;
      const colStart = at(aPointers, column);
      const colEnd = at(aPointers, column + 1);
      for (let p = colStart; p < colEnd; p += 1) {
        const start = at(aIndices, p);
        if (at(mark, start) === k) continue;
        let head = 0;
        stack[0] = start;
        while (head >= 0) {
          const j = at(stack, head);
          const jCol = at(rowPivot, j);
          if (at(mark, j) !== k) {
            mark[j] = k;
            childPosition[head] = jCol < 0 ? 0 : at(lPointers, jCol) + 1;
          }
          let done = true;
          if (jCol >= 0) {
            const end = at(lPointers, jCol + 1);
            for (let pp = at(childPosition, head); pp < end; pp += 1) {
              const i = at(l.indices, pp);
              if (at(mark, i) === k) continue;
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
      for (let p = top; p < n; p += 1) x[at(pattern, p)] = 0;
      for (let p = colStart; p < colEnd; p += 1) x[at(aIndices, p)] = at(aValues, p);
      for (let p = top; p < n; p += 1) {
        const j = at(pattern, p);
        const jCol = at(rowPivot, j);
        if (jCol < 0) continue;
        const xj = at(x, j);
        const end = at(lPointers, jCol + 1);
        for (let pp = at(lPointers, jCol) + 1; pp < end; pp += 1) {
          const i = at(l.indices, pp);
          x[i] = at(x, i) - at(l.values, pp) * xj;
        }
      }
      // --- Pivot choice and storage of U(:, k) and L(:, k).
      let pivotRow = -1;
      let largest = -1;
      for (let p = top; p < n; p += 1) {
        const i = at(pattern, p);
        if (at(rowPivot, i) < 0) {
          const magnitude = Math.abs(at(x, i));
          if (magnitude > largest) {
            largest = magnitude;
            pivotRow = i;
          }
        } else {
          u.push(at(rowPivot, i), at(x, i));
        }
      }
      if (pivotRow < 0 || !(largest > 0)) {
        throw new CarbonTraceError('SINGULAR_MATRIX', `matrix is singular at column ${column}`, {
          column,
          step: k,
        });
      }
      if (column < n && at(rowPivot, column) < 0 && at(mark, column) === k) {
        if (Math.abs(at(x, column)) >= tolerance * largest) pivotRow = column;
      }
      const pivot = at(x, pivotRow);
      u.push(k, pivot);
      rowPivot[pivotRow] = k;
      l.push(pivotRow, 1);
      for (let p = top; p < n; p += 1) {
        const i = at(pattern, p);
        if (at(rowPivot, i) < 0) l.push(i, at(x, i) / pivot);
        x[i] = 0;
      }
    }
    lPointers[n] = l.length;
    uPointers[n] = u.length;
    // Renumber L's rows into pivot order.
    const lIndices = l.indices.slice(0, l.length);
    for (let p = 0; p < lIndices.length; p += 1) lIndices[p] = at(rowPivot, at(lIndices, p));
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
    for (let i = 0; i < n; i += 1) y[at(this.#rowPivot, i)] = at(b, i);
    // L y = P b (unit lower, diagonal stored first in each column).
    for (let j = 0; j < n; j += 1) {
      const yj = at(y, j);
      if (yj === 0) continue;
      const end = at(this.#lPointers, j + 1);
      for (let p = at(this.#lPointers, j) + 1; p < end; p += 1) {
        const i = at(this.#lIndices, p);
        y[i] = at(y, i) - at(this.#lValues, p) * yj;
      }
    }
    // U z = y (diagonal stored last in each column).
    for (let j = n - 1; j >= 0; j -= 1) {
      const start = at(this.#uPointers, j);
      const end = at(this.#uPointers, j + 1);
      const yj = at(y, j) / at(this.#uValues, end - 1);
      y[j] = yj;
      if (yj === 0) continue;
      for (let p = start; p < end - 1; p += 1) {
        const i = at(this.#uIndices, p);
        y[i] = at(y, i) - at(this.#uValues, p) * yj;
      }
    }
    const x = new Float64Array(n);
    for (let k = 0; k < n; k += 1) x[at(this.columnOrder, k)] = at(y, k);
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
      for (let i = 0; i < n; i += 1) column[i] = at(b, i * columns + c);
      const solved = this.solve(column);
      for (let i = 0; i < n; i += 1) x[i * columns + c] = at(solved, i);
    }
    return x;
  }
}
