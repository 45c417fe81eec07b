/**
 * carbon-master `Governance`: EA-DPoS on chain (MATH.md G.1–G.4). An epoch runs
 * pow → voting → active: HV nodes submit PoW solutions verified on chain against the epoch seed
 * and their CA; GridCo closes the agent selection (N_A best solutions); agents vote (weighted by
 * equity); GridCo closes the vote (consensus set, supervisor rights, seeded supervisor draw); the
 * consensus nodes then record verification blocks in their slots; supervisors may reject a block
 * and GridCo may report a missed slot; `EndEpoch` updates reward scores, pays rewards and opens
 * the next epoch with a new seed.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import { assertWeights, DEFAULT_EVALUATION_WEIGHTS, evaluateNodes } from '../../governance/evaluation';
import type { Evaluation } from '../../governance/evaluation';
import { DEFAULT_BASE_TARGET, DEFAULT_MIN_CA, selectAgents, verifyPow } from '../../governance/pow-agent';
import type { VerifiedPow } from '../../governance/pow-agent';
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
import {
  asArray,
  asInteger,
  asNumber,
  asRecord,
  asString,
  onlyKeys,
  optional,
  parseDecimalInteger,
  parseJsonArgument,
} from '../shared/arguments';
import { CarbonContract } from '../shared/carbon-contract';
import { emitEvent } from '../shared/events';
import { canonicalSha256 } from '../shared/hashing';
import { getJson, listByPartialKey, padNumber, putJson } from '../shared/ledger-state';
import { ALL_ROLES, requireRole } from '../shared/roles';
import {
  governanceKey,
  readGovernance,
  readNodeCounters,
  readNodeStats,
  txSeconds,
} from './governance-ledger';
import { rejectBlock, reportMissedSlot } from './governance-penalties';
import { epochSeed } from './governance-seed';
import type { GovernanceParameters, GovernanceState, NodeStats } from './governance-ledger';
import { MASTER_KEY } from './master-keys';
import { SLAVE_CHANNEL_PATTERN } from './verification-block';

/** Events emitted by {@link GovernanceContract}. */
export const GOVERNANCE_EVENTS = {
  initialized: 'GovernanceInitialized',
  powAccepted: 'PowAccepted',
  agentsSelected: 'AgentsSelected',
  voted: 'VoteCast',
  consensusElected: 'ConsensusElected',
  blockRejected: 'BlockRejected',
  slotMissed: 'SlotMissed',
  epochEnded: 'EpochEnded',
} as const;

/** Blocks counted for T_i: the last W_T epochs. */
export const BLOCK_SCORE_EPOCHS = 10;

const NODE = /^[A-Za-z0-9]{1,32}$/;

function parseParameters(value: unknown, candidates: number): GovernanceParameters {
  const r = asRecord(value ?? {}, 'parameters');
  onlyKeys(r, 'parameters', [
    'weights',
    'baseTarget',
    'minCa',
    'agentCount',
    'consensusSize',
    'supervisorCount',
    'rewardPool',
    'slotSeconds',
  ]);
  const weights =
    optional(r['weights'], (w) => {
      const wr = asRecord(w, 'parameters.weights');
      onlyKeys(wr, 'parameters.weights', ['accuracy', 'credit', 'blocks']);
      return {
        accuracy: asNumber(wr['accuracy'], 'parameters.weights.accuracy', 0, 1),
        credit: asNumber(wr['credit'], 'parameters.weights.credit', 0, 1),
        blocks: asNumber(wr['blocks'], 'parameters.weights.blocks', 0, 1),
      };
    }) ?? DEFAULT_EVALUATION_WEIGHTS;
  assertWeights(weights);
  const consensusSize =
    optional(r['consensusSize'], (v) => asInteger(v, 'parameters.consensusSize', 1, candidates)) ??
    candidates;
  return {
    weights,
    baseTarget:
      optional(r['baseTarget'], (v) => asNumber(v, 'parameters.baseTarget', 1e-12, 0.5)) ??
      DEFAULT_BASE_TARGET,
    minCa: optional(r['minCa'], (v) => asNumber(v, 'parameters.minCa', 0, 1)) ?? DEFAULT_MIN_CA,
    agentCount:
      optional(r['agentCount'], (v) => asInteger(v, 'parameters.agentCount', 1, candidates)) ?? candidates,
    consensusSize,
    supervisorCount:
      optional(r['supervisorCount'], (v) => asInteger(v, 'parameters.supervisorCount', 1, consensusSize)) ??
      consensusSize,
    rewardPool: optional(r['rewardPool'], (v) => asNumber(v, 'parameters.rewardPool', 0, 1e12)) ?? 100,
    slotSeconds: optional(r['slotSeconds'], (v) => asInteger(v, 'parameters.slotSeconds', 0, 86_400)) ?? 0,
  };
}

/** `record[id]` when `id` is an own key (so an id such as `constructor` reads nothing inherited). */
function ownValue(record: Readonly<Record<string, number>>, id: string): number | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined;
}

function requirePhase(state: GovernanceState | undefined, phase: GovernanceState['phase']): GovernanceState {
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

function evaluationOf(state: GovernanceState, nodeId: string): Evaluation {
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

/** EA-DPoS governance. */
@Info({
  title: 'Governance',
  description: 'EA-DPoS: evaluation, PoW agents, votes, consensus set, supervisors',
})
export class GovernanceContract extends CarbonContract {
  constructor() {
    super('Governance');
  }

  /** GridCo starts governance: `{candidates: ["Hv1", …], parameters?}`. Opens epoch 1 (phase pow). */
  @Transaction()
  @Returns('string')
  async Initialize(ctx: Context, setupJson: string): Promise<string> {
    requireRole(ctx, 'Governance:Initialize', 'gridco');
    const r = asRecord(parseJsonArgument(setupJson, 'setup'), 'setup');
    onlyKeys(r, 'setup', ['candidates', 'parameters']);
    const candidates = asArray(r['candidates'], 'candidates', 1, 100).map((v, i) =>
      asString(v, `candidates[${i}]`, NODE),
    );
    if (new Set(candidates).size !== candidates.length) {
      throw new CarbonTraceError('INVALID_ARGUMENT', 'candidates must be distinct', { field: 'candidates' });
    }
    const parameters = parseParameters(r['parameters'], candidates.length);
    if ((await readGovernance(ctx)) !== undefined) {
      throw new CarbonTraceError('ALREADY_EXISTS', 'governance is already initialized', {});
    }
    const sorted = [...candidates].sort();
    const state = await this.#openEpoch(ctx, parameters, sorted, 1, {}, {}, 'genesis');
    emitEvent(ctx, GOVERNANCE_EVENTS.initialized, {
      epoch: state.epoch,
      seed: state.seed,
      candidates: sorted,
    });
    return canonicalJson(state);
  }

  /** An HV candidate submits a PoW nonce for the current epoch; verified on chain. Returns its rank. */
  @Transaction()
  @Returns('string')
  async SubmitPow(ctx: Context, nonce: string): Promise<string> {
    const caller = requireRole(ctx, 'Governance:SubmitPow', 'hv');
    const state = requirePhase(await readGovernance(ctx), 'pow');
    const evaluation = evaluationOf(state, caller.orgId);
    // credit only: no range read of the accuracy keys, which condition b writes concurrently
    const stats = await readNodeCounters(ctx, caller.orgId, state.epoch);
    if (stats.creditPoints <= 0 || evaluation.ca < state.parameters.minCa) {
      throw new CarbonTraceError(
        'ACCESS_DENIED',
        `${caller.orgId} is not eligible as an agent (CA ${evaluation.ca}, minimum ${state.parameters.minCa}; credit ${stats.creditPoints})`,
        { nodeId: caller.orgId, value: evaluation.ca },
      );
    }
    const n = parseDecimalInteger(nonce, 'nonce', 0);
    const verified = verifyPow(
      state.seed,
      { nodeId: caller.orgId, nonce: n },
      evaluation.ca,
      state.parameters.baseTarget,
    );
    if (verified === undefined) {
      throw new CarbonTraceError(
        'VERIFICATION_FAILED',
        `nonce ${n} does not meet ${caller.orgId}'s target in epoch ${state.epoch}`,
        {
          nodeId: caller.orgId,
          value: n,
        },
      );
    }
    const key = ctx.stub.createCompositeKey(MASTER_KEY.governanceSubmission, [
      padNumber(state.epoch),
      caller.orgId,
    ]);
    const previous = await getJson<VerifiedPow>(ctx, key);
    if (previous === undefined || verified.rank < previous.rank) await putJson(ctx, key, verified);
    emitEvent(ctx, GOVERNANCE_EVENTS.powAccepted, {
      epoch: state.epoch,
      nodeId: caller.orgId,
      rank: verified.rank,
    });
    return canonicalJson(verified);
  }

  /** GridCo closes the PoW window: the N_A best solutions become agents (phase voting). */
  @Transaction()
  @Returns('string')
  async CloseAgentSelection(ctx: Context): Promise<string> {
    requireRole(ctx, 'Governance:CloseAgentSelection', 'gridco');
    const state = requirePhase(await readGovernance(ctx), 'pow');
    const solutions = (
      await listByPartialKey<VerifiedPow>(ctx, MASTER_KEY.governanceSubmission, [padNumber(state.epoch)])
    ).map((row) => row.value);
    const agents = selectAgents(solutions, state.parameters.agentCount).map((s) => s.nodeId);
    if (agents.length === 0) {
      throw new CarbonTraceError('INVALID_STATE', `no valid PoW solution in epoch ${state.epoch}`, {
        epoch: state.epoch,
      });
    }
    const next: GovernanceState = { ...state, phase: 'voting', agents };
    await putJson(ctx, governanceKey(ctx), next);
    emitEvent(ctx, GOVERNANCE_EVENTS.agentsSelected, { epoch: state.epoch, agents });
    return canonicalJson(next);
  }

  /** An agent approves up to N_C candidates: `["Hv1", …]`. */
  @Transaction()
  @Returns('string')
  async Vote(ctx: Context, approvalsJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Governance:Vote', 'hv');
    const state = requirePhase(await readGovernance(ctx), 'voting');
    if (!state.agents.includes(caller.orgId)) {
      throw new CarbonTraceError('ACCESS_DENIED', `${caller.orgId} is not an agent of epoch ${state.epoch}`, {
        nodeId: caller.orgId,
      });
    }
    const approvals = asArray(
      parseJsonArgument(approvalsJson, 'approvals'),
      'approvals',
      1,
      state.parameters.consensusSize,
    ).map((v, i) => asString(v, `approvals[${i}]`, NODE));
    const ballot: Ballot = { agentId: caller.orgId, approvals };
    // validate now (unknown candidates, repeats) so a bad ballot is refused at once
    const candidateCa = new Map(state.evaluations.map((e) => [e.nodeId, e.ca]));
    tallyVotes([ballot], new Map([[caller.orgId, 1]]), candidateCa, state.parameters.consensusSize);
    const key = ctx.stub.createCompositeKey(MASTER_KEY.governanceVote, [
      padNumber(state.epoch),
      caller.orgId,
    ]);
    await putJson(ctx, key, ballot);
    emitEvent(ctx, GOVERNANCE_EVENTS.voted, { epoch: state.epoch, agentId: caller.orgId, approvals });
    return canonicalJson(ballot);
  }

  /** GridCo closes the vote: consensus set, supervisor rights, seeded supervisor draw (phase active). */
  @Transaction()
  @Returns('string')
  async CloseVoting(ctx: Context): Promise<string> {
    requireRole(ctx, 'Governance:CloseVoting', 'gridco');
    const state = requirePhase(await readGovernance(ctx), 'voting');
    const ballots = (
      await listByPartialKey<Ballot>(ctx, MASTER_KEY.governanceVote, [padNumber(state.epoch)])
    ).map((row) => row.value);
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
    const votes = Object.fromEntries(ranked.map((t) => [t.nodeId, t.votes] as const));
    const supervisorRightsRecord = Object.fromEntries(rights);
    const next: GovernanceState = {
      ...state,
      phase: 'active',
      consensus,
      votes,
      supervisors,
      supervisorRights: supervisorRightsRecord,
      activeSinceSeconds: txSeconds(ctx),
    };
    await putJson(ctx, governanceKey(ctx), next);
    emitEvent(ctx, GOVERNANCE_EVENTS.consensusElected, { epoch: state.epoch, consensus, supervisors });
    return canonicalJson(next);
  }

  /**
   * A supervisor rejects the anchored verification block `blockNumber` of slave channel `channel`.
   * One vote per supervisor per block; the block's producer (its recorder) gets b^bad += 1 and
   * d −= 10 once ⌈2N_S/3⌉ supervisors of the epoch have rejected it. Returns where the block's
   * rejection stands; a repeated vote returns it and writes nothing.
   */
  @Transaction()
  @Returns('string')
  async RejectBlock(ctx: Context, channel: string, blockNumber: string, reason: string): Promise<string> {
    const caller = requireRole(ctx, 'Governance:RejectBlock', 'hv');
    const state = requirePhase(await readGovernance(ctx), 'active');
    if (!state.supervisors.includes(caller.orgId)) {
      throw new CarbonTraceError(
        'ACCESS_DENIED',
        `${caller.orgId} is not a supervisor of epoch ${state.epoch}`,
        {
          nodeId: caller.orgId,
        },
      );
    }
    const vote = {
      channel: asString(channel, 'channel', SLAVE_CHANNEL_PATTERN),
      blockNumber: parseDecimalInteger(blockNumber, 'blockNumber', 0),
      epoch: state.epoch,
      supervisor: caller.orgId,
      reason: asString(reason, 'reason', /^.{1,200}$/),
    };
    const { outcome, changed } = await rejectBlock(ctx, state, vote);
    if (changed) {
      emitEvent(ctx, GOVERNANCE_EVENTS.blockRejected, {
        epoch: state.epoch,
        channel: vote.channel,
        blockNumber: vote.blockNumber,
        producer: outcome.producer,
        supervisor: caller.orgId,
        reason: vote.reason,
        votes: outcome.rejectedBy.length,
        threshold: outcome.threshold,
        penalized: outcome.penalized,
      });
    }
    return canonicalJson(outcome);
  }

  /**
   * GridCo reports that `producer` missed slot `slot` of the current epoch: b^miss += 1, d −= 2,
   * once per slot (with timed slots only for the slot's scheduled producer, once it is over). A
   * repeated report returns the first result and writes nothing.
   */
  @Transaction()
  @Returns('string')
  async ReportMissedSlot(ctx: Context, producer: string, slot: string): Promise<string> {
    requireRole(ctx, 'Governance:ReportMissedSlot', 'gridco');
    const state = requirePhase(await readGovernance(ctx), 'active');
    const nodeId = asString(producer, 'producer', NODE);
    evaluationOf(state, nodeId);
    const slotNumber = parseDecimalInteger(slot, 'slot', 0);
    const { record, changed } = await reportMissedSlot(ctx, state, nodeId, slotNumber);
    if (changed) {
      emitEvent(ctx, GOVERNANCE_EVENTS.slotMissed, {
        epoch: state.epoch,
        producer: nodeId,
        slot: slotNumber,
      });
    }
    return canonicalJson(record);
  }

  /** GridCo ends the epoch: reward scores (G5), rewards, new CA, new seed; opens the next epoch. */
  @Transaction()
  @Returns('string')
  async EndEpoch(ctx: Context): Promise<string> {
    requireRole(ctx, 'Governance:EndEpoch', 'gridco');
    const state = requirePhase(await readGovernance(ctx), 'active');
    const scores = new Map(Object.entries(state.rewardScores));
    for (const id of state.consensus) {
      const stats = await readNodeCounters(ctx, id, state.epoch);
      const c = stats.epochCounts;
      const scheduled = c.accepted + c.rejected + c.missed;
      scores.set(id, nextRewardScore(scores.get(id) ?? INITIAL_REWARD_SCORE, { ...c, scheduled }));
    }
    const rewardScores = Object.fromEntries(scores);
    const rewards = Object.fromEntries(
      epochRewards(
        state.consensus.map((id) => ({ nodeId: id, rs: scores.get(id) ?? INITIAL_REWARD_SCORE })),
        state.parameters.rewardPool,
      ),
    );
    const next = await this.#openEpoch(
      ctx,
      state.parameters,
      state.candidates,
      state.epoch + 1,
      rewardScores,
      rewards,
      canonicalSha256(state),
    );
    emitEvent(ctx, GOVERNANCE_EVENTS.epochEnded, {
      epoch: state.epoch,
      rewards,
      rewardScores,
      nextSeed: next.seed,
    });
    return canonicalJson(next);
  }

  /** The governance state. */
  @Transaction(false)
  @Returns('string')
  async GetState(ctx: Context): Promise<string> {
    requireRole(ctx, 'Governance:GetState', ...ALL_ROLES);
    const state = await readGovernance(ctx);
    if (state === undefined) throw new CarbonTraceError('NOT_FOUND', 'governance is not initialized', {});
    return canonicalJson(state);
  }

  /** A node's statistics (credit, accuracy samples, block counts). */
  @Transaction(false)
  @Returns('string')
  async GetNode(ctx: Context, nodeId: string): Promise<string> {
    requireRole(ctx, 'Governance:GetNode', ...ALL_ROLES);
    const state = await readGovernance(ctx);
    return canonicalJson(await readNodeStats(ctx, asString(nodeId, 'nodeId', NODE), state?.epoch ?? 0));
  }

  /**
   * The verification-block schedule at the proposal's time: `{mode, epoch, producers,
   * slotSeconds, activeSinceSeconds, slot, producer}` (`mode` "open" before an active epoch,
   * "consensus" without time slots, "slots" with them).
   */
  @Transaction(false)
  @Returns('string')
  async GetSchedule(ctx: Context): Promise<string> {
    requireRole(ctx, 'Governance:GetSchedule', ...ALL_ROLES);
    const state = await readGovernance(ctx);
    if (state === undefined || state.phase !== 'active') {
      return canonicalJson({
        mode: 'open',
        epoch: state?.epoch ?? 0,
        producers: [],
        slot: null,
        producer: null,
      });
    }
    if (state.parameters.slotSeconds === 0) {
      return canonicalJson({
        mode: 'consensus',
        epoch: state.epoch,
        producers: state.consensus,
        slot: null,
        producer: null,
      });
    }
    const slot = slotAt(txSeconds(ctx), state.activeSinceSeconds, state.parameters.slotSeconds);
    return canonicalJson({
      mode: 'slots',
      epoch: state.epoch,
      producers: state.consensus,
      slotSeconds: state.parameters.slotSeconds,
      activeSinceSeconds: state.activeSinceSeconds,
      slot,
      producer: scheduledProducer(state.consensus, slot),
    });
  }

  async #openEpoch(
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
}
