/**
 * Reward score, rewards and supervisor right, MATH.md G.4 (G5, G6).
 * RS_i(t) = clamp((1−φ)·RS_i(t−1) + φ·(ok − 2·bad − miss)/max(1, sched), 0, 1), RS(0) = 0.5, φ = 0.3;
 * Rew_i = pool · RS_i / Σ_j RS_j;  SR_i = CA_i·RS_i / Σ_j CA_j·RS_j.
 */
import { clamp } from './evaluation';

/** Initial reward score RS(0). */
export const INITIAL_REWARD_SCORE = 0.5;
/** Smoothing φ. */
export const REWARD_SMOOTHING = 0.3;

/** Block counts of one node in one epoch. */
export interface BlockCounts {
  readonly accepted: number;
  readonly rejected: number;
  readonly missed: number;
  readonly scheduled: number;
}

/** RS_i(t) from RS_i(t−1) and the epoch's block counts (G5). */
export function nextRewardScore(previous: number, counts: BlockCounts, smoothing = REWARD_SMOOTHING): number {
  const performance = (counts.accepted - 2 * counts.rejected - counts.missed) / Math.max(1, counts.scheduled);
  return clamp((1 - smoothing) * previous + smoothing * performance, 0, 1);
}

/** Splits `pool` in proportion to the scores (equal split when all are 0), in input order. */
export function proportionalShares(
  scores: readonly { nodeId: string; weight: number }[],
  pool: number,
): Map<string, number> {
  let total = 0;
  for (const s of scores) total += s.weight;
  const out = new Map<string, number>();
  for (const s of scores) out.set(s.nodeId, total > 0 ? (pool * s.weight) / total : pool / scores.length);
  return out;
}

/** Rewards Rew_i = pool · RS_i / Σ RS_j over the consensus set. */
export function epochRewards(
  rewardScores: readonly { nodeId: string; rs: number }[],
  pool: number,
): Map<string, number> {
  return proportionalShares(
    rewardScores.map((s) => ({ nodeId: s.nodeId, weight: s.rs })),
    pool,
  );
}

/** Supervisor right SR_i = CA_i·RS_i / Σ_j CA_j·RS_j (G6), over the consensus set. */
export function supervisorRights(
  nodes: readonly { nodeId: string; ca: number; rs: number }[],
): Map<string, number> {
  return proportionalShares(
    nodes.map((n) => ({ nodeId: n.nodeId, weight: n.ca * n.rs })),
    1,
  );
}
