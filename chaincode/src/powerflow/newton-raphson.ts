/**
 * Newton–Raphson AC power flow in rectangular coordinates on sparse matrices.
 *
 * The Jacobian's 2×2-block pattern, fill-reducing block order and symbolic block LU belong to the
 * topology and are kept in a {@link PowerFlowWorkspace} (`jacobian-pattern.ts`, `block-lu.ts`,
 * `power-flow-workspace.ts`); each iteration fills the values in place, refactors numerically and
 * solves. Ordering the unknowns
 * (f, e) against the equations (P, Q or |V|²) puts the dominant ∂P/∂f ≈ −B_ii and ∂Q/∂e ≈ −B_ii on
 * the diagonal. Only + − × ÷ are used; the residual is the rectangular one of
 * `rectangular-residual.ts`. Works for meshed and radial networks and for several islands, each
 * with its slack.
 */
import { fillJacobian } from './jacobian-pattern';
import type { PowerFlowNetwork } from './power-flow-network';
import { PowerFlowWorkspace } from './power-flow-workspace';
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
  const topology = (options.workspace ?? new PowerFlowWorkspace()).newtonTopology(network, ybus);
  const { variable } = topology.pattern;
  const n = network.busCount;
  const voltage = initialVoltages(network);
  const { e, f } = voltage;
  const limits = { tolerancePu: tolerance, maxIterations: maxIterations };
  return iterateToConvergence('Newton-Raphson', network, ybus, voltage, limits, (residual) => {
    fillJacobian(topology.pattern, network, ybus, voltage, residual.injections, topology.mismatch);
    const step = topology.solveStep();
    for (let i = 0; i < n; i += 1) {
      const k = variable[i] as number;
      if (k < 0) continue;
      f[i] = (f[i] as number) + (step[k] as number);
      e[i] = (e[i] as number) + (step[k + 1] as number);
    }
  });
}
