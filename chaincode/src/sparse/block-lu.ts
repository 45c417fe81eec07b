/**
 * Sparse LU of a matrix of 2×2 blocks with a symbolic phase computed once per block pattern and a
 * numeric phase per set of values: the rectangular power-flow Jacobian is such a matrix (one block
 * per Ybus entry between buses with unknowns: rows ΔP, ΔQ or Δ|V|², columns Δf, Δe), so the
 * elimination tree, the L and U patterns and every index loop work on the bus graph, a quarter of
 * the scalar entries, and each update is a 2×2 product.
 *
 * Pivots are the diagonal blocks, in a symmetric block order. {@link BlockLu.refactor} keeps a
 * pivot block only when it is safely invertible: its largest entry at least `pivotTolerance` times
 * the largest entry below it in its block column (the threshold test of scalar partial pivoting,
 * per block), and its determinant not lost to cancellation (|det| ≥ 1e-12 · max|entry|²). Otherwise
 * it reports false and the caller factors the scalar matrix with partial pivoting. The result
 * depends only on the values and the pattern, never on what was factored before.
 *
 * Values are stored 4 per block, row-major: (a00, a01, a10, a11). U's diagonal blocks are stored
 * inverted. Indices are validated once in {@link BlockLu.analyze}; the loops read typed arrays.
 */
import { CarbonTraceError } from '../common/errors';
import { eliminationPattern } from './elimination-pattern';
import { checkPermutation, DEFAULT_PIVOT_TOLERANCE } from './sparse-lu';

/** The pattern of a square block matrix: block row r's blocks are columns[pointers[r] .. pointers[r+1]). */
export interface BlockPattern {
  /** Number of block rows (= block columns). */
  readonly blockCount: number;
  readonly rowPointers: Int32Array;
  readonly columnIndices: Int32Array;
}

/** Smallest accepted |det| of a pivot block relative to its largest entry squared. */
const DETERMINANT_FLOOR = 1e-12;

/** The symbolic factorization of one block pattern, with the numeric factors of the last refactor. */
export class BlockLu {
  /** Number of block rows. */
  readonly blockCount: number;
  /** Stored blocks of the matrix this pattern belongs to. */
  readonly blockEntryCount: number;
  /** Block order: order[k] = the block row/column eliminated k-th. */
  readonly order: Int32Array;
  readonly #pivotTolerance: number;
  readonly #lPointers: Int32Array;
  readonly #lIndices: Int32Array;
  readonly #lValues: Float64Array;
  readonly #uPointers: Int32Array;
  readonly #uIndices: Int32Array;
  readonly #uValues: Float64Array;
  /** Blocks of ordered column k: pivot rows aRows[aPointers[k]..], block positions aSource[…]. */
  readonly #aPointers: Int32Array;
  readonly #aRows: Int32Array;
  readonly #aSource: Int32Array;
  readonly #work: Float64Array;

  private constructor(pattern: BlockPattern, order: Int32Array, pivotTolerance: number) {
    const n = pattern.blockCount;
    this.blockCount = n;
    this.blockEntryCount = pattern.columnIndices.length;
    this.order = order;
    this.#pivotTolerance = pivotTolerance;
    const { rowPointers, columnIndices } = pattern;
    const elimination = eliminationPattern(n, rowPointers, columnIndices, order);
    this.#lPointers = elimination.lPointers;
    this.#lIndices = elimination.lIndices;
    this.#lValues = new Float64Array(4 * elimination.lIndices.length);
    this.#uPointers = elimination.uPointers;
    this.#uIndices = elimination.uIndices;
    this.#uValues = new Float64Array(4 * elimination.uIndices.length);
    const position = new Int32Array(n);
    for (let k = 0; k < n; k += 1) position[order[k] as number] = k;
    // Ordered block columns of A, rows renumbered into pivot order.
    const nnz = columnIndices.length;
    const pointers = new Int32Array(n + 1);
    for (let p = 0; p < nnz; p += 1) {
      const k = position[columnIndices[p] as number] as number;
      pointers[k + 1] = (pointers[k + 1] as number) + 1;
    }
    for (let k = 0; k < n; k += 1) pointers[k + 1] = (pointers[k + 1] as number) + (pointers[k] as number);
    const next = pointers.slice(0, n);
    const rows = new Int32Array(nnz);
    const source = new Int32Array(nnz);
    for (let r = 0; r < n; r += 1) {
      const end = rowPointers[r + 1] as number;
      for (let p = rowPointers[r] as number; p < end; p += 1) {
        const k = position[columnIndices[p] as number] as number;
        const slot = next[k] as number;
        next[k] = slot + 1;
        rows[slot] = position[r] as number;
        source[slot] = p;
      }
    }
    this.#aPointers = pointers;
    this.#aRows = rows;
    this.#aSource = source;
    this.#work = new Float64Array(4 * n);
  }

  /**
   * Symbolic analysis of a block pattern for the symmetric block order `order`.
   * @throws CarbonTraceError DIMENSION_MISMATCH for inconsistent pattern arrays or an order of the
   * wrong length; INVALID_ARGUMENT when the order is not a permutation.
   */
  static analyze(
    pattern: BlockPattern,
    order: Int32Array,
    pivotTolerance: number = DEFAULT_PIVOT_TOLERANCE,
  ): BlockLu {
    const n = pattern.blockCount;
    const { rowPointers, columnIndices } = pattern;
    if (order.length !== n || rowPointers.length !== n + 1 || rowPointers[n] !== columnIndices.length) {
      throw new CarbonTraceError(
        'DIMENSION_MISMATCH',
        'block LU needs a consistent pattern and a full order',
        {
          blocks: n,
          pointers: rowPointers.length,
          entries: columnIndices.length,
          order: order.length,
        },
      );
    }
    for (let r = 0; r < n; r += 1) {
      if ((rowPointers[r] as number) > (rowPointers[r + 1] as number) || rowPointers[0] !== 0) {
        throw new CarbonTraceError('DIMENSION_MISMATCH', 'block row pointers are not non-decreasing from 0', {
          row: r,
        });
      }
    }
    for (const c of columnIndices) {
      if (!(c >= 0 && c < n)) {
        throw new CarbonTraceError('DIMENSION_MISMATCH', 'block column index outside the matrix', {
          column: c,
          blocks: n,
        });
      }
    }
    checkPermutation(order);
    return new BlockLu(pattern, order, pivotTolerance);
  }

  /**
   * Refactors from new block values of the same pattern (4 per stored block, row-major).
   * @returns false, leaving the factors unusable, when a pivot block fails the test (the caller
   * factors afresh with partial pivoting).
   * @throws CarbonTraceError DIMENSION_MISMATCH when `values` has the wrong length.
   */
  refactor(values: Float64Array): boolean {
    if (values.length !== 4 * this.blockEntryCount) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'values do not fit the factored block pattern', {
        expected: 4 * this.blockEntryCount,
        actual: values.length,
      });
    }
    const n = this.blockCount;
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
      // Scatter block column k of A.
      const aEnd = aPointers[k + 1] as number;
      for (let e = aPointers[k] as number; e < aEnd; e += 1) {
        const r = 4 * (aRows[e] as number);
        const s = 4 * (aSource[e] as number);
        x[r] = values[s] as number;
        x[r + 1] = values[s + 1] as number;
        x[r + 2] = values[s + 2] as number;
        x[r + 3] = values[s + 3] as number;
      }
      // U(j, k) for the earlier pivots j of column k, ascending; X(i) −= L(i, j)·U(j, k).
      const uEnd = (uPointers[k + 1] as number) - 1; // the diagonal is stored last
      for (let p = uPointers[k] as number; p < uEnd; p += 1) {
        const j = uIndices[p] as number;
        const xj = 4 * j;
        const u0 = x[xj] as number;
        const u1 = x[xj + 1] as number;
        const u2 = x[xj + 2] as number;
        const u3 = x[xj + 3] as number;
        const up = 4 * p;
        uValues[up] = u0;
        uValues[up + 1] = u1;
        uValues[up + 2] = u2;
        uValues[up + 3] = u3;
        x[xj] = 0;
        x[xj + 1] = 0;
        x[xj + 2] = 0;
        x[xj + 3] = 0;
        const lEnd = lPointers[j + 1] as number;
        for (let pp = (lPointers[j] as number) + 1; pp < lEnd; pp += 1) {
          const xi = 4 * (lIndices[pp] as number);
          const lp = 4 * pp;
          const l0 = lValues[lp] as number;
          const l1 = lValues[lp + 1] as number;
          const l2 = lValues[lp + 2] as number;
          const l3 = lValues[lp + 3] as number;
          x[xi] = (x[xi] as number) - (l0 * u0 + l1 * u2);
          x[xi + 1] = (x[xi + 1] as number) - (l0 * u1 + l1 * u3);
          x[xi + 2] = (x[xi + 2] as number) - (l2 * u0 + l3 * u2);
          x[xi + 3] = (x[xi + 3] as number) - (l2 * u1 + l3 * u3);
        }
      }
      // The pivot block D = X(k), tested against the blocks below it.
      const xk = 4 * k;
      const d0 = x[xk] as number;
      const d1 = x[xk + 1] as number;
      const d2 = x[xk + 2] as number;
      const d3 = x[xk + 3] as number;
      x[xk] = 0;
      x[xk + 1] = 0;
      x[xk + 2] = 0;
      x[xk + 3] = 0;
      const lStart = lPointers[k] as number;
      const lEnd = lPointers[k + 1] as number;
      const pivotLargest = largestOfFour(d0, d1, d2, d3);
      let below = 0;
      for (let pp = lStart + 1; pp < lEnd; pp += 1) {
        const xi = 4 * (lIndices[pp] as number);
        const m = largestOfFour(
          x[xi] as number,
          x[xi + 1] as number,
          x[xi + 2] as number,
          x[xi + 3] as number,
        );
        if (m > below) below = m;
      }
      const det = d0 * d3 - d1 * d2;
      const magnitude = det < 0 ? -det : det;
      if (
        !(pivotLargest > 0) ||
        !(pivotLargest >= tolerance * below) ||
        !(magnitude >= DETERMINANT_FLOOR * pivotLargest * pivotLargest) ||
        !Number.isFinite(det)
      ) {
        for (let pp = lStart + 1; pp < lEnd; pp += 1) {
          const xi = 4 * (lIndices[pp] as number);
          x[xi] = 0;
          x[xi + 1] = 0;
          x[xi + 2] = 0;
          x[xi + 3] = 0;
        }
        return false;
      }
      // D⁻¹ = [d3 −d1; −d2 d0] / det, stored as U's diagonal block.
      const i0 = d3 / det;
      const i1 = -d1 / det;
      const i2 = -d2 / det;
      const i3 = d0 / det;
      const ud = 4 * uEnd;
      uValues[ud] = i0;
      uValues[ud + 1] = i1;
      uValues[ud + 2] = i2;
      uValues[ud + 3] = i3;
      // L(i, k) = X(i)·D⁻¹.
      for (let pp = lStart + 1; pp < lEnd; pp += 1) {
        const xi = 4 * (lIndices[pp] as number);
        const a0 = x[xi] as number;
        const a1 = x[xi + 1] as number;
        const a2 = x[xi + 2] as number;
        const a3 = x[xi + 3] as number;
        const lp = 4 * pp;
        lValues[lp] = a0 * i0 + a1 * i2;
        lValues[lp + 1] = a0 * i1 + a1 * i3;
        lValues[lp + 2] = a2 * i0 + a3 * i2;
        lValues[lp + 3] = a2 * i1 + a3 * i3;
        x[xi] = 0;
        x[xi + 1] = 0;
        x[xi + 2] = 0;
        x[xi + 3] = 0;
      }
    }
    return true;
  }

  /**
   * Solves A·x = b with the current factors into `out`; b and out hold 2 entries per block row
   * (entry 2r + c belongs to block row r, component c).
   * @throws CarbonTraceError DIMENSION_MISMATCH when b or out has the wrong length.
   */
  solveInto(b: Float64Array, out: Float64Array): Float64Array {
    const n = this.blockCount;
    if (b.length !== 2 * n || out.length !== 2 * n) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'right-hand side has the wrong length', {
        expected: 2 * n,
        actual: b.length,
        out: out.length,
      });
    }
    const y = this.#work;
    const order = this.order;
    const lPointers = this.#lPointers;
    const lIndices = this.#lIndices;
    const lValues = this.#lValues;
    const uPointers = this.#uPointers;
    const uIndices = this.#uIndices;
    const uValues = this.#uValues;
    for (let k = 0; k < n; k += 1) {
      const r = 2 * (order[k] as number);
      y[2 * k] = b[r] as number;
      y[2 * k + 1] = b[r + 1] as number;
    }
    // L·z = b (unit block diagonal), by columns.
    for (let j = 0; j < n; j += 1) {
      const y0 = y[2 * j] as number;
      const y1 = y[2 * j + 1] as number;
      if (y0 === 0 && y1 === 0) continue;
      const end = lPointers[j + 1] as number;
      for (let p = (lPointers[j] as number) + 1; p < end; p += 1) {
        const i = 2 * (lIndices[p] as number);
        const lp = 4 * p;
        y[i] = (y[i] as number) - ((lValues[lp] as number) * y0 + (lValues[lp + 1] as number) * y1);
        y[i + 1] =
          (y[i + 1] as number) - ((lValues[lp + 2] as number) * y0 + (lValues[lp + 3] as number) * y1);
      }
    }
    // U·x = z, by columns from the last; U's diagonal blocks are stored inverted.
    for (let j = n - 1; j >= 0; j -= 1) {
      const start = uPointers[j] as number;
      const end = (uPointers[j + 1] as number) - 1;
      const z0 = y[2 * j] as number;
      const z1 = y[2 * j + 1] as number;
      const dp = 4 * end;
      const x0 = (uValues[dp] as number) * z0 + (uValues[dp + 1] as number) * z1;
      const x1 = (uValues[dp + 2] as number) * z0 + (uValues[dp + 3] as number) * z1;
      y[2 * j] = x0;
      y[2 * j + 1] = x1;
      if (x0 === 0 && x1 === 0) continue;
      for (let p = start; p < end; p += 1) {
        const i = 2 * (uIndices[p] as number);
        const up = 4 * p;
        y[i] = (y[i] as number) - ((uValues[up] as number) * x0 + (uValues[up + 1] as number) * x1);
        y[i + 1] =
          (y[i + 1] as number) - ((uValues[up + 2] as number) * x0 + (uValues[up + 3] as number) * x1);
      }
    }
    for (let k = 0; k < n; k += 1) {
      const r = 2 * (order[k] as number);
      out[r] = y[2 * k] as number;
      out[r + 1] = y[2 * k + 1] as number;
    }
    y.fill(0, 0, 2 * n);
    return out;
  }
}

function largestOfFour(a: number, b: number, c: number, d: number): number {
  const ma = a < 0 ? -a : a;
  const mb = b < 0 ? -b : b;
  const mc = c < 0 ? -c : c;
  const md = d < 0 ? -d : d;
  const ab = ma > mb ? ma : mb;
  const cd = mc > md ? mc : md;
  return ab > cd ? ab : cd;
}
