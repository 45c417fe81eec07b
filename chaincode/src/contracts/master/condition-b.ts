/**
 * Condition b (DESIGN.md §3, §8; MATH.md F.3–F.4), run by the task's HV organization and the
 * regulator: unmasks and verifies the answers that arrived, advances the arbitration (double
 * check, recomputation, third provider), and at the end settles fees, strikes and blacklists and
 * stores the accepted result; when GridCo's request asked for it (`recordOnAccept`), it records the
 * carbon flow in the same transaction. Nothing new on this peer means nothing written.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import type { ArbitrationState } from '../../outsourcing/arbitration';
import type { Caller } from '../shared/roles';
import { AnswerDriver, summaryOf } from './answer-driver';
import type { PrivateTraceState } from './answer-driver';
import { recordAcceptedCarbonFlow } from './carbon-flow-recorder';
import { txSeconds } from './governance-ledger';
import { readAnchoredSlotPackage } from './slot-package-reader';
import { problemOfPackage } from './trace-engine';
import { traceKeys } from './trace-records';
import type { ArbitrationSummary, CarbonFlowHeader, ConditionBOutcome } from './trace-records';
import { settleTask } from './trace-settlement';
import {
  arbitrationSummaryOf,
  assertIs,
  publishMaskedTasks,
  saveTraceState,
  taskOf,
  unitsOf,
} from './trace-task-ledger';
import { getRegionRecord } from './trace-store';

/** A condition b that advanced the arbitration: what it wrote and what its event tells. */
export interface ConditionBStep {
  readonly outcome: ConditionBOutcome;
  readonly state: ArbitrationState;
  readonly summary: ArbitrationSummary;
  readonly newMaskedTasks: Readonly<Record<string, string>>;
  readonly carbonFlow: CarbonFlowHeader | null;
}

/** Condition b's result: nothing new on this peer, or the step it took. */
export type ConditionBResult =
  | { readonly advanced: false; readonly summary: ArbitrationSummary }
  | ({ readonly advanced: true } & ConditionBStep);

/**
 * Runs condition b of `taskId` for `caller`. Returns `{advanced: false, summary}` when no new
 * answer is on this peer (nothing written), else the step.
 * @throws ACCESS_DENIED when the caller is not the task's HV organization; INVALID_STATE when
 *   condition a is not on this peer or the task is already settled.
 */
export async function runConditionB(ctx: Context, caller: Caller, taskId: string): Promise<ConditionBResult> {
  const { task, orgs } = await taskOf(ctx, taskId);
  assertIs(caller, task.hvMsp, `the HV organization of ${task.channel}`);
  const secret = await getRegionRecord<PrivateTraceState>(
    ctx,
    task.channel,
    traceKeys.privateState(ctx, task.taskId),
  );
  const before = await arbitrationSummaryOf(ctx, task.taskId);
  if (secret === undefined) {
    throw new CarbonTraceError('INVALID_STATE', `condition a of task ${task.taskId} is not on this peer`, {
      taskId: task.taskId,
    });
  }
  if (secret.arbitration.stage === 'END') {
    throw new CarbonTraceError('INVALID_STATE', `task ${task.taskId} is already settled`, {
      taskId: task.taskId,
    });
  }
  const { sealed } = await readAnchoredSlotPackage(ctx, task.channel, task.slot);
  const slot = problemOfPackage(sealed.package, await unitsOf(ctx, task));
  const driver = new AnswerDriver(ctx, task, slot, secret.seed);
  const { state, verdicts } = await driver.advance(secret.arbitration, secret.verdicts);
  if (state.path.length === secret.arbitration.path.length && verdicts.length === secret.verdicts.length) {
    // nothing new arrived (or this peer has not committed it yet): write nothing, emit nothing
    return { advanced: false, summary: before };
  }
  const newMaskedTasks = await publishMaskedTasks(ctx, task, slot, secret.seed, state, orgs);
  let carbonFlow: CarbonFlowHeader | null = null;
  if (state.stage === 'END') {
    const accepted = await settleTask(ctx, task, slot, state, driver, orgs);
    // GridCo's request asked for it: the carbon flow is a function of the accepted result that
    // these same endorsers (HV + regulator) have just written, re-checked as RecordCarbonFlow does
    if (task.recordOnAccept === true) {
      carbonFlow = await recordAcceptedCarbonFlow(ctx, task, orgs, caller.mspId, accepted);
    }
  }
  await saveTraceState(ctx, task, orgs, { seed: secret.seed, arbitration: state, verdicts }, false);
  const summary = summaryOf(task.taskId, state, verdicts, txSeconds(ctx));
  const outcome: ConditionBOutcome = carbonFlow === null ? summary : { ...summary, carbonFlow };
  return { advanced: true, outcome, state, summary, newMaskedTasks, carbonFlow };
}
