/**
 * Recording an accepted trace's carbon flow (GridCo with the regulator, DESIGN.md §8, or the
 * condition b that accepted it when GridCo's request asked for that: HV with the regulator): the
 * accepted proposal is checked against its public digest and its conservation re-checked (MATH.md
 * C-i, C-iii, C-v) before anything is written; the record and its bus intensities, keyed by task,
 * go to the region's collection; the slot's current result changes only when the slot has none
 * or the task explicitly supersedes the current one, and the supersession is kept in its history.
 */
import type { Context } from 'fabric-contract-api';
import { canonicalSha256 } from '../shared/hashing';
import { getJson, mustGetJson, padNumber } from '../shared/ledger-state';
import type { NetworkOrgs } from '../shared/network-orgs';
import { gridCompanyRecordPolicy } from '../shared/trust-policies';
import { intervalCarbonT, intervalEnergyMwh } from '../../carbon/interval-accounting';
import { recheckConservation } from './trace-engine';
import type { CarbonProposal } from './trace-engine';
import { DEFAULT_INTERVAL_MINUTES } from './trace-request';
import { traceKeys } from './trace-records';
import type {
  AcceptedHeader,
  AcceptedRecord,
  BusIntensityRecord,
  CarbonFlowHeader,
  CarbonFlowRecord,
  SlotCurrentRecord,
  TraceTask,
} from './trace-records';
import { assertMatchesDigest, mustGetRegionRecord, putPublic, putRegionRecord } from './trace-store';

/** What {@link recordCarbonFlow} did: the public header, and whether it was already recorded. */
export interface RecordedCarbonFlow {
  readonly header: CarbonFlowHeader;
  readonly replay: boolean;
}

/**
 * Records the carbon flow of `task` (a replay returns the stored header and writes nothing).
 * @throws NOT_FOUND before the task is accepted; HASH_MISMATCH when the private proposal differs
 * from its digest; CONSERVATION_VIOLATED when the proposal does not balance.
 */
export async function recordCarbonFlow(
  ctx: Context,
  task: TraceTask,
  orgs: NetworkOrgs,
  recorderMsp: string,
): Promise<RecordedCarbonFlow> {
  const headerKey = traceKeys.carbonFlow(ctx, task.taskId);
  const existing = await getJson<CarbonFlowHeader>(ctx, headerKey);
  if (existing !== undefined) return { header: existing, replay: true };
  const acceptedHeader = await mustGetJson<AcceptedHeader>(
    ctx,
    traceKeys.accepted(ctx, task.taskId),
    `accepted result of task ${task.taskId}`,
  );
  const accepted = await mustGetRegionRecord<AcceptedRecord>(
    ctx,
    task.channel,
    traceKeys.accepted(ctx, task.taskId),
    `accepted result of task ${task.taskId} on this peer`,
  );
  assertMatchesDigest(accepted.proposal, acceptedHeader.proposalSha256, 'accepted proposal', task.taskId);
  return { header: await recordAcceptedCarbonFlow(ctx, task, orgs, recorderMsp, accepted), replay: false };
}

/**
 * Records the carbon flow of `accepted` (read from the ledger by {@link recordCarbonFlow}, or just
 * written by the condition b that accepted it) after re-checking its conservation; returns the
 * public header. @throws CONSERVATION_VIOLATED when the proposal does not balance.
 */
export async function recordAcceptedCarbonFlow(
  ctx: Context,
  task: TraceTask,
  orgs: NetworkOrgs,
  recorderMsp: string,
  accepted: AcceptedRecord,
): Promise<CarbonFlowHeader> {
  const headerKey = traceKeys.carbonFlow(ctx, task.taskId);
  recheckConservation(accepted.proposal);
  const intervalMinutes = task.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES;
  const buses = busIntensityRecords(task.channel, task.slot, task.taskId, accepted.proposal, intervalMinutes);
  const record: CarbonFlowRecord = {
    taskId: task.taskId,
    channel: task.channel,
    slot: task.slot,
    acceptedFrom: accepted.acceptedFrom,
    proposal: accepted.proposal,
    consumers: buses.map(({ busId, energyMwh, carbonT }) => ({ busId, energyMwh, carbonT })),
    intervalMinutes,
    recorderMsp,
    txId: ctx.stub.getTxID(),
  };
  const policy = gridCompanyRecordPolicy(orgs);
  await putRegionRecord(ctx, task.channel, headerKey, record, policy);
  for (const entry of buses) {
    const key = traceKeys.busIntensity(
      ctx,
      task.channel,
      padNumber(task.slot),
      task.taskId,
      padNumber(entry.busId, 8),
    );
    await putRegionRecord(ctx, task.channel, key, entry, policy);
  }
  const current = await makeCurrent(ctx, task, orgs);
  const header: CarbonFlowHeader = {
    taskId: task.taskId,
    channel: task.channel,
    slot: task.slot,
    acceptedFrom: accepted.acceptedFrom,
    recorderMsp,
    txId: record.txId,
    recordSha256: canonicalSha256(record),
    current,
  };
  await putPublic(ctx, headerKey, header, policy);
  return header;
}

/**
 * The bus records of an accepted proposal: nodal intensity, load and its carbon rate, and over the
 * interval the consumer's energy E = P·Δt and carbon C = R·Δt (interval-accounting.ts).
 */
export function busIntensityRecords(
  channel: string,
  slot: number,
  taskId: string,
  p: CarbonProposal,
  intervalMinutes: number,
): BusIntensityRecord[] {
  return p.busIds.map((busId, i) => ({
    channel,
    slot,
    busId,
    intensityTco2PerMwh: p.nodeIntensityTco2PerMwh[i] ?? 0,
    loadMw: p.loadMw[i] ?? 0,
    loadTco2PerH: p.loadTco2PerH[i] ?? 0,
    energyMwh: intervalEnergyMwh(p.loadMw[i] ?? 0, intervalMinutes),
    carbonT: intervalCarbonT(p.loadTco2PerH[i] ?? 0, intervalMinutes),
    intervalMinutes,
    taskId,
  }));
}

/** Makes the task the slot's current result when allowed (none yet, or an explicit supersession). */
async function makeCurrent(ctx: Context, task: TraceTask, orgs: NetworkOrgs): Promise<boolean> {
  const key = traceKeys.slotCurrent(ctx, task.channel, padNumber(task.slot));
  const before = await getJson<SlotCurrentRecord>(ctx, key);
  if (before === undefined) {
    const record: SlotCurrentRecord = {
      channel: task.channel,
      slot: task.slot,
      taskId: task.taskId,
      history: [],
    };
    await putPublic(ctx, key, record, gridCompanyRecordPolicy(orgs));
    return true;
  }
  if (task.supersedes?.taskId !== before.taskId) return false;
  const record: SlotCurrentRecord = {
    ...before,
    taskId: task.taskId,
    history: [
      ...before.history,
      {
        taskId: before.taskId,
        supersededBy: task.taskId,
        reason: task.supersedes.reason,
        txId: ctx.stub.getTxID(),
      },
    ],
  };
  await putPublic(ctx, key, record);
  return true;
}
