/**
 * carbon-master `Trace`: one outsourced carbon trace, step by step (DESIGN.md §3):
 * `Request` (GridCo) → `ConditionA` (HV peer; transient seed → one-time keys, masked tasks
 * public, seed private) → `SubmitResult` (only the assigned provider) → `ConditionB` (HV peer;
 * unmask, verify, compare, arbitration steps, fees and strikes; call again after
 * recomputations or a third provider's answer) → `RecordCarbonFlow` (GridCo; conservation
 * re-checked). One event per step.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import { expectedEvents, startArbitration, stepArbitration } from '../../outsourcing/arbitration';
import type { ArbitrationState, FeeSchedule, ProviderStanding } from '../../outsourcing/arbitration';
import { MASK_PROFILES } from '../../outsourcing/mask-key';
import type { MaskProfile } from '../../outsourcing/mask-key';
import { MAX_PAYLOAD_BYTES } from '../../outsourcing/masked-payloads';
import { toComparable } from '../../outsourcing/trace-groups';
import type { TraceGroups } from '../../outsourcing/trace-groups';
import {
  asArray,
  asInteger,
  asNumber,
  asRecord,
  asString,
  invalid,
  onlyKeys,
  optional,
  parseJsonArgument,
} from '../shared/arguments';
import { CarbonContract } from '../shared/carbon-contract';
import { emitEvent } from '../shared/events';
import { canonicalSha256, sha256Hex } from '../shared/hashing';
import { restrictKeyToOrgs } from '../shared/key-endorsement';
import {
  exists,
  getJson,
  getPrivateJson,
  mustGetJson,
  padNumber,
  putJson,
  putPrivateJson,
} from '../shared/ledger-state';
import { ALL_ROLES, implicitCollectionOf, mspOfOrgId, requireRole } from '../shared/roles';
import type { Caller } from '../shared/roles';
import { MAX_SLOT } from '../slave/measurement-record';
import type { SealedSlotPackage } from '../slave/slot-package';
import { readAnchoredPackage } from './anchor-ledger';
import { noteAccuracy } from './governance-ledger';
import { currentCycle, getProvider, listProviders, putProvider } from './provider-ledger';
import { assignProviders, isBlacklisted } from './provider-record';
import type { ProviderRecord } from './provider-record';
import { parseUnitCarbonSpecs } from './slot-case';
import {
  carbonProposal,
  dataCenterTrace,
  evaluateAnswer,
  maskedTaskOfRole,
  problemOfPackage,
  recheckConservation,
  ROLE_NUMBER,
  sameResult,
} from './trace-engine';
import type { EvaluatedAnswer, SlotProblem } from './trace-engine';
import { traceKeys } from './trace-records';
import type {
  AcceptedRecord,
  AnswerKind,
  AnswerVerdict,
  ArbitrationSummary,
  BusIntensityRecord,
  CarbonFlowRecord,
  ConditionARecord,
  MaskedTaskRecord,
  ResultRecord,
  Role,
  TraceTask,
} from './trace-records';
import { SLAVE_CHANNEL_PATTERN } from './verification-block';

/** Events emitted by {@link TraceContract}, one per step. */
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
/** Default fees of a task. */
export const DEFAULT_FEES: FeeSchedule = { providerFee: 1, dataCenterCost: 2 };
/** The slave chaincode read across channels by condition a and b. */
export const SLAVE_CHAINCODE = 'carbon-slave';

const TASK_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const ROLES: readonly Role[] = ['I', 'II', 'III'];

interface PrivateTraceState {
  readonly seed: string;
  readonly arbitration: ArbitrationState;
  readonly verdicts: readonly AnswerVerdict[];
}

/** The HV organization id that owns `channel` (`slave-hv1` → `Hv1`) is checked by MSP: `Hv1MSP`. */
function hvMspOfChannel(channel: string): string {
  const suffix = channel.slice('slave-'.length);
  if (!suffix.startsWith('hv') || suffix.length < 3)
    invalid('channel', 'must name an HV slave channel (slave-hv…)', channel);
  return mspOfOrgId(`Hv${suffix.slice(2)}`);
}

function assertTaskHv(caller: Caller, task: TraceTask): void {
  if (caller.mspId !== task.hvMsp) {
    throw new CarbonTraceError(
      'ACCESS_DENIED',
      `${caller.mspId} is not the HV organization of ${task.channel}`,
      {
        mspId: caller.mspId,
        channel: task.channel,
      },
    );
  }
}

function summaryOf(
  taskId: string,
  state: ArbitrationState,
  verdicts: readonly AnswerVerdict[],
): ArbitrationSummary {
  return {
    taskId,
    stage: state.stage,
    path: state.path,
    assignment: state.assignment,
    expected: expectedEvents(state),
    strikesThisTask: state.strikesThisTask,
    transfers: state.transfers,
    verdicts,
    acceptedFrom: state.outcome?.acceptedFrom ?? null,
  };
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
   * GridCo requests a trace: `{taskId, channel, slot, units: [{busId, unitId, kind, …}],
   * profile?: "monomial"|"dense"|"hardened", providers?: [I, II], fees?: {providerFee, dataCenterCost}}`.
   * Its event is the master's index instruction to the HV organization of `channel`.
   */
  @Transaction()
  @Returns('string')
  async Request(ctx: Context, requestJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:Request', 'gridco');
    const r = asRecord(parseJsonArgument(requestJson, 'request'), 'request');
    onlyKeys(r, 'request', ['taskId', 'channel', 'slot', 'units', 'profile', 'providers', 'fees']);
    const taskId = asString(r['taskId'], 'taskId', TASK_ID);
    const channel = asString(r['channel'], 'channel', SLAVE_CHANNEL_PATTERN);
    const slot = asInteger(r['slot'], 'slot', 0, MAX_SLOT);
    const units = parseUnitCarbonSpecs(r['units']);
    const profile = (optional(r['profile'], (v) => {
      if (typeof v !== 'string' || !(MASK_PROFILES as readonly string[]).includes(v)) {
        invalid('profile', `must be one of ${MASK_PROFILES.join(', ')}`, v);
      }
      return v;
    }) ?? 'monomial') as MaskProfile;
    const requested = optional(r['providers'], (v) =>
      asArray(v, 'providers', 2, 2).map((p, i) => asString(p, `providers[${i}]`)),
    );
    const fees =
      optional(r['fees'], (v) => {
        const f = asRecord(v, 'fees');
        onlyKeys(f, 'fees', ['providerFee', 'dataCenterCost']);
        return {
          providerFee: asNumber(f['providerFee'], 'fees.providerFee', 0, 1e9),
          dataCenterCost: asNumber(f['dataCenterCost'], 'fees.dataCenterCost', 0, 1e9),
        };
      }) ?? DEFAULT_FEES;
    const key = traceKeys.task(ctx, taskId);
    if (await exists(ctx, key)) {
      throw new CarbonTraceError('ALREADY_EXISTS', `task ${taskId} already exists`, { taskId });
    }
    const cycle = await currentCycle(ctx);
    const providers = await listProviders(ctx);
    const first = assignProviders(providers, cycle, 2, requested ?? []);
    const rest = providers
      .filter((p) => !first.some((f) => f.id === p.id) && !isBlacklisted(p, cycle))
      .sort((a, b) => (a.feePerTask !== b.feePerTask ? a.feePerTask - b.feePerTask : a.id < b.id ? -1 : 1));
    const task: TraceTask = {
      taskId,
      channel,
      slot,
      hvMsp: hvMspOfChannel(channel),
      profile,
      units,
      fees,
      providerOrder: [...first, ...rest].map((p) => p.id),
      cycle,
      requesterMsp: caller.mspId,
      txId: ctx.stub.getTxID(),
    };
    await putJson(ctx, key, task);
    await restrictKeyToOrgs(ctx, key, caller.mspId);
    emitEvent(ctx, TRACE_EVENTS.requested, {
      taskId,
      channel,
      slot,
      hvMsp: task.hvMsp,
      providers: task.providerOrder.slice(0, 2),
    });
    return canonicalJson(task);
  }

  /**
   * Condition a (HV organization of the task's channel, on its own peer, transient `seed`): reads
   * the slot package across channels, checks it against its anchor, solves the power flow, builds
   * the problem, dispatches I and II, publishes their masked tasks and keeps the seed private.
   */
  @Transaction()
  @Returns('string')
  async ConditionA(ctx: Context, taskId: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:ConditionA', 'hv');
    const task = await this.#task(ctx, taskId);
    assertTaskHv(caller, task);
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
        {
          field: SEED_TRANSIENT_KEY,
        },
      );
    }
    const seed = Buffer.from(seedBytes).toString('hex');
    const { sealed, anchored } = await this.#package(ctx, task);
    const slot = problemOfPackage(sealed.package, task.units);
    let state = startArbitration({
      taskId: task.taskId,
      cycle: task.cycle,
      pool: { order: task.providerOrder, standing: await this.#standings(ctx, task.providerOrder) },
      fees: task.fees,
    });
    state = stepArbitration(state, { type: 'dispatch' });
    const published = await this.#publishTasks(ctx, task, slot, seed, state);
    const record: ConditionARecord = {
      taskId: task.taskId,
      packageSha256: sealed.sha256,
      anchoredBlockNumber: anchored.blockNumber,
      anchoredHeaderHash: anchored.headerHash,
      size: slot.problem.size,
      generatorCount: slot.problem.generatorCount,
      powerFlow: slot.powerFlow,
      txId: ctx.stub.getTxID(),
    };
    const key = traceKeys.conditionA(ctx, task.taskId);
    await putJson(ctx, key, record);
    await restrictKeyToOrgs(ctx, key, caller.mspId);
    await this.#saveState(ctx, caller, task, { seed, arbitration: state, verdicts: [] }, true);
    emitEvent(ctx, TRACE_EVENTS.conditionA, {
      taskId: task.taskId,
      assignment: state.assignment,
      packageSha256: sealed.sha256,
      maskedTasks: published,
    });
    return canonicalJson({ ...record, assignment: state.assignment, maskedTasks: published });
  }

  /** A provider's masked task (only that provider, the HV organization, GridCo and the regulator). */
  @Transaction(false)
  @Returns('string')
  async GetMaskedTask(ctx: Context, taskId: string, role: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:GetMaskedTask', 'cloud', 'hv', 'gridco', 'regulator');
    const r = parseRole(role);
    const record = await mustGetJson<MaskedTaskRecord>(
      ctx,
      traceKeys.maskedTask(ctx, asString(taskId, 'taskId', TASK_ID), r),
      `masked task ${r} of ${taskId}`,
    );
    if (caller.role === 'cloud' && record.provider !== caller.orgId) {
      throw new CarbonTraceError(
        'ACCESS_DENIED',
        `${caller.orgId} is not assigned role ${r} of task ${taskId}`,
        {
          mspId: caller.mspId,
        },
      );
    }
    return canonicalJson(record);
  }

  /** The tasks a provider is expected to answer now: `[{taskId, role, type}]` for the given task ids. */
  @Transaction(false)
  @Returns('string')
  async GetAssignment(ctx: Context, taskId: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:GetAssignment', ...ALL_ROLES);
    const summary = await mustGetJson<ArbitrationSummary>(
      ctx,
      traceKeys.arbitration(ctx, asString(taskId, 'taskId', TASK_ID)),
      `arbitration of task ${taskId}`,
    );
    const expected = summary.expected.filter(
      (e) =>
        caller.role !== 'cloud' ||
        (e.type !== 'dispatch' && e.type !== 'data-center' && e.provider === caller.orgId),
    );
    return canonicalJson({ taskId: summary.taskId, stage: summary.stage, expected });
  }

  /**
   * The assigned provider submits its masked answer for its role (`first` answer or `recompute`
   * when the arbitration asks for it). Stored as is; condition b decrypts and judges it.
   */
  @Transaction()
  @Returns('string')
  async SubmitResult(ctx: Context, taskId: string, role: string, resultJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:SubmitResult', 'cloud');
    const id = asString(taskId, 'taskId', TASK_ID);
    const r = parseRole(role);
    if (resultJson.length > MAX_PAYLOAD_BYTES) {
      throw new CarbonTraceError(
        'PAYLOAD_TOO_LARGE',
        `result is ${resultJson.length} bytes (limit ${MAX_PAYLOAD_BYTES})`,
        {
          value: resultJson.length,
        },
      );
    }
    const summary = await mustGetJson<ArbitrationSummary>(
      ctx,
      traceKeys.arbitration(ctx, id),
      `arbitration of task ${id}`,
    );
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
    const { kind, key } = await this.#openAnswer(ctx, summary, id, r);
    const record: ResultRecord = {
      taskId: id,
      role: r,
      kind,
      provider: caller.orgId,
      resultJson,
      sha256: sha256Hex(resultJson),
      txId: ctx.stub.getTxID(),
    };
    // no key-level policy: a cloud organization has no peers to endorse with; the key is written once
    await putJson(ctx, key, record);
    emitEvent(ctx, TRACE_EVENTS.resultSubmitted, {
      taskId: id,
      role: r,
      kind,
      provider: caller.orgId,
      sha256: record.sha256,
    });
    return canonicalJson({ taskId: id, role: r, kind, sha256: record.sha256 });
  }

  /**
   * GridCo declares that the provider of `role` did not answer in time: the expected answer is
   * recorded as a timeout, which condition b counts as a wrong result (MATH.md F.3, S1).
   */
  @Transaction()
  @Returns('string')
  async ReportTimeout(ctx: Context, taskId: string, role: string): Promise<string> {
    requireRole(ctx, 'Trace:ReportTimeout', 'gridco');
    const id = asString(taskId, 'taskId', TASK_ID);
    const r = parseRole(role);
    const summary = await mustGetJson<ArbitrationSummary>(
      ctx,
      traceKeys.arbitration(ctx, id),
      `arbitration of task ${id}`,
    );
    const { expected, kind, key } = await this.#openAnswer(ctx, summary, id, r);
    const record: ResultRecord = {
      taskId: id,
      role: r,
      kind,
      provider: expected.provider,
      resultJson: '',
      sha256: sha256Hex(''),
      txId: ctx.stub.getTxID(),
      timedOut: true,
    };
    await putJson(ctx, key, record);
    emitEvent(ctx, TRACE_EVENTS.timeoutReported, { taskId: id, role: r, kind, provider: expected.provider });
    return canonicalJson({ taskId: id, role: r, kind, provider: expected.provider, timedOut: true });
  }

  /**
   * Condition b (HV organization of the task's channel, on its own peer): decrypts and verifies the
   * answers that arrived, advances the arbitration (compare, recompute, third provider, internal
   * data center), and at the end settles fees, strikes and blacklists and publishes the accepted
   * result's carbon-flow proposal. Returns the public arbitration summary.
   */
  @Transaction()
  @Returns('string')
  async ConditionB(ctx: Context, taskId: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:ConditionB', 'hv');
    const task = await this.#task(ctx, taskId);
    assertTaskHv(caller, task);
    const secret = await getPrivateJson<PrivateTraceState>(
      ctx,
      implicitCollectionOf(caller.mspId),
      traceKeys.privateState(ctx, task.taskId),
    );
    if (secret === undefined) {
      throw new CarbonTraceError(
        'INVALID_STATE',
        `condition a of task ${task.taskId} has not run on this organization's peer`,
        {
          taskId: task.taskId,
        },
      );
    }
    if (secret.arbitration.stage === 'END') {
      throw new CarbonTraceError('INVALID_STATE', `task ${task.taskId} is already settled`, {
        taskId: task.taskId,
      });
    }
    const { sealed } = await this.#package(ctx, task);
    const slot = problemOfPackage(sealed.package, task.units);
    let state = secret.arbitration;
    const verdicts = [...secret.verdicts];
    const decrypted = new Map<string, TraceGroups>();
    for (let guard = 0; guard < 12 && state.stage !== 'END'; guard += 1) {
      const expected = expectedEvents(state);
      const first = expected[0];
      if (first === undefined) break;
      if (first.type === 'data-center') {
        state = stepArbitration(state, {
          type: 'data-center',
          result: toComparable(dataCenterTrace(slot.problem)),
        });
        continue;
      }
      let progressed = false;
      for (const e of expected) {
        if (e.type === 'dispatch' || e.type === 'data-center') continue;
        const kind: AnswerKind = e.type === 'recompute' ? 'recompute' : 'first';
        const stored = await getJson<ResultRecord>(ctx, traceKeys.result(ctx, task.taskId, e.role, kind));
        if (stored === undefined) continue;
        const { key, task: masked } = maskedTaskOfRole(
          slot.problem,
          secret.seed,
          task.taskId,
          ROLE_NUMBER[e.role],
          task.profile,
        );
        const answer: EvaluatedAnswer =
          stored.timedOut === true
            ? {
                submission: { kind: 'failed', reason: 'timeout' },
                groups: undefined,
                residualRelative: null,
                failures: ['timeout'],
              }
            : evaluateAnswer(slot.problem, key, masked, stored.resultJson);
        if (answer.groups !== undefined) decrypted.set(`${e.provider}/${kind}/${e.role}`, answer.groups);
        verdicts.push({
          role: e.role,
          kind,
          provider: e.provider,
          valid: answer.submission.kind === 'result' && answer.submission.valid,
          residualRelative: answer.residualRelative,
          failures: answer.failures,
        });
        state =
          e.type === 'recompute' && e.role !== 'III'
            ? stepArbitration(state, { type: 'recompute', role: e.role, submission: answer.submission })
            : stepArbitration(state, { type: 'submit', role: e.role, submission: answer.submission });
        progressed = true;
        break;
      }
      if (!progressed) break;
    }
    if (state.path.length === secret.arbitration.path.length && verdicts.length === secret.verdicts.length) {
      // nothing arrived yet (or this peer has not committed it yet): write nothing, emit nothing,
      // and return the unchanged summary, whose `expected` says what the task waits for
      return canonicalJson(summaryOf(task.taskId, state, verdicts));
    }
    const published = await this.#publishTasks(ctx, task, slot, secret.seed, state);
    if (state.stage === 'END') await this.#settle(ctx, task, slot, secret.seed, state, decrypted, caller);
    await this.#saveState(ctx, caller, task, { seed: secret.seed, arbitration: state, verdicts }, false);
    const summary = summaryOf(task.taskId, state, verdicts);
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

  /** GridCo records the accepted carbon flow after re-checking conservation; indexes bus intensities. */
  @Transaction()
  @Returns('string')
  async RecordCarbonFlow(ctx: Context, taskId: string): Promise<string> {
    const caller = requireRole(ctx, 'Trace:RecordCarbonFlow', 'gridco');
    const task = await this.#task(ctx, taskId);
    const accepted = await mustGetJson<AcceptedRecord>(
      ctx,
      traceKeys.accepted(ctx, task.taskId),
      `accepted result of task ${task.taskId}`,
    );
    const key = traceKeys.carbonFlow(ctx, task.taskId);
    if (await exists(ctx, key)) {
      throw new CarbonTraceError('ALREADY_EXISTS', `carbon flow of task ${task.taskId} is already recorded`, {
        taskId: task.taskId,
      });
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
    await putJson(ctx, key, record);
    await restrictKeyToOrgs(ctx, key, caller.mspId);
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
      await putJson(
        ctx,
        traceKeys.busIntensity(ctx, task.channel, padNumber(task.slot), padNumber(busId, 8)),
        entry,
      );
    }
    const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);
    emitEvent(ctx, TRACE_EVENTS.carbonFlowRecorded, {
      taskId: task.taskId,
      channel: task.channel,
      slot: task.slot,
      emissionTco2PerH: sum(p.emissionTco2PerH),
      loadTco2PerH: sum(p.loadTco2PerH),
      lossTco2PerH: sum(p.lossTco2PerH),
    });
    return canonicalJson(record);
  }

  /** The request of a task. */
  @Transaction(false)
  @Returns('string')
  async GetTask(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Trace:GetTask', 'gridco', 'hv', 'regulator');
    return canonicalJson(await this.#task(ctx, taskId));
  }

  /** The public arbitration summary of a task (no decrypted values). */
  @Transaction(false)
  @Returns('string')
  async GetArbitration(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Trace:GetArbitration', ...ALL_ROLES);
    const id = asString(taskId, 'taskId', TASK_ID);
    return canonicalJson(
      await mustGetJson<ArbitrationSummary>(ctx, traceKeys.arbitration(ctx, id), `arbitration of task ${id}`),
    );
  }

  /** The accepted result's carbon-flow proposal (not for cloud providers). */
  @Transaction(false)
  @Returns('string')
  async GetAccepted(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Trace:GetAccepted', 'gridco', 'hv', 'regulator');
    const id = asString(taskId, 'taskId', TASK_ID);
    return canonicalJson(
      await mustGetJson<AcceptedRecord>(ctx, traceKeys.accepted(ctx, id), `accepted result of task ${id}`),
    );
  }

  /** The recorded carbon flow of a task (not for cloud providers). */
  @Transaction(false)
  @Returns('string')
  async GetCarbonFlow(ctx: Context, taskId: string): Promise<string> {
    requireRole(ctx, 'Trace:GetCarbonFlow', 'gridco', 'hv', 'lv', 'regulator');
    const id = asString(taskId, 'taskId', TASK_ID);
    return canonicalJson(
      await mustGetJson<CarbonFlowRecord>(ctx, traceKeys.carbonFlow(ctx, id), `carbon flow of task ${id}`),
    );
  }

  /**
   * The answer the arbitration expects from `role` now (first or recompute) and its result key.
   * @throws INVALID_STATE when no answer is expected from that role; ALREADY_EXISTS when it is in.
   */
  async #openAnswer(
    ctx: Context,
    summary: ArbitrationSummary,
    id: string,
    r: Role,
  ): Promise<{ expected: { readonly provider: string }; kind: AnswerKind; key: string }> {
    const expected = summary.expected.find(
      (e) => e.type !== 'dispatch' && e.type !== 'data-center' && e.role === r,
    );
    if (expected === undefined || expected.type === 'dispatch' || expected.type === 'data-center') {
      throw new CarbonTraceError(
        'INVALID_STATE',
        `task ${id} expects no answer from role ${r} (stage ${summary.stage})`,
        { taskId: id, stage: summary.stage },
      );
    }
    const kind: AnswerKind = expected.type === 'recompute' ? 'recompute' : 'first';
    const key = traceKeys.result(ctx, id, r, kind);
    if (await exists(ctx, key)) {
      throw new CarbonTraceError(
        'ALREADY_EXISTS',
        `role ${r} already submitted its ${kind} answer to task ${id}`,
        {
          taskId: id,
        },
      );
    }
    return { expected, kind, key };
  }

  async #task(ctx: Context, taskId: string): Promise<TraceTask> {
    const id = asString(taskId, 'taskId', TASK_ID);
    return mustGetJson<TraceTask>(ctx, traceKeys.task(ctx, id), `task ${id}`);
  }

  /** The slot package across channels, checked against its own digest and its anchor. */
  async #package(
    ctx: Context,
    task: TraceTask,
  ): Promise<{ sealed: SealedSlotPackage; anchored: { blockNumber: number; headerHash: string } }> {
    const response = await ctx.stub.invokeChaincode(
      SLAVE_CHAINCODE,
      ['Index:GetPackage', String(task.slot)],
      task.channel,
    );
    if (response.status !== 200 || response.payload === undefined) {
      throw new CarbonTraceError(
        'NOT_FOUND',
        `slot ${task.slot} package of ${task.channel} is not readable: ${response.message ?? 'no payload'}`,
        {
          channel: task.channel,
          slot: task.slot,
        },
      );
    }
    const sealed = JSON.parse(Buffer.from(response.payload).toString('utf8')) as SealedSlotPackage;
    const digest = canonicalSha256(sealed.package);
    if (
      digest !== sealed.sha256 ||
      sealed.package.slot !== task.slot ||
      sealed.package.channel !== task.channel
    ) {
      throw new CarbonTraceError(
        'HASH_MISMATCH',
        `slot ${task.slot} package of ${task.channel} does not match its own digest`,
        {
          channel: task.channel,
          slot: task.slot,
          value: digest,
        },
      );
    }
    const anchored = await readAnchoredPackage(ctx, task.channel, task.slot);
    if (anchored === undefined) {
      throw new CarbonTraceError(
        'NOT_FOUND',
        `slot ${task.slot} package of ${task.channel} is not anchored on master`,
        {
          channel: task.channel,
          slot: task.slot,
        },
      );
    }
    if (anchored.sha256 !== digest) {
      throw new CarbonTraceError(
        'HASH_MISMATCH',
        `slot ${task.slot} package of ${task.channel} differs from its anchor (block ${anchored.blockNumber})`,
        {
          channel: task.channel,
          slot: task.slot,
          value: digest,
        },
      );
    }
    return { sealed, anchored: { blockNumber: anchored.blockNumber, headerHash: anchored.headerHash } };
  }

  async #standings(ctx: Context, ids: readonly string[]): Promise<Record<string, ProviderStanding>> {
    const out: Record<string, ProviderStanding> = {};
    for (const id of ids) {
      const p = await getProvider(ctx, id);
      out[id] = { strikes: p.strikes, blacklistedUntil: p.blacklistedUntilCycle };
    }
    return out;
  }

  /** Publishes the masked task of every assigned role that has none yet; returns `{role: sha256}`. */
  async #publishTasks(
    ctx: Context,
    task: TraceTask,
    slot: SlotProblem,
    seed: string,
    state: ArbitrationState,
  ): Promise<Record<string, string>> {
    const published: Record<string, string> = {};
    for (const role of ROLES) {
      const provider = state.assignment[role];
      if (provider === null) continue;
      const key = traceKeys.maskedTask(ctx, task.taskId, role);
      if (await exists(ctx, key)) continue;
      const { json } = maskedTaskOfRole(slot.problem, seed, task.taskId, ROLE_NUMBER[role], task.profile);
      const record: MaskedTaskRecord = {
        taskId: task.taskId,
        role,
        provider,
        sha256: sha256Hex(json),
        taskJson: json,
      };
      await putJson(ctx, key, record);
      published[role] = record.sha256;
    }
    return published;
  }

  async #saveState(
    ctx: Context,
    caller: Caller,
    task: TraceTask,
    state: PrivateTraceState,
    first: boolean,
  ): Promise<void> {
    await putPrivateJson(
      ctx,
      implicitCollectionOf(caller.mspId),
      traceKeys.privateState(ctx, task.taskId),
      state,
    );
    const key = traceKeys.arbitration(ctx, task.taskId);
    await putJson(ctx, key, summaryOf(task.taskId, state.arbitration, state.verdicts));
    // pinned to the HV organization when created; later writes keep that policy
    if (first) await restrictKeyToOrgs(ctx, key, caller.mspId);
  }

  /** END: provider records (fees, penalties, strikes, blacklist), the accepted proposal, accuracy. */
  async #settle(
    ctx: Context,
    task: TraceTask,
    slot: SlotProblem,
    seed: string,
    state: ArbitrationState,
    decrypted: ReadonlyMap<string, TraceGroups>,
    caller: Caller,
  ): Promise<void> {
    const outcome = state.outcome;
    if (outcome === null) throw new CarbonTraceError('INTERNAL', 'arbitration ended without an outcome', {});
    for (const id of new Set(Object.values(state.assignment).filter((v): v is string => v !== null))) {
      const before: ProviderRecord = await getProvider(ctx, id);
      const standing = state.pool.standing[id];
      let earned = 0;
      let penalties = 0;
      let paidFee = false;
      for (const t of state.transfers) {
        if (t.to === id) {
          earned += t.amount;
          if (t.reason === 'fee') paidFee = true;
        }
        if (t.from === id) penalties += t.amount;
      }
      const wrong = state.strikesThisTask[id] ?? 0;
      const blacklistedUntil = standing?.blacklistedUntil ?? before.blacklistedUntilCycle;
      await putProvider(ctx, {
        ...before,
        strikes: standing?.strikes ?? before.strikes,
        blacklistedUntilCycle: blacklistedUntil,
        blacklistings: before.blacklistings + (blacklistedUntil !== before.blacklistedUntilCycle ? 1 : 0),
        wrongResults: before.wrongResults + wrong,
        correctResults: before.correctResults + (paidFee ? 1 : 0),
        earned: before.earned + earned,
        penaltiesPaid: before.penaltiesPaid + penalties,
      });
    }
    let groups: TraceGroups | undefined;
    for (const g of decrypted.values()) if (sameResult(g, outcome.result)) groups = g;
    if (groups === undefined) {
      // the accepted answer was decrypted in an earlier call: decrypt the stored answers again
      for (const role of ROLES) {
        for (const kind of ['first', 'recompute'] as const) {
          const stored = await getJson<ResultRecord>(ctx, traceKeys.result(ctx, task.taskId, role, kind));
          if (stored === undefined || groups !== undefined) continue;
          const { key, task: masked } = maskedTaskOfRole(
            slot.problem,
            seed,
            task.taskId,
            ROLE_NUMBER[role],
            task.profile,
          );
          const answer = evaluateAnswer(slot.problem, key, masked, stored.resultJson);
          if (answer.groups !== undefined && sameResult(answer.groups, outcome.result))
            groups = answer.groups;
        }
      }
    }
    groups ??= dataCenterTrace(slot.problem);
    const proposal = carbonProposal(slot.problem, slot.units, groups);
    const accepted: AcceptedRecord = {
      taskId: task.taskId,
      channel: task.channel,
      slot: task.slot,
      acceptedFrom: outcome.acceptedFrom,
      resultSha256: canonicalSha256(outcome.result),
      proposal,
    };
    const key = traceKeys.accepted(ctx, task.taskId);
    await putJson(ctx, key, accepted);
    await restrictKeyToOrgs(ctx, key, caller.mspId);
    const local = dataCenterTrace(slot.problem).intensityTco2PerMwh;
    let computed = 0;
    let acceptedMean = 0;
    for (let g = 0; g < local.length; g += 1) {
      computed += local[g] ?? 0;
      acceptedMean += groups.intensityTco2PerMwh[g] ?? 0;
    }
    await noteAccuracy(ctx, caller.orgId, {
      computedTco2PerMwh: computed / Math.max(1, local.length),
      acceptedTco2PerMwh: acceptedMean / Math.max(1, local.length),
    });
  }
}

function parseRole(role: string): Role {
  if (role !== 'I' && role !== 'II' && role !== 'III') return invalid('role', 'must be I, II or III', role);
  return role;
}
