/**
 * Condition "b" (MATH.md §E.4, §E.5, §E.7a): turn a provider's masked result back into plaintext
 * with the key that masked its task. O(N·K) for every profile.
 *
 * - dense / monomial: X = R·X̃·Λ⁻¹ (E9); P_L, P_B^s, P_B^r, P_Δ = (virtual component)·Λ⁻¹ (E10);
 * - hardened: X′·Λ = M·Ỹ − Z, X = Pᵀ·X′; the components are diag(ρ)·X, applied here;
 * - PECC and intensity: F = F̃/κ (E17), e_G = λ·ẽ/(τ·κ) (E18).
 */
import { CarbonTraceError } from '../common/errors';
import type { MaskKey, MonomialMaskKey } from './mask-key';
import type { MaskedResult } from './masked-payloads';
import type { OutsourcingProblem } from './outsourcing-problem';
import { scaleRowsBy, type TraceGroups } from './trace-groups';

/** Y·Λ⁻¹ for an N×K matrix given as an array, optionally row-scaled by d first (diag(d)·Y·Λ⁻¹). */
function unscale(
  values: readonly number[],
  lambda: Float64Array,
  n: number,
  k: number,
  rowScale?: Float64Array,
) {
  const out = new Float64Array(n * k);
  for (let x = 0; x < n; x += 1) {
    const d = rowScale === undefined ? 1 : (rowScale[x] ?? 1);
    for (let g = 0; g < k; g += 1) out[x * k + g] = (d * (values[x * k + g] ?? 0)) / (lambda[g] ?? 1);
  }
  return out;
}

/**
 * Unmasks one provider's result.
 * @throws CarbonTraceError DIMENSION_MISMATCH when the result does not fit the key.
 */
export function unmaskResult(problem: OutsourcingProblem, key: MaskKey, result: MaskedResult): TraceGroups {
  const n = problem.size;
  const k = problem.generatorCount;
  if (key.size !== n || key.generatorCount !== k || result.solution.length !== n * k) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'result does not fit the key and task', {
      size: n,
      generators: k,
      solution: result.solution.length,
    });
  }
  const coalTph = new Float64Array(k);
  const intensityTco2PerMwh = new Float64Array(k);
  for (let g = 0; g < k; g += 1) {
    const kappa = key.kappa[g] ?? 1;
    coalTph[g] = (result.carbon.coal[g] ?? 0) / kappa;
    intensityTco2PerMwh[g] =
      ((key.lambda[g] ?? 1) * (result.carbon.intensity[g] ?? 0)) / ((key.tau[g] ?? 1) * kappa);
  }
  if (key.profile === 'hardened') {
    const solutionMw = new Float64Array(n * k);
    for (let i = 0; i < n; i += 1) {
      const mu = key.outputPermutation[i] ?? i;
      const m = key.outputScale[i] ?? 1;
      const node = key.symmetricPermutation[i] ?? i;
      for (let g = 0; g < k; g += 1) {
        const xLambda = m * (result.solution[mu * k + g] ?? 0) - (key.offset[i * k + g] ?? 0);
        solutionMw[node * k + g] = xLambda / (key.lambda[g] ?? 1);
      }
    }
    return {
      solutionMw,
      loadMw: scaleRowsBy(problem.loadRatio, solutionMw, k),
      sendingMw: scaleRowsBy(problem.sendingRatio, solutionMw, k),
      receivingMw: scaleRowsBy(problem.receivingRatio, solutionMw, k),
      lossMw: scaleRowsBy(problem.lossRatio, solutionMw, k),
      coalTph,
      intensityTco2PerMwh,
    };
  }
  const components = result.components;
  if (components === null) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'result lacks the virtual components', {
      profile: key.profile,
    });
  }
  return {
    solutionMw: unscale(result.solution, key.lambda, n, k, key.r),
    loadMw: unscale(components.load, key.lambda, n, k),
    sendingMw: unscale(components.sending, key.lambda, n, k),
    receivingMw: unscale(components.receiving, key.lambda, n, k),
    lossMw: unscale(components.loss, key.lambda, n, k),
    coalTph,
    intensityTco2PerMwh,
  };
}

/**
 * E8 for the monomial profile: B = A⁻¹ = R·B̃·Q, O(N²) (for a dense Q this is an O(N³) product
 * and is not offered).
 */
export function unmaskInverse(key: MonomialMaskKey, inverse: readonly number[]): Float64Array {
  const n = key.size;
  const out = new Float64Array(n * n);
  // (B̃·Q)[x, π(i)] = B̃[x, i]·s_i; then row x scaled by r_x.
  for (let x = 0; x < n; x += 1) {
    const rx = key.r[x] ?? 1;
    for (let i = 0; i < n; i += 1) {
      const col = key.permutation[i] ?? i;
      out[x * n + col] = rx * (inverse[x * n + i] ?? 0) * (key.scale[i] ?? 1);
    }
  }
  return out;
}
