/**
 * The Trace contract's per-task ledger: a task with its (private, digest-checked) unit parameters,
 * its public arbitration summary, the masked tasks published to each assigned provider's
 * collection, and the private arbitration state with its public summary.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import type { ArbitrationState } from '../../outsourcing/arbitration';
import { asString } from '../shared/arguments';
import { sha256Hex } from '../shared/hashing';
import { exists, mustGetJson } from '../shared/ledger-state';
import { readNetworkOrgs } from '../shared/network-orgs';
import type { NetworkOrgs } from '../shared/network-orgs';
import type { Caller } from '../shared/roles';
import { hvRecordPolicy } from '../shared/trust-policies';
import { ROLES, summaryOf } from './answer-driver';
import type { PrivateTraceState } from './answer-driver';
import { txSeconds } from './governance-ledger';
import { maskedTaskOfRole, ROLE_NUMBER } from './trace-engine';
import type { SlotProblem } from './trace-engine';
import { TASK_ID } from './trace-request';
import { traceKeys } from './trace-records';
import type { ArbitrationSummary, MaskedTaskDigest, TraceTask, TraceUnits } from './trace-records';
import {
  assertMatchesDigest,
  mustGetRegionRecord,
  putProviderRecord,
  putPublic,
  putRegionRecord,
} from './trace-store';

/** Refuses a caller that is not the organization `mspId` (ACCESS_DENIED naming `what`). */
export function assertIs(caller: Caller, mspId: string, what: string): void {
  if (caller.mspId !== mspId) {
    throw new CarbonTraceError('ACCESS_DENIED', `${caller.mspId} is not ${what}`, { mspId: caller.mspId });
  }
}

/** A task by id, with the network's organizations. @throws INVALID_ARGUMENT, NOT_FOUND. */
export async function taskOf(ctx: Context, taskId: string): Promise<{ task: TraceTask; orgs: NetworkOrgs }> {
  const id = asString(taskId, 'taskId', TASK_ID);
  const task = await mustGetJson<TraceTask>(ctx, traceKeys.task(ctx, id), `task ${id}`);
  return { task, orgs: await readNetworkOrgs(ctx) };
}

/** The task's unit parameters from its region's collection, checked against their public digest. */
export async function unitsOf(ctx: Context, task: TraceTask): Promise<TraceUnits['units']> {
  const stored = await mustGetRegionRecord<TraceUnits>(
    ctx,
    task.channel,
    traceKeys.units(ctx, task.taskId),
    `unit parameters of task ${task.taskId} on this peer`,
  );
  assertMatchesDigest(stored.units, task.unitsSha256, 'unit parameters', task.taskId);
  return stored.units;
}

/** The public arbitration summary of a task. @throws NOT_FOUND before condition a. */
export async function arbitrationSummaryOf(ctx: Context, taskId: string): Promise<ArbitrationSummary> {
  const id = asString(taskId, 'taskId', TASK_ID);
  return mustGetJson<ArbitrationSummary>(ctx, traceKeys.arbitration(ctx, id), `arbitration of task ${id}`);
}

/** Writes the masked task of every assigned role that has none yet; returns `{role: sha256}`. */
export async function publishMaskedTasks(
  ctx: Context,
  task: TraceTask,
  slot: SlotProblem,
  seed: string,
  state: ArbitrationState,
  orgs: NetworkOrgs,
): Promise<Record<string, string>> {
  const published: Record<string, string> = {};
  const policy = hvRecordPolicy(orgs, task.hvMsp);
  for (const role of ROLES) {
    const provider = state.assignment[role];
    if (provider === null) continue;
    const key = traceKeys.maskedTask(ctx, task.taskId, role);
    if (await exists(ctx, key)) continue;
    const { json } = maskedTaskOfRole(slot.problem, seed, task.taskId, ROLE_NUMBER[role], task.profile);
    const digest: MaskedTaskDigest = { taskId: task.taskId, role, provider, sha256: sha256Hex(json) };
    await putPublic(ctx, key, digest, policy);
    await putProviderRecord(ctx, provider, key, { ...digest, taskJson: json }, policy);
    published[role] = digest.sha256;
  }
  return published;
}

/**
 * Writes the private arbitration state (seed, state machine, verdicts) and its public summary;
 * `first` (condition a) gives both keys the HV's record policy.
 */
export async function saveTraceState(
  ctx: Context,
  task: TraceTask,
  orgs: NetworkOrgs,
  state: PrivateTraceState,
  first: boolean,
): Promise<void> {
  const policy = first ? hvRecordPolicy(orgs, task.hvMsp) : undefined;
  await putRegionRecord(ctx, task.channel, traceKeys.privateState(ctx, task.taskId), state, policy);
  const summary = summaryOf(task.taskId, state.arbitration, state.verdicts, txSeconds(ctx));
  await putPublic(ctx, traceKeys.arbitration(ctx, task.taskId), summary, policy);
}
