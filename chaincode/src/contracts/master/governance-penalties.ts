/**
 * Penalties of EA-DPoS (MATH.md G.4) that other organizations report, made safe against a single
 * hostile reporter and against retries:
 * - a block rejection names an anchored verification block (slave channel and block number); each
 *   supervisor votes at most once per block, and the producer (the block's recorder) is penalized
 *   once, when ⌈2N_S/3⌉ of the epoch's N_S supervisors have rejected it;
 * - a missed slot names the epoch's slot; it is penalized once, and only when the slot's scheduled
 *   producer is the node reported and the slot is over.
 * A repeated call returns the stored record and writes nothing.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import { applyCredit, CREDIT_DELTA } from '../../governance/evaluation';
import { scheduledProducer, slotAt } from '../../governance/slot-schedule';
import { getJson, listByPartialKey, padNumber, putJson } from '../shared/ledger-state';
import { orgIdOfMsp } from '../shared/roles';
import { readNodeCounters, txSeconds, writeNodeStats } from './governance-ledger';
import type { GovernanceState } from './governance-ledger';
import { anchorKey } from './master-keys';
import type { VerificationBlock } from './verification-block';

/** Object types of the penalty records. */
export const PENALTY_KEY = {
  rejectVote: 'governanceRejectVote',
  rejectOutcome: 'governanceRejectOutcome',
  missedSlot: 'governanceMissedSlot',
} as const;

/** One supervisor's rejection of one anchored block. */
export interface RejectVote {
  readonly channel: string;
  readonly blockNumber: number;
  readonly epoch: number;
  readonly supervisor: string;
  readonly reason: string;
}

/** Where the rejections of one block stand (the result of `Governance:RejectBlock`). */
export interface RejectOutcome {
  readonly channel: string;
  readonly blockNumber: number;
  /** The block's recorder (organization id). */
  readonly producer: string;
  readonly epoch: number;
  /** Supervisors that rejected it in this epoch, sorted. */
  readonly rejectedBy: readonly string[];
  /** ⌈2N_S/3⌉. */
  readonly threshold: number;
  /** True once the producer has been penalized for this block. */
  readonly penalized: boolean;
  /** The producer's credit points after this call. */
  readonly creditPoints: number;
}

/** A reported missed slot (the result of `Governance:ReportMissedSlot`). */
export interface MissedSlotRecord {
  readonly epoch: number;
  readonly slot: number;
  readonly producer: string;
  /** The producer's credit points after the penalty. */
  readonly creditPoints: number;
  readonly txId: string;
}

/** ⌈2N_S/3⌉: the supervisors needed to reject (or finalize) a block. */
export function rejectionThreshold(supervisorCount: number): number {
  return Math.ceil((2 * supervisorCount) / 3);
}

/**
 * Records `supervisor`'s rejection of `channel` block `blockNumber` and penalizes its producer
 * once the threshold is reached.
 * @throws CarbonTraceError NOT_FOUND when the block is not anchored; ACCESS_DENIED when its recorder
 * is not a candidate.
 */
export async function rejectBlock(
  ctx: Context,
  state: GovernanceState,
  vote: RejectVote,
): Promise<{ outcome: RejectOutcome; changed: boolean }> {
  const block = await getJson<VerificationBlock>(ctx, anchorKey(ctx, vote.channel, vote.blockNumber));
  if (block === undefined) {
    throw new CarbonTraceError(
      'NOT_FOUND',
      `${vote.channel} block ${vote.blockNumber} is not anchored: only anchored verification blocks can be rejected`,
      { channel: vote.channel, blockNumber: vote.blockNumber },
    );
  }
  const producer = orgIdOfMsp(block.recorderMsp);
  if (!state.candidates.includes(producer)) {
    throw new CarbonTraceError(
      'ACCESS_DENIED',
      `${producer}, the recorder of the block, is not a candidate`,
      {
        nodeId: producer,
      },
    );
  }
  const blockAttributes = [vote.channel, padNumber(vote.blockNumber, 16)];
  const voteKey = ctx.stub.createCompositeKey(PENALTY_KEY.rejectVote, [...blockAttributes, vote.supervisor]);
  const outcomeKey = ctx.stub.createCompositeKey(PENALTY_KEY.rejectOutcome, blockAttributes);
  const previous = await getJson<RejectOutcome>(ctx, outcomeKey);
  const already = await getJson<RejectVote>(ctx, voteKey);
  if (already !== undefined && previous !== undefined) return { outcome: previous, changed: false };
  await putJson(ctx, voteKey, vote);
  const votes = (await listByPartialKey<RejectVote>(ctx, PENALTY_KEY.rejectVote, blockAttributes))
    .map((row) => row.value)
    .filter((v) => v.epoch === state.epoch && state.supervisors.includes(v.supervisor));
  const rejectedBy = [...new Set([...votes.map((v) => v.supervisor), vote.supervisor])].sort();
  const threshold = rejectionThreshold(state.supervisors.length);
  let stats = await readNodeCounters(ctx, producer, state.epoch);
  const penalize = previous?.penalized !== true && rejectedBy.length >= threshold;
  if (penalize) {
    stats = {
      ...stats,
      creditPoints: applyCredit(stats.creditPoints, CREDIT_DELTA.invalidMessage),
      epochCounts: { ...stats.epochCounts, rejected: stats.epochCounts.rejected + 1 },
    };
    await writeNodeStats(ctx, stats);
  }
  const outcome: RejectOutcome = {
    channel: vote.channel,
    blockNumber: vote.blockNumber,
    producer,
    epoch: state.epoch,
    rejectedBy,
    threshold,
    penalized: previous?.penalized === true || penalize,
    creditPoints: stats.creditPoints,
  };
  await putJson(ctx, outcomeKey, outcome);
  return { outcome, changed: true };
}

/**
 * Penalizes `producer` for missing `slot` of the current epoch, once.
 * @throws CarbonTraceError INVALID_ARGUMENT when the slot is not over or belongs to another
 * producer; ALREADY_EXISTS when the slot was reported for another producer.
 */
export async function reportMissedSlot(
  ctx: Context,
  state: GovernanceState,
  producer: string,
  slot: number,
): Promise<{ record: MissedSlotRecord; changed: boolean }> {
  const key = ctx.stub.createCompositeKey(PENALTY_KEY.missedSlot, [padNumber(state.epoch), padNumber(slot)]);
  const previous = await getJson<MissedSlotRecord>(ctx, key);
  if (previous !== undefined) {
    if (previous.producer === producer) return { record: previous, changed: false };
    throw new CarbonTraceError(
      'ALREADY_EXISTS',
      `slot ${slot} of epoch ${state.epoch} was already reported as missed by ${previous.producer}`,
      { field: 'slot', value: slot, producer: previous.producer },
    );
  }
  if (state.parameters.slotSeconds > 0) {
    const current = slotAt(txSeconds(ctx), state.activeSinceSeconds, state.parameters.slotSeconds);
    if (slot >= current) {
      throw new CarbonTraceError(
        'INVALID_ARGUMENT',
        `slot ${slot} of epoch ${state.epoch} is not over (the current slot is ${current})`,
        { field: 'slot', value: slot },
      );
    }
    const scheduled = scheduledProducer(state.consensus, slot);
    if (scheduled !== producer) {
      throw new CarbonTraceError(
        'INVALID_ARGUMENT',
        `slot ${slot} of epoch ${state.epoch} belongs to ${scheduled}, not ${producer}`,
        { field: 'producer', value: producer, producer: scheduled },
      );
    }
  } else if (!state.consensus.includes(producer)) {
    throw new CarbonTraceError('INVALID_ARGUMENT', `${producer} is not a producer of epoch ${state.epoch}`, {
      field: 'producer',
      value: producer,
    });
  }
  const stats = await readNodeCounters(ctx, producer, state.epoch);
  const next = {
    ...stats,
    creditPoints: applyCredit(stats.creditPoints, CREDIT_DELTA.missedSlot),
    epochCounts: { ...stats.epochCounts, missed: stats.epochCounts.missed + 1 },
  };
  await writeNodeStats(ctx, next);
  const record: MissedSlotRecord = {
    epoch: state.epoch,
    slot,
    producer,
    creditPoints: next.creditPoints,
    txId: ctx.stub.getTxID(),
  };
  await putJson(ctx, key, record);
  return { record, changed: true };
}
