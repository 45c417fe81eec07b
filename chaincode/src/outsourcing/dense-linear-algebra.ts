/**
 * Small dense linear algebra on row-major `Float64Array`s, used by the outsourcing scheme: the LU
 * factorization with partial pivoting (the cloud's dense solve and the client's conditioning check
 * of a dense mask), a 1-norm condition estimate (Hager/Higham), and matrix products. Only
 * + − × ÷, comparisons and `Math.abs` are used, so the results are identical on every endorser.
 */
import { CarbonTraceError } from '../common/errors';

/** A square LU factorization `P·M = L·U` (unit L below the diagonal, U on and above it). */
export interface LuFactorization {
  /** Order of the matrix. */
  readonly size: number;
  /** L (strictly lower part, unit diagonal implied) and U packed together, row-major. */
  readonly packed: Float64Array;
  /** Row permutation: row i of P·M is row `pivots[i]` of M. */
  readonly pivots: Int32Array;
}

/**
 * Factors a dense square matrix with partial pivoting (O(n³)).
 * @throws CarbonTraceError SINGULAR_MATRIX when a pivot is exactly zero.
 */
export function factorLu(matrix: Float64Array, size: number): LuFactorization {
  if (matrix.length !== size * size) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'matrix length is not size²', {
      length: matrix.length,
      size,
    });
  }
  const a = Float64Array.from(matrix);
  const pivots = new Int32Array(size);
  for (let i = 0; i < size; i += 1) pivots[i] = i;
  for (let k = 0; k < size; k += 1) {
    let best = k;
    let bestAbs = Math.abs(a[k * size + k] ?? 0);
    for (let i = k + 1; i < size; i += 1) {
      const v = Math.abs(a[i * size + k] ?? 0);
      if (v > bestAbs) {
        bestAbs = v;
        best = i;
      }
    }
    if (bestAbs === 0) {
      throw new CarbonTraceError('SINGULAR_MATRIX', 'matrix is singular (zero pivot)', { column: k });
    }
    if (best !== k) {
      const rowK = a.slice(k * size, (k + 1) * size);
      a.copyWithin(k * size, best * size, (best + 1) * size);
      a.set(rowK, best * size);
      const p = pivots[k] ?? k;
      pivots[k] = pivots[best] ?? best;
      pivots[best] = p;
    }
    const pivot = a[k * size + k] ?? 1;
    const rowK = a.subarray(k * size, (k + 1) * size);
    for (let i = k + 1; i < size; i += 1) {
      const base = i * size;
      const l = (a[base + k] ?? 0) / pivot;
      a[base + k] = l;
      if (l !== 0) {
        for (let j = k + 1; j < size; j += 1) {
          a[base + j] = (a[base + j] ?? 0) - l * (rowK[j] ?? 0);
        }
      }
    }
  }
  return { size, packed: a, pivots };
}

/** Solves `M·X = B` for X (B is `size × columns`, row-major) with a factorization of M. */
export function solveLu(lu: LuFactorization, rhs: Float64Array, columns: number): Float64Array {
  const { size, packed, pivots } = lu;
  const x = new Float64Array(size * columns);
  for (let i = 0; i < size; i += 1) {
    const source = (pivots[i] ?? i) * columns;
    for (let c = 0; c < columns; c += 1) x[i * columns + c] = rhs[source + c] ?? 0;
  }
  // Forward: L·Y = P·B (unit diagonal).
  for (let i = 0; i < size; i += 1) {
    for (let k = 0; k < i; k += 1) {
      const l = packed[i * size + k] ?? 0;
      if (l === 0) continue;
      for (let c = 0; c < columns; c += 1)
        x[i * columns + c] = (x[i * columns + c] ?? 0) - l * (x[k * columns + c] ?? 0);
    }
  }
  // Backward: U·X = Y.
  for (let i = size - 1; i >= 0; i -= 1) {
    for (let k = i + 1; k < size; k += 1) {
      const u = packed[i * size + k] ?? 0;
      if (u === 0) continue;
      for (let c = 0; c < columns; c += 1)
        x[i * columns + c] = (x[i * columns + c] ?? 0) - u * (x[k * columns + c] ?? 0);
    }
    const d = packed[i * size + i] ?? 1;
    for (let c = 0; c < columns; c += 1) x[i * columns + c] = (x[i * columns + c] ?? 0) / d;
  }
  return x;
}

/** Solves `Mᵀ·x = b` for one vector with a factorization of M. */
export function solveLuTransposed(lu: LuFactorization, rhs: Float64Array): Float64Array {
  const { size, packed, pivots } = lu;
  // P·M = L·U  ⇒  Mᵀ = Uᵀ·Lᵀ·P, so solve Uᵀ·w = b, Lᵀ·v = w, x = Pᵀ·v.
  const w = Float64Array.from(rhs);
  for (let i = 0; i < size; i += 1) {
    let s = w[i] ?? 0;
    for (let k = 0; k < i; k += 1) s -= (packed[k * size + i] ?? 0) * (w[k] ?? 0);
    w[i] = s / (packed[i * size + i] ?? 1);
  }
  for (let i = size - 1; i >= 0; i -= 1) {
    let s = w[i] ?? 0;
    for (let k = i + 1; k < size; k += 1) s -= (packed[k * size + i] ?? 0) * (w[k] ?? 0);
    w[i] = s;
  }
  const x = new Float64Array(size);
  for (let i = 0; i < size; i += 1) x[pivots[i] ?? i] = w[i] ?? 0;
  return x;
}

/** The 1-norm (maximum absolute column sum) of a dense square matrix. */
export function oneNorm(matrix: Float64Array, size: number): number {
  const sums = new Float64Array(size);
  for (let i = 0; i < size; i += 1) {
    for (let j = 0; j < size; j += 1) sums[j] = (sums[j] ?? 0) + Math.abs(matrix[i * size + j] ?? 0);
  }
  let best = 0;
  for (const s of sums) if (s > best) best = s;
  return best;
}

/**
 * Estimates the 1-norm condition number κ₁(M) = ‖M‖₁·‖M⁻¹‖₁ with Hager's method (Higham's
 * variant, at most five iterations plus the alternating-sign safeguard): O(n³) for the
 * factorization, O(n²) per iteration. The estimate is a lower bound that is almost always within
 * a small factor of the true value.
 */
export function estimateConditionNumber(matrix: Float64Array, size: number): number {
  const lu = factorLu(matrix, size);
  let x = new Float64Array(size).fill(1 / size);
  let estimate = 0;
  let lastIndex = -1;
  for (let iteration = 0; iteration < 5; iteration += 1) {
    const y = solveLu(lu, x, 1);
    let yNorm = 0;
    for (const v of y) yNorm += Math.abs(v);
    if (iteration > 0 && yNorm <= estimate) break;
    estimate = yNorm;
    const signs = new Float64Array(size);
    for (let i = 0; i < size; i += 1) signs[i] = (y[i] ?? 0) >= 0 ? 1 : -1;
    const z = solveLuTransposed(lu, signs);
    let index = 0;
    let zMax = -1;
    for (let i = 0; i < size; i += 1) {
      const v = Math.abs(z[i] ?? 0);
      if (v > zMax) {
        zMax = v;
        index = i;
      }
    }
    if (index === lastIndex) break;
    lastIndex = index;
    x = new Float64Array(size);
    x[index] = 1;
  }
  // Alternating-sign safeguard vector (Higham 1988).
  const alt = new Float64Array(size);
  for (let i = 0; i < size; i += 1) alt[i] = (i % 2 === 0 ? 1 : -1) * (1 + i / Math.max(1, size - 1));
  const altSolution = solveLu(lu, alt, 1);
  let altNorm = 0;
  for (const v of altSolution) altNorm += Math.abs(v);
  const altEstimate = (2 * altNorm) / (3 * size);
  if (altEstimate > estimate) estimate = altEstimate;
  return estimate * oneNorm(matrix, size);
}

/** Dense product `L·R` of an `rows × inner` and an `inner × columns` matrix, row-major. */
export function multiplyDense(
  left: Float64Array,
  right: Float64Array,
  rows: number,
  inner: number,
  columns: number,
): Float64Array {
  const out = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i += 1) {
    for (let k = 0; k < inner; k += 1) {
      const l = left[i * inner + k] ?? 0;
      if (l === 0) continue;
      for (let c = 0; c < columns; c += 1) {
        out[i * columns + c] = (out[i * columns + c] ?? 0) + l * (right[k * columns + c] ?? 0);
      }
    }
  }
  return out;
}

/** Largest absolute entry of a vector or matrix (0 when empty). */
export function maxAbs(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 0; i < values.length; i += 1) {
    const v = Math.abs(values[i] ?? 0);
    if (v > best) best = v;
  }
  return best;
}
