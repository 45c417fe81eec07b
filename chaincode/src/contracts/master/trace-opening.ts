/**
 * The first step of a trace (DESIGN.md §3, §8): GridCo's request becomes a task on the ledger.
 * The public task holds ids, the slot, fees and the digest of the unit parameters; the unit
 * parameters themselves go into the region's private collection. An identical replay returns the
 * stored task, so a retried request is safe; the same task id with other parameters is refused.
 */
import type { Context } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import { invalid } from '../shared/arguments';
import { canonicalSha256 } from '../shared/hashing';
import { getJson, mustGetJson } from '../shared/ledger-state';
import { readNetworkOrgs, regionOfChannel } from '../shared/network-orgs';
import type { Caller } from '../shared/roles';
import { gridCompanyRecordPolicy } from '../shared/trust-policies';
import { txSeconds } from './governance-ledger';
import { DEFAULT_INTERVAL_MINUTES, parseTraceRequest } from './trace-request';
import type { ParsedRequest } from './trace-request';
import { traceKeys } from './trace-records';
import type { TraceTask, TraceUnits } from './trace-records';
import { assertIs } from './trace-task-ledger';
import { putPublic, putRegionRecord } from './trace-store';

/** What `Request` did: the task, and whether it was only a replay of a stored one. */
export interface OpenedTask {
  readonly task: TraceTask;
  readonly replay: boolean;
}

/** Whether a stored task has exactly the parameters of a request (its replay). */
function sameRequest(before: TraceTask, r: ParsedRequest, unitsSha256: string): boolean {
  return (
    before.channel === r.channel &&
    before.slot === r.slot &&
    before.unitsSha256 === unitsSha256 &&
    before.profile === r.profile &&
    (before.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES) === r.intervalMinutes &&
    (before.recordOnAccept ?? false) === r.recordOnAccept &&
    canonicalJson(before.fees) === canonicalJson(r.fees)
  );
}

/**
 * Opens the task GridCo (`caller`) requests with `requestJson` (and transient `units`).
 * @throws ACCESS_DENIED when the caller is not the grid company; INVALID_ARGUMENT naming the
 *   field; ALREADY_EXISTS when the task id is taken with other parameters; NOT_FOUND when the
 *   superseded task does not exist.
 */
export async function openTraceTask(ctx: Context, caller: Caller, requestJson: string): Promise<OpenedTask> {
  const orgs = await readNetworkOrgs(ctx);
  assertIs(caller, orgs.gridCompany, 'the grid company');
  const r = parseTraceRequest(ctx, requestJson);
  const region = regionOfChannel(orgs, r.channel);
  const unitsSha256 = canonicalSha256(r.units);
  const key = traceKeys.task(ctx, r.taskId);
  const before = await getJson<TraceTask>(ctx, key);
  if (before !== undefined) {
    if (sameRequest(before, r, unitsSha256)) return { task: before, replay: true };
    throw new CarbonTraceError('ALREADY_EXISTS', `task ${r.taskId} already exists with other parameters`, {
      taskId: r.taskId,
    });
  }
  if (r.supersedes !== null) {
    const old = await mustGetJson<TraceTask>(
      ctx,
      traceKeys.task(ctx, r.supersedes.taskId),
      `task ${r.supersedes.taskId}`,
    );
    if (old.channel !== r.channel || old.slot !== r.slot) {
      invalid('supersedes.taskId', `must be a task of ${r.channel} slot ${r.slot}`, r.supersedes.taskId);
    }
  }
  const task: TraceTask = {
    taskId: r.taskId,
    channel: r.channel,
    slot: r.slot,
    hvMsp: region.hv,
    profile: r.profile,
    fees: r.fees,
    requestedProviders: r.requestedProviders,
    answerDeadlineSeconds: r.answerDeadlineSeconds,
    intervalMinutes: r.intervalMinutes,
    supersedes: r.supersedes,
    recordOnAccept: r.recordOnAccept,
    unitsSha256,
    requesterMsp: caller.mspId,
    requestedAtSeconds: txSeconds(ctx),
    txId: ctx.stub.getTxID(),
  };
  const policy = gridCompanyRecordPolicy(orgs);
  await putPublic(ctx, key, task, policy);
  const units: TraceUnits = { taskId: r.taskId, units: r.units };
  await putRegionRecord(ctx, r.channel, traceKeys.units(ctx, r.taskId), units, policy);
  return { task, replay: false };
}
