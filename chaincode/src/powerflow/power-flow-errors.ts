/** Typed errors of the power-flow solvers. */
import { CarbonTraceError } from '../common/errors';

/** Newton–Raphson or the sweep did not reach the tolerance. Code `POWER_FLOW_DIVERGED`. */
export class PowerFlowDivergedError extends CarbonTraceError {
  override readonly name = 'PowerFlowDivergedError';
  /** Iterations performed. */
  readonly iterations: number;
  /** Largest bus power mismatch at the last iterate, pu (may be NaN or Infinity on blow-up). */
  readonly maxMismatchPu: number;

  constructor(method: string, iterations: number, maxMismatchPu: number) {
    super(
      'POWER_FLOW_DIVERGED',
      `${method} power flow did not converge after ${iterations} iterations (max mismatch ${maxMismatchPu} pu)`,
      {
        method,
        iterations,
        maxMismatchPu: Number.isFinite(maxMismatchPu) ? maxMismatchPu : String(maxMismatchPu),
      },
    );
    this.iterations = iterations;
    this.maxMismatchPu = maxMismatchPu;
  }
}

/** Buses that cannot be solved because no slack bus supplies them. Code `ISLANDED_NETWORK`. */
export class IslandedNetworkError extends CarbonTraceError {
  override readonly name = 'IslandedNetworkError';
  /** External ids of the buses of the island(s) without a slack bus. */
  readonly busIds: readonly number[];

  constructor(busIds: readonly number[], reason: string) {
    const shown =
      busIds.length > 20
        ? `${busIds.slice(0, 20).join(', ')}, … (${busIds.length} buses)`
        : busIds.join(', ');
    super('ISLANDED_NETWORK', `${reason}: bus ${shown}`, { busIds: [...busIds] });
    this.busIds = busIds;
  }
}

/** The backward/forward sweep was asked to solve a network it cannot. Code `INVALID_ARGUMENT`. */
export class SweepNotApplicableError extends CarbonTraceError {
  override readonly name = 'SweepNotApplicableError';

  constructor(message: string, details: Readonly<Record<string, number | string>>) {
    super('INVALID_ARGUMENT', `backward/forward sweep: ${message}`, details);
  }
}
