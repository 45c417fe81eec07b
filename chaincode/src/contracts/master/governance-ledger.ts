/**
 * EA-DPoS state on the master ledger: one state record (parameters, epoch, phase, seed, agents,
 * consensus set, supervisors, reward scores), one statistics record per HV node (credit points,
 * block counts) and one key per accuracy sample. Shared by the Governance, Anchor and Trace
 * contracts.
 *
 * An HV's anchors (`noteVerificationBlock`) and its condition b (`noteAccuracy`) run concurrently;
 * so that they do not MVCC-conflict (issue 12 #13), condition b writes each accuracy sample blind
 * to its own key and never reads or writes the statistics record, and the writers of the
 * statistics record never read the accuracy keys (a range read there would be a phantom-read
 * conflict with every condition b of that node).
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import { ACCURACY_WINDOW, CREDIT_DELTA, CREDIT_INITIAL, applyCredit } from '../../governance/evaluation';
import type { AccuracySample, Evaluation, EvaluationWeights } from '../../governance/evaluation';
import { scheduledProducer, slotAt } from '../../governance/slot-schedule';
import { getJson, listByPartialKey, padNumber, putJson } from '../shared/ledger-state';
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
  /**
   * Accuracy samples, oldest first, the last {@link ACCURACY_WINDOW}: assembled by
   * {@link readNodeStats} from the accuracy keys; never stored in the statistics record.
   */
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

/**
 * Key of one accuracy sample of a node: `governanceAccuracy~node~seconds~txId` (seconds of the
 * transaction, zero-padded), so a node's samples sort oldest first and each transaction writes its
 * own key.
 */
export function accuracySampleKey(ctx: Context, nodeId: string, seconds: number, txId: string): string {
  return ctx.stub.createCompositeKey(MASTER_KEY.governanceAccuracy, [nodeId, padNumber(seconds), txId]);
}

/**
 * Key of the `index`-th sample of a legacy `accuracy` field moved out of the statistics record
 * (seconds 0, so they sort before every sample written since).
 */
function legacyAccuracySampleKey(ctx: Context, nodeId: string, index: number): string {
  return accuracySampleKey(ctx, nodeId, 0, `legacy-${padNumber(index, 4)}`);
}

/** The statistics record as stored: without accuracy, or with the field records before #13 carried. */
type StoredNodeStats = Omit<NodeStats, 'accuracy'> & { readonly accuracy?: readonly AccuracySample[] };

/** The governance state, or undefined before `Governance:Initialize`. */
export async function readGovernance(ctx: Context): Promise<GovernanceState | undefined> {
  return getJson<GovernanceState>(ctx, governanceKey(ctx));
}

/**
 * A node's statistics record only (fresh when none is stored), for the transactions that write it
 * or need only its counters: reads the statistics key and no accuracy key. `accuracy` holds only
 * the samples of a legacy record.
 */
export async function readNodeCounters(ctx: Context, nodeId: string, epoch: number): Promise<NodeStats> {
  const stored = await getJson<StoredNodeStats>(ctx, nodeStatsKey(ctx, nodeId));
  const stats: NodeStats = {
    nodeId,
    creditPoints: stored?.creditPoints ?? CREDIT_INITIAL,
    accuracy: stored?.accuracy ?? [],
    successfulBlocksByEpoch: stored?.successfulBlocksByEpoch ?? {},
    epochCounts: stored?.epochCounts ?? { accepted: 0, rejected: 0, missed: 0 },
    epoch: stored?.epoch ?? epoch,
  };
  return stats.epoch === epoch
    ? stats
    : { ...stats, epoch, epochCounts: { accepted: 0, rejected: 0, missed: 0 } };
}

/**
 * A node's statistics (fresh ones when none are stored) with its accuracy samples: those of a
 * legacy record, then the sample keys in key order (oldest first), the last {@link ACCURACY_WINDOW}.
 * Reads the range of the node's sample keys: transactions that write the statistics record use
 * {@link readNodeCounters} instead.
 */
export async function readNodeStats(ctx: Context, nodeId: string, epoch: number): Promise<NodeStats> {
  const stats = await readNodeCounters(ctx, nodeId, epoch);
  const samples = await listByPartialKey<AccuracySample>(ctx, MASTER_KEY.governanceAccuracy, [nodeId]);
  return {
    ...stats,
    accuracy: [...stats.accuracy, ...samples.map((row) => row.value)].slice(-ACCURACY_WINDOW),
  };
}

/**
 * Writes a node's statistics record without its accuracy samples (they live in their own keys;
 * `stats.accuracy` is ignored). A legacy record's `accuracy` field is moved to sample keys that
 * sort before all others, so no sample is lost. The key has no key-level policy: like the
 * governance state it is a shared record under the chaincode's policy (docs/security.md).
 */
export async function writeNodeStats(ctx: Context, stats: NodeStats): Promise<void> {
  const key = nodeStatsKey(ctx, stats.nodeId);
  const legacy = (await getJson<StoredNodeStats>(ctx, key))?.accuracy ?? [];
  for (let i = 0; i < legacy.length; i += 1) {
    await putJson(ctx, legacyAccuracySampleKey(ctx, stats.nodeId, i), legacy[i]);
  }
  const record: StoredNodeStats = {
    nodeId: stats.nodeId,
    creditPoints: stats.creditPoints,
    successfulBlocksByEpoch: stats.successfulBlocksByEpoch,
    epochCounts: stats.epochCounts,
    epoch: stats.epoch,
  };
  await putJson(ctx, key, record);
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
  const stats = await readNodeCounters(ctx, caller.orgId, state.epoch);
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

/**
 * Records an accuracy sample (intensity computed or validated by `nodeId` vs the accepted value)
 * for a candidate once governance exists: a blind write of its own key (transaction seconds and
 * id); it reads only the governance state, never the node's statistics record or other samples,
 * so it does not conflict with the node's concurrent anchors. No key-level policy, as for the
 * statistics record it replaces (chaincode policy).
 */
export async function noteAccuracy(ctx: Context, nodeId: string, sample: AccuracySample): Promise<void> {
  const state = await readGovernance(ctx);
  if (state === undefined || !state.candidates.includes(nodeId)) return;
  const value: AccuracySample = {
    computedTco2PerMwh: sample.computedTco2PerMwh,
    acceptedTco2PerMwh: sample.acceptedTco2PerMwh,
  };
  await putJson(ctx, accuracySampleKey(ctx, nodeId, txSeconds(ctx), ctx.stub.getTxID()), value);
}
