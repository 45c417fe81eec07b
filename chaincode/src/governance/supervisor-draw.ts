/**
 * Supervisor selection, MATH.md G.4: N_S nodes of the consensus set drawn by weighted sampling
 * without replacement (weights SR_i) from a generator seeded with seed_t, so every endorser draws
 * the same supervisors; plus the deterministic alternative (top N_S by SR) and the finality quorum.
 */
import { SeededRandom } from '../common/prng';

/** A node and its weight (supervisor right). */
export interface WeightedNode {
  readonly nodeId: string;
  readonly weight: number;
}

/**
 * Draws `count` distinct nodes; each draw picks node i with probability w_i / Σ remaining w.
 * Candidates are considered in id order so the result depends only on the seed and the weights.
 * Zero-weight nodes are drawn (uniformly) only once every positive-weight node is taken.
 */
export function drawWithoutReplacement(
  nodes: readonly WeightedNode[],
  count: number,
  seed: string,
): string[] {
  const random = new SeededRandom(seed, 'carbontrace/supervisors');
  const remaining = [...nodes].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  const chosen: string[] = [];
  while (chosen.length < count && remaining.length > 0) {
    let total = 0;
    for (const n of remaining) total += n.weight > 0 ? n.weight : 0;
    let index: number;
    if (total > 0) {
      const u = random.nextFloat() * total;
      let cumulative = 0;
      index = remaining.length - 1;
      for (let i = 0; i < remaining.length; i += 1) {
        const w = remaining[i]?.weight ?? 0;
        cumulative += w > 0 ? w : 0;
        if (u < cumulative) {
          index = i;
          break;
        }
      }
      // never pick a zero-weight node while positive weight remains
      while ((remaining[index]?.weight ?? 0) <= 0 && index > 0) index -= 1;
    } else {
      index = random.nextInt(remaining.length);
    }
    const [picked] = remaining.splice(index, 1);
    if (picked !== undefined) chosen.push(picked.nodeId);
  }
  return chosen;
}

/** The deterministic alternative: top N_S by weight (ties: lower id). */
export function topByWeight(nodes: readonly WeightedNode[], count: number): string[] {
  return [...nodes]
    .sort((a, b) => (a.weight !== b.weight ? b.weight - a.weight : a.nodeId < b.nodeId ? -1 : 1))
    .slice(0, count)
    .map((n) => n.nodeId);
}

/** Endorsements needed for finality: ⌈2·N_S/3⌉. */
export function finalityQuorum(supervisorCount: number): number {
  return Math.ceil((2 * supervisorCount) / 3);
}
