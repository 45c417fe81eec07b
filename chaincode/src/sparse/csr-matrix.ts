/**
 * Compressed sparse row (CSR) matrices on typed arrays, and a coordinate (triplet) builder that
 * sums duplicate entries. Column indices within each row are sorted ascending.
 */
import { CarbonTraceError } from '../common/errors';
import { at } from './checked-access';

/** A real sparse matrix in CSR form (immutable after construction). */
export class CsrMatrix {
  /** Number of rows. */
  readonly rowCount: number;
  /** Number of columns. */
  readonly columnCount: number;
  /** Row r's entries are at positions rowPointers[r] .. rowPointers[r+1]−1 (length rowCount+1). */
  readonly rowPointers: Int32Array;
  /** Column index of each stored entry (sorted within a row). */
  readonly columnIndices: Int32Array;
  /** Value of each stored entry. */
  readonly values: Float64Array;

  /** @throws CarbonTraceError DIMENSION_MISMATCH when the arrays are inconsistent. */
  constructor(
    rowCount: number,
    columnCount: number,
    rowPointers: Int32Array,
    columnIndices: Int32Array,
    values: Float64Array,
  ) {
    if (rowPointers.length !== rowCount + 1 || columnIndices.length !== values.length) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'inconsistent CSR arrays', {
        rowCount,
        pointers: rowPointers.length,
      });
    }
    if (at(rowPointers, rowCount) !== values.length) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'CSR row pointers do not end at nnz', {
        nnz: values.length,
      });
    }
    // The one bounds check: every loop over a CsrMatrix reads its arrays directly.
    for (let r = 0; r < rowCount; r += 1) {
      if ((rowPointers[r] as number) > (rowPointers[r + 1] as number) || rowPointers[0] !== 0) {
        throw new CarbonTraceError('DIMENSION_MISMATCH', 'CSR row pointers are not non-decreasing from 0', {
          row: r,
        });
      }
    }
    for (const c of columnIndices) {
      if (!(c >= 0 && c < columnCount)) {
        throw new CarbonTraceError('DIMENSION_MISMATCH', 'CSR column index outside the matrix', {
          column: c,
          columnCount,
        });
      }
    }
    this.rowCount = rowCount;
    this.columnCount = columnCount;
    this.rowPointers = rowPointers;
    this.columnIndices = columnIndices;
    this.values = values;
  }

  /** Number of stored entries. */
  get nonZeroCount(): number {
    return this.values.length;
  }

  /**
   * A[row, column] (0 when not stored).
   * @throws RangeError when the position is outside the matrix.
   */
  get(row: number, column: number): number {
    if (row < 0 || row >= this.rowCount || column < 0 || column >= this.columnCount) {
      throw new RangeError(`(${row}, ${column}) outside ${this.rowCount}×${this.columnCount}`);
    }
    const position = this.positionOf(row, column);
    return position < 0 ? 0 : at(this.values, position);
  }

  /** Storage position of (row, column), or −1 when the entry is not stored (binary search). */
  positionOf(row: number, column: number): number {
    let lo = at(this.rowPointers, row);
    let hi = at(this.rowPointers, row + 1) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = at(this.columnIndices, mid);
      if (c === column) return mid;
      if (c < column) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** y = A·x. @throws CarbonTraceError DIMENSION_MISMATCH when x has the wrong length. */
  multiply(x: Float64Array): Float64Array {
    if (x.length !== this.columnCount) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'vector length differs from column count', {
        expected: this.columnCount,
        actual: x.length,
      });
    }
    const y = new Float64Array(this.rowCount);
    for (let r = 0; r < this.rowCount; r += 1) {
      let sum = 0;
      const end = at(this.rowPointers, r + 1);
      for (let p = at(this.rowPointers, r); p < end; p += 1) {
        sum += at(this.values, p) * at(x, at(this.columnIndices, p));
      }
      y[r] = sum;
    }
    return y;
  }

  /** Aᵀ in CSR form (equivalently, A in compressed-column form). */
  transpose(): CsrMatrix {
    const counts = new Int32Array(this.columnCount + 1);
    for (let p = 0; p < this.values.length; p += 1) {
      const c = this.columnIndices[p] as number;
      counts[c + 1] = (counts[c + 1] as number) + 1;
    }
    for (let c = 0; c < this.columnCount; c += 1)
      counts[c + 1] = (counts[c + 1] as number) + (counts[c] as number);
    const next = counts.slice(0, this.columnCount);
    const rows = new Int32Array(this.values.length);
    const values = new Float64Array(this.values.length);
    for (let r = 0; r < this.rowCount; r += 1) {
      const end = this.rowPointers[r + 1] as number;
      for (let p = this.rowPointers[r] as number; p < end; p += 1) {
        const c = this.columnIndices[p] as number;
        const q = next[c] as number;
        next[c] = q + 1;
        rows[q] = r;
        values[q] = this.values[p] as number;
      }
    }
    return new CsrMatrix(this.columnCount, this.rowCount, counts, rows, values);
  }

  /** Dense copy as rows (for small matrices, tests and the dense reference path). */
  toDense(): number[][] {
    const dense: number[][] = [];
    for (let r = 0; r < this.rowCount; r += 1) {
      const row = new Array<number>(this.columnCount).fill(0);
      const end = at(this.rowPointers, r + 1);
      for (let p = at(this.rowPointers, r); p < end; p += 1)
        row[at(this.columnIndices, p)] = at(this.values, p);
      dense.push(row);
    }
    return dense;
  }
}

/** Accumulates (row, column, value) entries; duplicates are summed when the matrix is built. */
export class TripletBuilder {
  readonly #rowCount: number;
  readonly #columnCount: number;
  #rows = new Int32Array(16);
  #columns = new Int32Array(16);
  #values = new Float64Array(16);
  #count = 0;

  constructor(rowCount: number, columnCount: number) {
    this.#rowCount = rowCount;
    this.#columnCount = columnCount;
  }

  /** Adds value at (row, column). @throws RangeError outside the matrix. */
  add(row: number, column: number, value: number): void {
    if (row < 0 || row >= this.#rowCount || column < 0 || column >= this.#columnCount) {
      throw new RangeError(`(${row}, ${column}) outside ${this.#rowCount}×${this.#columnCount}`);
    }
    if (this.#count === this.#values.length) {
      const grow = <T extends Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
        const copy = make(old.length * 2);
        copy.set(old);
        return copy;
      };
      this.#rows = grow(this.#rows, (n) => new Int32Array(n));
      this.#columns = grow(this.#columns, (n) => new Int32Array(n));
      this.#values = grow(this.#values, (n) => new Float64Array(n));
    }
    this.#rows[this.#count] = row;
    this.#columns[this.#count] = column;
    this.#values[this.#count] = value;
    this.#count += 1;
  }

  /** Builds the CSR matrix (sorted columns, duplicates summed, explicit zeros kept). */
  build(): CsrMatrix {
    const n = this.#rowCount;
    const counts = new Int32Array(n + 1);
    for (let p = 0; p < this.#count; p += 1) {
      const r = this.#rows[p] as number;
      counts[r + 1] = (counts[r + 1] as number) + 1;
    }
    for (let r = 0; r < n; r += 1) counts[r + 1] = (counts[r + 1] as number) + (counts[r] as number);
    const next = counts.slice(0, n);
    const order = new Int32Array(this.#count);
    for (let p = 0; p < this.#count; p += 1) {
      const r = this.#rows[p] as number;
      const q = next[r] as number;
      next[r] = q + 1;
      order[q] = p;
    }
    // Sort each row by column (insertion sort: rows are short) and merge duplicates.
    const pointers = new Int32Array(n + 1);
    const columns = new Int32Array(this.#count);
    const values = new Float64Array(this.#count);
    let out = 0;
    for (let r = 0; r < n; r += 1) {
      const start = counts[r] as number;
      const end = counts[r + 1] as number;
      for (let i = start + 1; i < end; i += 1) {
        const p = order[i] as number;
        const c = this.#columns[p] as number;
        let j = i - 1;
        while (j >= start && (this.#columns[order[j] as number] as number) > c) {
          order[j + 1] = order[j] as number;
          j -= 1;
        }
        order[j + 1] = p;
      }
      pointers[r] = out;
      for (let i = start; i < end; i += 1) {
        const p = order[i] as number;
        const c = this.#columns[p] as number;
        if (out > (pointers[r] as number) && (columns[out - 1] as number) === c) {
          values[out - 1] = (values[out - 1] as number) + (this.#values[p] as number);
        } else {
          columns[out] = c;
          values[out] = this.#values[p] as number;
          out += 1;
        }
      }
    }
    pointers[n] = out;
    return new CsrMatrix(n, this.#columnCount, pointers, columns.slice(0, out), values.slice(0, out));
  }
}
