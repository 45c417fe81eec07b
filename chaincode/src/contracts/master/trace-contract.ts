/**
 * carbon-master `Trace`: one outsourced carbon trace, step by step (DESIGN.md §3, §8):
 * `Request` (GridCo + regulator; unit parameters as transient data) → `ConditionA` (HV + regulator;
 * transient seed → one-time keys; masked tasks into each provider's collection) → `SubmitResult`
 * (only the assigned provider; its answer as transient data) → `ConditionB` (HV + regulator:
 * unmask, verify, compare, arbitration, settlement) → `RecordCarbonFlow` (GridCo + regulator;
 * conservation re-checked). Every plaintext value stays in private collections; what the channel
 * sees (state, events, return values) is ids, digests and provider-facing facts.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import { startArbitration, stepArbitration } from '../../outsourcing/arbitration';
import { asString, invalid } from '../shared/arguments';
import { CarbonContract } from '../shared/carbon-contract';
import { emitEvent } from '../shared/events';
import { canonicalSha256 } from '../shared/hashing';
import { exists, getJson, mustGetJson } from '../shared/ledger-state';
import { readNetworkOrgs, regionOfChannel } from '../shared/network-orgs';
import { ALL_ROLES, requireRole } from '../shared/roles';
import { gridCompanyRecordPolicy, hvRecordPolicy } from '../shared/trust-policies';
import { AnswerDriver, summaryOf } from './answer-driver';
import type { PrivateTraceState } from './answer-driver';
import { recordAcceptedCarbonFlow, recordCarbonFlow } from './carbon-flow-recorder';
import { txSeconds } from './governance-ledger';
import { acceptProviderAnswer, parseRole, recordMissedAnswer } from './provider-answers';
import { providerPoolOf } from './provider-ledger';
import { readAnchoredSlotPackage } from './slot-package-reader';
import { problemOfPackage } from './trace-engine';
import { DEFAULT_INTERVAL_MINUTES, parseTraceRequest, TASK_ID } from './trace-request';
import { traceKeys } from './trace-records';
import type {
  AcceptedRecord,
  CarbonFlowHeader,
  CarbonFlowRecord,
  ConditionARecord,
  ConditionBOutcome,
  MaskedTaskDigest,
  MaskedTaskRecord,
  TraceTask,
  TraceUnits,
} from './trace-records';
import { settleTask } from './trace-settlement';
import {
  arbitrationSummaryOf,
  assertIs,
  publishMaskedTasks,
  saveTraceState,
  taskOf,
  unitsOf,
} from './trace-task-ledger';
import {
  getProviderRecord,
  getRegionRecord,
  mustGetRegionRecord,
  putPublic,
  putRegionRecord,
} from './trace-store';

/** Events emitted by {@link TraceContract}, one per step (ids and digests only). */
export const TRACE_EVENTS = {
  requested: 'TraceRequested',
  conditionA: 'TraceConditionA',
  resultSubmitted: 'TraceResultSubmitted',
  timeoutReported: 'TraceTimeoutReported',
  conditionB: 'TraceConditionB',
  carbonFlowRecorded: 'CarbonFlowRecorded',
} as const;

/** Name of the transient field holding condition a's seed. */
export const SEED_TRANSIENT_KEY = 'seed';
/** Smallest seed accepted, bytes. */
export const MIN_SEED_BYTES = 16;

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
    const orgs = await readNetworkOrgs(ctx);
    assertIs(caller, orgs.gridCompany, 'the grid company');
    const r = parseTraceRequest(ctx, requestJson);
    const region = regionOfChannel(orgs, r.channel);
    const unitsSha256 = canonicalSha256(r.units);
    const key = traceKeys.task(ctx, r.taskId);
    const before = await getJson<TraceTask>(ctx, key);
    if (before !== undefined) {
      const same =
        before.channel === r.channel &&
        before.slot === r.slot &&
        before.unitsSha256 === unitsSha256 &&
        before.profile === r.profile &&
        (before.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES) === r.intervalMinutes &&
        (before.recordOnAccept ?? false) === r.recordOnAccept &&
        canonicalJson(before.fees) === canonicalJson(r.fees);
      if (same) return canonicalJson(before);
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
    emitEvent(ctx, TRACE_EVENTS.requested, {
      taskId: r.taskId,
      channel: r.channel,
      slot: r.slot,
      hvMsp: region.hv,
    });
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
    const { task, orgs } = await taskOf(ctx, taskId);
    assertIs(caller, task.hvMsp, `the HV organization of ${task.channel}`);
    if (await exists(ctx, traceKeys.conditionA(ctx, task.taskId))) {
      throw new CarbonTraceError('ALREADY_EXISTS', `condition a of task ${task.taskId} already ran`, {
        taskId: task.taskId,
      });
    }
    const seedBytes = ctx.stub.getTransient().get(SEED_TRANSIENT_KEY);
    if (seedBytes === undefined || seedBytes.length < MIN_SEED_BYTES) {
      throw new CarbonTraceError(
        'INVALID_ARGUMENT',
        `transient field "${SEED_TRANSIENT_KEY}" must hold at least ${MIN_SEED_BYTES} bytes`,
        { field: SEED_TRANSIENT_KEY },
      );
    }
    const seed = Buffer.from(seedBytes).toString('hex');
    const { sealed, anchored } = await readAnchoredSlotPackage(ctx, task.channel, task.slot);
    const slot = problemOfPackage(sealed.package, await unitsOf(ctx, task));
    const { cycle, pool } = await providerPoolOf(ctx, task.requestedProviders);
    const providerOrder = [...pool.order];
    let state = startArbitration({ taskId: task.taskId, cycle, pool, fees: task.fees });
    state = stepArbitration(state, { type: 'dispatch' });
    const policy = hvRecordPolicy(orgs, task.hvMsp);
    const published = await publishMaskedTasks(ctx, task, slot, seed, state, orgs);
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
    await putPublic(ctx, traceKeys.conditionA(ctx, task.taskId), record, policy);
    await saveTraceState(ctx, task, orgs, { seed, arbitration: state, verdicts: [] }, true);
    emitEvent(ctx, TRACE_EVENTS.conditionA, {
      taskId: task.taskId,
      assignment: state.assignment,
      packageSha256: sealed.sha256,
      maskedTasks: published,
    });
    return canonicalJson({ ...record, assignment: state.assignment, maskedTasks: published });
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
      return canonicalJson(before);
    }
    const published = await publishMaskedTasks(ctx, task, slot, secret.seed, state, orgs);
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
    // one event per transaction: the recorded carbon flow's header rides on condition b's
    emitEvent(ctx, TRACE_EVENTS.conditionB, {
      taskId: task.taskId,
      stage: state.stage,
      path: state.path,
      expected: summary.expected,
      acceptedFrom: summary.acceptedFrom,
      strikesThisTask: state.strikesThisTask,
      newMaskedTasks: published,
      ...(carbonFlow === null
        ? {}
        : { carbonFlow: { recordSha256: carbonFlow.recordSha256, current: carbonFlow.current } }),
    });
    const outcome: ConditionBOutcome = carbonFlow === null ? summary : { ...summary, carbonFlow };
    return canonicalJson(outcome);
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
