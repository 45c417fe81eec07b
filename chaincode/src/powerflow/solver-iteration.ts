/**
 * What the iterative solvers share: options, the solution type, the initial point, the
 * convergence test, and the iteration loop (residual → converged? → diverged? → update).
 */
import { at } from '../sparse/checked-access';
import type { PowerFlowWorkspace } from './power-flow-workspace';
import { PowerFlowDivergedError } from './power-flow-errors';
import { BusRole, type PowerFlowNetwork } from './power-flow-network';
import { powerFlowResidual, type PowerFlowResidual } from './rectangular-residual';
import type { Ybus } from './ybus';

/** Options of the iterative solvers. */
export interface SolverOptions {
  /**
   * Convergence tolerance on the largest mismatch, pu.
   * @default 1e-10
   */
  readonly tolerancePu?: number;
  /**
   * Iteration limit.
   * @default 30 for Newton–Raphson, 500 for the sweep
   */
  readonly maxIterations?: number;
  /**
   * Per-topology state kept across solves (Jacobian pattern, ordering, symbolic LU); Newton–Raphson
   * only. Answers are the same with or without it.
   */
  readonly workspace?: PowerFlowWorkspace;
}

/** A converged rectangular solution. */
export interface VoltageSolution {
  readonly ePu: Float64Array;
  readonly fPu: Float64Array;
  readonly iterations: number;
  readonly maxMismatchPu: number;
}

/**
 * Convergence test shared by the solvers: the mismatch is below the tolerance, or it has reached
 * the floating-point floor of a large network (below 100 × tolerance and no longer falling by at
 * least 10 % per iteration), where further iterations only exchange rounding errors.
 */
export function hasConverged(mismatchPu: number, previousMismatchPu: number, tolerancePu: number): boolean {
  if (mismatchPu < tolerancePu) return true;
  return mismatchPu < 100 * tolerancePu && mismatchPu > 0.9 * previousMismatchPu;
}

/** Initial voltages: slack as set; PV at V_set; PQ at the case's Vm; all angles flat. */
export function initialVoltages(network: PowerFlowNetwork): { e: Float64Array; f: Float64Array } {
  const e = new Float64Array(network.busCount);
  const f = new Float64Array(network.busCount);
  for (let i = 0; i < network.busCount; i += 1) {
    const role = at(network.roles, i);
    if (role === BusRole.Slack) {
      e[i] = at(network.slackEPu, i);
      f[i] = at(network.slackFPu, i);
    } else if (role !== BusRole.Isolated) {
      e[i] = at(network.vmSetPu, i);
    }
  }
  return { e, f };
}

/**
 * Runs `update` (one solver iteration, changing e and f in place) until the rectangular residual
 * passes {@link hasConverged}.
 * @throws PowerFlowDivergedError after `maxIterations` updates or on a non-finite mismatch.
 */
export function iterateToConvergence(
  method: string,
  network: PowerFlowNetwork,
  ybus: Ybus,
  voltages: { readonly e: Float64Array; readonly f: Float64Array },
  limits: { readonly tolerancePu: number; readonly maxIterations: number },
  update: (residual: PowerFlowResidual) => void,
): VoltageSolution {
  const { e, f } = voltages;
  let iterations = 0;
  let previousMismatchPu = Number.POSITIVE_INFINITY;
  for (;;) {
    const residual = powerFlowResidual(network, ybus, e, f);
    if (hasConverged(residual.maxMismatchPu, previousMismatchPu, limits.tolerancePu)) {
      return { ePu: e, fPu: f, iterations, maxMismatchPu: residual.maxMismatchPu };
    }
    previousMismatchPu = residual.maxMismatchPu;
    if (iterations >= limits.maxIterations || !Number.isFinite(residual.maxMismatchPu)) {
      throw new PowerFlowDivergedError(method, iterations, residual.maxMismatchPu);
    }
    update(residual);
    iterations += 1;
  }
}
