/**
 * MATH.md D1–D6: carbon flow rates of loads, branches and losses, node carbon through-flows and
 * nodal intensities (carbon potentials), from the tracing components and the unit intensities.
 *
 * (D1) R_L,i,g = P_L,i,g · e_Gg,     R_L,i = Σ_g R_L,i,g                 [tCO2/h]
 * (D2) R_B,k,g^s = P_B,k,g^s · e_Gg, R_B,k^s = Σ_g ...   (receiving end ^r likewise)
 * (D3) R_Δ,k,g = P_Δ,k,g · e_Gg,     R_Δ,k = Σ_g R_Δ,k,g
 * (D4) R_x = Σ_g X[x,g] · e_Gg       (node carbon through-flow)
 * (D5) e_N,x = R_x / P_x             (nodal intensity, Kang/Zhou)
 * (D6) branch carbon density R_B,k/P_B,k = e_N of the sending bus (reported via e_N of v_k)
 */
import { CarbonTraceError } from '../common/errors';
import type { DistributionSystem } from '../tracing/distribution-system';
import type { TraceComponents } from '../tracing/trace-components';
import type { TraceMatrixName, TracingWorkspace } from '../tracing/tracing-workspace';

/** Carbon flow rates; per-unit matrices are row-major with K columns. */
export interface CarbonFlowRates {
  /** n×K: R_L,i,g (D1). */
  readonly loadByGeneratorTco2PerH: Float64Array;
  /** n: R_L,i (D1). */
  readonly loadTco2PerH: Float64Array;
  /** m×K: R_B,k,g^s (D2). */
  readonly sendingByGeneratorTco2PerH: Float64Array;
  /** m: R_B,k^s (D2). */
  readonly sendingTco2PerH: Float64Array;
  /** m×K: R_B,k,g^r (D2). */
  readonly receivingByGeneratorTco2PerH: Float64Array;
  /** m: R_B,k^r (D2). */
  readonly receivingTco2PerH: Float64Array;
  /** m×K: R_Δ,k,g (D3). */
  readonly lossByGeneratorTco2PerH: Float64Array;
  /** m: R_Δ,k (D3). */
  readonly lossTco2PerH: Float64Array;
  /** N: R_x (D4). */
  readonly nodeTco2PerH: Float64Array;
  /** N: e_N,x (D5), tCO2/MWh. */
  readonly nodeIntensityTco2PerMwh: Float64Array;
}

/**
 * (D1–D3) Multiplies a components matrix by e_G column-wise into `byGenerator` and sums each row.
 * @throws CarbonTraceError DIMENSION_MISMATCH when the components do not have K columns.
 */
function price(
  components: Float64Array,
  intensities: Float64Array,
  rows: number,
  byGenerator: Float64Array,
): { byGenerator: Float64Array; total: Float64Array } {
  const k = intensities.length;
  if (components.length !== rows * k || byGenerator.length !== rows * k) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'components do not have K columns', {
      length: components.length,
      rows,
      k,
    });
  }
  const total = new Float64Array(rows);
  for (let r = 0; r < rows; r += 1) {
    let sum = 0;
    const base = r * k;
    for (let g = 0; g < k; g += 1) {
      const value = (components[base + g] as number) * (intensities[g] as number);
      byGenerator[base + g] = value;
      sum += value;
    }
    total[r] = sum;
  }
  return { byGenerator, total };
}

/**
 * Computes D1–D5. `intensities` is e_G in the system's generator order.
 * @param workspace lends the per-unit matrices (overwritten by its next trace); new arrays when absent.
 * @throws CarbonTraceError DIMENSION_MISMATCH when X or a components matrix does not fit the system.
 */
export function carbonFlowRates(
  system: DistributionSystem,
  sharesMw: Float64Array,
  components: TraceComponents,
  intensities: Float64Array,
  workspace?: TracingWorkspace,
): CarbonFlowRates {
  const n = system.busCount;
  const m = system.branchCount;
  const size = system.size;
  const k = intensities.length;
  const matrix = (name: TraceMatrixName, length: number): Float64Array =>
    workspace?.matrix(name, length) ?? new Float64Array(length);
  const load = price(components.loadMw, intensities, n, matrix('loadRate', n * k));
  const sending = price(components.sendingMw, intensities, m, matrix('sendingRate', m * k));
  const receiving = price(components.receivingMw, intensities, m, matrix('receivingRate', m * k));
  const loss = price(components.lossMw, intensities, m, matrix('lossRate', m * k));
  if (sharesMw.length !== size * k) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'X is not N×K', { length: sharesMw.length, size, k });
  }
  // (D4) R_x = Σ_g X[x,g]·e_Gg, summed as `price` sums a row; (D5) e_N,x = R_x / P_x.
  const nodeTco2PerH = new Float64Array(size);
  const nodeIntensityTco2PerMwh = new Float64Array(size);
  const throughFlowMw = system.throughFlowMw;
  for (let x = 0; x < size; x += 1) {
    let sum = 0;
    const base = x * k;
    for (let g = 0; g < k; g += 1) sum += (sharesMw[base + g] as number) * (intensities[g] as number);
    nodeTco2PerH[x] = sum;
    nodeIntensityTco2PerMwh[x] = sum / (throughFlowMw[x] as number);
  }
  return {
    loadByGeneratorTco2PerH: load.byGenerator,
    loadTco2PerH: load.total,
    sendingByGeneratorTco2PerH: sending.byGenerator,
    sendingTco2PerH: sending.total,
    receivingByGeneratorTco2PerH: receiving.byGenerator,
    receivingTco2PerH: receiving.total,
    lossByGeneratorTco2PerH: loss.byGenerator,
    lossTco2PerH: loss.total,
    nodeTco2PerH,
    nodeIntensityTco2PerMwh,
  };
}
