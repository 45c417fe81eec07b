/**
 * The EA-DPoS epoch on the ledger (MATH.md G.1–G.4): opening an epoch (evaluating the candidates
 * and drawing its seed), the phase guard, electing the consensus set and its supervisors when the
 * vote closes, the reward scores and rewards when the epoch ends, and the verification-block
 * schedule at a given time. The contract (governance-contract.ts) calls these and emits events.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import { evaluateNodes } from '../../governance/evaluation';
import type { Evaluation } from '../../governance/evaluation';
import {
  epochRewards,
  INITIAL_REWARD_SCORE,
  nextRewardScore,
  supervisorRights,
} from '../../governance/reward-score';
import { scheduledProducer, slotAt } from '../../governance/slot-schedule';
import { drawWithoutReplacement } from '../../governance/supervisor-draw';
import { consensusSet, equityOf, tallyVotes } from '../../governance/voting';
import type { Ballot } from '../../governance/voting';
import { putJson } from '../shared/ledger-state';
import { governanceKey, readNodeCounters, readNodeStats } from './governance-ledger';
import type { GovernanceParameters, GovernanceState, NodeStats } from './governance-ledger';
import { epochSeed } from './governance-seed';

/** Blocks counted for T_i: the last W_T epochs. */
export const BLOCK_SCORE_EPOCHS = 10;

/** `record[id]` when `id` is an own key (so an id such as `constructor` reads nothing inherited). */
function ownValue(record: Readonly<Record<string, number>>, id: string): number | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined;
}

/**
 * The governance state when it is in `phase`.
 * @throws INVALID_STATE when governance is not initialized or is in another phase.
 */
export function requirePhase(
  state: GovernanceState | undefined,
  phase: GovernanceState['phase'],
): GovernanceState {
  if (state === undefined) {
    throw new CarbonTraceError('INVALID_STATE', 'governance is not initialized', {});
  }
  if (state.phase !== phase) {
    throw new CarbonTraceError(
      'INVALID_STATE',
      `epoch ${state.epoch} is in phase ${state.phase}, not ${phase}`,
      {
        epoch: state.epoch,
        phase: state.phase,
      },
    );
  }
  return state;
}

/** The evaluation of candidate `nodeId`. @throws ACCESS_DENIED when it is not a candidate. */
export function evaluationOf(state: GovernanceState, nodeId: string): Evaluation {
  const found = state.evaluations.find((e) => e.nodeId === nodeId);
  if (found === undefined) {
    throw new CarbonTraceError('ACCESS_DENIED', `${nodeId} is not a candidate`, { nodeId });
  }
  return found;
}

async function evaluateCandidates(
  ctx: Context,
  candidates: readonly string[],
  parameters: GovernanceParameters,
  epoch: number,
): Promise<Evaluation[]> {
  const stats: NodeStats[] = [];
  for (const id of candidates) stats.push(await readNodeStats(ctx, id, epoch));
  return evaluateNodes(
    stats.map((s) => {
      let blocks = 0;
      for (const [e, n] of Object.entries(s.successfulBlocksByEpoch)) {
        // keys are epoch numbers written by noteVerificationBlock
        if (Number(e) > epoch - BLOCK_SCORE_EPOCHS) blocks += n;
      }
      return {
        nodeId: s.nodeId,
        accuracy: s.accuracy,
        creditPoints: s.creditPoints,
        successfulBlocks: blocks,
      };
    }),
    parameters.weights,
  );
}

/**
 * The evaluation of `nodeId` when it may submit a PoW solution this epoch: a candidate with
 * credit left and a CA of at least the minimum (MATH.md G.2). Reads only the credit counters, not
 * the accuracy samples, which condition b writes concurrently.
 * @throws ACCESS_DENIED naming the node, its CA and its credit.
 */
export async function eligibleAgent(
  ctx: Context,
  state: GovernanceState,
  nodeId: string,
): Promise<Evaluation> {
  const evaluation = evaluationOf(state, nodeId);
  const stats = await readNodeCounters(ctx, nodeId, state.epoch);
  if (stats.creditPoints <= 0 || evaluation.ca < state.parameters.minCa) {
    throw new CarbonTraceError(
      'ACCESS_DENIED',
      `${nodeId} is not eligible as an agent (CA ${evaluation.ca}, minimum ${state.parameters.minCa}; credit ${stats.creditPoints})`,
      { nodeId, value: evaluation.ca },
    );
  }
  return evaluation;
}

/** @throws ACCESS_DENIED when `nodeId` is not one of this epoch's agents (or supervisors). */
export function requireMember(state: GovernanceState, group: 'agents' | 'supervisors', nodeId: string): void {
  if (!state[group].includes(nodeId)) {
    const what = group === 'agents' ? 'an agent' : 'a supervisor';
    throw new CarbonTraceError('ACCESS_DENIED', `${nodeId} is not ${what} of epoch ${state.epoch}`, {
      nodeId,
    });
  }
}

/**
 * Opens epoch `epoch` (phase pow): evaluates the candidates, draws the seed from `previous` (the
 * digest of the last epoch's state, or "genesis") and writes the state.
 */
export async function openEpoch(
  ctx: Context,
  parameters: GovernanceParameters,
  candidates: readonly string[],
  epoch: number,
  rewardScores: Readonly<Record<string, number>>,
  lastRewards: Readonly<Record<string, number>>,
  previous: string,
): Promise<GovernanceState> {
  const evaluations = await evaluateCandidates(ctx, candidates, parameters, epoch);
  const state: GovernanceState = {
    parameters,
    candidates,
    epoch,
    phase: 'pow',
    seed: await epochSeed(ctx, previous, epoch),
    evaluations,
    agents: [],
    consensus: [],
    votes: {},
    supervisors: [],
    supervisorRights: {},
    rewardScores,
    lastRewards,
    activeSinceSeconds: 0,
  };
  await putJson(ctx, governanceKey(ctx), state);
  return state;
}

/**
 * The state once the vote closes (phase active): votes tallied by the agents' equity, the
 * consensus set, supervisor rights and the supervisors drawn with the epoch seed (MATH.md G.3–G.4).
 * @throws INVALID_STATE when no candidate received a vote; the tally's errors for a bad ballot.
 */
export function electConsensus(
  state: GovernanceState,
  ballots: readonly Ballot[],
  nowSeconds: number,
): GovernanceState {
  const candidateCa = new Map(state.evaluations.map((e) => [e.nodeId, e.ca]));
  const equity = equityOf(new Map(state.agents.map((a) => [a, candidateCa.get(a) ?? 0])));
  const ranked = tallyVotes(ballots, equity, candidateCa, state.parameters.consensusSize);
  const consensus = consensusSet(ranked, state.parameters.consensusSize);
  if (consensus.length === 0) {
    throw new CarbonTraceError('INVALID_STATE', `no candidate received a vote in epoch ${state.epoch}`, {
      epoch: state.epoch,
    });
  }
  const rights = supervisorRights(
    consensus.map((id) => ({
      nodeId: id,
      ca: candidateCa.get(id) ?? 0,
      rs: ownValue(state.rewardScores, id) ?? INITIAL_REWARD_SCORE,
    })),
  );
  const supervisors = drawWithoutReplacement(
    consensus.map((id) => ({ nodeId: id, weight: rights.get(id) ?? 0 })),
    Math.min(state.parameters.supervisorCount, consensus.length),
    state.seed,
  );
  return {
    ...state,
    phase: 'active',
    consensus,
    votes: Object.fromEntries(ranked.map((t) => [t.nodeId, t.votes] as const)),
    supervisors,
    supervisorRights: Object.fromEntries(rights),
    activeSinceSeconds: nowSeconds,
  };
}

/**
 * The reward scores (G5) of the consensus nodes after this epoch's accepted, rejected and missed
 * blocks, and the rewards they earn from the pool.
 */
export async function closingRewards(
  ctx: Context,
  state: GovernanceState,
): Promise<{ rewardScores: Record<string, number>; rewards: Record<string, number> }> {
  const scores = new Map(Object.entries(state.rewardScores));
  for (const id of state.consensus) {
    const c = (await readNodeCounters(ctx, id, state.epoch)).epochCounts;
    const scheduled = c.accepted + c.rejected + c.missed;
    scores.set(id, nextRewardScore(scores.get(id) ?? INITIAL_REWARD_SCORE, { ...c, scheduled }));
  }
  const rewards = epochRewards(
    state.consensus.map((id) => ({ nodeId: id, rs: scores.get(id) ?? INITIAL_REWARD_SCORE })),
    state.parameters.rewardPool,
  );
  return { rewardScores: Object.fromEntries(scores), rewards: Object.fromEntries(rewards) };
}

/** The verification-block schedule at `nowSeconds` (see `Governance:GetSchedule`). */
export function scheduleAt(state: GovernanceState | undefined, nowSeconds: number): Record<string, unknown> {
  if (state === undefined || state.phase !== 'active') {
    return { mode: 'open', epoch: state?.epoch ?? 0, producers: [], slot: null, producer: null };
  }
  if (state.parameters.slotSeconds === 0) {
    return { mode: 'consensus', epoch: state.epoch, producers: state.consensus, slot: null, producer: null };
  }
  const slot = slotAt(nowSeconds, state.activeSinceSeconds, state.parameters.slotSeconds);
  return {
    mode: 'slots',
    epoch: state.epoch,
    producers: state.consensus,
    slotSeconds: state.parameters.slotSeconds,
    activeSinceSeconds: state.activeSinceSeconds,
    slot,
    producer: scheduledProducer(state.consensus, slot),
  };
}
