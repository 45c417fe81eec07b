/**
 * How LV measurements are kept in world state: one key per slot and substation
 * (`measurement~slot~lv`) holding the current version, with its key-level policy set when version 1
 * creates it (DESIGN.md §8: only that LV, with its HV or the regulator, writes it again). An
 * amendment overwrites the key, so earlier versions are read from the peer's history database
 * ({@link measurementHistory}); every later version carries version 1's digest, so a retried first
 * submission is still recognised after an amendment. Loads are stored in columns
 * ({@link LoadColumns}) and read back as rows. One key and one compact copy of the readings per
 * slot is what a block carries and every peer of the channel validates (docs/benchmarks.md,
 * ingestion). Digests (`sha256`) are of the stored form's canonical JSON.
 */
import type { Context } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import { canonicalSha256, sha256Hex } from '../shared/hashing';
import { setKeyPolicy } from '../shared/key-endorsement';
import type { EndorsementRule } from '../shared/key-endorsement';
import { getJson, keyHistory, listByPartialKey, padNumber, putJson } from '../shared/ledger-state';
import type { Caller } from '../shared/roles';
import type { FirstVersion, MeasurementRecord, MeasurementSubmission } from './measurement-record';
import { loadColumnsOf, loadsOfColumns } from './load-columns';
import type { LoadColumns } from './load-columns';
import { measurementKey, SLAVE_KEY } from './slave-keys';

/** A measurement record as world state holds it: loads in columns. */
export interface StoredMeasurementForm extends Omit<MeasurementRecord, 'loads'> {
  readonly loads: LoadColumns;
}

/** The stored form of a record. */
export function storedForm(record: MeasurementRecord): StoredMeasurementForm {
  return { ...record, loads: loadColumnsOf(record.loads) };
}

/** A record read from world state (rows; a record stored with rows is returned as it is). */
function fromStored(stored: StoredMeasurementForm | MeasurementRecord): MeasurementRecord {
  return hasLoadRows(stored) ? stored : { ...stored, loads: loadsOfColumns(stored.loads) };
}

function hasLoadRows(stored: StoredMeasurementForm | MeasurementRecord): stored is MeasurementRecord {
  return Array.isArray(stored.loads);
}

/** A record as stored, with the SHA-256 of its canonical JSON. */
export interface StoredMeasurement {
  readonly record: MeasurementRecord;
  readonly sha256: string;
}

/** The submission a stored record holds (the fields a record adds removed). */
export function submissionOf(record: MeasurementRecord): MeasurementSubmission {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the record-only fields are dropped
  const { version, txId, submitterMsp, firstVersion, ...submission } = record;
  return submission;
}

/** True when a stored record holds exactly `submission` (as parsed, so defaults are filled in). */
export function sameSubmission(record: MeasurementRecord, submission: MeasurementSubmission): boolean {
  return canonicalJson(submissionOf(record)) === canonicalJson(submission);
}

/** The current version of `substation`'s measurement at `slot`, or undefined. */
export async function currentMeasurement(
  ctx: Context,
  slot: number,
  substation: string,
): Promise<MeasurementRecord | undefined> {
  const stored = await getJson<StoredMeasurementForm>(ctx, measurementKey(ctx, slot, substation));
  return stored === undefined ? undefined : fromStored(stored);
}

/** The current measurements of every substation at `slot`, in substation order. */
export async function measurementsOfSlot(ctx: Context, slot: number): Promise<MeasurementRecord[]> {
  const rows = await listByPartialKey<StoredMeasurementForm>(ctx, SLAVE_KEY.measurement, [padNumber(slot)]);
  return rows.map((row) => fromStored(row.value));
}

/** SHA-256 of a record's stored form. */
export function storedSha256(record: MeasurementRecord): string {
  return canonicalSha256(storedForm(record));
}

/**
 * Version 1 of `submission`'s slot when it held exactly this submission (a retry: nothing to
 * write), undefined when the slot has no measurement yet.
 * @throws CarbonTraceError ALREADY_EXISTS when the slot holds a different measurement.
 */
export async function storedFirstVersion(
  ctx: Context,
  submission: MeasurementSubmission,
): Promise<StoredMeasurement | undefined> {
  const current = await currentMeasurement(ctx, submission.slot, submission.substation);
  if (current === undefined) return undefined;
  if (current.version === 1) {
    if (sameSubmission(current, submission)) return { record: current, sha256: storedSha256(current) };
  } else if (current.firstVersion !== undefined) {
    const first: MeasurementRecord = {
      ...submission,
      version: 1,
      txId: current.firstVersion.txId,
      submitterMsp: current.submitterMsp,
    };
    const sha256 = storedSha256(first);
    if (sha256 === current.firstVersion.sha256) return { record: first, sha256 };
  }
  throw new CarbonTraceError(
    'ALREADY_EXISTS',
    `slot ${submission.slot} of ${submission.substation} already has version ${current.version}; use Amend`,
    { slot: submission.slot, substation: submission.substation, version: current.version },
  );
}

/**
 * Stores `submission` as the version after `previous` (version 1 when there is none) and, for
 * version 1, sets the key's policy.
 */
export async function storeMeasurement(
  ctx: Context,
  caller: Caller,
  submission: MeasurementSubmission,
  previous: MeasurementRecord | undefined,
  policy: EndorsementRule,
): Promise<StoredMeasurement> {
  const base = { ...submission, txId: ctx.stub.getTxID(), submitterMsp: caller.mspId };
  const record: MeasurementRecord =
    previous === undefined
      ? { ...base, version: 1 }
      : { ...base, version: previous.version + 1, firstVersion: firstVersionOf(previous) };
  const key = measurementKey(ctx, submission.slot, submission.substation);
  const text = await putJson(ctx, key, storedForm(record));
  if (previous === undefined) await setKeyPolicy(ctx, key, policy);
  return { record, sha256: sha256Hex(text) };
}

/**
 * Version 1's digest and transaction, as the version after `record` carries them (hashed only when
 * `record` is version 1; later versions carry it forward).
 */
function firstVersionOf(record: MeasurementRecord): FirstVersion {
  if (record.version === 1) return { sha256: storedSha256(record), txId: record.txId };
  if (record.firstVersion === undefined) {
    throw new CarbonTraceError('INTERNAL', `version ${record.version} carries no first version`, {
      slot: record.slot,
      substation: record.substation,
    });
  }
  return record.firstVersion;
}

/** Every version of a measurement, oldest first (the peer's history of its key). */
export async function measurementHistory(
  ctx: Context,
  slot: number,
  substation: string,
): Promise<MeasurementRecord[]> {
  const rows = await keyHistory<StoredMeasurementForm>(ctx, measurementKey(ctx, slot, substation));
  return rows.map((row) => fromStored(row.value)).sort((a, b) => a.version - b.version);
}
