/**
 * EA-DPoS state on the master ledger: one state record (parameters, epoch, phase, seed, agents,
 * consensus set, supervisors, reward scores) and one statistics record per HV node (credit points,
 * accuracy samples, block counts). Shared by the Governance, Anchor and Trace contracts.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import { CREDIT_DELTA, CREDIT_INITIAL, applyCredit } from '../../governance/evaluation';
import type { AccuracySample, Evaluation, EvaluationWeights } from '../../governance/evaluation';
import { scheduledProducer, slotAt } from '../../governance/slot-schedule';
import { getJson, putJson } from '../shared/ledger-state';
import type { Caller } from '../shared/roles';
import { MASTER_KEY } from './master-keys';

/** Governance parameters (MATH.md G.1–G.4 defaults unless set). */
export interface GovernanceParameters {
  readonly weights: EvaluationWeights;
  /** tgt_0. */
  readonly baseTarget: number;
  /** CA_min for agent eligibility. */
  readonly minCa: number;
  /** N_A. */
  readonly agentCount: number;
  /** N_C. */
  readonly consensusSize: number;
  /** N_S. */
  readonly supervisorCount: number;
  /** Reward pool per epoch. */
  readonly rewardPool: number;
  /** Slot length for the verification-block schedule, seconds; 0 = no time slots (any consensus node). */
  readonly slotSeconds: number;
}

/** Phases of an epoch. */
export type GovernancePhase = 'pow' | 'voting' | 'active';

/** The governance state record. */
export interface GovernanceState {
  readonly parameters: GovernanceParameters;
  /** HV node ids (organization ids, e.g. `Hv1`). */
  readonly candidates: readonly string[];
  readonly epoch: number;
  readonly phase: GovernancePhase;
  /** seed_t, hex. */
  readonly seed: string;
  /** CA and its parts per candidate, computed at the start of the epoch. */
  readonly evaluations: readonly Evaluation[];
  readonly agents: readonly string[];
  /** Consensus set in ranked order (the producer rotation). */
  readonly consensus: readonly string[];
  readonly votes: Readonly<Record<string, number>>;
  readonly supervisors: readonly string[];
  readonly supervisorRights: Readonly<Record<string, number>>;
  /** RS_i. */
  readonly rewardScores: Readonly<Record<string, number>>;
  /** Rewards paid at the end of the previous epoch. */
  readonly lastRewards: Readonly<Record<string, number>>;
  /** Time the active phase started (seconds since 1970, from the transaction timestamp). */
  readonly activeSinceSeconds: number;
}

/** Per-node statistics. */
export interface NodeStats {
  readonly nodeId: string;
  readonly creditPoints: number;
  readonly accuracy: readonly AccuracySample[];
  /** Successfully produced (accepted) blocks per epoch, last W_T epochs. */
  readonly successfulBlocksByEpoch: Readonly<Record<string, number>>;
  /** Block counts of the current epoch. */
  readonly epochCounts: { readonly accepted: number; readonly rejected: number; readonly missed: number };
  readonly epoch: number;
}

/** Key of the governance state. */
export function governanceKey(ctx: Context): string {
  return ctx.stub.createCompositeKey(MASTER_KEY.governance, ['current']);
}

/** Key of a node's statistics. */
export function nodeStatsKey(ctx: Context, nodeId: string): string {
  return ctx.stub.createCompositeKey(MASTER_KEY.governanceStats, [nodeId]);
}

/** The governance state, or undefined before `Governance:Initialize`. */
export async function readGovernance(ctx: Context): Promise<GovernanceState | undefined> {
  return getJson<GovernanceState>(ctx, governanceKey(ctx));
}

/** A node's statistics (fresh ones when none are stored). */
export async function readNodeStats(ctx: Context, nodeId: string, epoch: number): Promise<NodeStats> {
  const stored = await getJson<NodeStats>(ctx, nodeStatsKey(ctx, nodeId));
  const stats = stored ?? {
    nodeId,
    creditPoints: CREDIT_INITIAL,
    accuracy: [],
    successfulBlocksByEpoch: {},
    epochCounts: { accepted: 0, rejected: 0, missed: 0 },
    epoch,
  };
  return stats.epoch === epoch
    ? stats
    : { ...stats, epoch, epochCounts: { accepted: 0, rejected: 0, missed: 0 } };
}

/** Writes a node's statistics. */
export async function writeNodeStats(ctx: Context, stats: NodeStats): Promise<void> {
  await putJson(ctx, nodeStatsKey(ctx, stats.nodeId), stats);
}

/** Seconds since 1970 of the transaction (the proposal timestamp every endorser sees). */
export function txSeconds(ctx: Context): number {
  const ts = ctx.stub.getTxTimestamp();
  return Number(ts.seconds.toString());
}

/**
 * Whether `caller` may record a verification block now: any HV node before governance starts or
 * outside an active epoch; during an active epoch only consensus nodes, and when slots are timed,
 * only the node scheduled for the current slot.
 * @throws CarbonTraceError ACCESS_DENIED (not a consensus node) or INVALID_STATE (not its slot).
 */
export async function assertMayRecordVerificationBlock(ctx: Context, caller: Caller): Promise<void> {
  const state = await readGovernance(ctx);
  if (state === undefined || state.phase !== 'active' || state.consensus.length === 0) return;
  if (!state.consensus.includes(caller.orgId)) {
    throw new CarbonTraceError(
      'ACCESS_DENIED',
      `${caller.orgId} is not in the consensus set of epoch ${state.epoch}`,
      {
        nodeId: caller.orgId,
        epoch: state.epoch,
      },
    );
  }
  if (state.parameters.slotSeconds > 0) {
    const slot = slotAt(txSeconds(ctx), state.activeSinceSeconds, state.parameters.slotSeconds);
    const producer = scheduledProducer(state.consensus, slot);
    if (producer !== caller.orgId) {
      throw new CarbonTraceError(
        'INVALID_STATE',
        `slot ${slot} of epoch ${state.epoch} belongs to ${producer}`,
        {
          nodeId: caller.orgId,
          slot,
          producer,
        },
      );
    }
  }
}

/** Credits the recorder with `count` accepted verification blocks (b^ok, d += 1 each). */
export async function noteVerificationBlock(ctx: Context, caller: Caller, count: number): Promise<void> {
  const state = await readGovernance(ctx);
  if (state === undefined || !state.candidates.includes(caller.orgId)) return;
  const stats = await readNodeStats(ctx, caller.orgId, state.epoch);
  const key = String(state.epoch);
  await writeNodeStats(ctx, {
    ...stats,
    creditPoints: applyCredit(stats.creditPoints, CREDIT_DELTA.validBlock * count),
    epochCounts: { ...stats.epochCounts, accepted: stats.epochCounts.accepted + count },
    successfulBlocksByEpoch: {
      ...stats.successfulBlocksByEpoch,
      [key]: (stats.successfulBlocksByEpoch[key] ?? 0) + count,
    },
  });
}

/** Appends an accuracy sample (intensity computed or validated by `nodeId` vs the accepted value). */
export async function noteAccuracy(ctx: Context, nodeId: string, sample: AccuracySample): Promise<void> {
  const state = await readGovernance(ctx);
  if (state === undefined || !state.candidates.includes(nodeId)) return;
  const stats = await readNodeStats(ctx, nodeId, state.epoch);
  await writeNodeStats(ctx, { ...stats, accuracy: [...stats.accuracy, sample].slice(-50) });
}
