/**
 * carbon-master `Governance`: EA-DPoS on chain (MATH.md G.1–G.4). An epoch runs
 * pow → voting → active: HV nodes submit PoW solutions verified on chain against the epoch seed
 * and their CA; GridCo closes the agent selection (N_A best solutions); agents vote (weighted by
 * equity); GridCo closes the vote (consensus set, supervisor rights, seeded supervisor draw); the
 * consensus nodes then record verification blocks in their slots; supervisors may reject a block
 * and GridCo may report a missed slot; `EndEpoch` updates reward scores, pays rewards and opens
 * the next epoch with a new seed. This class holds the transactions' roles, checks and events; the
 * epoch's computations are in governance-epoch.ts, the parameters in governance-parameters.ts and
 * the penalties in governance-penalties.ts.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import { selectAgents, verifyPow } from '../../governance/pow-agent';
import type { VerifiedPow } from '../../governance/pow-agent';
import { tallyVotes } from '../../governance/voting';
import type { Ballot } from '../../governance/voting';
import { asArray, asString, parseDecimalInteger, parseJsonArgument } from '../shared/arguments';
import { CarbonContract } from '../shared/carbon-contract';
import { emitEvent } from '../shared/events';
import { canonicalSha256 } from '../shared/hashing';
import { getJson, listByPartialKey, padNumber, putJson } from '../shared/ledger-state';
import { ALL_ROLES, requireRole } from '../shared/roles';
import {
  closingRewards,
  electConsensus,
  eligibleAgent,
  evaluationOf,
  openEpoch,
  requireMember,
  requirePhase,
  scheduleAt,
} from './governance-epoch';
import { governanceKey, readGovernance, readNodeStats, txSeconds } from './governance-ledger';
import type { GovernanceState } from './governance-ledger';
import { NODE_ID, parseGovernanceSetup } from './governance-parameters';
import { rejectBlock, reportMissedSlot } from './governance-penalties';
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
    const { candidates, parameters } = parseGovernanceSetup(setupJson);
    if ((await readGovernance(ctx)) !== undefined) {
      throw new CarbonTraceError('ALREADY_EXISTS', 'governance is already initialized', {});
    }
    const sorted = [...candidates].sort();
    const state = await openEpoch(ctx, parameters, sorted, 1, {}, {}, 'genesis');
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
    const evaluation = await eligibleAgent(ctx, state, caller.orgId);
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
    requireMember(state, 'agents', caller.orgId);
    const approvals = asArray(
      parseJsonArgument(approvalsJson, 'approvals'),
      'approvals',
      1,
      state.parameters.consensusSize,
    ).map((v, i) => asString(v, `approvals[${i}]`, NODE_ID));
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
    const next = electConsensus(state, ballots, txSeconds(ctx));
    await putJson(ctx, governanceKey(ctx), next);
    emitEvent(ctx, GOVERNANCE_EVENTS.consensusElected, {
      epoch: state.epoch,
      consensus: next.consensus,
      supervisors: next.supervisors,
    });
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
    requireMember(state, 'supervisors', caller.orgId);
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
    const nodeId = asString(producer, 'producer', NODE_ID);
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
    const { rewardScores, rewards } = await closingRewards(ctx, state);
    const next = await openEpoch(
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
    return canonicalJson(await readNodeStats(ctx, asString(nodeId, 'nodeId', NODE_ID), state?.epoch ?? 0));
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
    return canonicalJson(scheduleAt(await readGovernance(ctx), txSeconds(ctx)));
  }
}
