/**
 * The plaintext reference trace the internal data center runs (S5) and that every accepted
 * result is measured against: X = A⁻¹·G by a sparse solve in O(nnz·K) (A is a permuted
 * unit-triangular matrix under acyclic flow, MATH.md B5), then the groups of §B and §C.
 */
import { traceGeneratorShares } from '../tracing/generator-shares';
import type { OutsourcingProblem } from './outsourcing-problem';
import { groupsFromSolution, type TraceGroups } from './trace-groups';

/** A solver of A·X = G for the plaintext problem (X is N×K row-major). */
export type LocalSolver = (problem: OutsourcingProblem) => Float64Array;

/**
 * Default local solver: the engine's generator-share solve (sparse forward substitution in
 * topological order, O(nnz·K); sparse LU for a cyclic flow graph).
 * @throws CarbonTraceError FLOW_CYCLE when a cyclic flow cannot be traced.
 */
export function solveDistributionSparse(problem: OutsourcingProblem): Float64Array {
  return traceGeneratorShares(problem.system).sharesMw;
}

/** The local (plaintext) trace groups. */
export function computeLocalTrace(
  problem: OutsourcingProblem,
  solver: LocalSolver = solveDistributionSparse,
): TraceGroups {
  return groupsFromSolution(problem, solver(problem));
}
