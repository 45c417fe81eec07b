/**
 * carbon-slave `Measurement`: LV substations submit per-slot data and register their topologies.
 * Only the owning LV organization writes its records; a second submission for a slot is refused
 * (`Submit`) or stored as a new version (`Amend`, only until the slot is sealed by `Index`).
 * `SubmitBatch` submits many slots in one transaction, each entry handled as `Submit` handles it.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import { asId, limitBytes, parseDecimalInteger, parseJsonArgument } from '../shared/arguments';
import { CarbonContract } from '../shared/carbon-contract';
import { emitEvent } from '../shared/events';
import { canonicalSha256 } from '../shared/hashing';
import { setKeyPolicy } from '../shared/key-endorsement';
import type { EndorsementRule } from '../shared/key-endorsement';
import { exists, mustGetJson, putJson } from '../shared/ledger-state';
import { readNetworkOrgs } from '../shared/network-orgs';
import { lvOwnedPolicy } from '../shared/trust-policies';
import { ALL_ROLES, requireRole } from '../shared/roles';
import type { Caller } from '../shared/roles';
import { claimTopology, MAX_SUBMISSION_BYTES } from './bus-ownership';
import { inEntryAsync, MAX_BATCH_BYTES, parseMeasurementBatch, readingsOf } from './measurement-batch';
import type { BatchEntrySummary, MeasurementBatchResult } from './measurement-batch';
import { MAX_SLOT, parseMeasurement } from './measurement-record';
import type { MeasurementSubmission } from './measurement-record';
import {
  currentMeasurement,
  measurementHistory,
  measurementsOfSlot,
  sameSubmission,
  storedFirstVersion,
  storeMeasurement,
} from './measurement-ledger';
import type { StoredMeasurement } from './measurement-ledger';
import { topologyKey } from './slave-keys';
import { assertOwnSubstation, checkSubmission } from './submission-checks';
import { SubmissionReads } from './submission-reads';
import { parseTopology } from './topology-record';
import type { TopologyRecord } from './topology-record';

/** Events emitted by {@link MeasurementContract}. */
export const MEASUREMENT_EVENTS = {
  submitted: 'MeasurementSubmitted',
  amended: 'MeasurementAmended',
  batchSubmitted: 'MeasurementBatchSubmitted',
  topologyRegistered: 'TopologyRegistered',
} as const;

/** The key-level policy of an LV substation's own records on this channel. */
async function lvPolicy(ctx: Context, caller: Caller): Promise<EndorsementRule> {
  return lvOwnedPolicy(await readNetworkOrgs(ctx), ctx.stub.getChannelID(), caller.mspId);
}

/** LV measurements and topologies on a slave channel. */
@Info({ title: 'Measurement', description: 'LV substation measurements per time slot' })
export class MeasurementContract extends CarbonContract {
  constructor() {
    super('Measurement');
  }

  /** Registers an LV substation's topology (buses, branches); immutable once written. Returns `{id, sha256}`. */
  @Transaction()
  @Returns('string')
  async RegisterTopology(ctx: Context, topologyJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Measurement:RegisterTopology', 'lv');
    const topology = parseTopology(
      parseJsonArgument(limitBytes(topologyJson, 'topology', MAX_SUBMISSION_BYTES), 'topology'),
    );
    assertOwnSubstation(caller, topology.substation);
    const key = topologyKey(ctx, topology.id);
    if (await exists(ctx, key)) {
      throw new CarbonTraceError('ALREADY_EXISTS', `topology ${topology.id} is already registered`, {
        id: topology.id,
      });
    }
    await claimTopology(ctx, topology);
    const sha256 = canonicalSha256(topology);
    const record: TopologyRecord = { ...topology, sha256, txId: ctx.stub.getTxID() };
    await putJson(ctx, key, record);
    await setKeyPolicy(ctx, key, await lvPolicy(ctx, caller));
    const result = { id: topology.id, sha256 };
    emitEvent(ctx, MEASUREMENT_EVENTS.topologyRegistered, { ...result, substation: topology.substation });
    return canonicalJson(result);
  }

  /** A registered topology. */
  @Transaction(false)
  @Returns('string')
  async GetTopology(ctx: Context, id: string): Promise<string> {
    requireRole(ctx, 'Measurement:GetTopology', ...ALL_ROLES);
    const record = await mustGetJson<TopologyRecord>(ctx, topologyKey(ctx, asId(id, 'id')), `topology ${id}`);
    return canonicalJson(record);
  }

  /**
   * Submits a slot's measurement (first version). Returns the record. Safe to retry: an identical
   * submission returns the stored version 1 and writes nothing; a different one is refused.
   */
  @Transaction()
  @Returns('string')
  async Submit(ctx: Context, measurementJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Measurement:Submit', 'lv');
    const submission = await this.#validate(ctx, caller, measurementJson);
    const first = await storedFirstVersion(ctx, submission);
    if (first !== undefined) return canonicalJson(first.record);
    const stored = await storeMeasurement(ctx, caller, submission, undefined, await lvPolicy(ctx, caller));
    emitEvent(ctx, MEASUREMENT_EVENTS.submitted, summary(stored));
    return canonicalJson(stored.record);
  }

  /**
   * Submits the first measurements of several slots of the caller's substation in one
   * transaction (`{"measurements": [...]}`, each entry a `Submit` argument, at most
   * 512 entries and 4 MiB). Every entry is validated before anything is written, and a refusal
   * names the entry (`measurements[i]…`), field, bus and value: nothing of the batch is written.
   * Safe to retry and to overlap: an entry whose slot already holds the identical submission is
   * reported `unchanged` and not written again; a slot holding a different one refuses the
   * batch (ALREADY_EXISTS, as `Submit`). Returns a {@link MeasurementBatchResult}; emits one
   * `MeasurementBatchSubmitted` event when it stored anything.
   */
  @Transaction()
  @Returns('string')
  async SubmitBatch(ctx: Context, batchJson: string): Promise<string> {
    const caller = requireRole(ctx, 'Measurement:SubmitBatch', 'lv');
    const batch = parseMeasurementBatch(
      parseJsonArgument(limitBytes(batchJson, 'batch', MAX_BATCH_BYTES), 'batch'),
    );
    const reads = new SubmissionReads(ctx);
    const fresh: MeasurementSubmission[] = [];
    const unchanged: BatchEntrySummary[] = [];
    for (const [i, submission] of batch.measurements.entries()) {
      await inEntryAsync(i, async () => {
        await checkSubmission(ctx, caller, submission, reads);
        const first = await storedFirstVersion(ctx, submission);
        if (first === undefined) fresh.push(submission);
        else unchanged.push(entrySummary(first));
      });
    }
    const stored: BatchEntrySummary[] = [];
    let readings = 0;
    if (fresh.length > 0) {
      const policy = await lvPolicy(ctx, caller);
      for (const submission of fresh) {
        stored.push(entrySummary(await storeMeasurement(ctx, caller, submission, undefined, policy)));
        readings += readingsOf(submission);
      }
    }
    const result: MeasurementBatchResult = { substation: caller.orgId, stored, unchanged, readings };
    if (stored.length > 0) {
      emitEvent(ctx, MEASUREMENT_EVENTS.batchSubmitted, { substation: caller.orgId, stored, readings });
    }
    return canonicalJson(result);
  }

  /**
   * Stores a new version of an existing measurement (until the slot is sealed) over version
   * `expectedVersion`; earlier versions stay readable (`GetHistory`). Safe to retry: when the
   * current version is `expectedVersion + 1` and holds this submission it is returned and nothing
   * is written.
   * @throws CarbonTraceError INVALID_STATE (`reason: "stale"`) when `expectedVersion` is not current.
   */
  @Transaction()
  @Returns('string')
  async Amend(ctx: Context, measurementJson: string, expectedVersion: string): Promise<string> {
    const caller = requireRole(ctx, 'Measurement:Amend', 'lv');
    const submission = await this.#validate(ctx, caller, measurementJson);
    const expected = parseDecimalInteger(expectedVersion, 'expectedVersion', 1, 999_999);
    const current = await currentMeasurement(ctx, submission.slot, submission.substation);
    if (current === undefined) {
      throw new CarbonTraceError(
        'NOT_FOUND',
        `measurement of ${submission.substation} at slot ${submission.slot} does not exist`,
        { slot: submission.slot, substation: submission.substation },
      );
    }
    if (current.version !== expected) {
      if (current.version === expected + 1 && sameSubmission(current, submission)) {
        return canonicalJson(current);
      }
      throw new CarbonTraceError(
        'INVALID_STATE',
        `expectedVersion ${expected} is stale: slot ${submission.slot} of ${submission.substation} is at version ${current.version}`,
        { field: 'expectedVersion', value: expected, current: current.version, reason: 'stale' },
      );
    }
    const stored = await storeMeasurement(ctx, caller, submission, current, await lvPolicy(ctx, caller));
    emitEvent(ctx, MEASUREMENT_EVENTS.amended, summary(stored));
    return canonicalJson(stored.record);
  }

  /** The current measurement of `substation` at `slot`. */
  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, slot: string, substation: string): Promise<string> {
    requireRole(ctx, 'Measurement:Get', ...ALL_ROLES);
    const slotNumber = parseSlot(slot);
    const record = await currentMeasurement(ctx, slotNumber, asId(substation, 'substation'));
    if (record === undefined) {
      throw new CarbonTraceError(
        'NOT_FOUND',
        `measurement of ${substation} at slot ${slotNumber} does not exist`,
        {
          slot: slotNumber,
          substation,
        },
      );
    }
    return canonicalJson(record);
  }

  /** Every version of a measurement, oldest first. */
  @Transaction(false)
  @Returns('string')
  async GetHistory(ctx: Context, slot: string, substation: string): Promise<string> {
    requireRole(ctx, 'Measurement:GetHistory', ...ALL_ROLES);
    return canonicalJson(await measurementHistory(ctx, parseSlot(slot), asId(substation, 'substation')));
  }

  /** The current measurements of every substation at `slot`, ordered by substation id. */
  @Transaction(false)
  @Returns('string')
  async ListSlot(ctx: Context, slot: string): Promise<string> {
    requireRole(ctx, 'Measurement:ListSlot', ...ALL_ROLES);
    return canonicalJson(await measurementsOfSlot(ctx, parseSlot(slot)));
  }

  async #validate(ctx: Context, caller: Caller, measurementJson: string): Promise<MeasurementSubmission> {
    const submission = parseMeasurement(
      parseJsonArgument(limitBytes(measurementJson, 'measurement', MAX_SUBMISSION_BYTES), 'measurement'),
    );
    await checkSubmission(ctx, caller, submission, new SubmissionReads(ctx));
    return submission;
  }
}

/** A slot argument given as a decimal string. */
export function parseSlot(slot: string): number {
  return parseDecimalInteger(slot, 'slot', 0, MAX_SLOT);
}

/** A stored record as one entry of a batch result. */
function entrySummary({ record, sha256 }: StoredMeasurement): BatchEntrySummary {
  return { slot: record.slot, version: record.version, sha256 };
}

function summary({ record, sha256 }: StoredMeasurement): Record<string, string | number> {
  return { slot: record.slot, substation: record.substation, version: record.version, sha256 };
}
