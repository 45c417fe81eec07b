/**
 * Newton–Raphson AC power flow in rectangular coordinates on sparse matrices.
 *
 * Unknowns per non-slack bus i: (f_i, e_i) with V_i = e_i + j f_i. Equations per bus: ΔP_i, and
 * ΔQ_i at PQ buses or Δ|V_i|² = V_set² − e_i² − f_i² at PV buses. With I = Y·V,
 *
 *   ∂P_i/∂e_j = e_i G_ij + f_i B_ij (+ I_re,i if j = i)    ∂P_i/∂f_j = f_i G_ij − e_i B_ij (+ I_im,i)
 *   ∂Q_i/∂e_j = f_i G_ij − e_i B_ij (− I_im,i if j = i)    ∂Q_i/∂f_j = −e_i G_ij − f_i B_ij (+ I_re,i)
 *   ∂|V_i|²/∂e_i = 2 e_i                                   ∂|V_i|²/∂f_i = 2 f_i
 *
 * The Jacobian is factored by {@link SparseLu}; its minimum-degree column order is computed once
 * and reused. Ordering the unknowns (f, e) against the equations (P, Q or |V|²) puts the dominant
 * ∂P/∂f ≈ −B_ii and ∂Q/∂e ≈ −B_ii on the diagonal. Only + − × ÷ are used; the residual is the
 * rectangular one of `rectangular-residual.ts`. Works for meshed and radial networks and for
 * several islands, each with its slack.
 */
import { at } from '../sparse/checked-access';
import { TripletBuilder } from '../sparse/csr-matrix';
import { SparseLu } from '../sparse/sparse-lu';
import { BusRole, type PowerFlowNetwork } from './power-flow-network';
import {
  initialVoltages,
  iterateToConvergence,
  type SolverOptions,
  type VoltageSolution,
} from './solver-iteration';
import type { Ybus } from './ybus';

/**
 * Solves the power flow by Newton–Raphson.
 * @throws PowerFlowDivergedError when the mismatch does not fall below the tolerance.
 * @throws CarbonTraceError SINGULAR_MATRIX when the Jacobian is singular.
 */
export function solveNewtonRaphson(
  network: PowerFlowNetwork,
  ybus: Ybus,
  options: Readonly<SolverOptions> = {},
): VoltageSolution {
  const tolerance = options.tolerancePu ?? 1e-10;
  const maxIterations = options.maxIterations ?? 30;
  const n = network.busCount;
  // Unknown numbering: bus i → 2k (f) and 2k+1 (e) for the k-th non-slack, non-isolated bus.
  const variable = new Int32Array(n).fill(-1);
  let unknowns = 0;
  for (let i = 0; i < n; i += 1) {
    const role = at(network.roles, i);
    if (role === BusRole.Pq || role === BusRole.Pv) {
      variable[i] = unknowns;
      unknowns += 2;
    }
  }
  const { e, f } = initialVoltages(network);
  const { conductance: gm, susceptance: bm } = ybus;
  let columnOrder: Int32Array | undefined;
  const limits = { tolerancePu: tolerance, maxIterations: maxIterations };
  return iterateToConvergence('Newton-Raphson', network, ybus, { e, f }, limits, (residual) => {
    const { currentRe, currentIm, pPu, qPu } = residual.injections;
    const jacobian = new TripletBuilder(unknowns, unknowns);
    const mismatch = new Float64Array(unknowns);
    for (let i = 0; i < n; i += 1) {
      const row = at(variable, i);
      if (row < 0) continue;
      const isPv = at(network.roles, i) === BusRole.Pv;
      const ei = at(e, i);
      const fi = at(f, i);
      mismatch[row] = at(network.pSpecifiedPu, i) - at(pPu, i);
      if (isPv) {
        const v = at(network.vmSetPu, i);
        mismatch[row + 1] = v * v - (ei * ei + fi * fi);
        jacobian.add(row + 1, row, 2 * fi);
        jacobian.add(row + 1, row + 1, 2 * ei);
      } else {
        mismatch[row + 1] = at(network.qSpecifiedPu, i) - at(qPu, i);
      }
      const end = at(gm.rowPointers, i + 1);
      for (let p = at(gm.rowPointers, i); p < end; p += 1) {
        const j = at(gm.columnIndices, p);
        const col = at(variable, j);
        if (col < 0) continue;
        const gij = at(gm.values, p);
        const bij = at(bm.values, p);
        let dpDf = fi * gij - ei * bij;
        let dpDe = ei * gij + fi * bij;
        let dqDf = -ei * gij - fi * bij;
        let dqDe = fi * gij - ei * bij;
        if (j === i) {
          dpDf += at(currentIm, i);
          dpDe += at(currentRe, i);
          dqDf += at(currentRe, i);
          dqDe -= at(currentIm, i);
        }
        jacobian.add(row, col, dpDf);
        jacobian.add(row, col + 1, dpDe);
        if (!isPv) {
          jacobian.add(row + 1, col, dqDf);
          jacobian.add(row + 1, col + 1, dqDe);
        }
      }
    }
    const lu: SparseLu = SparseLu.factor(jacobian.build(), columnOrder === undefined ? {} : { columnOrder });
    columnOrder = lu.columnOrder;
    const step = lu.solve(mismatch);
    for (let i = 0; i < n; i += 1) {
      const k = at(variable, i);
      if (k < 0) continue;
      f[i] = at(f, i) + at(step, k);
      e[i] = at(e, i) + at(step, k + 1);
    }
  });
}
