/**
 * The cloud provider's computation (MATH.md §E.3, §E.5): given only a masked task, solve
 * Ã·X̃ = G̃ (E4), form the virtual components (E5–E6) and the virtual PECC and intensity
 * (E13, E14, E16), and optionally the dense inverse B̃ = Ã⁻¹ (E7).
 *
 * Solver choice: a coordinate (sparse) Ã is solved by {@link solvePermutedTriangular}, which
 * discovers the hidden triangular order itself in O(nnz·K); it falls back to dense LU when Ã is
 * not a permuted triangular matrix (cyclic flow). A dense Ã uses LU with partial pivoting and
 * two steps of iterative refinement, O(N³).
 */
import { CarbonTraceError } from '../common/errors';
import { factorLu, solveLu } from './dense-linear-algebra';
import type { MaskedCarbonOutputs, MaskedResult, MaskedTask } from './masked-payloads';

/**
 * Solves M·X = B for a sparse M that is a row and column permutation of a triangular matrix,
 * without knowing the permutation: repeatedly take an equation with exactly one unknown left
 * (row singleton), solve it, and substitute. O(nnz·K). Returns undefined when it gets stuck
 * (M not permuted-triangular) or meets a zero pivot.
 */
export function solvePermutedTriangular(
  size: number,
  rows: ArrayLike<number>,
  cols: ArrayLike<number>,
  values: ArrayLike<number>,
  rhs: ArrayLike<number>,
  columns: number,
): Float64Array | undefined {
  const count = values.length;
  const rowStart = new Int32Array(size + 1);
  const colStart = new Int32Array(size + 1);
  for (let e = 0; e < count; e += 1) {
    if ((values[e] ?? 0) === 0) continue;
    const r = rows[e] ?? 0;
    const c = cols[e] ?? 0;
    rowStart[r + 1] = (rowStart[r + 1] ?? 0) + 1;
    colStart[c + 1] = (colStart[c + 1] ?? 0) + 1;
  }
  for (let i = 0; i < size; i += 1) {
    rowStart[i + 1] = (rowStart[i + 1] ?? 0) + (rowStart[i] ?? 0);
    colStart[i + 1] = (colStart[i + 1] ?? 0) + (colStart[i] ?? 0);
  }
  const rowCols = new Int32Array(rowStart[size] ?? 0);
  const rowValues = new Float64Array(rowStart[size] ?? 0);
  const colRows = new Int32Array(colStart[size] ?? 0);
  const rowFill = Int32Array.from(rowStart.subarray(0, size));
  const colFill = Int32Array.from(colStart.subarray(0, size));
  for (let e = 0; e < count; e += 1) {
    const v = values[e] ?? 0;
    if (v === 0) continue;
    const r = rows[e] ?? 0;
    const c = cols[e] ?? 0;
    const at = rowFill[r] ?? 0;
    rowCols[at] = c;
    rowValues[at] = v;
    rowFill[r] = at + 1;
    const cat = colFill[c] ?? 0;
    colRows[cat] = r;
    colFill[c] = cat + 1;
  }
  const unknownsLeft = new Int32Array(size);
  const queue = new Int32Array(size);
  let head = 0;
  let tail = 0;
  for (let r = 0; r < size; r += 1) {
    const left = (rowStart[r + 1] ?? 0) - (rowStart[r] ?? 0);
    unknownsLeft[r] = left;
    if (left === 1) queue[tail++] = r;
  }
  const solved = new Uint8Array(size);
  const used = new Uint8Array(size);
  const x = new Float64Array(size * columns);
  let solvedCount = 0;
  while (head < tail) {
    const r = queue[head++] ?? 0;
    if (used[r] === 1 || unknownsLeft[r] !== 1) continue;
    used[r] = 1;
    let pivotCol = -1;
    let pivot = 0;
    const acc = new Float64Array(columns);
    for (let c = 0; c < columns; c += 1) acc[c] = rhs[r * columns + c] ?? 0;
    for (let p = rowStart[r] ?? 0; p < (rowStart[r + 1] ?? 0); p += 1) {
      const c = rowCols[p] ?? 0;
      const v = rowValues[p] ?? 0;
      if (solved[c] === 1) {
        for (let g = 0; g < columns; g += 1) acc[g] = (acc[g] ?? 0) - v * (x[c * columns + g] ?? 0);
      } else {
        pivotCol = c;
        pivot = v;
      }
    }
    if (pivotCol < 0 || pivot === 0) return undefined;
    for (let g = 0; g < columns; g += 1) x[pivotCol * columns + g] = (acc[g] ?? 0) / pivot;
    solved[pivotCol] = 1;
    solvedCount += 1;
    for (let p = colStart[pivotCol] ?? 0; p < (colStart[pivotCol + 1] ?? 0); p += 1) {
      const other = colRows[p] ?? 0;
      const left = (unknownsLeft[other] ?? 0) - 1;
      unknownsLeft[other] = left;
      if (left === 1 && used[other] === 0) queue[tail++] = other;
    }
  }
  return solvedCount === size ? x : undefined;
}

/** Dense LU solve of M·X = B with two refinement steps (residual in double precision). */
export function solveDenseRefined(
  matrix: Float64Array,
  size: number,
  rhs: Float64Array,
  columns: number,
): Float64Array {
  const lu = factorLu(matrix, size);
  const x = solveLu(lu, rhs, columns);
  for (let step = 0; step < 2; step += 1) {
    const residual = Float64Array.from(rhs);
    for (let i = 0; i < size; i += 1) {
      for (let j = 0; j < size; j += 1) {
        const m = matrix[i * size + j] ?? 0;
        if (m === 0) continue;
        for (let c = 0; c < columns; c += 1) {
          residual[i * columns + c] = (residual[i * columns + c] ?? 0) - m * (x[j * columns + c] ?? 0);
        }
      }
    }
    const delta = solveLu(lu, residual, columns);
    for (let i = 0; i < x.length; i += 1) x[i] = (x[i] ?? 0) + (delta[i] ?? 0);
  }
  return x;
}

function denseFromTask(task: MaskedTask): Float64Array {
  const n = task.size;
  const dense = new Float64Array(n * n);
  if (task.matrix.layout === 'dense') {
    dense.set(task.matrix.values);
  } else {
    const { rows, cols, values } = task.matrix;
    for (let e = 0; e < values.length; e += 1) {
      const at = (rows[e] ?? 0) * n + (cols[e] ?? 0);
      dense[at] = (dense[at] ?? 0) + (values[e] ?? 0);
    }
  }
  return dense;
}

/** E4: X̃ = Ã⁻¹·G̃, sparse when the mask kept sparsity, dense LU otherwise. */
export function solveMaskedSystem(task: MaskedTask): Float64Array {
  const n = task.size;
  const k = task.generatorCount;
  const rhs = Float64Array.from(task.rhs);
  if (task.matrix.layout === 'coordinate') {
    const { rows, cols, values } = task.matrix;
    const x = solvePermutedTriangular(n, rows, cols, values, rhs, k);
    if (x !== undefined) return x;
  }
  return solveDenseRefined(denseFromTask(task), n, rhs, k);
}

/** E13, E14, E16 on masked values. */
export function computeMaskedCarbon(task: MaskedTask): MaskedCarbonOutputs {
  const coal: number[] = [];
  const unitCoal: number[] = [];
  const intensity: number[] = [];
  for (let g = 0; g < task.generatorCount; g += 1) {
    const p = task.carbon.generatorMw[g] ?? 0;
    if (p === 0) {
      throw new CarbonTraceError('INVALID_ARGUMENT', 'masked generator output is zero', { unit: g });
    }
    const f = (task.carbon.a[g] ?? 0) * p * p + (task.carbon.b[g] ?? 0) * p + (task.carbon.c[g] ?? 0);
    const w = f / p;
    coal.push(f);
    unitCoal.push(w);
    intensity.push((task.carbon.beta[g] ?? 0) * w);
  }
  return { coal, unitCoal, intensity };
}

/**
 * The honest provider: everything a cloud provider computes from a masked task.
 * @throws CarbonTraceError SINGULAR_MATRIX when Ã is singular.
 */
export function computeMaskedResult(task: MaskedTask): MaskedResult {
  const n = task.size;
  const k = task.generatorCount;
  const solution = solveMaskedSystem(task);
  return {
    format: 'carbontrace/masked-result@1',
    taskId: task.taskId,
    provider: task.provider,
    solution: Array.from(solution),
    components: task.ratios === null ? null : scaleRows(task.ratios, solution, n, k),
    carbon: computeMaskedCarbon(task),
    inverse: task.returnInverse ? Array.from(denseInverse(denseFromTask(task), n)) : null,
  };
}

/** E5–E6: diag(ρ̃)·X̃ for the four ratio vectors. */
export function scaleRows(
  ratios: NonNullable<MaskedTask['ratios']>,
  solution: ArrayLike<number>,
  n: number,
  k: number,
): NonNullable<MaskedResult['components']> {
  const scale = (rho: readonly number[]): number[] => {
    const out = new Array<number>(n * k);
    for (let x = 0; x < n; x += 1) {
      const f = rho[x] ?? 0;
      for (let g = 0; g < k; g += 1) out[x * k + g] = f * (solution[x * k + g] ?? 0);
    }
    return out;
  };
  return {
    load: scale(ratios.load),
    loss: scale(ratios.loss),
    sending: scale(ratios.sending),
    receiving: scale(ratios.receiving),
  };
}

function denseInverse(matrix: Float64Array, n: number): Float64Array {
  const identity = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) identity[i * n + i] = 1;
  return solveLu(factorLu(matrix, n), identity, n);
}
