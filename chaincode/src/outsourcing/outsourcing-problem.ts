/**
 * The plaintext task `T` of MATH.md §F.3 that the grid company outsources: the true sparse
 * distribution matrix A (§B3), the generator power matrix G, the ratio vectors ρ (§E3), and the
 * PECC parameters θ and intensity coefficients β′ of each unit (§C, §E5). Built from the
 * {@link DistributionSystem} hand-off and one carbon model per traced generator.
 *
 * Convention (MATH.md §H.6): ζ sits in the coefficient, `β′ = (44/12)·η·ξ·ζ·(1−μ)`, so
 * `e_G = β′·F/P` with `F = a·P² + b·P + c`. Units are matched to the sidecar exactly as the
 * engine's `generatorCarbon` does: by `mpc.gen` row; unlisted units and negative-load DGs are
 * zero-carbon; `grid`/`fixed` units carry their intensity as β′ with θ = (0, 1, 0).
 */
import { coalEmissionCoefficient } from '../carbon/generator-intensity';
import { CarbonTraceError } from '../common/errors';
import type { CarbonSidecar, UnitCarbon } from '../grid/carbon-sidecar';
import type { DistributionSystem } from '../tracing/distribution-system';

/** The plaintext outsourcing task. Matrices are row-major `Float64Array`s; `N×K` at x·K+g. */
export interface OutsourcingProblem {
  /** The traced system the task was built from (the local solve runs on it). */
  readonly system: DistributionSystem;
  /** N = n + m. */
  readonly size: number;
  /** n: real buses (the first n extended nodes). */
  readonly busCount: number;
  /** K: generating units. */
  readonly generatorCount: number;
  /** Off-diagonal entries of A (unit diagonal implied). */
  readonly offDiagonal: {
    readonly rows: Int32Array;
    readonly cols: Int32Array;
    readonly values: Float64Array;
  };
  /** Extended node of each unit's bus (length K). */
  readonly generatorNodes: Int32Array;
  /** P_Gg, MW (length K, all > 0). */
  readonly generatorMw: Float64Array;
  /** Through-flow P_x, MW (length N). */
  readonly throughFlowMw: Float64Array;
  /** ρ^L = P_L/P (length N; 0 on virtual nodes). */
  readonly loadRatio: Float64Array;
  /** ρ^Δ = ΔP/P (length N; 0 on real nodes). */
  readonly lossRatio: Float64Array;
  /** ρ^s = 1 on virtual nodes, 0 on real nodes. */
  readonly sendingRatio: Float64Array;
  /** ρ^r = P^r/P^s on virtual nodes, 0 on real nodes. */
  readonly receivingRatio: Float64Array;
  /** PECC parameters a, b, c per unit (fixed-intensity and zero-carbon units use (0, 1, 0)). */
  readonly peccA: Float64Array;
  readonly peccB: Float64Array;
  readonly peccC: Float64Array;
  /** Intensity coefficient β′ per unit (tCO2 per t of coal; the intensity itself for fixed units). */
  readonly beta: Float64Array;
  /** Optional topological order of the flow graph (A unit lower-triangular in that order). */
  readonly topologicalOrder: Int32Array | undefined;
}

/** The intensity coefficient β′ = (44/12)·η·ξ·ζ·(1−μ) of a coal unit (MATH.md E15). */
export function coalIntensityCoefficient(unit: Extract<UnitCarbon, { kind: 'coal' }>): number {
  return coalEmissionCoefficient(unit) * unit.zeta;
}

function finite(value: number, field: string, unit: number): number {
  if (!Number.isFinite(value)) {
    throw new CarbonTraceError('INVALID_ARGUMENT', `unit ${unit}: ${field} is not a finite number`, {
      field,
      unit,
    });
  }
  return value;
}

/**
 * Builds the plaintext task from a traced system and its carbon sidecar.
 * @throws CarbonTraceError INVALID_ARGUMENT for non-positive flows or outputs, or non-finite
 *   parameters.
 */
export function buildOutsourcingProblem(
  system: DistributionSystem,
  sidecar: Pick<CarbonSidecar, 'units'>,
): OutsourcingProblem {
  const size = system.size;
  const k = system.generators.length;
  const byRow = new Map<number, UnitCarbon>();
  for (const unit of sidecar.units) byRow.set(unit.genRow, unit);
  const loadRatio = new Float64Array(size);
  const lossRatio = new Float64Array(size);
  const sendingRatio = new Float64Array(size);
  const receivingRatio = new Float64Array(size);
  for (let x = 0; x < size; x += 1) {
    const p = system.throughFlowMw[x] ?? 0;
    if (!(p > 0)) {
      throw new CarbonTraceError('INVALID_ARGUMENT', `node ${x} has non-positive through-flow`, {
        node: x,
        value: p,
      });
    }
    if (x < system.busCount) {
      loadRatio[x] = (system.loadMw[x] ?? 0) / p;
    } else {
      lossRatio[x] = (system.lossMw[x] ?? 0) / p;
      sendingRatio[x] = 1;
      receivingRatio[x] = (system.receivingMw[x] ?? 0) / p;
    }
  }
  const generatorNodes = new Int32Array(k);
  const generatorMw = new Float64Array(k);
  const peccA = new Float64Array(k);
  const peccB = new Float64Array(k);
  const peccC = new Float64Array(k);
  const beta = new Float64Array(k);
  system.generators.forEach((gen, g) => {
    if (!(gen.pMw > 0)) {
      throw new CarbonTraceError('INVALID_ARGUMENT', `generator ${g} has non-positive output`, {
        unit: g,
        value: gen.pMw,
      });
    }
    generatorNodes[g] = gen.node;
    generatorMw[g] = gen.pMw;
    const model = gen.source === 'gen' ? byRow.get(gen.genIndex) : undefined;
    if (model?.kind === 'coal') {
      peccA[g] = finite(model.pecc.a, 'a', g);
      peccB[g] = finite(model.pecc.b, 'b', g);
      peccC[g] = finite(model.pecc.c, 'c', g);
      beta[g] = finite(coalIntensityCoefficient(model), 'beta', g);
    } else {
      peccB[g] = 1;
      beta[g] =
        model === undefined || model.kind === 'zero-carbon'
          ? 0
          : finite(model.intensityTco2PerMwh, 'intensityTco2PerMwh', g);
    }
  });
  return {
    system,
    size,
    busCount: system.busCount,
    generatorCount: k,
    offDiagonal: {
      rows: Int32Array.from(system.offDiagonal.rows),
      cols: Int32Array.from(system.offDiagonal.cols),
      values: Float64Array.from(system.offDiagonal.values),
    },
    generatorNodes,
    generatorMw,
    throughFlowMw: Float64Array.from(system.throughFlowMw),
    loadRatio,
    lossRatio,
    sendingRatio,
    receivingRatio,
    peccA,
    peccB,
    peccC,
    beta,
    topologicalOrder:
      system.topologicalOrder === undefined ? undefined : Int32Array.from(system.topologicalOrder),
  };
}

/** The generator power matrix G (N×K, row-major): G[bus(g), g] = P_Gg. */
export function generatorMatrix(problem: OutsourcingProblem): Float64Array {
  const k = problem.generatorCount;
  const g = new Float64Array(problem.size * k);
  for (let u = 0; u < k; u += 1) {
    const node = problem.generatorNodes[u] ?? 0;
    g[node * k + u] = (g[node * k + u] ?? 0) + (problem.generatorMw[u] ?? 0);
  }
  return g;
}

/** `A·X` for an N×K matrix X with the true sparse A = I − F (O(nnz·K)). */
export function multiplyDistributionMatrix(problem: OutsourcingProblem, x: Float64Array): Float64Array {
  const k = problem.generatorCount;
  const out = Float64Array.from(x);
  const { rows, cols, values } = problem.offDiagonal;
  for (let e = 0; e < values.length; e += 1) {
    const r = rows[e] ?? 0;
    const c = cols[e] ?? 0;
    const v = values[e] ?? 0;
    for (let g = 0; g < k; g += 1) out[r * k + g] = (out[r * k + g] ?? 0) + v * (x[c * k + g] ?? 0);
  }
  return out;
}
