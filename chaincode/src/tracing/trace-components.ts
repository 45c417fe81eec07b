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
import type { TraceMatrixName, TracingWorkspace } from './tracing-workspace';

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

/**
 * Splits X into load, loss and branch components (B6–B8). The sending-end components are X's rows
 * of the virtual nodes themselves (a view of `sharesMw`, not a copy).
 * @param workspace lends the n×K and m×K matrices (overwritten by its next trace); new arrays when absent.
 * @throws CarbonTraceError DIMENSION_MISMATCH when X is not N×K.
 */
export function traceComponents(
  system: DistributionSystem,
  sharesMw: Float64Array,
  workspace?: TracingWorkspace,
): TraceComponents {
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
  const matrix = (name: TraceMatrixName, length: number): Float64Array =>
    workspace?.matrix(name, length) ?? new Float64Array(length);
  const loadMw = matrix('loadComponent', n * k);
  const throughFlowMw = system.throughFlowMw;
  const nodeLoadMw = system.loadMw;
  for (let i = 0; i < n; i += 1) {
    const rho = (nodeLoadMw[i] as number) / (throughFlowMw[i] as number);
    const base = i * k;
    for (let g = 0; g < k; g += 1) loadMw[base + g] = rho * (sharesMw[base + g] as number);
  }
  const lossMw = matrix('lossComponent', m * k);
  const receivingMw = matrix('receivingComponent', m * k);
  const branchLossMw = system.lossMw;
  const branchReceivingMw = system.receivingMw;
  for (let b = 0; b < m; b += 1) {
    const v = n + b;
    const sending = throughFlowMw[v] as number;
    const rhoLoss = (branchLossMw[v] as number) / sending;
    const rhoReceiving = (branchReceivingMw[v] as number) / sending;
    const from = v * k;
    const base = b * k;
    for (let g = 0; g < k; g += 1) {
      const xv = sharesMw[from + g] as number;
      lossMw[base + g] = rhoLoss * xv;
      receivingMw[base + g] = rhoReceiving * xv;
    }
  }
  const sendingMw = sharesMw.subarray(n * k, (n + m) * k);
  return { loadMw, lossMw, sendingMw, receivingMw };
}
