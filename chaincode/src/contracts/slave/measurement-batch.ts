/**
 * A batch of one LV substation's measurements (several slots, each with all of its meters),
 * submitted and validated as one transaction by `Measurement:SubmitBatch`. Each entry is a
 * {@link MeasurementSubmission} validated exactly as `Submit` validates one; a problem is reported
 * with the entry's index in front of the field (`measurements[3].loads[0].busId`).
 */
import { CarbonTraceError } from '../../common/errors';
import { asArray, asRecord, invalid, onlyKeys } from '../shared/arguments';
import { parseMeasurement } from './measurement-record';
import type { MeasurementSubmission } from './measurement-record';

/** Most measurements in one batch. */
export const MAX_BATCH_MEASUREMENTS = 512;
/** Largest batch argument, UTF-8 bytes (a block of such transactions stays far below the orderer's AbsoluteMaxBytes). */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** What an LV substation submits to `Measurement:SubmitBatch`. */
export interface MeasurementBatch {
  /** Distinct slots of the caller's own substation, each a full `Submit` argument. */
  readonly measurements: readonly MeasurementSubmission[];
}

/** One entry of a batch's result. */
export interface BatchEntrySummary {
  readonly slot: number;
  readonly version: number;
  /** SHA-256 of the stored record's canonical JSON. */
  readonly sha256: string;
}

/**
 * The result of `Measurement:SubmitBatch`: what this transaction stored, and what an earlier
 * transaction had already stored with the same content (a retried or overlapping batch).
 */
export interface MeasurementBatchResult {
  readonly substation: string;
  readonly stored: readonly BatchEntrySummary[];
  readonly unchanged: readonly BatchEntrySummary[];
  /** Meter readings (loads + generator outputs) this transaction stored. */
  readonly readings: number;
}

/** Meter readings in one submission: one per bus load and one per generator output. */
export function readingsOf(submission: MeasurementSubmission): number {
  return submission.loads.length + submission.generators.length;
}

/** Runs `parse` on entry `i`, prefixing the field of any refusal with `measurements[i].`. */
export function inEntry<T>(i: number, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof CarbonTraceError)) throw error;
    const prefix = `measurements[${i}]`;
    const field = error.details['field'];
    const named = typeof field === 'string' ? `${prefix}.${field}` : prefix;
    const message = typeof field === 'string' ? `${prefix}.${error.message}` : `${prefix}: ${error.message}`;
    throw new CarbonTraceError(error.code, message, { ...error.details, field: named, entry: i });
  }
}

/** Async form of {@link inEntry}. */
export async function inEntryAsync<T>(i: number, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    return inEntry(i, () => {
      throw error;
    });
  }
}

/**
 * Validates a batch's shape and every entry (as `Submit` would, without the ledger checks).
 * @throws CarbonTraceError INVALID_ARGUMENT naming `measurements[i]…`, field, bus and value; for a
 * slot given twice; PAYLOAD_TOO_LARGE for more than {@link MAX_BATCH_MEASUREMENTS} entries.
 */
export function parseMeasurementBatch(value: unknown): MeasurementBatch {
  const r = asRecord(value, 'batch');
  onlyKeys(r, 'batch', ['measurements']);
  const entries = asArray(r['measurements'], 'measurements', 1, MAX_BATCH_MEASUREMENTS);
  const measurements = entries.map((entry, i) => inEntry(i, () => parseMeasurement(entry)));
  const firstOfSlot = new Map<string, number>();
  measurements.forEach((m, i) => {
    const key = `${m.substation}/${m.slot}`;
    const first = firstOfSlot.get(key);
    if (first !== undefined) {
      invalid(`measurements[${i}].slot`, `repeats slot ${m.slot} of measurements[${first}]`, m.slot);
    }
    firstOfSlot.set(key, i);
  });
  return { measurements };
}
