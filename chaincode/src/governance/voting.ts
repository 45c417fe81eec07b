/**
 * Equity, votes and the consensus set, MATH.md G.3 (G4): Eq_a = CA_a / Σ_b CA_b over the agents;
 * each agent approves up to N_C candidates; V_j = Σ_{a approves j} Eq_a; the consensus set is the
 * top N_C by V (ties: higher CA, then lower id).
 */
import { CarbonTraceError } from '../common/errors';

/** An agent's ballot. */
export interface Ballot {
  readonly agentId: string;
  /** Candidate ids approved (at most N_C, no repeats). */
  readonly approvals: readonly string[];
}

/** A candidate's tally. */
export interface CandidateTally {
  readonly nodeId: string;
  readonly votes: number;
  readonly ca: number;
}

/** Eq_a for each agent (equal shares when every CA is 0). */
export function equityOf(agentCa: ReadonlyMap<string, number>): Map<string, number> {
  let total = 0;
  for (const ca of agentCa.values()) total += ca;
  const out = new Map<string, number>();
  const count = agentCa.size;
  for (const [id, ca] of agentCa) out.set(id, total > 0 ? ca / total : 1 / count);
  return out;
}

/** The honest default ballot: approve the top N_C candidates by CA (ties: lower id). */
export function honestApprovals(candidateCa: ReadonlyMap<string, number>, consensusSize: number): string[] {
  return [...candidateCa.entries()]
    .sort((a, b) => (a[1] !== b[1] ? b[1] - a[1] : a[0] < b[0] ? -1 : 1))
    .slice(0, consensusSize)
    .map(([id]) => id);
}

/**
 * Tallies ballots into V_j for every candidate (agents' ballots in agent-id order so the float sum
 * is order-fixed) and returns the candidates by rank.
 * @throws CarbonTraceError INVALID_ARGUMENT for a ballot from a non-agent, too many approvals,
 * repeats, or an unknown candidate.
 */
export function tallyVotes(
  ballots: readonly Ballot[],
  equity: ReadonlyMap<string, number>,
  candidateCa: ReadonlyMap<string, number>,
  consensusSize: number,
): CandidateTally[] {
  const votes = new Map<string, number>();
  for (const id of candidateCa.keys()) votes.set(id, 0);
  const sorted = [...ballots].sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  const seen = new Set<string>();
  for (const ballot of sorted) {
    const weight = equity.get(ballot.agentId);
    if (weight === undefined) {
      throw new CarbonTraceError('INVALID_ARGUMENT', `${ballot.agentId} is not an agent of this epoch`, {
        agentId: ballot.agentId,
      });
    }
    if (seen.has(ballot.agentId)) {
      throw new CarbonTraceError('INVALID_ARGUMENT', `${ballot.agentId} voted twice`, {
        agentId: ballot.agentId,
      });
    }
    seen.add(ballot.agentId);
    if (
      ballot.approvals.length > consensusSize ||
      new Set(ballot.approvals).size !== ballot.approvals.length
    ) {
      throw new CarbonTraceError(
        'INVALID_ARGUMENT',
        `ballot of ${ballot.agentId} must approve at most ${consensusSize} distinct candidates`,
        {
          agentId: ballot.agentId,
        },
      );
    }
    for (const candidate of ballot.approvals) {
      const current = votes.get(candidate);
      if (current === undefined) {
        throw new CarbonTraceError('INVALID_ARGUMENT', `${candidate} is not a candidate`, { candidate });
      }
      votes.set(candidate, current + weight);
    }
  }
  return rankCandidates(
    [...votes.entries()].map(([nodeId, v]) => ({ nodeId, votes: v, ca: candidateCa.get(nodeId) ?? 0 })),
  );
}

/** Candidates ordered by votes desc, then CA desc, then id asc. */
export function rankCandidates(tallies: readonly CandidateTally[]): CandidateTally[] {
  return [...tallies].sort((a, b) => {
    if (a.votes !== b.votes) return b.votes - a.votes;
    if (a.ca !== b.ca) return b.ca - a.ca;
    return a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0;
  });
}

/** The consensus set 𝒞_t: the first N_C ranked candidates with at least one vote. */
export function consensusSet(ranked: readonly CandidateTally[], consensusSize: number): string[] {
  return ranked
    .filter((t) => t.votes > 0)
    .slice(0, consensusSize)
    .map((t) => t.nodeId);
}
