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
import type { ArbitrationState } from '../../outsourcing/arbitration';
import { MAX_PAYLOAD_BYTES, parseMaskedResult, parseMaskedTask } from '../../outsourcing/masked-payloads';
import { asString, invalid } from '../shared/arguments';
import { CarbonContract } from '../shared/carbon-contract';
import { emitEvent } from '../shared/events';
import { canonicalSha256, sha256Hex } from '../shared/hashing';
import { exists, getJson, mustGetJson, padNumber } from '../shared/ledger-state';
import { readNetworkOrgs, regionOfChannel } from '../shared/network-orgs';
import type { NetworkOrgs } from '../shared/network-orgs';
import { ALL_ROLES, requireRole } from '../shared/roles';
import type { Caller } from '../shared/roles';
import { gridCompanyRecordPolicy, hvRecordPolicy } from '../shared/trust-policies';
import { AnswerDriver, openAnswer, ROLES, summaryOf } from './answer-driver';
import type { PrivateTraceState } from './answer-driver';
import { noteAccuracy, txSeconds } from './governance-ledger';
import { currentCycle, listProviders } from './provider-ledger';
import { assignProviders, isBlacklisted } from './provider-record';
import { providerStandings, settleProviders } from './provider-settlement';
import { readAnchoredSlotPackage } from './slot-package-reader';
import {
  carbonProposal,
  maskedTaskOfRole,
  problemOfPackage,
  recheckConservation,
  ROLE_NUMBER,
} from './trace-engine';
import type { SlotProblem } from './trace-engine';
import { parseTraceRequest, TASK_ID } from './trace-request';
import { traceKeys } from './trace-records';
import type {
  AcceptedHeader,
  AcceptedRecord,
  ArbitrationSummary,
  BusIntensityRecord,
  CarbonFlowHeader,
  CarbonFlowRecord,
  ConditionARecord,
  MaskedTaskDigest,
  MaskedTaskRecord,
  ResultDigest,
  ResultRecord,
  Role,
  SlotCurrentRecord,
  TraceTask,
  TraceUnits,
} from './trace-records';
import {
  getProviderRecord,
  getRegionRecord,
  mustGetRegionRecord,
  putProviderRecord,
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
/** Name of the transient field holding a provider's masked answer. */
export const RESULT_TRANSIENT_KEY = 'result';
/** Smallest seed accepted, bytes. */
export const MIN_SEED_BYTES = 16;

function parseRole(role: string): Role {
  if (role !== 'I' && role !== 'II' && role !== 'III') return invalid('role', 'must be I, II or III', role);
  return role;
}

function assertIs(caller: Caller, mspId: string, what: string): void {
  if (caller.mspId !== mspId) {
    throw new CarbonTraceError('ACCESS_DENIED', `${caller.mspId} is not ${what}`, { mspId: caller.mspId });
  }
}

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
   * answerDeadlineSeconds?, supersedes?}`, unit parameters as transient `units`. Endorsed by
   * GridCo and the regulator. An identical replay returns the stored task.
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
      supersedes: r.supersedes,
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
    const { task, orgs } = await this.#taskOf(ctx, taskId);
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
    const slot = problemOfPackage(sealed.package, await this.#units(ctx, task));
    const cycle = await currentCycle(ctx);
    const providers = await listProviders(ctx);
    const first = assignProviders(providers, cycle, 2, task.requestedProviders);
    const rest = providers
      .filter((p) => !first.some((f) => f.id === p.id) && !isBlacklisted(p, cycle))
      .sort((a, b) => (a.feePerTask !== b.feePerTask ? a.feePerTask - b.feePerTask : a.id < b.id ? -1 : 1));
    const providerOrder = [...first, ...rest].map((p) => p.id);
    let state = startArbitration({
      taskId: task.taskId,
      cycle,
      pool: { order: providerOrder, standing: await providerStandings(ctx, providerOrder) },
      fees: task.fees,
    });
    state = stepArbitration(state, { type: 'dispatch' });
    const policy = hvRecordPolicy(orgs, task.hvMsp);
    const published = await this.#publishTasks(ctx, task, slot, seed, state, orgs);
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
    await this.#saveState(ctx, task, orgs, { seed, arbitration: state, verdicts: [] }, true);
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
    const summary = await this.#summary(ctx, taskId);
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
    const id = asString(taskId, 'taskId', TASK_ID);
    const r = parseRole(role);
    const bytes = ctx.stub.getTransient().get(RESULT_TRANSIENT_KEY);
    if (bytes === undefined) {
      invalid(RESULT_TRANSIENT_KEY, 'must be sent as transient data (the masked answer)', 'nothing');
    }
    if (bytes.length > MAX_PAYLOAD_BYTES) {
      throw new CarbonTraceError(
        'PAYLOAD_TOO_LARGE',
        `result is ${bytes.length} bytes (limit ${MAX_PAYLOAD_BYTES})`,
        {
          value: bytes.length,
        },
      );
    }
    const resultJson = Buffer.from(bytes).toString('utf8');
    const { task, orgs } = await this.#taskOf(ctx, id);
    const summary = await this.#summary(ctx, id);
    if (summary.assignment[r] !== caller.orgId) {
      throw new CarbonTraceError(
        'ACCESS_DENIED',
        `${caller.orgId} is not the provider assigned to role ${r} of task ${id}`,
        {
          mspId: caller.mspId,
          taskId: id,
        },
      );
    }
    const open = await openAnswer(ctx, summary, id, r);
    const masked = await getProviderRecord<MaskedTaskRecord>(
      ctx,
      caller.orgId,
      traceKeys.maskedTask(ctx, id, r),
    );
    if (masked === undefined) {
      throw new CarbonTraceError('NOT_FOUND', `masked task ${r} of ${id} is not on this peer yet`, {
        taskId: id,
      });
    }
    try {
      parseMaskedResult(resultJson, parseMaskedTask(masked.taskJson));
    } catch (error: unknown) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CarbonTraceError(
        'INVALID_ARGUMENT',
        `result of role ${r} of task ${id} is malformed: ${reason}`,
        {
          field: RESULT_TRANSIENT_KEY,
          taskId: id,
        },
      );
    }
    const digest: ResultDigest = {
      taskId: id,
      role: r,
      kind: open.kind,
      provider: caller.orgId,
      sha256: sha256Hex(resultJson),
      txId: ctx.stub.getTxID(),
    };
    const policy = hvRecordPolicy(orgs, task.hvMsp);
    await putPublic(ctx, open.key, digest, policy);
    const record: ResultRecord = { ...digest, resultJson };
    await putProviderRecord(ctx, caller.orgId, open.key, record, policy);
    emitEvent(ctx, TRACE_EVENTS.resultSubmitted, digest);
    return canonicalJson({ taskId: id, role: r, kind: open.kind, sha256: digest.sha256 });
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
    const id = asString(taskId, 'taskId', TASK_ID);
    const r = parseRole(role);
    const { task, orgs } = await this.#taskOf(ctx, id);
    assertIs(caller, orgs.gridCompany, 'the grid company');
    const summary = await this.#summary(ctx, id);
    const open = await openAnswer(ctx, summary, id, r);
    const now = txSeconds(ctx);
    const deadline = summary.openedAtSeconds + task.answerDeadlineSeconds;
    if (now < deadline) {
      throw new CarbonTraceError(
        'INVALID_STATE',
        `role ${r} of task ${id} has until ${deadline} (transaction time ${now}) to answer`,
        { taskId: id, deadline, value: now },
      );
    }
    const digest: ResultDigest = {
      taskId: id,
      role: r,
      kind: open.kind,
      provider: open.provider,
      sha256: sha256Hex(''),
      txId: ctx.stub.getTxID(),
      timedOut: true,
    };
    await putPublic(ctx, open.key, digest, hvRecordPolicy(orgs, task.hvMsp));
    emitEvent(ctx, TRACE_EVENTS.timeoutReported, {
      taskId: id,
      role: r,
      kind: open.kind,
      provider: open.provider,
    });
    return canonicalJson({ taskId: id, role: r, kind: open.kind, provider: open.provider, timedOut: true });
  }

  /**
   * Condition b (the HV organization and the regulator): decrypts and verifies the answers that
   * arrived, advances the arbitration, and at the end settles fees, strikes and blacklists and
   * stores the accepted result. Writes nothing when no new answer arrived.
   */
  @Transaction()
  @Returns('string')
  async ConditionB(ctx: Context, taskId: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:ConditionB', 'hv');
    const { task, orgs } = await this.#taskOf(ctx, taskId);
    assertIs(caller, task.hvMsp, `the HV organization of ${task.channel}`);
    const secret = await getRegionRecord<PrivateTraceState>(
      ctx,
      task.channel,
      traceKeys.privateState(ctx, task.taskId),
    );
    const before = await this.#summary(ctx, task.taskId);
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
    const slot = problemOfPackage(sealed.package, await this.#units(ctx, task));
    const driver = new AnswerDriver(ctx, task, slot, secret.seed);
    const { state, verdicts } = await driver.advance(secret.arbitration, secret.verdicts);
    if (state.path.length === secret.arbitration.path.length && verdicts.length === secret.verdicts.length) {
      // nothing new arrived (or this peer has not committed it yet): write nothing, emit nothing
      return canonicalJson(before);
    }
    const published = await this.#publishTasks(ctx, task, slot, secret.seed, state, orgs);
    if (state.stage === 'END') await this.#settle(ctx, task, slot, state, driver, orgs);
    await this.#saveState(ctx, task, orgs, { seed: secret.seed, arbitration: state, verdicts }, false);
    const summary = summaryOf(task.taskId, state, verdicts, txSeconds(ctx));
    emitEvent(ctx, TRACE_EVENTS.conditionB, {
      taskId: task.taskId,
      stage: state.stage,
      path: state.path,
      expected: summary.expected,
      acceptedFrom: summary.acceptedFrom,
      strikesThisTask: state.strikesThisTask,
      newMaskedTasks: published,
    });
    return canonicalJson(summary);
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
    const { task, orgs } = await this.#taskOf(ctx, taskId);
    assertIs(caller, orgs.gridCompany, 'the grid company');
    const headerKey = traceKeys.carbonFlow(ctx, task.taskId);
    const existing = await getJson<CarbonFlowHeader>(ctx, headerKey);
    if (existing !== undefined) return canonicalJson(existing);
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
    if (canonicalSha256(accepted.proposal) !== acceptedHeader.proposalSha256) {
      throw new CarbonTraceError(
        'HASH_MISMATCH',
        `accepted proposal of task ${task.taskId} differs from its digest`,
        {
          taskId: task.taskId,
        },
      );
    }
    recheckConservation(accepted.proposal);
    const record: CarbonFlowRecord = {
      taskId: task.taskId,
      channel: task.channel,
      slot: task.slot,
      acceptedFrom: accepted.acceptedFrom,
      proposal: accepted.proposal,
      recorderMsp: caller.mspId,
      txId: ctx.stub.getTxID(),
    };
    const policy = gridCompanyRecordPolicy(orgs);
    await putRegionRecord(ctx, task.channel, headerKey, record, policy);
    const p = accepted.proposal;
    for (let i = 0; i < p.busIds.length; i += 1) {
      const busId = p.busIds[i] ?? 0;
      const entry: BusIntensityRecord = {
        channel: task.channel,
        slot: task.slot,
        busId,
        intensityTco2PerMwh: p.nodeIntensityTco2PerMwh[i] ?? 0,
        loadMw: p.loadMw[i] ?? 0,
        loadTco2PerH: p.loadTco2PerH[i] ?? 0,
        taskId: task.taskId,
      };
      const key = traceKeys.busIntensity(
        ctx,
        task.channel,
        padNumber(task.slot),
        task.taskId,
        padNumber(busId, 8),
      );
      await putRegionRecord(ctx, task.channel, key, entry, policy);
    }
    const current = await this.#makeCurrent(ctx, task, orgs);
    const header: CarbonFlowHeader = {
      taskId: task.taskId,
      channel: task.channel,
      slot: task.slot,
      acceptedFrom: accepted.acceptedFrom,
      recorderMsp: caller.mspId,
      txId: record.txId,
      recordSha256: canonicalSha256(record),
      current,
    };
    await putPublic(ctx, headerKey, header, policy);
    emitEvent(ctx, TRACE_EVENTS.carbonFlowRecorded, {
      taskId: task.taskId,
      channel: task.channel,
      slot: task.slot,
      recordSha256: header.recordSha256,
      current,
    });
    return canonicalJson(header);
  }

  /** The request of a task with its unit parameters (GridCo, the task's HV, the regulator). */
  @Transaction(false)
  @Returns('string')
  async GetTask(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Trace:GetTask', 'gridco', 'hv', 'regulator');
    const { task } = await this.#taskOf(ctx, taskId);
    return canonicalJson({ ...task, units: await this.#units(ctx, task) });
  }

  /** The public arbitration summary of a task (no decrypted values). */
  @Transaction(false)
  @Returns('string')
  async GetArbitration(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Trace:GetArbitration', ...ALL_ROLES);
    return canonicalJson(await this.#summary(ctx, taskId));
  }

  /** The accepted result with its carbon-flow proposal (GridCo, the task's HV, the regulator). */
  @Transaction(false)
  @Returns('string')
  async GetAccepted(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Trace:GetAccepted', 'gridco', 'hv', 'regulator');
    const { task } = await this.#taskOf(ctx, taskId);
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
    const { task } = await this.#taskOf(ctx, taskId);
    const record = await mustGetRegionRecord<CarbonFlowRecord>(
      ctx,
      task.channel,
      traceKeys.carbonFlow(ctx, task.taskId),
      `carbon flow of task ${task.taskId}`,
    );
    const header = await getJson<CarbonFlowHeader>(ctx, traceKeys.carbonFlow(ctx, task.taskId));
    return canonicalJson({ ...record, current: header?.current ?? false });
  }

  async #taskOf(ctx: Context, taskId: string): Promise<{ task: TraceTask; orgs: NetworkOrgs }> {
    const id = asString(taskId, 'taskId', TASK_ID);
    const task = await mustGetJson<TraceTask>(ctx, traceKeys.task(ctx, id), `task ${id}`);
    return { task, orgs: await readNetworkOrgs(ctx) };
  }

  async #units(ctx: Context, task: TraceTask): Promise<TraceUnits['units']> {
    const stored = await mustGetRegionRecord<TraceUnits>(
      ctx,
      task.channel,
      traceKeys.units(ctx, task.taskId),
      `unit parameters of task ${task.taskId} on this peer`,
    );
    if (canonicalSha256(stored.units) !== task.unitsSha256) {
      throw new CarbonTraceError(
        'HASH_MISMATCH',
        `unit parameters of task ${task.taskId} differ from their digest`,
        {
          taskId: task.taskId,
        },
      );
    }
    return stored.units;
  }

  async #summary(ctx: Context, taskId: string): Promise<ArbitrationSummary> {
    const id = asString(taskId, 'taskId', TASK_ID);
    return mustGetJson<ArbitrationSummary>(ctx, traceKeys.arbitration(ctx, id), `arbitration of task ${id}`);
  }

  /** Writes the masked task of every assigned role that has none yet; returns `{role: sha256}`. */
  async #publishTasks(
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

  async #saveState(
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

  /** END: provider records, the accepted result (digest public, proposal private), accuracy. */
  async #settle(
    ctx: Context,
    task: TraceTask,
    slot: SlotProblem,
    state: ArbitrationState,
    driver: AnswerDriver,
    orgs: NetworkOrgs,
  ): Promise<void> {
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
    await putRegionRecord(ctx, task.channel, key, { ...header, proposal }, policy);
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
  }

  /** Makes the task the slot's current result when allowed (none yet, or an explicit supersession). */
  async #makeCurrent(ctx: Context, task: TraceTask, orgs: NetworkOrgs): Promise<boolean> {
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
}
