/**
 * What Newton–Raphson keeps per network topology: the fixed Jacobian pattern, its fill-reducing
 * order and the symbolic LU factorization, plus the scratch vectors. A caller that solves the same
 * feeder again (the slots of a day, a contingency loop) passes one {@link PowerFlowWorkspace} to
 * every {@link solvePowerFlow} call and the ordering and symbolic factorization are computed once;
 * without one, each solve makes its own and reuses it across its iterations.
 *
 * The topology key is the Ybus sparsity pattern and the set of buses with unknowns (not slack, not
 * isolated); a solve on another topology replaces the cached one. Answers never depend on the
 * cache: a refactorization is accepted only when it is bit-for-bit what a fresh factorization
 * would compute (see `lu-refactor.ts`), so peers with different solve histories agree.
 */
import { CarbonTraceError } from '../common/errors';
import { SparseLuSymbolic } from '../sparse/lu-refactor';
import { SparseLu } from '../sparse/sparse-lu';
import { buildJacobianPattern, type JacobianPattern, numberUnknowns } from './jacobian-pattern';
import type { PowerFlowNetwork } from './power-flow-network';
import type { Ybus } from './ybus';

/** The per-topology state of Newton–Raphson. */
export class NewtonTopology {
  readonly pattern: JacobianPattern;
  readonly mismatch: Float64Array;
  readonly step: Float64Array;
  readonly #rowPointers: Int32Array;
  readonly #columnIndices: Int32Array;
  readonly #symbolic: SparseLuSymbolic;
  /** Partial-pivoting factorizations and numeric refactorizations done so far (for benchmarks and tests). */
  readonly counts = { factorizations: 0, refactorizations: 0 };

  constructor(ybus: Ybus, variable: Int32Array) {
    this.pattern = buildJacobianPattern(ybus, variable);
    this.mismatch = new Float64Array(this.pattern.unknownCount);
    this.step = new Float64Array(this.pattern.unknownCount);
    this.#rowPointers = ybus.conductance.rowPointers.slice();
    this.#columnIndices = ybus.conductance.columnIndices.slice();
    this.#symbolic = SparseLuSymbolic.analyze(this.pattern.matrix, this.pattern.columnOrder);
  }

  /** True when this state belongs to the topology of (ybus, variable). */
  matches(ybus: Ybus, variable: Int32Array): boolean {
    return (
      sameInts(this.pattern.variable, variable) &&
      sameInts(this.#rowPointers, ybus.conductance.rowPointers) &&
      sameInts(this.#columnIndices, ybus.conductance.columnIndices)
    );
  }

  /**
   * Factors the Jacobian now in `pattern.matrix` (refactoring numerically when the pivots allow)
   * and solves J·step = mismatch into `step`.
   * @throws CarbonTraceError SINGULAR_MATRIX when the Jacobian is singular.
   */
  solveStep(): Float64Array {
    const matrix = this.pattern.matrix;
    if (this.#symbolic.refactor(matrix.values)) {
      this.counts.refactorizations += 1;
      return this.#symbolic.solveInto(this.mismatch, this.step);
    }
    // A diagonal pivot failed the threshold: partial pivoting on this matrix alone.
    this.counts.factorizations += 1;
    this.step.set(SparseLu.factor(matrix, { columnOrder: this.pattern.columnOrder }).solve(this.mismatch));
    return this.step;
  }
}

function sameInts(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** A cache of the Newton–Raphson state of the most recent topology; keep one per feeder. */
export class PowerFlowWorkspace {
  #topology: NewtonTopology | undefined;

  /** The state of the topology of (network, ybus), built on first use or after a topology change. */
  newtonTopology(network: PowerFlowNetwork, ybus: Ybus): NewtonTopology {
    if (
      ybus.conductance.rowCount !== network.busCount ||
      ybus.susceptance.nonZeroCount !== ybus.conductance.nonZeroCount
    ) {
      throw new CarbonTraceError('DIMENSION_MISMATCH', 'Ybus does not belong to the network', {
        buses: network.busCount,
        ybusRows: ybus.conductance.rowCount,
      });
    }
    const variable = numberUnknowns(network);
    const known = this.#topology;
    if (known?.matches(ybus, variable)) return known;
    const fresh = new NewtonTopology(ybus, variable);
    this.#topology = fresh;
    return fresh;
  }

  /** The cached topology state, if any (for benchmarks and tests). */
  get cached(): NewtonTopology | undefined {
    return this.#topology;
  }
}
