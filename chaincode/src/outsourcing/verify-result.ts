/**
 * Verification of decrypted results (MATH.md §F.2, §F.4):
 * - {@link compareResults}: the double-check match of two results over the five groups,
 *   |u − u′| ≤ ε_abs + ε_rel·max(|u|, |u′|);
 * - {@link verifyResult}: the residual ‖A·X − G‖∞ ≤ ε·‖G‖∞ against the TRUE sparse A, plus the
 *   components (P_L = diag(ρ^L)·X, ...) and the O(K) PECC/intensity recomputation. This is what
 *   catches lazy all-zero answers and colluding identical wrong answers (E.7-5);
 * - {@link freivaldsCheck}: a returned dense inverse B̃ ≈ Ã⁻¹, k rounds of ±1 vectors, O(k·N²).
 */
import { SeededRandom } from '../common/prng';
import { generatorMatrix, multiplyDistributionMatrix, type OutsourcingProblem } from './outsourcing-problem';
import type { MaskedMatrix } from './masked-payloads';
import {
  COMPARED_GROUPS,
  computePlainCarbon,
  scaleRowsBy,
  type ComparableResult,
  type ComparedGroup,
  type TraceGroups,
} from './trace-groups';

/** Tolerances of the F.2 match. */
export interface MatchTolerance {
  /** @default 1e-7 */
  readonly relative: number;
  /** MW, t/h or tCO2/MWh. @default 1e-6 */
  readonly absolute: number;
}

/** The F.2 defaults: ε_rel = 1e-7, ε_abs = 1e-6. */
export const DEFAULT_MATCH_TOLERANCE: MatchTolerance = { relative: 1e-7, absolute: 1e-6 };

/** The F.4 residual tolerance ε (relative to ‖G‖∞). */
export const RESIDUAL_TOLERANCE = 1e-9;

/** Outcome of {@link compareResults}. */
export interface ComparisonOutcome {
  readonly match: boolean;
  /** Largest |u − u′| / (ε_abs + ε_rel·max(|u|,|u′|)) over all entries (≤ 1 ⇔ match). */
  readonly worstRatio: number;
  /** Where the worst ratio was found. */
  readonly worstGroup: ComparedGroup;
  readonly worstIndex: number;
}

/** The F.2 comparison of two results over the five groups. */
export function compareResults(
  left: ComparableResult,
  right: ComparableResult,
  tolerance: MatchTolerance = DEFAULT_MATCH_TOLERANCE,
): ComparisonOutcome {
  let worstRatio = 0;
  let worstGroup: ComparedGroup = 'loadMw';
  let worstIndex = -1;
  let match = true;
  for (const group of COMPARED_GROUPS) {
    const a = left[group];
    const b = right[group];
    if (a.length !== b.length) {
      return { match: false, worstRatio: Number.MAX_VALUE, worstGroup: group, worstIndex: -1 };
    }
    for (let i = 0; i < a.length; i += 1) {
      const u = a[i] ?? 0;
      const v = b[i] ?? 0;
      const bound = tolerance.absolute + tolerance.relative * Math.max(Math.abs(u), Math.abs(v));
      const diff = Math.abs(u - v);
      if (!(diff <= bound)) match = false;
      const ratio = diff / bound;
      if (!(ratio <= worstRatio)) {
        worstRatio = Number.isFinite(ratio) ? ratio : Number.MAX_VALUE;
        worstGroup = group;
        worstIndex = i;
      }
    }
  }
  return { match, worstRatio, worstGroup, worstIndex };
}

/** Outcome of {@link verifyResult}. */
export interface VerificationOutcome {
  /** True when every check passes. */
  readonly valid: boolean;
  /** ‖A·X − G‖∞ / ‖G‖∞. */
  readonly residualRelative: number;
  /** Names of the failed checks (empty when valid). */
  readonly failures: readonly string[];
}

/**
 * Verifies one decrypted result against the true sparse A (F.4): the residual, the components
 * derived from X, and the PECC/intensity recomputed locally in O(K). Cost O(nnz(A)·K + N·K).
 */
export function verifyResult(
  problem: OutsourcingProblem,
  groups: TraceGroups,
  tolerance: MatchTolerance = DEFAULT_MATCH_TOLERANCE,
): VerificationOutcome {
  const k = problem.generatorCount;
  const failures: string[] = [];
  const g = generatorMatrix(problem);
  const ax = multiplyDistributionMatrix(problem, groups.solutionMw);
  let residual = 0;
  let gNorm = 0;
  for (let i = 0; i < g.length; i += 1) {
    const d = Math.abs((ax[i] ?? 0) - (g[i] ?? 0));
    if (!(d <= residual)) residual = Number.isFinite(d) ? d : Number.MAX_VALUE;
    gNorm = Math.max(gNorm, Math.abs(g[i] ?? 0));
  }
  const residualRelative = residual / gNorm;
  if (!(residualRelative <= RESIDUAL_TOLERANCE)) failures.push('residual');
  const x = groups.solutionMw;
  const plain = computePlainCarbon(problem);
  const expected: ComparableResult = {
    loadMw: Array.from(scaleRowsBy(problem.loadRatio, x, k)),
    sendingMw: Array.from(scaleRowsBy(problem.sendingRatio, x, k)),
    lossMw: Array.from(scaleRowsBy(problem.lossRatio, x, k)),
    coalTph: Array.from(plain.coalTph),
    intensityTco2PerMwh: Array.from(plain.intensityTco2PerMwh),
  };
  const actual: ComparableResult = {
    loadMw: Array.from(groups.loadMw),
    sendingMw: Array.from(groups.sendingMw),
    lossMw: Array.from(groups.lossMw),
    coalTph: Array.from(groups.coalTph),
    intensityTco2PerMwh: Array.from(groups.intensityTco2PerMwh),
  };
  const consistency = compareResults(actual, expected, tolerance);
  if (!consistency.match) failures.push(`consistency:${consistency.worstGroup}`);
  return { valid: failures.length === 0, residualRelative, failures };
}

/** Outcome of {@link freivaldsCheck}. */
export interface FreivaldsOutcome {
  readonly accepted: boolean;
  /** Rounds run (stops at the first failing round). */
  readonly rounds: number;
  /** Largest |Ã·(B̃·z) − z|_i / (|Ã|·|B̃|·|z|)_i seen. */
  readonly worstRelative: number;
}

/**
 * Freivalds' check that B̃ ≈ Ã⁻¹ with `rounds` random ±1 vectors (O(rounds·N²)): accept when
 * every component satisfies |Ã·(B̃·z) − z|_i ≤ ε·(|Ã|·(|B̃|·1))_i. A wrong B̃ passes a round with
 * probability ≤ 1/2 in exact arithmetic.
 */
export function freivaldsCheck(
  matrix: MaskedMatrix,
  inverse: readonly number[],
  size: number,
  rng: SeededRandom,
  rounds = 20,
  epsilon = 1e-9,
): FreivaldsOutcome {
  const n = size;
  const multiply = (v: Float64Array, absolute: boolean): Float64Array => {
    const out = new Float64Array(n);
    if (matrix.layout === 'dense') {
      for (let i = 0; i < n; i += 1) {
        let s = 0;
        for (let j = 0; j < n; j += 1) {
          const m = matrix.values[i * n + j] ?? 0;
          s += (absolute ? Math.abs(m) : m) * (v[j] ?? 0);
        }
        out[i] = s;
      }
    } else {
      for (let e = 0; e < matrix.values.length; e += 1) {
        const r = matrix.rows[e] ?? 0;
        const m = matrix.values[e] ?? 0;
        out[r] = (out[r] ?? 0) + (absolute ? Math.abs(m) : m) * (v[matrix.cols[e] ?? 0] ?? 0);
      }
    }
    return out;
  };
  // Scale vector |Ã|·(|B̃|·1), computed once.
  const absRowSums = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    let s = 0;
    for (let j = 0; j < n; j += 1) s += Math.abs(inverse[i * n + j] ?? 0);
    absRowSums[i] = s;
  }
  const scale = multiply(absRowSums, true);
  let worstRelative = 0;
  for (let round = 1; round <= rounds; round += 1) {
    const z = new Float64Array(n);
    for (let i = 0; i < n; i += 1) z[i] = rng.nextSign();
    const bz = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      let s = 0;
      for (let j = 0; j < n; j += 1) s += (inverse[i * n + j] ?? 0) * (z[j] ?? 0);
      bz[i] = s;
    }
    const abz = multiply(bz, false);
    for (let i = 0; i < n; i += 1) {
      const relative = Math.abs((abz[i] ?? 0) - (z[i] ?? 0)) / (scale[i] ?? 0);
      const finiteRelative = Number.isFinite(relative) ? relative : Number.MAX_VALUE;
      if (finiteRelative > worstRelative) worstRelative = finiteRelative;
    }
    if (!(worstRelative <= epsilon)) return { accepted: false, rounds: round, worstRelative };
  }
  return { accepted: true, rounds, worstRelative };
}
