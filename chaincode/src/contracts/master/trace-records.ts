/**
 * What the Trace contract stores. Each step writes its own keys (never a key another
 * organization writes), so key-level endorsement can pin each record to its author:
 * the request and the carbon flow to GridCo, condition a/b records to the HV organization,
 * results to the provider that submitted them. The seed and the full arbitration state (with
 * decrypted answers) stay in the HV organization's implicit private collection.
 */
import type { Context } from 'fabric-contract-api';
import type { ExpectedEvent, FeeSchedule, FeeTransfer } from '../../outsourcing/arbitration';
import type { MaskProfile } from '../../outsourcing/mask-key';
import type { CarbonProposal } from './trace-engine';
import type { UnitCarbonSpec } from './slot-case';

/** Object types of the Trace keys. */
export const TRACE_KEY = {
  task: 'traceTask',
  conditionA: 'traceConditionA',
  maskedTask: 'traceMaskedTask',
  result: 'traceResult',
  arbitration: 'traceArbitration',
  accepted: 'traceAccepted',
  carbonFlow: 'traceCarbonFlow',
  busIntensity: 'traceBusIntensity',
  secret: 'traceSecret',
  privateState: 'traceArbitrationState',
} as const;

/** Roles in the arbitration. */
export type Role = 'I' | 'II' | 'III';
/** First answer or recomputation. */
export type AnswerKind = 'first' | 'recompute';

/** GridCo's request. */
export interface TraceTask {
  readonly taskId: string;
  readonly channel: string;
  readonly slot: number;
  /** The HV organization that owns the slave channel and runs conditions a and b. */
  readonly hvMsp: string;
  readonly profile: MaskProfile;
  readonly units: readonly UnitCarbonSpec[];
  readonly fees: FeeSchedule;
  /** Dispatch order: the requested or cheapest eligible providers first. */
  readonly providerOrder: readonly string[];
  readonly cycle: number;
  readonly requesterMsp: string;
  readonly txId: string;
}

/** The HV organization's condition-a record. */
export interface ConditionARecord {
  readonly taskId: string;
  readonly packageSha256: string;
  readonly anchoredBlockNumber: number;
  readonly anchoredHeaderHash: string;
  /** N, K of the extended network. */
  readonly size: number;
  readonly generatorCount: number;
  readonly powerFlow: { readonly iterations: number; readonly maxMismatchPu: number };
  readonly txId: string;
}

/** A masked task as published for its provider. */
export interface MaskedTaskRecord {
  readonly taskId: string;
  readonly role: Role;
  readonly provider: string;
  readonly sha256: string;
  /** Canonical JSON of the masked task (no plaintext network quantity). */
  readonly taskJson: string;
}

/** A provider's answer as submitted. */
export interface ResultRecord {
  readonly taskId: string;
  readonly role: Role;
  readonly kind: AnswerKind;
  readonly provider: string;
  readonly resultJson: string;
  readonly sha256: string;
  readonly txId: string;
  /** Set when GridCo declared the answer missing (`Trace:ReportTimeout`): a wrong result (F.3). */
  readonly timedOut?: boolean;
}

/** How condition b judged one answer (public; no decrypted values). */
export interface AnswerVerdict {
  readonly role: Role;
  readonly kind: AnswerKind;
  readonly provider: string;
  readonly valid: boolean;
  readonly residualRelative: number | null;
  readonly failures: readonly string[];
}

/** The public view of the arbitration (no decrypted values). */
export interface ArbitrationSummary {
  readonly taskId: string;
  readonly stage: string;
  readonly path: readonly string[];
  readonly assignment: { readonly I: string | null; readonly II: string | null; readonly III: string | null };
  readonly expected: readonly ExpectedEvent[];
  readonly strikesThisTask: Readonly<Record<string, number>>;
  readonly transfers: readonly FeeTransfer[];
  readonly verdicts: readonly AnswerVerdict[];
  readonly acceptedFrom: string | null;
}

/** The accepted result's carbon-flow proposal (condition b at END). */
export interface AcceptedRecord {
  readonly taskId: string;
  readonly channel: string;
  readonly slot: number;
  readonly acceptedFrom: string;
  readonly resultSha256: string;
  readonly proposal: CarbonProposal;
}

/** GridCo's recorded carbon flow. */
export interface CarbonFlowRecord {
  readonly taskId: string;
  readonly channel: string;
  readonly slot: number;
  readonly acceptedFrom: string;
  readonly proposal: CarbonProposal;
  readonly recorderMsp: string;
  readonly txId: string;
}

/** Index entry: a bus's intensity at a slot. */
export interface BusIntensityRecord {
  readonly channel: string;
  readonly slot: number;
  readonly busId: number;
  readonly intensityTco2PerMwh: number;
  readonly loadMw: number;
  readonly loadTco2PerH: number;
  readonly taskId: string;
}

/** Key helpers. */
export const traceKeys = {
  task: (ctx: Context, taskId: string): string => ctx.stub.createCompositeKey(TRACE_KEY.task, [taskId]),
  conditionA: (ctx: Context, taskId: string): string =>
    ctx.stub.createCompositeKey(TRACE_KEY.conditionA, [taskId]),
  maskedTask: (ctx: Context, taskId: string, role: Role): string =>
    ctx.stub.createCompositeKey(TRACE_KEY.maskedTask, [taskId, role]),
  result: (ctx: Context, taskId: string, role: Role, kind: AnswerKind): string =>
    ctx.stub.createCompositeKey(TRACE_KEY.result, [taskId, role, kind]),
  arbitration: (ctx: Context, taskId: string): string =>
    ctx.stub.createCompositeKey(TRACE_KEY.arbitration, [taskId]),
  accepted: (ctx: Context, taskId: string): string =>
    ctx.stub.createCompositeKey(TRACE_KEY.accepted, [taskId]),
  carbonFlow: (ctx: Context, taskId: string): string =>
    ctx.stub.createCompositeKey(TRACE_KEY.carbonFlow, [taskId]),
  busIntensity: (ctx: Context, channel: string, slot: string, busId: string): string =>
    ctx.stub.createCompositeKey(TRACE_KEY.busIntensity, [channel, slot, busId]),
  secret: (ctx: Context, taskId: string): string => ctx.stub.createCompositeKey(TRACE_KEY.secret, [taskId]),
  privateState: (ctx: Context, taskId: string): string =>
    ctx.stub.createCompositeKey(TRACE_KEY.privateState, [taskId]),
};
