/**
 * Condition "a" (MATH.md §E.2, §E.5, §E.7a): mask the plaintext task with a one-time key.
 *
 * - dense / monomial: Ã = Q·A·R (E1), G̃ = Q·G·Λ (E2), ρ̃ = r ⊙ ρ (E3);
 * - hardened: Ã = Q·A′·M, G̃ = Q·(G′·Λ + A′·Z), no ρ̃ (the client applies ρ after unmasking);
 * - every profile: P̃_G = λ ⊙ P_G, θ̃ = κ·(a/λ², b/λ, c) (E12), β̃ = τ·β′ (E15).
 *
 * Cost: O(nnz(A)) for monomial; O(N·nnz(A) + N²·K) for dense and hardened (plus the O(N³)
 * conditioning check made when the key was drawn).
 */
import { CarbonTraceError } from '../common/errors';
import { generateMaskKey, type MaskKey, type MaskProfile } from './mask-key';
import type { MaskedCarbonInputs, MaskedMatrix, MaskedTask } from './masked-payloads';
import type { OutsourcingProblem } from './outsourcing-problem';

/** Options of {@link maskTask}. */
export interface MaskTaskOptions {
  readonly taskId: string;
  /** Provider number j. */
  readonly provider: number;
  /**
   * Ask the provider to return the dense inverse B̃ = Ã⁻¹ as well (E7), checked by Freivalds.
   * @default false
   */
  readonly returnInverse?: boolean;
}

/** Entries of A (diagonal included) as parallel arrays, after an optional symmetric permutation. */
function entriesOfA(
  problem: OutsourcingProblem,
  inverseSigma?: Int32Array,
): {
  rows: Int32Array;
  cols: Int32Array;
  values: Float64Array;
} {
  const n = problem.size;
  const off = problem.offDiagonal;
  const count = n + off.values.length;
  const rows = new Int32Array(count);
  const cols = new Int32Array(count);
  const values = new Float64Array(count);
  const map = (x: number): number => (inverseSigma === undefined ? x : (inverseSigma[x] ?? x));
  for (let x = 0; x < n; x += 1) {
    rows[x] = map(x);
    cols[x] = map(x);
    values[x] = 1;
  }
  for (let e = 0; e < off.values.length; e += 1) {
    rows[n + e] = map(off.rows[e] ?? 0);
    cols[n + e] = map(off.cols[e] ?? 0);
    values[n + e] = off.values[e] ?? 0;
  }
  return { rows, cols, values };
}

/** Dense Q (N×N) times a sparse matrix given by entries: O(N·nnz). */
function denseTimesSparse(
  q: Float64Array,
  n: number,
  rows: Int32Array,
  cols: Int32Array,
  values: Float64Array,
): Float64Array {
  const out = new Float64Array(n * n);
  for (let e = 0; e < values.length; e += 1) {
    const r = rows[e] ?? 0;
    const c = cols[e] ?? 0;
    const v = values[e] ?? 0;
    for (let i = 0; i < n; i += 1) out[i * n + c] = (out[i * n + c] ?? 0) + (q[i * n + r] ?? 0) * v;
  }
  return out;
}

function maskCarbon(problem: OutsourcingProblem, key: MaskKey): MaskedCarbonInputs {
  const k = problem.generatorCount;
  const generatorMw: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  const beta: number[] = [];
  for (let g = 0; g < k; g += 1) {
    const lambda = key.lambda[g] ?? 1;
    const kappa = key.kappa[g] ?? 1;
    generatorMw.push(lambda * (problem.generatorMw[g] ?? 0));
    a.push((kappa * (problem.peccA[g] ?? 0)) / (lambda * lambda));
    b.push((kappa * (problem.peccB[g] ?? 0)) / lambda);
    c.push(kappa * (problem.peccC[g] ?? 0));
    beta.push((key.tau[g] ?? 1) * (problem.beta[g] ?? 0));
  }
  return { generatorMw, a, b, c, beta };
}

/**
 * Masks a task for one provider (condition "a"). Deterministic in (problem, key).
 * @throws CarbonTraceError DIMENSION_MISMATCH when the key does not fit the problem.
 */
export function maskTask(
  problem: OutsourcingProblem,
  key: MaskKey,
  options: Readonly<MaskTaskOptions>,
): MaskedTask {
  const n = problem.size;
  const k = problem.generatorCount;
  if (key.size !== n || key.generatorCount !== k) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'mask key does not fit the task', {
      keySize: key.size,
      size: n,
      keyGenerators: key.generatorCount,
      generators: k,
    });
  }
  let matrix: MaskedMatrix;
  const rhs = new Float64Array(n * k);
  let ratios: MaskedTask['ratios'] = null;
  if (key.profile === 'hardened') {
    const sigma = key.symmetricPermutation;
    const inverseSigma = new Int32Array(n);
    for (let i = 0; i < n; i += 1) inverseSigma[sigma[i] ?? i] = i;
    // A′ = P·A·Pᵀ: entry (x, y) of A moves to (σ⁻¹(x), σ⁻¹(y)).
    const a = entriesOfA(problem, inverseSigma);
    // A′·M: entry (r, j, v) becomes (r, μ(j), v·m_j).
    const amCols = new Int32Array(a.cols.length);
    const amValues = new Float64Array(a.values.length);
    for (let e = 0; e < a.values.length; e += 1) {
      const j = a.cols[e] ?? 0;
      amCols[e] = key.outputPermutation[j] ?? j;
      amValues[e] = (a.values[e] ?? 0) * (key.outputScale[j] ?? 1);
    }
    matrix = { layout: 'dense', values: Array.from(denseTimesSparse(key.q, n, a.rows, amCols, amValues)) };
    // W = G′·Λ + A′·Z, then G̃ = Q·W.
    const w = new Float64Array(n * k);
    for (let g = 0; g < k; g += 1) {
      const node = inverseSigma[problem.generatorNodes[g] ?? 0] ?? 0;
      w[node * k + g] = (w[node * k + g] ?? 0) + (problem.generatorMw[g] ?? 0) * (key.lambda[g] ?? 1);
    }
    for (let e = 0; e < a.values.length; e += 1) {
      const r = a.rows[e] ?? 0;
      const c = a.cols[e] ?? 0;
      const v = a.values[e] ?? 0;
      for (let g = 0; g < k; g += 1) w[r * k + g] = (w[r * k + g] ?? 0) + v * (key.offset[c * k + g] ?? 0);
    }
    for (let i = 0; i < n; i += 1) {
      for (let j = 0; j < n; j += 1) {
        const qij = key.q[i * n + j] ?? 0;
        for (let g = 0; g < k; g += 1) rhs[i * k + g] = (rhs[i * k + g] ?? 0) + qij * (w[j * k + g] ?? 0);
      }
    }
  } else {
    const a = entriesOfA(problem);
    // A·R: scale column c by r_c.
    const arValues = new Float64Array(a.values.length);
    for (let e = 0; e < a.values.length; e += 1)
      arValues[e] = (a.values[e] ?? 0) * (key.r[a.cols[e] ?? 0] ?? 1);
    if (key.profile === 'dense') {
      matrix = { layout: 'dense', values: Array.from(denseTimesSparse(key.q, n, a.rows, a.cols, arValues)) };
      for (let g = 0; g < k; g += 1) {
        const node = problem.generatorNodes[g] ?? 0;
        const p = (problem.generatorMw[g] ?? 0) * (key.lambda[g] ?? 1);
        for (let i = 0; i < n; i += 1)
          rhs[i * k + g] = (rhs[i * k + g] ?? 0) + (key.q[i * n + node] ?? 0) * p;
      }
    } else {
      // Q[i, π(i)] = s_i: row y of A·R becomes row π⁻¹(y) of Ã, scaled by s.
      const inversePi = new Int32Array(n);
      for (let i = 0; i < n; i += 1) inversePi[key.permutation[i] ?? i] = i;
      const rows: number[] = [];
      const cols: number[] = [];
      const values: number[] = [];
      for (let e = 0; e < arValues.length; e += 1) {
        const row = inversePi[a.rows[e] ?? 0] ?? 0;
        rows.push(row);
        cols.push(a.cols[e] ?? 0);
        values.push((key.scale[row] ?? 1) * (arValues[e] ?? 0));
      }
      matrix = { layout: 'coordinate', rows, cols, values };
      for (let g = 0; g < k; g += 1) {
        const row = inversePi[problem.generatorNodes[g] ?? 0] ?? 0;
        rhs[row * k + g] =
          (rhs[row * k + g] ?? 0) +
          (key.scale[row] ?? 1) * (problem.generatorMw[g] ?? 0) * (key.lambda[g] ?? 1);
      }
    }
    const masked = (rho: Float64Array): number[] => Array.from(rho, (v, x) => v * (key.r[x] ?? 1));
    ratios = {
      load: masked(problem.loadRatio),
      loss: masked(problem.lossRatio),
      sending: masked(problem.sendingRatio),
      receiving: masked(problem.receivingRatio),
    };
  }
  return {
    format: 'carbontrace/masked-task@1',
    taskId: options.taskId,
    provider: options.provider,
    profile: key.profile,
    size: n,
    generatorCount: k,
    matrix,
    rhs: Array.from(rhs),
    ratios,
    carbon: maskCarbon(problem, key),
    returnInverse: options.returnInverse ?? false,
  };
}

/** What {@link generateTaskKey} needs besides the problem. */
export interface TaskKeyRequest {
  /** Caller seed (transient data); the same seed gives the same key on every endorser. */
  readonly seed: Uint8Array | string;
  readonly taskId: string;
  /** Provider number j. */
  readonly provider: number;
  readonly profile: MaskProfile;
}

/**
 * The one-time key of a task and provider, sized for the problem, with the hardened additive
 * mask scaled row by row by the through-flow P_x (so it hides X·Λ at every node without costing
 * accuracy on small flows). The one place that sets this policy: the chaincode and the local
 * simulation both call it.
 */
export function generateTaskKey(problem: OutsourcingProblem, request: Readonly<TaskKeyRequest>): MaskKey {
  return generateMaskKey({
    ...request,
    size: problem.size,
    generatorCount: problem.generatorCount,
    offsetScaleMw: Array.from(problem.throughFlowMw),
  });
}
