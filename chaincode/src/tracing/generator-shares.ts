/**
 * X = A⁻¹·G (MATH.md B4): MW of each unit's output that passes through each extended node, three
 * ways.
 *
 * - `fast` — forward substitution in topological order: X[x,:] = G[x,:] − Σ_y A[x,y]·X[y,:].
 *   O(nnz·K); needs an acyclic flow graph (the normal case, B5).
 * - `sparse` — the general sparse solve (LU with partial pivoting) for flow graphs with a directed
 *   cycle. The answer is accepted only if it is non-negative and its residual is below 1e-9;
 *   otherwise a FLOW_CYCLE error is thrown, never a wrong answer.
 * - `dense` — the paper's reference path: B = A⁻¹ by a dense inverse, X = B·G. O(N³), for
 *   cross-checks on small cases.
 *
 * `auto` (the default) takes `fast` when a topological order exists and `sparse` otherwise.
 */
import { CarbonTraceError, isCarbonTraceError } from '../common/errors';
import { denseInverse } from '../common/math-adapter';
import { at } from '../sparse/checked-access';
import { SparseLu } from '../sparse/sparse-lu';
import {
  denseDistributionMatrix,
  distributionMatrix,
  generatorMatrix,
  orderedOffDiagonalRows,
} from './distribution-matrix';
import type { DistributionSystem } from './distribution-system';
import { shareResidual } from './share-residual';

/** How to compute X. */
export type ShareMethod = 'auto' | 'fast' | 'sparse' | 'dense';

/** X with the path that produced it. */
export interface GeneratorShares {
  /** N×K row-major, MW. */
  readonly sharesMw: Float64Array;
  readonly method: Exclude<ShareMethod, 'auto'>;
}

/**
 * Forward substitution in topological order (O(nnz·K)).
 * @throws CarbonTraceError FLOW_CYCLE when the flow graph has no topological order.
 */
export function solveSharesByForwardSubstitution(system: DistributionSystem): Float64Array {
  const order = system.topologicalOrder;
  if (order === undefined) {
    throw new CarbonTraceError('FLOW_CYCLE', 'the flow graph has a directed cycle: no topological order', {});
  }
  const k = system.generators.length;
  const { pointers, columns, values } = orderedOffDiagonalRows(system, order);
  const shares = generatorMatrix(system);
  // Indices were validated when the rows were built; raw reads from here on.
  for (let t = 0; t < order.length; t += 1) {
    const base = (order[t] as number) * k;
    const end = pointers[t + 1] as number;
    for (let p = pointers[t] as number; p < end; p += 1) {
      const axy = values[p] as number;
      const from = (columns[p] as number) * k;
      for (let c = 0; c < k; c += 1)
        shares[base + c] = (shares[base + c] as number) - axy * (shares[from + c] as number);
    }
  }
  return shares;
}

/**
 * General sparse solve, valid for cyclic flow graphs.
 * @throws CarbonTraceError FLOW_CYCLE when A is singular or the solution is not a valid share
 * matrix (negative entries or residual above 1e-9).
 */
export function solveSharesBySparseLu(system: DistributionSystem): Float64Array {
  let lu: SparseLu;
  try {
    lu = SparseLu.factor(distributionMatrix(system));
  } catch (error) {
    if (isCarbonTraceError(error, 'SINGULAR_MATRIX')) {
      throw new CarbonTraceError(
        'FLOW_CYCLE',
        'the flow graph has a cycle that makes A singular',
        {},
        { cause: error },
      );
    }
    throw error;
  }
  const shares = lu.solveRowMajor(generatorMatrix(system), system.generators.length);
  validateShares(system, shares);
  return shares;
}

/** The paper's dense reference: B = A⁻¹ (dense), X = B·G. Returns both. */
export function solveSharesByDenseInverse(system: DistributionSystem): {
  inverse: number[][];
  sharesMw: Float64Array;
} {
  const k = system.generators.length;
  const inverse = denseInverse(denseDistributionMatrix(system));
  const shares = new Float64Array(system.size * k);
  inverse.forEach((row, x) => {
    system.generators.forEach((unit, c) => {
      shares[x * k + c] = (row[unit.node] ?? 0) * unit.pMw;
    });
  });
  return { inverse, sharesMw: shares };
}

function validateShares(system: DistributionSystem, shares: Float64Array): void {
  const k = system.generators.length;
  let worst = 0;
  let worstAt = -1;
  for (let p = 0; p < shares.length; p += 1) {
    const scale = system.generators[p % k]?.pMw ?? 1;
    const value = at(shares, p) / scale;
    if (value < worst || Number.isNaN(value)) {
      worst = Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value;
      worstAt = p;
    }
  }
  if (worst < -1e-9) {
    throw new CarbonTraceError(
      'FLOW_CYCLE',
      'the cyclic flow graph gives negative shares: proportional sharing is undefined',
      {
        node: Math.floor(worstAt / k),
        value: worst,
      },
    );
  }
  const residual = shareResidual(system, shares);
  if (!(residual <= 1e-9)) {
    throw new CarbonTraceError(
      'FLOW_CYCLE',
      `the cyclic flow graph could not be solved accurately (residual ${residual})`,
      {
        residual: Number.isFinite(residual) ? residual : String(residual),
      },
    );
  }
}

/** Computes X by the chosen path (`auto`: fast if acyclic, else sparse). */
export function traceGeneratorShares(
  system: DistributionSystem,
  method: ShareMethod = 'auto',
): GeneratorShares {
  switch (method) {
    case 'fast':
      return { sharesMw: solveSharesByForwardSubstitution(system), method };
    case 'sparse':
      return { sharesMw: solveSharesBySparseLu(system), method };
    case 'dense':
      return { sharesMw: solveSharesByDenseInverse(system).sharesMw, method };
    case 'auto':
      return system.topologicalOrder === undefined
        ? { sharesMw: solveSharesBySparseLu(system), method: 'sparse' }
        : { sharesMw: solveSharesByForwardSubstitution(system), method: 'fast' };
  }
}
