/**
 * One-time masking keys (MATH.md §E.1 and §E.7a), derived deterministically from a caller's seed
 * so that every endorser draws the same bytes. One key per task and per provider
 * ("encryption method j"); never reuse one (MATH.md E.7-1).
 *
 * Profiles:
 * - `dense`: K = (Q dense, r, λ, κ, τ); Ã = Q·A·R. Q is rejected and redrawn when its estimated
 *   1-norm condition number exceeds {@link MAX_MASK_CONDITION}.
 * - `monomial`: Q = Π·diag(s) with Q[i, π(i)] = s_i; Ã = Q·A·R keeps A's sparsity.
 * - `hardened` (E.7a): a secret symmetric permutation σ, a dense left Q, a monomial right M
 *   (M[i, μ(i)] = m_i) and an additive output mask Z: Ã = Q·A′·M, G̃ = Q·(G′·Λ + A′·Z),
 *   X′·Λ = M·Ỹ − Z, with A′ = P·A·Pᵀ, G′ = P·G, X′ = P·X and P[i, σ(i)] = 1.
 *
 * Every magnitude is log-uniform in [0.1, 10] with a random sign.
 */
import { CarbonTraceError } from '../common/errors';
import { SeededRandom } from '../common/prng';
import { estimateConditionNumber } from './dense-linear-algebra';

/** The three masking profiles. */
export type MaskProfile = 'dense' | 'monomial' | 'hardened';

/** All profiles, in the order the docs and CLI list them. */
export const MASK_PROFILES: readonly MaskProfile[] = ['dense', 'monomial', 'hardened'];

/** A dense mask is redrawn when its estimated condition number exceeds this. */
export const MAX_MASK_CONDITION = 1e6;

/** Smallest and largest key magnitude (log-uniform between them). */
export const KEY_MAGNITUDE_RANGE: readonly [number, number] = [0.1, 10];

/** Key parts shared by every profile: Λ (generator scaling), κ (PECC), τ (intensity coefficient). */
interface GeneratorKeyParts {
  /** N. */
  readonly size: number;
  /** K. */
  readonly generatorCount: number;
  /** λ (length K, non-zero). */
  readonly lambda: Float64Array;
  /** κ (length K, non-zero). */
  readonly kappa: Float64Array;
  /** τ (length K, non-zero). */
  readonly tau: Float64Array;
}

/** Dense profile: Ã = Q·A·R. */
export interface DenseMaskKey extends GeneratorKeyParts {
  readonly profile: 'dense';
  /** Q, N×N row-major. */
  readonly q: Float64Array;
  /** r (R = diag(r)), length N, non-zero. */
  readonly r: Float64Array;
}

/** Monomial profile: Q = Π·diag(s), Q[i, π(i)] = s_i; Ã = Q·A·R. */
export interface MonomialMaskKey extends GeneratorKeyParts {
  readonly profile: 'monomial';
  /** π (0-based permutation of 0..N−1). */
  readonly permutation: Int32Array;
  /** s (length N, non-zero). */
  readonly scale: Float64Array;
  /** r (R = diag(r)), length N, non-zero. */
  readonly r: Float64Array;
}

/** Hardened profile (E.7a). */
export interface HardenedMaskKey extends GeneratorKeyParts {
  readonly profile: 'hardened';
  /** σ: A′[i,j] = A[σ(i), σ(j)] (secret symmetric permutation). */
  readonly symmetricPermutation: Int32Array;
  /** Q, N×N row-major (dense left mask). */
  readonly q: Float64Array;
  /** μ: M[i, μ(i)] = m_i (monomial right mask). */
  readonly outputPermutation: Int32Array;
  /** m (length N, non-zero). */
  readonly outputScale: Float64Array;
  /** Z, N×K row-major (additive output mask, MW). */
  readonly offset: Float64Array;
}

/** A one-time masking key. */
export type MaskKey = DenseMaskKey | MonomialMaskKey | HardenedMaskKey;

/** What to derive a key for. */
export interface MaskKeyRequest {
  /** Caller seed (e.g. transient data); the same seed gives the same key on every endorser. */
  readonly seed: Uint8Array | string;
  /** Task identifier (domain separation). */
  readonly taskId: string;
  /** Provider number (1, 2, 3: "encryption method j"). */
  readonly provider: number;
  readonly profile: MaskProfile;
  /** N. */
  readonly size: number;
  /** K. */
  readonly generatorCount: number;
  /**
   * Scale of the hardened additive mask Z, MW: one number for every row, or one per row (length
   * N). Per-row through-flows P_x (what {@link import('./mask-task').generateTaskKey} uses) make
   * Z hide X·Λ row by row while the rounding error of X stays relative to each row's own size.
   * @default 1
   */
  readonly offsetScaleMw?: number | readonly number[];
}

/** The derivation label of a provider's key: `task/<id>/provider/<n>`. */
export function maskKeyLabel(taskId: string, provider: number): string {
  return `task/${taskId}/provider/${provider}`;
}

function signedMagnitudes(rng: SeededRandom, length: number, scale = 1): Float64Array {
  const [lo, hi] = KEY_MAGNITUDE_RANGE;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i += 1) out[i] = rng.nextSign() * rng.nextLogUniform(lo, hi) * scale;
  return out;
}

function offsetMask(
  rng: SeededRandom,
  size: number,
  generatorCount: number,
  scale: number | readonly number[],
): Float64Array {
  if (typeof scale !== 'number' && scale.length !== size) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'per-row offset scale must have N entries', {
      length: scale.length,
      size,
    });
  }
  const z = signedMagnitudes(rng, size * generatorCount);
  for (let x = 0; x < size; x += 1) {
    const f = typeof scale === 'number' ? scale : (scale[x] ?? 1);
    if (!(f > 0) || !Number.isFinite(f)) {
      throw new CarbonTraceError('INVALID_ARGUMENT', 'offset scale must be positive and finite', { row: x });
    }
    for (let g = 0; g < generatorCount; g += 1)
      z[x * generatorCount + g] = (z[x * generatorCount + g] ?? 0) * f;
  }
  return z;
}

/**
 * A dense random Q whose estimated condition number is at most {@link MAX_MASK_CONDITION}
 * (O(N³) for the check: the dense profiles' real client cost).
 * @throws CarbonTraceError MASKING_FAILED when ten draws in a row are too ill-conditioned.
 */
function drawDenseQ(rng: SeededRandom, size: number): Float64Array {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const q = signedMagnitudes(rng.derive(`Q/attempt/${attempt}`), size * size);
    if (estimateConditionNumber(q, size) <= MAX_MASK_CONDITION) return q;
  }
  throw new CarbonTraceError('MASKING_FAILED', 'could not draw a well-conditioned dense mask', { size });
}

/**
 * Derives the one-time key of a task and provider from the caller's seed (deterministic).
 * @throws CarbonTraceError INVALID_ARGUMENT for bad sizes; MASKING_FAILED (dense Q ill-conditioned).
 */
export function generateMaskKey(request: Readonly<MaskKeyRequest>): MaskKey {
  const { size, generatorCount, profile } = request;
  if (!Number.isInteger(size) || size < 1 || !Number.isInteger(generatorCount) || generatorCount < 1) {
    throw new CarbonTraceError('INVALID_ARGUMENT', 'key size and generator count must be positive integers', {
      size,
      generatorCount,
    });
  }
  const rng = new SeededRandom(request.seed, maskKeyLabel(request.taskId, request.provider));
  const lambda = signedMagnitudes(rng.derive('lambda'), generatorCount);
  const kappa = signedMagnitudes(rng.derive('kappa'), generatorCount);
  const tau = signedMagnitudes(rng.derive('tau'), generatorCount);
  const common = { size, generatorCount, lambda, kappa, tau };
  switch (profile) {
    case 'dense':
      return { ...common, profile, q: drawDenseQ(rng, size), r: signedMagnitudes(rng.derive('r'), size) };
    case 'monomial':
      return {
        ...common,
        profile,
        permutation: Int32Array.from(rng.derive('pi').permutation(size)),
        scale: signedMagnitudes(rng.derive('s'), size),
        r: signedMagnitudes(rng.derive('r'), size),
      };
    case 'hardened':
      return {
        ...common,
        profile,
        symmetricPermutation: Int32Array.from(rng.derive('sigma').permutation(size)),
        q: drawDenseQ(rng, size),
        outputPermutation: Int32Array.from(rng.derive('mu').permutation(size)),
        outputScale: signedMagnitudes(rng.derive('m'), size),
        offset: offsetMask(rng.derive('Z'), size, generatorCount, request.offsetScaleMw ?? 1),
      };
  }
}

function checkVector(
  values: ArrayLike<number>,
  length: number,
  field: string,
  nonZero: boolean,
): Float64Array {
  if (values.length !== length) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', `key part ${field} has the wrong length`, {
      field,
      length: values.length,
      expected: length,
    });
  }
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i += 1) {
    const v = out[i] ?? 0;
    if (!Number.isFinite(v) || (nonZero && v === 0)) {
      throw new CarbonTraceError('INVALID_ARGUMENT', `key part ${field} has an invalid entry`, {
        field,
        index: i,
      });
    }
  }
  return out;
}

function checkPermutation(values: ArrayLike<number>, length: number, field: string): Int32Array {
  if (values.length !== length) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', `key part ${field} has the wrong length`, {
      field,
      length: values.length,
      expected: length,
    });
  }
  const seen = new Uint8Array(length);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i += 1) {
    const v = values[i] ?? -1;
    if (!Number.isInteger(v) || v < 0 || v >= length || seen[v] === 1) {
      throw new CarbonTraceError('INVALID_ARGUMENT', `key part ${field} is not a permutation`, {
        field,
        index: i,
      });
    }
    seen[v] = 1;
    out[i] = v;
  }
  return out;
}

/** Explicit key parts, e.g. the exact keys of MATH.md §H.6 (0-based permutations). */
export type MaskKeyParts =
  | {
      readonly profile: 'dense';
      readonly q: ArrayLike<number>;
      readonly r: ArrayLike<number>;
      readonly lambda: ArrayLike<number>;
      readonly kappa: ArrayLike<number>;
      readonly tau: ArrayLike<number>;
    }
  | {
      readonly profile: 'monomial';
      readonly permutation: ArrayLike<number>;
      readonly scale: ArrayLike<number>;
      readonly r: ArrayLike<number>;
      readonly lambda: ArrayLike<number>;
      readonly kappa: ArrayLike<number>;
      readonly tau: ArrayLike<number>;
    }
  | {
      readonly profile: 'hardened';
      readonly symmetricPermutation: ArrayLike<number>;
      readonly q: ArrayLike<number>;
      readonly outputPermutation: ArrayLike<number>;
      readonly outputScale: ArrayLike<number>;
      readonly offset: ArrayLike<number>;
      readonly lambda: ArrayLike<number>;
      readonly kappa: ArrayLike<number>;
      readonly tau: ArrayLike<number>;
    };

/**
 * Loads an explicit key (validated: lengths, non-zero scalings, true permutations). A dense Q is
 * not condition-checked here: the verification (F.4) rejects any inaccurate result anyway.
 * @throws CarbonTraceError DIMENSION_MISMATCH or INVALID_ARGUMENT.
 */
export function maskKeyFromParts(parts: MaskKeyParts, size: number, generatorCount: number): MaskKey {
  const common = {
    size,
    generatorCount,
    lambda: checkVector(parts.lambda, generatorCount, 'lambda', true),
    kappa: checkVector(parts.kappa, generatorCount, 'kappa', true),
    tau: checkVector(parts.tau, generatorCount, 'tau', true),
  };
  switch (parts.profile) {
    case 'dense':
      return {
        ...common,
        profile: 'dense',
        q: checkVector(parts.q, size * size, 'q', false),
        r: checkVector(parts.r, size, 'r', true),
      };
    case 'monomial':
      return {
        ...common,
        profile: 'monomial',
        permutation: checkPermutation(parts.permutation, size, 'permutation'),
        scale: checkVector(parts.scale, size, 'scale', true),
        r: checkVector(parts.r, size, 'r', true),
      };
    case 'hardened':
      return {
        ...common,
        profile: 'hardened',
        symmetricPermutation: checkPermutation(parts.symmetricPermutation, size, 'symmetricPermutation'),
        q: checkVector(parts.q, size * size, 'q', false),
        outputPermutation: checkPermutation(parts.outputPermutation, size, 'outputPermutation'),
        outputScale: checkVector(parts.outputScale, size, 'outputScale', true),
        offset: checkVector(parts.offset, size * generatorCount, 'offset', false),
      };
  }
}
