/**
 * `Trace:Request` input: the public arguments (task id, slot, profile, providers, fees, answer
 * deadline, supersession, whether condition b records the carbon flow) and the unit carbon parameters, which arrive as transient data (`units`)
 * so that they never reach a block. Everything is validated before anything is written.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import type { FeeSchedule } from '../../outsourcing/arbitration';
import { MASK_PROFILES } from '../../outsourcing/mask-key';
import type { MaskProfile } from '../../outsourcing/mask-key';
import {
  asArray,
  asBoolean,
  asInteger,
  asNumber,
  asRecord,
  asString,
  invalid,
  onlyKeys,
  optional,
  parseJsonArgument,
} from '../shared/arguments';
import { MAX_SLOT } from '../slave/measurement-record';
import { parseUnitCarbonSpecs } from './slot-case';
import type { UnitCarbonSpec } from './slot-case';
import { SLAVE_CHANNEL_PATTERN } from './verification-block';

/** Task ids: `[A-Za-z0-9._:-]{1,64}`. */
export const TASK_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** Name of the transient field holding the unit parameters (JSON array). */
export const UNITS_TRANSIENT_KEY = 'units';
/** Default fees of a task. */
export const DEFAULT_FEES: FeeSchedule = { providerFee: 1, dataCenterCost: 2 };
/** Bounds of a provider's answer deadline, seconds (documented in docs/security.md). */
export const ANSWER_DEADLINE_SECONDS = { min: 5, max: 86_400, default: 300 } as const;
/** Largest transient unit list, bytes. */
export const MAX_UNITS_BYTES = 1_048_576;

/** A validated request. */
/** Interval length of a request that names none: an hourly slot. */
export const DEFAULT_INTERVAL_MINUTES = 60;
const MINUTES_PER_DAY = 1440;

export interface ParsedRequest {
  readonly taskId: string;
  readonly channel: string;
  readonly slot: number;
  readonly profile: MaskProfile;
  readonly requestedProviders: readonly string[];
  readonly fees: FeeSchedule;
  readonly answerDeadlineSeconds: number;
  /** Length of the traced interval, minutes (energy = rate × length on the ledger records). */
  readonly intervalMinutes: number;
  readonly supersedes: { readonly taskId: string; readonly reason: string } | null;
  /** Condition b records the carbon flow in the transaction that accepts the result. */
  readonly recordOnAccept: boolean;
  readonly units: readonly UnitCarbonSpec[];
}

/** Parses the public request and the transient units. @throws INVALID_ARGUMENT naming the field. */
export function parseTraceRequest(ctx: Context, requestJson: string): ParsedRequest {
  const r = asRecord(parseJsonArgument(requestJson, 'request'), 'request');
  if ('units' in r) {
    invalid(
      'request.units',
      `must be sent as transient data "${UNITS_TRANSIENT_KEY}", never in a block`,
      'units',
    );
  }
  onlyKeys(r, 'request', [
    'taskId',
    'channel',
    'slot',
    'profile',
    'providers',
    'fees',
    'answerDeadlineSeconds',
    'intervalMinutes',
    'supersedes',
    'recordOnAccept',
  ]);
  const taskId = asString(r['taskId'], 'taskId', TASK_ID);
  const channel = asString(r['channel'], 'channel', SLAVE_CHANNEL_PATTERN);
  const slot = asInteger(r['slot'], 'slot', 0, MAX_SLOT);
  const profile = (optional(r['profile'], (v) => {
    if (typeof v !== 'string' || !(MASK_PROFILES as readonly string[]).includes(v)) {
      invalid('profile', `must be one of ${MASK_PROFILES.join(', ')}`, v);
    }
    return v;
  }) ?? 'monomial') as MaskProfile;
  const requestedProviders =
    optional(r['providers'], (v) => {
      const list = asArray(v, 'providers', 2, 2).map((p, i) => asString(p, `providers[${i}]`));
      if (list[0] === list[1]) invalid('providers[1]', 'must differ from providers[0]', list[1]);
      return list;
    }) ?? [];
  const fees =
    optional(r['fees'], (v) => {
      const f = asRecord(v, 'fees');
      onlyKeys(f, 'fees', ['providerFee', 'dataCenterCost']);
      return {
        providerFee: asNumber(f['providerFee'], 'fees.providerFee', 0, 1e9),
        dataCenterCost: asNumber(f['dataCenterCost'], 'fees.dataCenterCost', 0, 1e9),
      };
    }) ?? DEFAULT_FEES;
  const answerDeadlineSeconds =
    optional(r['answerDeadlineSeconds'], (v) =>
      asInteger(v, 'answerDeadlineSeconds', ANSWER_DEADLINE_SECONDS.min, ANSWER_DEADLINE_SECONDS.max),
    ) ?? ANSWER_DEADLINE_SECONDS.default;
  const intervalMinutes =
    optional(r['intervalMinutes'], (v) => asInteger(v, 'intervalMinutes', 1, MINUTES_PER_DAY)) ??
    DEFAULT_INTERVAL_MINUTES;
  const supersedes =
    optional(r['supersedes'], (v) => {
      const s = asRecord(v, 'supersedes');
      onlyKeys(s, 'supersedes', ['taskId', 'reason']);
      return {
        taskId: asString(s['taskId'], 'supersedes.taskId', TASK_ID),
        reason: asString(s['reason'], 'supersedes.reason', /^[\w .,:;()'/+-]{1,200}$/),
      };
    }) ?? null;
  if (supersedes?.taskId === taskId) invalid('supersedes.taskId', 'must name another task', taskId);
  const recordOnAccept = optional(r['recordOnAccept'], (v) => asBoolean(v, 'recordOnAccept')) ?? false;
  if (recordOnAccept && supersedes !== null) {
    // the slot's current-result key is GridCo's (GridCo + regulator); condition b's endorsers are
    // the HV and the regulator, so only GridCo's own RecordCarbonFlow may move it to this task
    invalid(
      'recordOnAccept',
      "cannot be combined with supersedes: replacing the slot result needs GridCo's own RecordCarbonFlow",
      true,
    );
  }
  return {
    taskId,
    channel,
    slot,
    profile,
    requestedProviders,
    fees,
    answerDeadlineSeconds,
    intervalMinutes,
    supersedes,
    recordOnAccept,
    units: parseTransientUnits(ctx),
  };
}

function parseTransientUnits(ctx: Context): UnitCarbonSpec[] {
  const bytes = ctx.stub.getTransient().get(UNITS_TRANSIENT_KEY);
  if (bytes === undefined) {
    throw new CarbonTraceError(
      'INVALID_ARGUMENT',
      `transient field "${UNITS_TRANSIENT_KEY}" (the unit carbon parameters, JSON array) is missing`,
      { field: UNITS_TRANSIENT_KEY },
    );
  }
  if (bytes.length > MAX_UNITS_BYTES) {
    throw new CarbonTraceError(
      'PAYLOAD_TOO_LARGE',
      `transient field "${UNITS_TRANSIENT_KEY}" is ${bytes.length} bytes (limit ${MAX_UNITS_BYTES})`,
      { field: UNITS_TRANSIENT_KEY, value: bytes.length },
    );
  }
  return parseUnitCarbonSpecs(parseJsonArgument(Buffer.from(bytes).toString('utf8'), 'units'));
}
