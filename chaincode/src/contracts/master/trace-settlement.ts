/**
 * The end of a task's arbitration (MATH.md F.3, END): the providers settled (fees, strikes,
 * blacklist), the accepted result stored (digests public, the carbon-flow proposal in the region's
 * collection) and the HV's accuracy noted for governance (MATH.md G.1) as a ratio, never the
 * intensities themselves.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import type { ArbitrationState } from '../../outsourcing/arbitration';
import { canonicalSha256 } from '../shared/hashing';
import type { NetworkOrgs } from '../shared/network-orgs';
import { hvRecordPolicy } from '../shared/trust-policies';
import type { AnswerDriver } from './answer-driver';
import { noteAccuracy } from './governance-ledger';
import { settleProviders } from './provider-settlement';
import { carbonProposal } from './trace-engine';
import type { SlotProblem } from './trace-engine';
import { traceKeys } from './trace-records';
import type { AcceptedHeader, AcceptedRecord, TraceTask } from './trace-records';
import { putPublic, putRegionRecord } from './trace-store';

/**
 * Settles an ended arbitration: provider records, the accepted result, the HV's accuracy.
 * Returns the accepted result as written (a later read in the same transaction would not see it).
 */
export async function settleTask(
  ctx: Context,
  task: TraceTask,
  slot: SlotProblem,
  state: ArbitrationState,
  driver: AnswerDriver,
  orgs: NetworkOrgs,
): Promise<AcceptedRecord> {
  const outcome = state.outcome;
  if (outcome === null) throw new CarbonTraceError('INTERNAL', 'arbitration ended without an outcome', {});
  await settleProviders(ctx, state);
  const groups = await driver.acceptedGroups(outcome.result);
  const proposal = carbonProposal(slot.problem, slot.units, groups);
  const header: AcceptedHeader = {
    taskId: task.taskId,
    channel: task.channel,
    slot: task.slot,
    acceptedFrom: outcome.acceptedFrom,
    resultSha256: canonicalSha256(outcome.result),
    proposalSha256: canonicalSha256(proposal),
  };
  const policy = hvRecordPolicy(orgs, task.hvMsp);
  const key = traceKeys.accepted(ctx, task.taskId);
  await putPublic(ctx, key, header, policy);
  const accepted: AcceptedRecord = { ...header, proposal };
  await putRegionRecord(ctx, task.channel, key, accepted, policy);
  const local = driver.dataCenter().intensityTco2PerMwh;
  let computed = 0;
  let acceptedMean = 0;
  for (let g = 0; g < local.length; g += 1) {
    computed += local[g] ?? 0;
    acceptedMean += groups.intensityTco2PerMwh[g] ?? 0;
  }
  // governance statistics are public: record the HV's accuracy as a ratio to the accepted value
  // (the same score, MATH.md G.1), never the intensities themselves
  await noteAccuracy(
    ctx,
    task.hvMsp.slice(0, -'MSP'.length),
    acceptedMean === 0
      ? { computedTco2PerMwh: computed === 0 ? 0 : 1, acceptedTco2PerMwh: 0 }
      : { computedTco2PerMwh: computed / acceptedMean, acceptedTco2PerMwh: 1 },
  );
  return accepted;
}
