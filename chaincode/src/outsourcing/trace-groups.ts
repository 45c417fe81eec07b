/**
 * The decrypted (plaintext) result of one outsourced trace: the component matrix X and the five
 * groups the double check compares (MATH.md §F.2): load components P_L, sending-end branch
 * components P_B^s, loss components P_Δ, PECC F and intensity e_G (plus P_B^r for completeness).
 */
import type { OutsourcingProblem } from './outsourcing-problem';

/** Plaintext trace quantities. N×K matrices are row-major (x·K+g). */
export interface TraceGroups {
  /** X = A⁻¹·G, MW. */
  readonly solutionMw: Float64Array;
  /** P_L = diag(ρ^L)·X, MW. */
  readonly loadMw: Float64Array;
  /** P_B^s = diag(ρ^s)·X, MW. */
  readonly sendingMw: Float64Array;
  /** P_B^r = diag(ρ^r)·X, MW. */
  readonly receivingMw: Float64Array;
  /** P_Δ = diag(ρ^Δ)·X, MW. */
  readonly lossMw: Float64Array;
  /** F_g, t/h of standard coal (P_G for fixed-intensity and zero-carbon units). */
  readonly coalTph: Float64Array;
  /** e_Gg, tCO2/MWh. */
  readonly intensityTco2PerMwh: Float64Array;
}

/** Names of the five compared groups, in the order of MATH.md §F.2. */
export const COMPARED_GROUPS = ['loadMw', 'sendingMw', 'lossMw', 'coalTph', 'intensityTco2PerMwh'] as const;

/** One of the five compared groups. */
export type ComparedGroup = (typeof COMPARED_GROUPS)[number];

/** The five compared groups as plain arrays (what the arbitration state machine stores). */
export type ComparableResult = { readonly [G in ComparedGroup]: readonly number[] };

/** Extracts the five compared groups as plain arrays. */
export function toComparable(groups: TraceGroups): ComparableResult {
  return {
    loadMw: Array.from(groups.loadMw),
    sendingMw: Array.from(groups.sendingMw),
    lossMw: Array.from(groups.lossMw),
    coalTph: Array.from(groups.coalTph),
    intensityTco2PerMwh: Array.from(groups.intensityTco2PerMwh),
  };
}

/** diag(ρ)·X for an N×K matrix X. */
export function scaleRowsBy(ratio: Float64Array, x: Float64Array, k: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < ratio.length; i += 1) {
    const f = ratio[i] ?? 0;
    for (let g = 0; g < k; g += 1) out[i * k + g] = f * (x[i * k + g] ?? 0);
  }
  return out;
}

/** Plaintext PECC and intensity (MATH.md C1–C3, O(K)): F = aP² + bP + c, e_G = β′·F/P. */
export function computePlainCarbon(problem: OutsourcingProblem): {
  coalTph: Float64Array;
  intensityTco2PerMwh: Float64Array;
} {
  const k = problem.generatorCount;
  const coalTph = new Float64Array(k);
  const intensityTco2PerMwh = new Float64Array(k);
  for (let g = 0; g < k; g += 1) {
    const p = problem.generatorMw[g] ?? 0;
    const f = (problem.peccA[g] ?? 0) * p * p + (problem.peccB[g] ?? 0) * p + (problem.peccC[g] ?? 0);
    coalTph[g] = f;
    intensityTco2PerMwh[g] = ((problem.beta[g] ?? 0) * f) / p;
  }
  return { coalTph, intensityTco2PerMwh };
}

/** All groups from a plaintext X (B6–B8) and the plaintext carbon parameters (C1–C3). */
export function groupsFromSolution(problem: OutsourcingProblem, solutionMw: Float64Array): TraceGroups {
  const k = problem.generatorCount;
  return {
    solutionMw,
    loadMw: scaleRowsBy(problem.loadRatio, solutionMw, k),
    sendingMw: scaleRowsBy(problem.sendingRatio, solutionMw, k),
    receivingMw: scaleRowsBy(problem.receivingRatio, solutionMw, k),
    lossMw: scaleRowsBy(problem.lossRatio, solutionMw, k),
    ...computePlainCarbon(problem),
  };
}
