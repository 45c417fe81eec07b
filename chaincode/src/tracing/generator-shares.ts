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
 * Forward substitution in topological order (O(nnz·K)): row x of X is set to G's row x, then
 * A[x,y]·X[y,:] is subtracted for each supplier y, rows in topological order. A's rows in that
 * order are built once per system (or per pattern, with a tracing workspace) and cached.
 * @param into N×K buffer to write X into (every entry is written); a new array when absent.
 * @throws CarbonTraceError FLOW_CYCLE when the flow graph has no topological order;
 * DIMENSION_MISMATCH when `into` is not N×K.
 */
export function solveSharesByForwardSubstitution(
  system: DistributionSystem,
  into?: Float64Array,
): Float64Array {
  const order = system.topologicalOrder;
  if (order === undefined) {
    throw new CarbonTraceError('FLOW_CYCLE', 'the flow graph has a directed cycle: no topological order', {});
  }
  const size = system.size;
  const k = system.generators.length;
  if (into !== undefined && into.length !== size * k) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'the buffer for X is not N×K', {
      expected: size * k,
      actual: into.length,
    });
  }
  const { pointers, columns, values } = orderedOffDiagonalRows(system, order);
  const generators = system.generators;
  for (let g = 0; g < k; g += 1) {
    const node = (generators[g] as (typeof generators)[number]).node;
    if (!(node >= 0 && node < size)) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'a unit is not at a node of the system', { unit: g });
    }
  }
  if (into === undefined) {
    // A new (zeroed) array: G in place, then the rows in order.
    const shares = new Float64Array(size * k);
    for (let g = 0; g < k; g += 1) {
      const unit = generators[g] as (typeof generators)[number];
      const p = unit.node * k + g;
      shares[p] = (shares[p] as number) + unit.pMw;
    }
    substituteRows(shares, order, pointers, columns, values, k);
    return shares;
  }
  // A lent buffer holds the previous trace: each row is cleared and given its G entries (the units
  // of node x are firstUnit[x], nextUnit[...], ..., −1 ends the list) just before it is computed.
  const firstUnit = new Int32Array(size).fill(-1);
  const nextUnit = new Int32Array(k);
  for (let g = k - 1; g >= 0; g -= 1) {
    const node = (generators[g] as (typeof generators)[number]).node;
    nextUnit[g] = firstUnit[node] as number;
    firstUnit[node] = g;
  }
  for (let t = 0; t < size; t += 1) {
    const base = (order[t] as number) * k;
    into.fill(0, base, base + k);
    for (let g = firstUnit[order[t] as number] as number; g >= 0; g = nextUnit[g] as number) {
      into[base + g] = (into[base + g] as number) + (generators[g] as (typeof generators)[number]).pMw;
    }
    const end = pointers[t + 1] as number;
    for (let p = pointers[t] as number; p < end; p += 1) {
      const axy = values[p] as number;
      const from = (columns[p] as number) * k;
      for (let c = 0; c < k; c += 1)
        into[base + c] = (into[base + c] as number) - axy * (into[from + c] as number);
    }
  }
  return into;
}

/**
 * X[x,:] −= A[x,y]·X[y,:] over A's off-diagonal rows in topological order (indices validated when
 * the rows were built; raw reads).
 */
function substituteRows(
  shares: Float64Array,
  order: Int32Array,
  pointers: Int32Array,
  columns: Int32Array,
  values: Float64Array,
  k: number,
): void {
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

/**
 * Computes X by the chosen path (`auto`: fast if acyclic, else sparse).
 * @param into N×K buffer the fast path writes X into (the other paths return their own array).
 */
export function traceGeneratorShares(
  system: DistributionSystem,
  method: ShareMethod = 'auto',
  into?: Float64Array,
): GeneratorShares {
  switch (method) {
    case 'fast':
      return { sharesMw: solveSharesByForwardSubstitution(system, into), method };
    case 'sparse':
      return { sharesMw: solveSharesBySparseLu(system), method };
    case 'dense':
      return { sharesMw: solveSharesByDenseInverse(system).sharesMw, method };
    case 'auto':
      return system.topologicalOrder === undefined
        ? { sharesMw: solveSharesBySparseLu(system), method: 'sparse' }
        : { sharesMw: solveSharesByForwardSubstitution(system, into), method: 'fast' };
  }
}
