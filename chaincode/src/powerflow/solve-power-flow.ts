/**
 * The power-flow entry point: prepare the network, build Ybus, run the chosen solver, assemble the
 * result. `nr` = Newton–Raphson (any topology), `bfs` = backward/forward sweep (radial only).
 */
import type { PowerCase } from '../grid/power-case';
import { solveBackwardForwardSweep } from './backward-forward-sweep';
import { solveNewtonRaphson } from './newton-raphson';
import type { SolverOptions } from './solver-iteration';
import { preparePowerFlowNetwork } from './power-flow-network';
import { assemblePowerFlowResult, type PowerFlowMethod, type PowerFlowResult } from './power-flow-result';
import { powerFlowResidual } from './rectangular-residual';
import { buildYbus } from './ybus';

/** Options of {@link solvePowerFlow}. */
export interface PowerFlowOptions extends SolverOptions {
  /**
   * Solver.
   * @default 'nr'
   */
  readonly method?: PowerFlowMethod;
}

/**
 * Solves the AC power flow of a case.
 * @throws IslandedNetworkError, InvalidCaseError (network problems), PowerFlowDivergedError,
 * SweepNotApplicableError (`bfs` on a meshed network or with PV buses).
 */
export function solvePowerFlow(
  powerCase: PowerCase,
  options: Readonly<PowerFlowOptions> = {},
): PowerFlowResult {
  const method = options.method ?? 'nr';
  const workspace = options.workspace;
  const network = workspace?.prepareNetwork(powerCase) ?? preparePowerFlowNetwork(powerCase);
  const ybus = workspace?.ybusOf(network) ?? buildYbus(network);
  const solution =
    method === 'bfs'
      ? solveBackwardForwardSweep(network, ybus, options)
      : solveNewtonRaphson(network, ybus, options);
  const { injections } = powerFlowResidual(network, ybus, solution.ePu, solution.fPu);
  return assemblePowerFlowResult(network, method, solution, injections);
}
