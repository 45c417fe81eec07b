/**
 * Each unit's share of every load, branch end and loss (MATH.md B6–B8), from X = A⁻¹·G:
 *
 * - (B6) load:    P_L,i,g = (P_Li / P_i) · X[i,g]                      (real node i)
 * - (B7) loss:    P_Δ,k,g = (ΔP_k / P_k^s) · X[v_k,g]
 * - (B8) branch:  P_B,k,g^s = X[v_k,g],   P_B,k,g^r = (P_k^r / P_k^s) · X[v_k,g]
 *
 * All matrices are row-major `Float64Array`s with K columns: loads n×K, branches and losses m×K.
 */
import { CarbonTraceError } from '../common/errors';
import type { DistributionSystem } from './distribution-system';

/** Per-unit components, MW. */
export interface TraceComponents {
  /** n×K: P_L,i,g (B6). */
  readonly loadMw: Float64Array;
  /** m×K: P_Δ,k,g (B7). */
  readonly lossMw: Float64Array;
  /** m×K: P_B,k,g^s, sending end (B8). */
  readonly sendingMw: Float64Array;
  /** m×K: P_B,k,g^r, receiving end (B8). */
  readonly receivingMw: Float64Array;
}

/** Splits X into load, loss and branch components (B6–B8). */
export function traceComponents(system: DistributionSystem, sharesMw: Float64Array): TraceComponents {
  const k = system.generators.length;
  const n = system.busCount;
  const m = system.branchCount;
  if (sharesMw.length !== system.size * k) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'X is not N×K', {
      length: sharesMw.length,
      size: system.size,
      k,
    });
  }
  const loadMw = new Float64Array(n * k);
  for (let i = 0; i < n; i += 1) {
    const rho = (system.loadMw[i] as number) / (system.throughFlowMw[i] as number);
    for (let g = 0; g < k; g += 1) loadMw[i * k + g] = rho * (sharesMw[i * k + g] as number);
  }
  const lossMw = new Float64Array(m * k);
  const sendingMw = new Float64Array(m * k);
  const receivingMw = new Float64Array(m * k);
  for (let b = 0; b < m; b += 1) {
    const v = n + b;
    const sending = system.throughFlowMw[v] as number;
    const rhoLoss = (system.lossMw[v] as number) / sending;
    const rhoReceiving = (system.receivingMw[v] as number) / sending;
    for (let g = 0; g < k; g += 1) {
      const xv = sharesMw[v * k + g] as number;
      sendingMw[b * k + g] = xv;
      lossMw[b * k + g] = rhoLoss * xv;
      receivingMw[b * k + g] = rhoReceiving * xv;
    }
  }
  return { loadMw, lossMw, sendingMw, receivingMw };
}
