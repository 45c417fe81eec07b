/**
 * carbon-master `Trace`: one outsourced carbon trace, step by step (DESIGN.md §3, §8):
 * `Request` (GridCo + regulator; unit parameters as transient data) → `ConditionA` (HV + regulator;
 * transient seed → one-time keys; masked tasks into each provider's collection) → `SubmitResult`
 * (only the assigned provider; its answer as transient data) → `ConditionB` (HV + regulator:
 * unmask, verify, compare, arbitration, settlement) → `RecordCarbonFlow` (GridCo + regulator;
 * conservation re-checked). Every plaintext value stays in private collections; what the channel
 * sees (state, events, return values) is ids, digests and provider-facing facts.
 * This class holds the transactions' signatures, roles, events and return values; each step's
 * ledger work is in its own file: trace-opening.ts, condition-a.ts, provider-answers.ts,
 * condition-b.ts, carbon-flow-recorder.ts.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import { asString } from '../shared/arguments';
import { CarbonContract } from '../shared/carbon-contract';
import { emitEvent } from '../shared/events';
import { getJson, mustGetJson } from '../shared/ledger-state';
import { ALL_ROLES, requireRole } from '../shared/roles';
import { recordCarbonFlow } from './carbon-flow-recorder';
import { runConditionA } from './condition-a';
import { runConditionB } from './condition-b';
import { acceptProviderAnswer, parseRole, recordMissedAnswer } from './provider-answers';
import { TASK_ID } from './trace-request';
import { openTraceTask } from './trace-opening';
import { traceKeys } from './trace-records';
import type {
  AcceptedRecord,
  CarbonFlowHeader,
  CarbonFlowRecord,
  MaskedTaskDigest,
  MaskedTaskRecord,
  TraceTask,
} from './trace-records';
import { arbitrationSummaryOf, assertIs, taskOf, unitsOf } from './trace-task-ledger';
import { getProviderRecord, mustGetRegionRecord } from './trace-store';

/** Events emitted by {@link TraceContract}, one per step (ids and digests only). */
export const TRACE_EVENTS = {
  requested: 'TraceRequested',
  conditionA: 'TraceConditionA',
  resultSubmitted: 'TraceResultSubmitted',
  timeoutReported: 'TraceTimeoutReported',
  conditionB: 'TraceConditionB',
  carbonFlowRecorded: 'CarbonFlowRecorded',
} as const;

/** The outsourced trace lifecycle. */
@Info({
  title: 'Trace',
  description: 'Outsourced carbon trace: request, conditions a/b, results, carbon flow',
})
export class TraceContract extends CarbonContract {
  constructor() {
    super('Trace');
  }

  /**
   * GridCo requests a trace: public `{taskId, channel, slot, profile?, providers?, fees?,
   * answerDeadlineSeconds?, intervalMinutes?, supersedes?, recordOnAccept?}`, unit parameters as
   * transient `units`. Endorsed by GridCo and the regulator. An identical replay returns the
   * stored task. With `recordOnAccept`, the condition b that accepts a result also records its
   * carbon flow (one commit fewer per trace); without it, GridCo records it with RecordCarbonFlow.
   */
  @Transaction()
  @Returns('string')
  async Request(ctx: Context, requestJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:Request', 'gridco');
    const { task, replay } = await openTraceTask(ctx, caller, requestJson);
    if (!replay) {
      emitEvent(ctx, TRACE_EVENTS.requested, {
        taskId: task.taskId,
        channel: task.channel,
        slot: task.slot,
        hvMsp: task.hvMsp,
      });
    }
    return canonicalJson(task);
  }

  /**
   * Condition a (the channel's HV organization and the regulator, transient `seed`): reads the
   * package across channels, checks it against its anchor, solves the power flow, chooses the
   * providers, writes each one's masked task into its own collection and keeps the seed private.
   */
  @Transaction()
  @Returns('string')
  async ConditionA(ctx: Context, taskId: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:ConditionA', 'hv');
    const { record, assignment, maskedTasks } = await runConditionA(ctx, caller, taskId);
    emitEvent(ctx, TRACE_EVENTS.conditionA, {
      taskId: record.taskId,
      assignment,
      packageSha256: record.packageSha256,
      maskedTasks,
    });
    return canonicalJson({ ...record, assignment, maskedTasks });
  }

  /** A provider's masked task: only that provider (and GridCo, the task's HV, the regulator). */
  @Transaction(false)
  @Returns('string')
  async GetMaskedTask(ctx: Context, taskId: string, role: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:GetMaskedTask', 'cloud', 'hv', 'gridco', 'regulator');
    const id = asString(taskId, 'taskId', TASK_ID);
    const r = parseRole(role);
    const key = traceKeys.maskedTask(ctx, id, r);
    const digest = await mustGetJson<MaskedTaskDigest>(ctx, key, `masked task ${r} of ${id}`);
    if (caller.role === 'cloud' && digest.provider !== caller.orgId) {
      throw new CarbonTraceError('ACCESS_DENIED', `${caller.orgId} is not assigned role ${r} of task ${id}`, {
        mspId: caller.mspId,
      });
    }
    const record = await getProviderRecord<MaskedTaskRecord>(ctx, digest.provider, key);
    if (record === undefined) {
      throw new CarbonTraceError('NOT_FOUND', `masked task ${r} of ${id} is not on this peer yet`, {
        taskId: id,
      });
    }
    return canonicalJson(record);
  }

  /** The answers a task waits for now: `{taskId, stage, expected}` (a provider sees only its own). */
  @Transaction(false)
  @Returns('string')
  async GetAssignment(ctx: Context, taskId: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:GetAssignment', ...ALL_ROLES);
    const summary = await arbitrationSummaryOf(ctx, taskId);
    const expected = summary.expected.filter(
      (e) =>
        caller.role !== 'cloud' ||
        (e.type !== 'dispatch' && e.type !== 'data-center' && e.provider === caller.orgId),
    );
    const task = await mustGetJson<TraceTask>(
      ctx,
      traceKeys.task(ctx, summary.taskId),
      `task ${summary.taskId}`,
    );
    return canonicalJson({
      taskId: summary.taskId,
      stage: summary.stage,
      expected,
      hvMsp: task.hvMsp,
      deadlineSeconds: summary.openedAtSeconds + task.answerDeadlineSeconds,
    });
  }

  /**
   * The assigned provider submits its masked answer for `role` as transient `result` (first
   * answer or recomputation, as the arbitration expects). Endorsed by the task's HV and the
   * regulator, which validate its schema and size; stored in the provider's own collection.
   */
  @Transaction()
  @Returns('string')
  async SubmitResult(ctx: Context, taskId: string, role: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:SubmitResult', 'cloud');
    const digest = await acceptProviderAnswer(ctx, caller, taskId, role);
    emitEvent(ctx, TRACE_EVENTS.resultSubmitted, digest);
    return canonicalJson({
      taskId: digest.taskId,
      role: digest.role,
      kind: digest.kind,
      sha256: digest.sha256,
    });
  }

  /**
   * GridCo (with the regulator) records that the provider of `role` did not answer by its
   * deadline (transaction time ≥ the time the answer was asked for + the task's deadline): the
   * answer counts as wrong in condition b (MATH.md F.3, S1).
   */
  @Transaction()
  @Returns('string')
  async ReportTimeout(ctx: Context, taskId: string, role: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:ReportTimeout', 'gridco');
    const missed = await recordMissedAnswer(ctx, caller, taskId, role);
    emitEvent(ctx, TRACE_EVENTS.timeoutReported, missed);
    return canonicalJson({ ...missed, timedOut: true });
  }

  /**
   * Condition b (the HV organization and the regulator): decrypts and verifies the answers that
   * arrived, advances the arbitration, and at the end settles fees, strikes and blacklists and
   * stores the accepted result, and, when the task asked for it (`recordOnAccept`), records its
   * carbon flow too (returned as `carbonFlow`). Writes nothing when no new answer arrived.
   */
  @Transaction()
  @Returns('string')
  async ConditionB(ctx: Context, taskId: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:ConditionB', 'hv');
    const step = await runConditionB(ctx, caller, taskId);
    if (!step.advanced) return canonicalJson(step.summary);
    const { state, summary, newMaskedTasks, carbonFlow } = step;
    // one event per transaction: the recorded carbon flow's header rides on condition b's
    emitEvent(ctx, TRACE_EVENTS.conditionB, {
      taskId: summary.taskId,
      stage: state.stage,
      path: state.path,
      expected: summary.expected,
      acceptedFrom: summary.acceptedFrom,
      strikesThisTask: state.strikesThisTask,
      newMaskedTasks,
      ...(carbonFlow === null
        ? {}
        : { carbonFlow: { recordSha256: carbonFlow.recordSha256, current: carbonFlow.current } }),
    });
    return canonicalJson(step.outcome);
  }

  /**
   * GridCo (with the regulator) records the accepted carbon flow after re-checking conservation,
   * indexes its bus intensities by task, and makes it the slot's current result when the slot has
   * none or the task explicitly supersedes the current one. Returns the public header.
   */
  @Transaction()
  @Returns('string')
  async RecordCarbonFlow(ctx: Context, taskId: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:RecordCarbonFlow', 'gridco');
    const { task, orgs } = await taskOf(ctx, taskId);
    assertIs(caller, orgs.gridCompany, 'the grid company');
    const { header, replay } = await recordCarbonFlow(ctx, task, orgs, caller.mspId);
    if (!replay) {
      emitEvent(ctx, TRACE_EVENTS.carbonFlowRecorded, {
        taskId: header.taskId,
        channel: header.channel,
        slot: header.slot,
        recordSha256: header.recordSha256,
        current: header.current,
      });
    }
    return canonicalJson(header);
  }

  /** The request of a task with its unit parameters (GridCo, the task's HV, the regulator). */
  @Transaction(false)
  @Returns('string')
  async GetTask(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Trace:GetTask', 'gridco', 'hv', 'regulator');
    const { task } = await taskOf(ctx, taskId);
    return canonicalJson({ ...task, units: await unitsOf(ctx, task) });
  }

  /** The public arbitration summary of a task (no decrypted values). */
  @Transaction(false)
  @Returns('string')
  async GetArbitration(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Trace:GetArbitration', ...ALL_ROLES);
    return canonicalJson(await arbitrationSummaryOf(ctx, taskId));
  }

  /** The accepted result with its carbon-flow proposal (GridCo, the task's HV, the regulator). */
  @Transaction(false)
  @Returns('string')
  async GetAccepted(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Trace:GetAccepted', 'gridco', 'hv', 'regulator');
    const { task } = await taskOf(ctx, taskId);
    return canonicalJson(
      await mustGetRegionRecord<AcceptedRecord>(
        ctx,
        task.channel,
        traceKeys.accepted(ctx, task.taskId),
        `accepted result of task ${task.taskId}`,
      ),
    );
  }

  /** The recorded carbon flow of a task (GridCo, the task's HV, the regulator). */
  @Transaction(false)
  @Returns('string')
  async GetCarbonFlow(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Trace:GetCarbonFlow', 'gridco', 'hv', 'regulator');
    const { task } = await taskOf(ctx, taskId);
    const record = await mustGetRegionRecord<CarbonFlowRecord>(
      ctx,
      task.channel,
      traceKeys.carbonFlow(ctx, task.taskId),
      `carbon flow of task ${task.taskId}`,
    );
    const header = await getJson<CarbonFlowHeader>(ctx, traceKeys.carbonFlow(ctx, task.taskId));
    return canonicalJson({ ...record, current: header?.current ?? false });
  }
}
