/**
 * What a solve keeps per network topology: the network's topology part (bus index, branch
 * admittances) and its Ybus, and for Newton–Raphson the fixed 2×2-block Jacobian pattern, its
 * fill-reducing block order and the symbolic block LU, plus the scratch vectors. A caller that
 * solves the same feeder again (the slots of a day, a contingency loop) passes one
 * {@link PowerFlowWorkspace} to every {@link solvePowerFlow} call and all of that is computed once;
 * without one, each solve makes its own and reuses it across its iterations.
 *
 * The Newton key is the Ybus sparsity pattern and the set of buses with unknowns (not slack, not
 * isolated); a solve on another topology replaces the cached one. Answers never depend on the
 * cache: the cached parts are exactly what a fresh solve would compute from the same case data,
 * and a numeric refactorization depends only on the values and the pattern (see `block-lu.ts`), so
 * peers with different solve histories agree bit for bit.
 */
import { CarbonTraceError } from '../common/errors';
import { BlockLu } from '../sparse/block-lu';
import { SparseLu } from '../sparse/sparse-lu';
import {
  buildJacobianPattern,
  jacobianAsCsr,
  type JacobianPattern,
  numberUnknowns,
} from './jacobian-pattern';
import type { PowerCase } from '../grid/power-case';
import { type NetworkTopology, type PowerFlowNetwork, preparePowerFlowNetwork } from './power-flow-network';
import { buildYbus, type Ybus } from './ybus';

/** The per-topology state of Newton–Raphson. */
export class NewtonTopology {
  readonly pattern: JacobianPattern;
  readonly mismatch: Float64Array;
  readonly step: Float64Array;
  readonly #rowPointers: Int32Array;
  /** The pattern arrays of the Ybus this state was built for (Ybus patterns are never mutated). */
  readonly #ybusRows: Int32Array;
  readonly #ybusColumns: Int32Array;
  readonly #columnIndices: Int32Array;
  readonly #symbolic: BlockLu;
  /** Partial-pivoting factorizations and numeric refactorizations done so far (for benchmarks and tests). */
  readonly counts = { factorizations: 0, refactorizations: 0 };

  constructor(ybus: Ybus, variable: Int32Array) {
    this.pattern = buildJacobianPattern(ybus, variable);
    this.mismatch = new Float64Array(this.pattern.unknownCount);
    this.step = new Float64Array(this.pattern.unknownCount);
    this.#rowPointers = ybus.conductance.rowPointers.slice();
    this.#ybusRows = ybus.conductance.rowPointers;
    this.#ybusColumns = ybus.conductance.columnIndices;
    this.#columnIndices = ybus.conductance.columnIndices.slice();
    this.#symbolic = BlockLu.analyze(this.pattern.blocks, this.pattern.blockOrder);
  }

  /** True when this state belongs to the topology of (ybus, variable). */
  matches(ybus: Ybus, variable: Int32Array): boolean {
    if (!sameInts(this.pattern.variable, variable)) return false;
    const { rowPointers, columnIndices } = ybus.conductance;
    if (rowPointers === this.#ybusRows && columnIndices === this.#ybusColumns) return true; // the same Ybus
    return (
      sameInts(this.#rowPointers, ybus.conductance.rowPointers) &&
      sameInts(this.#columnIndices, ybus.conductance.columnIndices)
    );
  }

  /**
   * Factors the Jacobian now in `pattern.values` (refactoring numerically when the pivots allow)
   * and solves J·step = mismatch into `step`.
   * @throws CarbonTraceError SINGULAR_MATRIX when the Jacobian is singular.
   */
  solveStep(): Float64Array {
    if (this.#symbolic.refactor(this.pattern.values)) {
      this.counts.refactorizations += 1;
      return this.#symbolic.solveInto(this.mismatch, this.step);
    }
    // A pivot block failed its test: scalar partial pivoting on this matrix alone, in the same order.
    this.counts.factorizations += 1;
    const blockOrder = this.pattern.blockOrder;
    const columnOrder = new Int32Array(2 * blockOrder.length);
    for (let t = 0; t < blockOrder.length; t += 1) {
      columnOrder[2 * t] = 2 * (blockOrder[t] as number);
      columnOrder[2 * t + 1] = 2 * (blockOrder[t] as number) + 1;
    }
    this.step.set(SparseLu.factor(jacobianAsCsr(this.pattern), { columnOrder }).solve(this.mismatch));
    return this.step;
  }
}

function sameInts(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** What a workspace keeps of the last case's network: its topology part and its Ybus. */
interface PreparedCache {
  readonly branches: PowerCase['branches'];
  readonly busIds: Float64Array;
  readonly topology: NetworkTopology;
  ybus: { readonly shuntGPu: Float64Array; readonly shuntBPu: Float64Array; readonly ybus: Ybus } | undefined;
}

/**
 * A cache of the most recent topology; keep one per feeder. Besides the Newton–Raphson state it
 * keeps the network's topology part (bus index, branch admittances) for the next case with the same
 * `branches` array (by reference: cases are immutable) and the same bus ids, and the Ybus for the
 * same branches and bus shunts, so a slot of a day only prepares its injections.
 */
export class PowerFlowWorkspace {
  #topology: NewtonTopology | undefined;
  #prepared: PreparedCache | undefined;

  /**
   * The solver input of `powerCase`, reusing the topology part of the previous case when its
   * branches and bus ids are the same.
   * @throws as {@link preparePowerFlowNetwork}.
   */
  prepareNetwork(powerCase: PowerCase): PowerFlowNetwork {
    const known = this.#prepared;
    if (known !== undefined && known.branches === powerCase.branches && sameBusIds(known.busIds, powerCase)) {
      return preparePowerFlowNetwork(powerCase, known.topology);
    }
    this.#prepared = undefined;
    const network = preparePowerFlowNetwork(powerCase);
    const busIds = new Float64Array(powerCase.buses.length);
    powerCase.buses.forEach((bus, i) => (busIds[i] = bus.id));
    this.#prepared = {
      branches: powerCase.branches,
      busIds,
      topology: { busIndex: network.busIndex, branchTable: network.branchTable },
      ybus: undefined,
    };
    return network;
  }

  /** The Ybus of `network`, reused when its branch table and bus shunts are the cached ones. */
  ybusOf(network: PowerFlowNetwork): Ybus {
    const known = this.#prepared;
    if (known?.topology.branchTable !== network.branchTable) return buildYbus(network);
    const cached = known.ybus;
    if (
      cached !== undefined &&
      sameFloats(cached.shuntGPu, network.shuntGPu) &&
      sameFloats(cached.shuntBPu, network.shuntBPu)
    ) {
      return cached.ybus;
    }
    const ybus = buildYbus(network);
    known.ybus = { shuntGPu: network.shuntGPu.slice(), shuntBPu: network.shuntBPu.slice(), ybus };
    return ybus;
  }

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

function sameBusIds(ids: Float64Array, powerCase: PowerCase): boolean {
  const buses = powerCase.buses;
  if (buses.length !== ids.length) return false;
  for (let i = 0; i < ids.length; i += 1)
    if ((buses[i] as PowerCase['buses'][number]).id !== ids[i]) return false;
  return true;
}

/** Element-wise equality (Object.is per entry, so −0 and 0 differ and NaN equals NaN). */
function sameFloats(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (!Object.is(a[i], b[i])) return false;
  return true;
}
