/**
 * The tracing components (MATH.md B6–B8) and their carbon flow rates (D1–D5) in one pass over X,
 * row by row: what `traceComponents` followed by `carbonFlowRates` computes, with the same
 * operations in the same order (so the same numbers, bit for bit), but reading X once and each
 * output once instead of re-reading every components matrix to price it. This is the path of
 * `traceCarbon`; the two separate functions stay for callers that hold only one of the halves.
 *
 * Per real node i (ρ_i = P_Li/P_i):     P_L,i,g = ρ_i·X[i,g],  R_L,i,g = P_L,i,g·e_g
 * Per virtual node v_k (P^s = P_v):     P_B^s = X[v,g], P_Δ = (ΔP/P^s)·X[v,g], P_B^r = (P^r/P^s)·X[v,g],
 *                                       each times e_g for its rate
 * Every node:                           R_x = Σ_g X[x,g]·e_g,  e_N,x = R_x / P_x
 */
import { CarbonTraceError } from '../common/errors';
import type { DistributionSystem } from '../tracing/distribution-system';
import type { TraceComponents } from '../tracing/trace-components';
import type { TraceMatrixName, TracingWorkspace } from '../tracing/tracing-workspace';
import type { CarbonFlowRates } from './carbon-flow-rates';

/** Components and rates of one trace. */
export interface CarbonFlows {
  readonly components: TraceComponents;
  readonly rates: CarbonFlowRates;
  /**
   * K: Σ_i R_L,i,g + Σ_k R_Δ,k,g per unit, accumulated row by row (loads, then losses) as the C-ii
   * check accumulates the rates matrices, so that the check need not read them again.
   */
  readonly endedByUnitTco2PerH: Float64Array;
}

/**
 * B6–B8 and D1–D5 from X and e_G in one pass.
 * @param workspace lends the n×K and m×K matrices (overwritten by its next trace); new arrays when absent.
 * @throws CarbonTraceError DIMENSION_MISMATCH when X is not N×K.
 */
export function carbonFlowsOnePass(
  system: DistributionSystem,
  sharesMw: Float64Array,
  intensities: Float64Array,
  workspace?: TracingWorkspace,
): CarbonFlows {
  const n = system.busCount;
  const m = system.branchCount;
  const size = system.size;
  const k = intensities.length;
  if (sharesMw.length !== size * k || system.generators.length !== k) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'X is not N×K', { length: sharesMw.length, size, k });
  }
  const matrix = (name: TraceMatrixName, length: number): Float64Array =>
    workspace?.matrix(name, length) ?? new Float64Array(length);
  const loadMw = matrix('loadComponent', n * k);
  const lossMw = matrix('lossComponent', m * k);
  const receivingMw = matrix('receivingComponent', m * k);
  const loadRate = matrix('loadRate', n * k);
  const sendingRate = matrix('sendingRate', m * k);
  const receivingRate = matrix('receivingRate', m * k);
  const lossRate = matrix('lossRate', m * k);
  const loadTotal = new Float64Array(n);
  const sendingTotal = new Float64Array(m);
  const receivingTotal = new Float64Array(m);
  const lossTotal = new Float64Array(m);
  const nodeTco2PerH = new Float64Array(size);
  const nodeIntensityTco2PerMwh = new Float64Array(size);
  const throughFlowMw = system.throughFlowMw;
  const nodeLoadMw = system.loadMw;
  const ended = new Float64Array(k);
  for (let i = 0; i < n; i += 1) {
    const rho = (nodeLoadMw[i] as number) / (throughFlowMw[i] as number);
    const base = i * k;
    let load = 0;
    let node = 0;
    for (let g = 0; g < k; g += 1) {
      const e = intensities[g] as number;
      const x = sharesMw[base + g] as number;
      const component = rho * x;
      loadMw[base + g] = component;
      const rate = component * e;
      loadRate[base + g] = rate;
      ended[g] = (ended[g] as number) + rate;
      load += rate;
      node += x * e;
    }
    loadTotal[i] = load;
    nodeTco2PerH[i] = node;
    nodeIntensityTco2PerMwh[i] = node / (throughFlowMw[i] as number);
  }
  const branchLossMw = system.lossMw;
  const branchReceivingMw = system.receivingMw;
  for (let b = 0; b < m; b += 1) {
    const v = n + b;
    const sending = throughFlowMw[v] as number;
    const rhoLoss = (branchLossMw[v] as number) / sending;
    const rhoReceiving = (branchReceivingMw[v] as number) / sending;
    const from = v * k;
    const base = b * k;
    let sent = 0;
    let received = 0;
    let lost = 0;
    for (let g = 0; g < k; g += 1) {
      const e = intensities[g] as number;
      const xv = sharesMw[from + g] as number;
      const loss = rhoLoss * xv;
      const receiving = rhoReceiving * xv;
      lossMw[base + g] = loss;
      receivingMw[base + g] = receiving;
      const sendingRateValue = xv * e;
      sendingRate[base + g] = sendingRateValue;
      sent += sendingRateValue;
      const receivingRateValue = receiving * e;
      receivingRate[base + g] = receivingRateValue;
      received += receivingRateValue;
      const lossRateValue = loss * e;
      lossRate[base + g] = lossRateValue;
      ended[g] = (ended[g] as number) + lossRateValue;
      lost += lossRateValue;
    }
    sendingTotal[b] = sent;
    receivingTotal[b] = received;
    lossTotal[b] = lost;
    // R_v = Σ_g X[v,g]·e_g: the sending-end sum, term for term.
    nodeTco2PerH[v] = sent;
    nodeIntensityTco2PerMwh[v] = sent / sending;
  }
  return {
    components: { loadMw, lossMw, sendingMw: sharesMw.subarray(n * k, size * k), receivingMw },
    rates: {
      loadByGeneratorTco2PerH: loadRate,
      loadTco2PerH: loadTotal,
      sendingByGeneratorTco2PerH: sendingRate,
      sendingTco2PerH: sendingTotal,
      receivingByGeneratorTco2PerH: receivingRate,
      receivingTco2PerH: receivingTotal,
      lossByGeneratorTco2PerH: lossRate,
      lossTco2PerH: lossTotal,
      nodeTco2PerH,
      nodeIntensityTco2PerMwh,
    },
    endedByUnitTco2PerH: ended,
  };
}
