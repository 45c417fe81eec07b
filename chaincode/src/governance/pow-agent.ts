/**
 * Agent selection by proof of work, MATH.md G.2: node i looks for a nonce with
 * h_i = SHA-256(seed_t ‖ id_i ‖ nonce) / 2^256 < tgt_i, tgt_i = tgt_0·(0.5 + CA_i), so reliable
 * nodes get easier targets. The N_A eligible nodes with the smallest h_i / tgt_i become agents.
 *
 * Encoding of the hashed bytes: the UTF-8 string `${seed_t}|${id_i}|${nonce}` (seed as lower-case
 * hex, nonce as a decimal integer); the separators make the concatenation unambiguous.
 */
import { createHash } from 'crypto';
import { CarbonTraceError } from '../common/errors';

/** Base target tgt_0 as a fraction of 2^256. @default 2^-8 (≈ 256 hashes per solution at CA = 0.5) */
export const DEFAULT_BASE_TARGET = 1 / 256;
/** Minimum CA to be eligible as an agent. @default 0.3 */
export const DEFAULT_MIN_CA = 0.3;

const TWO_256 = 1n << 256n;

/** A node's PoW submission. */
export interface PowSolution {
  readonly nodeId: string;
  readonly nonce: number;
}

/** A verified solution with its rank key h_i / tgt_i. */
export interface VerifiedPow extends PowSolution {
  /** h_i ∈ [0, 1). */
  readonly hashFraction: number;
  /** tgt_i. */
  readonly target: number;
  /** h_i / tgt_i (< 1 for a valid solution). */
  readonly rank: number;
  /** Lower-case hex digest. */
  readonly digest: string;
}

/** tgt_i = tgt_0 · (0.5 + CA_i). */
export function powTarget(ca: number, baseTarget = DEFAULT_BASE_TARGET): number {
  return baseTarget * (0.5 + ca);
}

/** The SHA-256 digest of a PoW attempt, hex. */
export function powDigest(seed: string, nodeId: string, nonce: number): string {
  return createHash('sha256').update(`${seed}|${nodeId}|${nonce}`, 'utf8').digest('hex');
}

/** The threshold tgt · 2^256 as an integer (exact: scaling a double by 2^256 is exact). */
function thresholdOf(target: number): bigint {
  if (!(target > 0 && target <= 1)) {
    throw new CarbonTraceError('INVALID_ARGUMENT', `PoW target must be in (0, 1] (got ${target})`, {
      value: target,
    });
  }
  return BigInt(target * 2 ** 256);
}

/**
 * Verifies a solution; returns it with its rank, or undefined when h_i ≥ tgt_i.
 * @throws CarbonTraceError INVALID_ARGUMENT for a negative or non-integer nonce.
 */
export function verifyPow(
  seed: string,
  solution: PowSolution,
  ca: number,
  baseTarget = DEFAULT_BASE_TARGET,
): VerifiedPow | undefined {
  if (!Number.isSafeInteger(solution.nonce) || solution.nonce < 0) {
    throw new CarbonTraceError(
      'INVALID_ARGUMENT',
      `nonce must be a non-negative integer (got ${solution.nonce})`,
      {
        field: 'nonce',
        value: solution.nonce,
      },
    );
  }
  const target = powTarget(ca, baseTarget);
  const digest = powDigest(seed, solution.nodeId, solution.nonce);
  const h = BigInt(`0x${digest}`);
  if (h >= thresholdOf(target)) return undefined;
  const hashFraction = Number(h) / Number(TWO_256);
  return { ...solution, hashFraction, target, rank: hashFraction / target, digest };
}

/** Searches nonces from `startNonce` for a solution (client side and tests). */
export function solvePow(
  seed: string,
  nodeId: string,
  ca: number,
  baseTarget = DEFAULT_BASE_TARGET,
  startNonce = 0,
  maxAttempts = 10_000_000,
): VerifiedPow {
  for (let nonce = startNonce; nonce < startNonce + maxAttempts; nonce += 1) {
    const found = verifyPow(seed, { nodeId, nonce }, ca, baseTarget);
    if (found !== undefined) return found;
  }
  throw new CarbonTraceError(
    'INVALID_STATE',
    `no PoW solution for ${nodeId} within ${maxAttempts} attempts`,
    {
      nodeId,
    },
  );
}

/** The N_A solutions with the smallest rank (ties: lower node id), one per node. */
export function selectAgents(solutions: readonly VerifiedPow[], agentCount: number): VerifiedPow[] {
  const best = new Map<string, VerifiedPow>();
  for (const s of solutions) {
    const current = best.get(s.nodeId);
    if (current === undefined || s.rank < current.rank) best.set(s.nodeId, s);
  }
  return [...best.values()]
    .sort((a, b) =>
      a.rank !== b.rank ? a.rank - b.rank : a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0,
    )
    .slice(0, agentCount);
}
