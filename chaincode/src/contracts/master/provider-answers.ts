/**
 * A provider's answers to its masked tasks (MATH.md F.3): the assigned provider's masked answer,
 * checked for schema and byte length before anything is written and stored in its own collection;
 * and GridCo's report that the provider of a role missed its deadline, measured from transaction
 * timestamps (which every endorser sees identically), so that nobody can strike an honest
 * provider early.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import { MAX_PAYLOAD_BYTES, parseMaskedResult, parseMaskedTask } from '../../outsourcing/masked-payloads';
import { asString, invalid } from '../shared/arguments';
import { sha256Hex } from '../shared/hashing';
import type { Caller } from '../shared/roles';
import { hvRecordPolicy } from '../shared/trust-policies';
import { openAnswer } from './answer-driver';
import { txSeconds } from './governance-ledger';
import { TASK_ID } from './trace-request';
import { traceKeys } from './trace-records';
import type { AnswerKind, MaskedTaskRecord, ResultDigest, ResultRecord, Role } from './trace-records';
import { arbitrationSummaryOf, assertIs, taskOf } from './trace-task-ledger';
import { getProviderRecord, putProviderRecord, putPublic } from './trace-store';

/** Transient field of `SubmitResult` holding the masked answer. */
export const RESULT_TRANSIENT_KEY = 'result';

/** A role argument. @throws INVALID_ARGUMENT naming the value. */
export function parseRole(role: string): Role {
  if (role !== 'I' && role !== 'II' && role !== 'III') return invalid('role', 'must be I, II or III', role);
  return role;
}

/**
 * Stores the caller's masked answer for `role` of `taskId` (first answer or recomputation, as the
 * arbitration expects) and returns its public digest.
 * @throws ACCESS_DENIED (another provider holds the role), INVALID_STATE (no provider holds the
 * role yet, or no answer owed), INVALID_ARGUMENT (missing or malformed),
 * PAYLOAD_TOO_LARGE, NOT_FOUND (masked task not on this peer yet).
 */
export async function acceptProviderAnswer(
  ctx: Context,
  caller: Caller,
  taskId: string,
  role: string,
): Promise<ResultDigest> {
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
  const { task, orgs } = await taskOf(ctx, id);
  const summary = await arbitrationSummaryOf(ctx, id);
  const assigned = summary.assignment[r];
  if (assigned === null) {
    // the third role is filled only when the arbitration calls a third provider in; a peer that
    // has not committed that step yet is behind, which the caller may retry
    throw new CarbonTraceError('INVALID_STATE', `no provider is assigned to role ${r} of task ${id} yet`, {
      mspId: caller.mspId,
      taskId: id,
      stage: summary.stage,
    });
  }
  if (assigned !== caller.orgId) {
    throw new CarbonTraceError(
      'ACCESS_DENIED',
      `${caller.orgId} is not the provider assigned to role ${r} of task ${id}`,
      { mspId: caller.mspId, taskId: id },
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
  return digest;
}

/** What {@link recordMissedAnswer} recorded. */
export interface MissedAnswer {
  readonly taskId: string;
  readonly role: Role;
  readonly kind: AnswerKind;
  readonly provider: string;
}

/**
 * Records, for the grid company, that the provider of `role` did not answer by its deadline
 * (transaction time ≥ the time the answer was asked for + the task's `answerDeadlineSeconds`): the
 * answer then counts as wrong in condition b (MATH.md F.3, S1).
 * @throws ACCESS_DENIED (not the grid company), INVALID_STATE (before the deadline, or no answer owed).
 */
export async function recordMissedAnswer(
  ctx: Context,
  caller: Caller,
  taskId: string,
  role: string,
): Promise<MissedAnswer> {
  const id = asString(taskId, 'taskId', TASK_ID);
  const r = parseRole(role);
  const { task, orgs } = await taskOf(ctx, id);
  assertIs(caller, orgs.gridCompany, 'the grid company');
  const summary = await arbitrationSummaryOf(ctx, id);
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
  return { taskId: id, role: r, kind: open.kind, provider: open.provider };
}
