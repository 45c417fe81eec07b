/**
 * The plaintext reference trace the internal data center runs (S5) and that every accepted
 * result is measured against: X = A⁻¹·G by a sparse solve in O(nnz·K) (A is a permuted
 * unit-triangular matrix under acyclic flow, MATH.md B5), then the groups of §B and §C.
 */
import { CarbonTraceError } from '../common/errors';
import { solvePermutedTriangular } from './cloud-worker';
import { factorLu, solveLu } from './dense-linear-algebra';
import { generatorMatrix, type OutsourcingProblem } from './outsourcing-problem';
import { groupsFromSolution, type TraceGroups } from './trace-groups';

/** A solver of A·X = G for the plaintext problem (X is N×K row-major). */
export type LocalSolver = (problem: OutsourcingProblem) => Float64Array;

/**
 * Default local solver: sparse substitution in the flow order (O(nnz·K)); a dense LU fallback for
 * a cyclic flow graph (O(N³)).
 * @throws CarbonTraceError SINGULAR_MATRIX.
 */
export function solveDistributionSparse(problem: OutsourcingProblem): Float64Array {
  const n = problem.size;
  const off = problem.offDiagonal;
  const rows = new Int32Array(n + off.values.length);
  const cols = new Int32Array(n + off.values.length);
  const values = new Float64Array(n + off.values.length);
  for (let x = 0; x < n; x += 1) {
    rows[x] = x;
    cols[x] = x;
    values[x] = 1;
  }
  rows.set(off.rows, n);
  cols.set(off.cols, n);
  values.set(off.values, n);
  const g = generatorMatrix(problem);
  const x = solvePermutedTriangular(n, rows, cols, values, g, problem.generatorCount);
  if (x !== undefined) return x;
  const dense = new Float64Array(n * n);
  for (let e = 0; e < values.length; e += 1) {
    const at = (rows[e] ?? 0) * n + (cols[e] ?? 0);
    dense[at] = (dense[at] ?? 0) + (values[e] ?? 0);
  }
  try {
    return solveLu(factorLu(dense, n), g, problem.generatorCount);
  } catch (error) {
    throw new CarbonTraceError(
      'SINGULAR_MATRIX',
      'the distribution matrix is singular',
      { size: n },
      { cause: error },
    );
  }
}

/** The local (plaintext) trace groups. */
export function computeLocalTrace(
  problem: OutsourcingProblem,
  solver: LocalSolver = solveDistributionSparse,
): TraceGroups {
  return groupsFromSolution(problem, solver(problem));
}
