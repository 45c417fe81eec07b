/**
 * Condition a (DESIGN.md §3, §8; MATH.md F.1–F.2), run by the channel's HV organization and the
 * regulator with a seed in transient data: reads the slot's package across channels and checks it
 * against its anchor, solves the power flow, chooses the providers, writes each provider's masked
 * task into its own collection and keeps the seed in the region's private collection. The seed is
 * the only randomness, so both endorsers compute the same masks.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import { startArbitration, stepArbitration } from '../../outsourcing/arbitration';
import type { ArbitrationState } from '../../outsourcing/arbitration';
import { exists } from '../shared/ledger-state';
import type { Caller } from '../shared/roles';
import { hvRecordPolicy } from '../shared/trust-policies';
import { providerPoolOf } from './provider-ledger';
import { readAnchoredSlotPackage } from './slot-package-reader';
import { problemOfPackage } from './trace-engine';
import { traceKeys } from './trace-records';
import type { ConditionARecord } from './trace-records';
import { assertIs, publishMaskedTasks, saveTraceState, taskOf, unitsOf } from './trace-task-ledger';
import { putPublic } from './trace-store';

/** Name of the transient field holding condition a's seed. */
export const SEED_TRANSIENT_KEY = 'seed';
/** Smallest seed accepted, bytes. */
export const MIN_SEED_BYTES = 16;

/** What condition a wrote: its public record, the first assignment and the masked tasks' digests. */
export interface ConditionAResult {
  readonly record: ConditionARecord;
  readonly assignment: ArbitrationState['assignment'];
  readonly maskedTasks: Readonly<Record<string, string>>;
}

/** The transient seed, hex. @throws INVALID_ARGUMENT when it is missing or too short. */
function transientSeed(ctx: Context): string {
  const seedBytes = ctx.stub.getTransient().get(SEED_TRANSIENT_KEY);
  if (seedBytes === undefined || seedBytes.length < MIN_SEED_BYTES) {
    throw new CarbonTraceError(
      'INVALID_ARGUMENT',
      `transient field "${SEED_TRANSIENT_KEY}" must hold at least ${MIN_SEED_BYTES} bytes`,
      { field: SEED_TRANSIENT_KEY },
    );
  }
  return Buffer.from(seedBytes).toString('hex');
}

/**
 * Runs condition a of `taskId` for `caller`.
 * @throws ACCESS_DENIED when the caller is not the task's HV organization; ALREADY_EXISTS when
 *   condition a already ran; INVALID_ARGUMENT for the seed; the package reader's and the power
 *   flow's errors (anchor mismatch, divergence) naming the slot.
 */
export async function runConditionA(ctx: Context, caller: Caller, taskId: string): Promise<ConditionAResult> {
  const { task, orgs } = await taskOf(ctx, taskId);
  assertIs(caller, task.hvMsp, `the HV organization of ${task.channel}`);
  if (await exists(ctx, traceKeys.conditionA(ctx, task.taskId))) {
    throw new CarbonTraceError('ALREADY_EXISTS', `condition a of task ${task.taskId} already ran`, {
      taskId: task.taskId,
    });
  }
  const seed = transientSeed(ctx);
  const { sealed, anchored } = await readAnchoredSlotPackage(ctx, task.channel, task.slot);
  const slot = problemOfPackage(sealed.package, await unitsOf(ctx, task));
  const { cycle, pool } = await providerPoolOf(ctx, task.requestedProviders);
  const providerOrder = [...pool.order];
  let state = startArbitration({ taskId: task.taskId, cycle, pool, fees: task.fees });
  state = stepArbitration(state, { type: 'dispatch' });
  const maskedTasks = await publishMaskedTasks(ctx, task, slot, seed, state, orgs);
  const record: ConditionARecord = {
    taskId: task.taskId,
    packageSha256: sealed.sha256,
    anchoredBlockNumber: anchored.blockNumber,
    anchoredHeaderHash: anchored.headerHash,
    size: slot.problem.size,
    generatorCount: slot.problem.generatorCount,
    powerFlow: slot.powerFlow,
    providerOrder,
    cycle,
    txId: ctx.stub.getTxID(),
  };
  await putPublic(ctx, traceKeys.conditionA(ctx, task.taskId), record, hvRecordPolicy(orgs, task.hvMsp));
  await saveTraceState(ctx, task, orgs, { seed, arbitration: state, verdicts: [] }, true);
  return { record, assignment: state.assignment, maskedTasks };
}
