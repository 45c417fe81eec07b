/**
 * Condition b's driver of the arbitration (MATH.md F.3): which answer each role owes now, reading
 * the answers that arrived (from each provider's private collection, checked against their public
 * digests), decrypting and verifying them (F.4), and stepping the state machine through compare,
 * recompute, third provider and the internal data center until it waits for more answers or ends.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import { expectedEvents, stepArbitration } from '../../outsourcing/arbitration';
import type { ArbitrationState } from '../../outsourcing/arbitration';
import { toComparable } from '../../outsourcing/trace-groups';
import type { TraceGroups } from '../../outsourcing/trace-groups';
import { exists, getJson } from '../shared/ledger-state';
import { dataCenterTrace, evaluateAnswer, maskedTaskOfRole, ROLE_NUMBER, sameResult } from './trace-engine';
import type { EvaluatedAnswer, SlotProblem } from './trace-engine';
import { traceKeys } from './trace-records';
import type {
  AnswerKind,
  AnswerVerdict,
  ArbitrationSummary,
  ResultDigest,
  ResultRecord,
  Role,
  TraceTask,
} from './trace-records';
import { getProviderRecord } from './trace-store';

/** Roles in dispatch order. */
export const ROLES: readonly Role[] = ['I', 'II', 'III'];

/** The private arbitration state of a task (region collection). */
export interface PrivateTraceState {
  readonly seed: string;
  readonly arbitration: ArbitrationState;
  readonly verdicts: readonly AnswerVerdict[];
}

/** The answer a role owes now. */
export interface OpenAnswer {
  readonly provider: string;
  readonly kind: AnswerKind;
  /** Public key of the answer's digest. */
  readonly key: string;
}

/**
 * The answer the arbitration expects from `role` now (first or recompute).
 * @throws INVALID_STATE when no answer is expected from that role; ALREADY_EXISTS when it is in.
 */
export async function openAnswer(
  ctx: Context,
  summary: ArbitrationSummary,
  taskId: string,
  role: Role,
): Promise<OpenAnswer> {
  const expected = summary.expected.find(
    (e) => e.type !== 'dispatch' && e.type !== 'data-center' && e.role === role,
  );
  if (expected === undefined || expected.type === 'dispatch' || expected.type === 'data-center') {
    throw new CarbonTraceError(
      'INVALID_STATE',
      `task ${taskId} expects no answer from role ${role} (stage ${summary.stage})`,
      { taskId, stage: summary.stage },
    );
  }
  const kind: AnswerKind = expected.type === 'recompute' ? 'recompute' : 'first';
  const key = traceKeys.result(ctx, taskId, role, kind);
  if (await exists(ctx, key)) {
    throw new CarbonTraceError(
      'ALREADY_EXISTS',
      `role ${role} already submitted its ${kind} answer to task ${taskId}`,
      {
        taskId,
      },
    );
  }
  return { provider: expected.provider, kind, key };
}

/** The public summary of an arbitration state. */
export function summaryOf(
  taskId: string,
  state: ArbitrationState,
  verdicts: readonly AnswerVerdict[],
  openedAtSeconds: number,
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
    openedAtSeconds,
  };
}

/** Condition b's view of one task: the problem, its secret, and the data-center trace (computed once). */
export class AnswerDriver {
  readonly #ctx: Context;
  readonly #task: TraceTask;
  readonly #slot: SlotProblem;
  readonly #seed: string;
  #dataCenter: TraceGroups | undefined;
  readonly #decrypted = new Map<string, TraceGroups>();

  constructor(ctx: Context, task: TraceTask, slot: SlotProblem, seed: string) {
    this.#ctx = ctx;
    this.#task = task;
    this.#slot = slot;
    this.#seed = seed;
  }

  /** The internal data center's plaintext trace (S5), computed at most once per transaction. */
  dataCenter(): TraceGroups {
    this.#dataCenter ??= dataCenterTrace(this.#slot.problem);
    return this.#dataCenter;
  }

  /** Steps the arbitration with every answer that has arrived; returns the new state and verdicts. */
  async advance(
    start: ArbitrationState,
    verdictsBefore: readonly AnswerVerdict[],
  ): Promise<{ state: ArbitrationState; verdicts: AnswerVerdict[] }> {
    let state = start;
    const verdicts = [...verdictsBefore];
    for (let guard = 0; guard < 12 && state.stage !== 'END'; guard += 1) {
      const expected = expectedEvents(state);
      const first = expected[0];
      if (first === undefined) break;
      if (first.type === 'data-center') {
        state = stepArbitration(state, { type: 'data-center', result: toComparable(this.dataCenter()) });
        continue;
      }
      let progressed = false;
      for (const e of expected) {
        if (e.type === 'dispatch' || e.type === 'data-center') continue;
        const kind: AnswerKind = e.type === 'recompute' ? 'recompute' : 'first';
        const answer = await this.#evaluate(e.role, kind, e.provider);
        if (answer === undefined) continue;
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
    return { state, verdicts };
  }

  /**
   * The decrypted groups equal to the accepted result: from this transaction's decryptions, else by
   * decrypting the stored answers again (accepted in an earlier condition b), else the data center's.
   */
  async acceptedGroups(result: unknown): Promise<TraceGroups> {
    for (const g of this.#decrypted.values()) if (sameResult(g, result)) return g;
    for (const role of ROLES) {
      for (const kind of ['first', 'recompute'] as const) {
        const digest = await getJson<ResultDigest>(
          this.#ctx,
          traceKeys.result(this.#ctx, this.#task.taskId, role, kind),
        );
        if (digest === undefined || digest.timedOut === true) continue;
        const answer = await this.#evaluate(role, kind, digest.provider);
        if (answer?.groups !== undefined && sameResult(answer.groups, result)) return answer.groups;
      }
    }
    const local = this.dataCenter();
    if (sameResult(local, result)) return local;
    throw new CarbonTraceError(
      'INTERNAL',
      `the accepted result of task ${this.#task.taskId} matches no answer`,
      {
        taskId: this.#task.taskId,
      },
    );
  }

  /** Reads and judges one stored answer, or undefined when it has not arrived on this peer. */
  async #evaluate(role: Role, kind: AnswerKind, provider: string): Promise<EvaluatedAnswer | undefined> {
    const ctx = this.#ctx;
    const key = traceKeys.result(ctx, this.#task.taskId, role, kind);
    const digest = await getJson<ResultDigest>(ctx, key);
    if (digest === undefined) return undefined;
    if (digest.timedOut === true) {
      return {
        submission: { kind: 'failed', reason: 'timeout' },
        groups: undefined,
        residualRelative: null,
        failures: ['timeout'],
      };
    }
    const stored = await getProviderRecord<ResultRecord>(ctx, provider, key);
    if (stored === undefined || stored.sha256 !== digest.sha256) return undefined;
    const { key: maskKey, task: masked } = maskedTaskOfRole(
      this.#slot.problem,
      this.#seed,
      this.#task.taskId,
      ROLE_NUMBER[role],
      this.#task.profile,
    );
    const answer = evaluateAnswer(this.#slot.problem, maskKey, masked, stored.resultJson);
    if (answer.groups !== undefined) this.#decrypted.set(`${provider}/${kind}/${role}`, answer.groups);
    return answer;
  }
}
