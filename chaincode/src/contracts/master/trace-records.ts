/**
 * What the Trace contract stores, and where (docs/security.md). Public world state on master
 * holds only what every member may read: task headers, digests, the arbitration summary and the
 * provider-facing facts. The slot's plaintext (unit parameters, the arbitration state with its
 * seed, accepted results, carbon flows, intensities) lives in the region's private collection
 * (`region-<hv>`: GridCo, the region's HV, the regulator), and each provider's masked tasks and
 * answers in its own collection (`tasks-<provider>`), with only their hashes on the channel.
 */
import type { Context } from 'fabric-contract-api';
import type { ExpectedEvent, FeeSchedule, FeeTransfer } from '../../outsourcing/arbitration';
import type { MaskProfile } from '../../outsourcing/mask-key';
import type { CarbonProposal } from './trace-engine';
import type { UnitCarbonSpec } from './slot-case';

/** Object types of the Trace keys (public and private keys share the names). */
export const TRACE_KEY = {
  task: 'traceTask',
  units: 'traceUnits',
  conditionA: 'traceConditionA',
  maskedTask: 'traceMaskedTask',
  result: 'traceResult',
  arbitration: 'traceArbitration',
  accepted: 'traceAccepted',
  carbonFlow: 'traceCarbonFlow',
  slotCurrent: 'traceSlotCurrent',
  busIntensity: 'traceBusIntensity',
  privateState: 'traceArbitrationState',
} as const;

/** Roles in the arbitration. */
export type Role = 'I' | 'II' | 'III';
/** First answer or recomputation. */
export type AnswerKind = 'first' | 'recompute';

/** GridCo's request, public part (the unit parameters are private: {@link TraceUnits}). */
export interface TraceTask {
  readonly taskId: string;
  readonly channel: string;
  readonly slot: number;
  /** The HV organization that owns the slave channel and runs conditions a and b. */
  readonly hvMsp: string;
  readonly profile: MaskProfile;
  readonly fees: FeeSchedule;
  /** Providers I and II asked for (empty: the cheapest eligible at condition a). */
  readonly requestedProviders: readonly string[];
  /** Seconds a provider has to answer, from the transaction that asked for the answer. */
  readonly answerDeadlineSeconds: number;
  /** Length of the traced interval, minutes (absent on tasks requested before it was recorded: 60). */
  readonly intervalMinutes?: number;
  /** The task whose slot result this one replaces when recorded, or null. */
  readonly supersedes: { readonly taskId: string; readonly reason: string } | null;
  /**
   * GridCo asked condition b to record the carbon flow in the transaction that accepts the result
   * (absent on tasks requested before it existed: false, GridCo records it with RecordCarbonFlow).
   */
  readonly recordOnAccept?: boolean;
  /** SHA-256 of the canonical JSON of the private unit parameters. */
  readonly unitsSha256: string;
  readonly requesterMsp: string;
  readonly requestedAtSeconds: number;
  readonly txId: string;
}

/** The unit parameters of a task (private, region collection). */
export interface TraceUnits {
  readonly taskId: string;
  readonly units: readonly UnitCarbonSpec[];
}

/** The condition-a record (public). */
export interface ConditionARecord {
  readonly taskId: string;
  readonly packageSha256: string;
  readonly anchoredBlockNumber: number;
  readonly anchoredHeaderHash: string;
  /** N, K of the extended network. */
  readonly size: number;
  readonly generatorCount: number;
  readonly powerFlow: { readonly iterations: number; readonly maxMismatchPu: number };
  /** Dispatch order at condition a: the requested or cheapest eligible providers first. */
  readonly providerOrder: readonly string[];
  readonly cycle: number;
  readonly txId: string;
}

/** A masked task's public digest. */
export interface MaskedTaskDigest {
  readonly taskId: string;
  readonly role: Role;
  readonly provider: string;
  readonly sha256: string;
}

/** A masked task as its provider reads it (private, the provider's collection). */
export interface MaskedTaskRecord extends MaskedTaskDigest {
  /** Canonical JSON of the masked task (no plaintext network quantity). */
  readonly taskJson: string;
}

/** A provider's answer, public digest. */
export interface ResultDigest {
  readonly taskId: string;
  readonly role: Role;
  readonly kind: AnswerKind;
  readonly provider: string;
  readonly sha256: string;
  readonly txId: string;
  /** Set when GridCo declared the answer missing after its deadline: a wrong result (F.3). */
  readonly timedOut?: boolean;
}

/** A provider's answer as submitted (private, the provider's collection). */
export interface ResultRecord extends ResultDigest {
  readonly resultJson: string;
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
  /** Transaction time (s) since which the `expected` answers are awaited (the deadline's start). */
  readonly openedAtSeconds: number;
}

/**
 * What condition b returns: the arbitration summary, and the carbon flow's public header when this
 * condition b accepted a result of a task requested with `recordOnAccept` and recorded it.
 */
export interface ConditionBOutcome extends ArbitrationSummary {
  readonly carbonFlow?: CarbonFlowHeader;
}

/** The accepted result, public part. */
export interface AcceptedHeader {
  readonly taskId: string;
  readonly channel: string;
  readonly slot: number;
  readonly acceptedFrom: string;
  readonly resultSha256: string;
  readonly proposalSha256: string;
}

/** The accepted result with its carbon-flow proposal (private, region collection). */
export interface AcceptedRecord extends AcceptedHeader {
  readonly proposal: CarbonProposal;
}

/** GridCo's recorded carbon flow, public part. */
export interface CarbonFlowHeader {
  readonly taskId: string;
  readonly channel: string;
  readonly slot: number;
  readonly acceptedFrom: string;
  readonly recorderMsp: string;
  readonly txId: string;
  /** SHA-256 of the canonical JSON of the private {@link CarbonFlowRecord}. */
  readonly recordSha256: string;
  /** True when this task became the slot's current result. */
  readonly current: boolean;
}

/** GridCo's recorded carbon flow (private, region collection). */
export interface CarbonFlowRecord {
  readonly taskId: string;
  readonly channel: string;
  readonly slot: number;
  readonly acceptedFrom: string;
  readonly proposal: CarbonProposal;
  /** Per consumer (load bus) over the interval: energy and carbon (MATH.md interval accounting). */
  readonly consumers: readonly ConsumerIntervalRecord[];
  /** Length of the interval, minutes (absent on records written before it was kept: 60). */
  readonly intervalMinutes?: number;
  readonly recorderMsp: string;
  readonly txId: string;
}

/** A consumer's interval on the ledger: E = P·Δt, C = R·Δt (chaincode/src/carbon/interval-accounting.ts). */
export interface ConsumerIntervalRecord {
  readonly busId: number;
  readonly energyMwh: number;
  readonly carbonT: number;
}

/** Which task's carbon flow is a slot's current result, and the ones it replaced (public). */
export interface SlotCurrentRecord {
  readonly channel: string;
  readonly slot: number;
  readonly taskId: string;
  readonly history: readonly {
    readonly taskId: string;
    readonly supersededBy: string;
    readonly reason: string;
    readonly txId: string;
  }[];
}

/** A bus's intensity at a slot, by task (private, region collection). */
export interface BusIntensityRecord {
  readonly channel: string;
  readonly slot: number;
  readonly busId: number;
  readonly intensityTco2PerMwh: number;
  readonly loadMw: number;
  readonly loadTco2PerH: number;
  /** Over the interval: energy (MWh) and carbon (tCO2). */
  readonly energyMwh: number;
  readonly carbonT: number;
  readonly intervalMinutes: number;
  readonly taskId: string;
}

/** Key helpers. */
export const traceKeys = {
  task: (ctx: Context, taskId: string): string => ctx.stub.createCompositeKey(TRACE_KEY.task, [taskId]),
  units: (ctx: Context, taskId: string): string => ctx.stub.createCompositeKey(TRACE_KEY.units, [taskId]),
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
  slotCurrent: (ctx: Context, channel: string, slot: string): string =>
    ctx.stub.createCompositeKey(TRACE_KEY.slotCurrent, [channel, slot]),
  busIntensity: (ctx: Context, channel: string, slot: string, taskId: string, busId: string): string =>
    ctx.stub.createCompositeKey(TRACE_KEY.busIntensity, [channel, slot, taskId, busId]),
  privateState: (ctx: Context, taskId: string): string =>
    ctx.stub.createCompositeKey(TRACE_KEY.privateState, [taskId]),
};
