/**
 * The ledger checks of an LV substation's parsed submission, before anything is written: the
 * caller owns the substation, the slot is not sealed by `Index`, the referenced topology is
 * registered, is the substation's own and has the stated digest, every switch, load and generator
 * names a branch or bus of it, and every bus belongs to the submitting substation. Each refusal
 * names the field and value.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import { invalid } from '../shared/arguments';
import type { Caller } from '../shared/roles';
import { checkSubmissionBuses } from './bus-ownership';
import { branchKey } from './measurement-record';
import type { MeasurementSubmission } from './measurement-record';
import type { SubmissionReads } from './submission-reads';
import type { TopologyRecord } from './topology-record';

/** @throws ACCESS_DENIED when `caller` is not the LV organization of `substation`. */
export function assertOwnSubstation(caller: Caller, substation: string): void {
  if (caller.orgId !== substation) {
    throw new CarbonTraceError(
      'ACCESS_DENIED',
      `${caller.mspId} cannot write data of substation ${substation}`,
      {
        mspId: caller.mspId,
        substation,
      },
    );
  }
}

/**
 * Checks `submission` from `caller` against the ledger (through `reads`, which caches what a batch
 * reads more than once).
 * @throws ACCESS_DENIED, INVALID_STATE (slot sealed), NOT_FOUND (topology not on this peer yet),
 *   HASH_MISMATCH, INVALID_ARGUMENT naming the field.
 */
export async function checkSubmission(
  ctx: Context,
  caller: Caller,
  submission: MeasurementSubmission,
  reads: SubmissionReads,
): Promise<void> {
  assertOwnSubstation(caller, submission.substation);
  if (await reads.sealed(submission.slot)) {
    throw new CarbonTraceError('INVALID_STATE', `slot ${submission.slot} is already sealed by Index`, {
      slot: submission.slot,
    });
  }
  let registered: TopologyRecord | undefined;
  if (submission.topology !== undefined) {
    const ref = submission.topology;
    const topology = await reads.topology(ref.id);
    registered = topology;
    if (topology === undefined) {
      // NOT_FOUND, not INVALID_ARGUMENT: a topology registered a block ago may not have reached
      // the verifier's peer yet, and the client asks again on NOT_FOUND (verifier lag)
      throw new CarbonTraceError(
        'NOT_FOUND',
        `topology.id refers to no registered topology (got ${JSON.stringify(ref.id)})`,
        {
          field: 'topology.id',
          value: ref.id,
        },
      );
    }
    if (topology.substation !== submission.substation) {
      invalid('topology.id', `belongs to ${topology.substation}, not ${submission.substation}`, ref.id);
    }
    if (topology.sha256 !== ref.sha256) {
      throw new CarbonTraceError('HASH_MISMATCH', `topology ${ref.id} has sha256 ${topology.sha256}`, {
        field: 'topology.sha256',
        value: ref.sha256,
      });
    }
    const known = new Set(topology.branches.map((b) => branchKey(b.fromBusId, b.toBusId)));
    submission.switches.forEach((s, i) => {
      if (!known.has(branchKey(s.fromBusId, s.toBusId))) {
        invalid(
          `switches[${i}]`,
          `refers to no branch of topology ${ref.id}`,
          branchKey(s.fromBusId, s.toBusId),
          s.fromBusId,
        );
      }
    });
    const buses = new Set(topology.buses.map((b) => b.busId));
    submission.loads.forEach((l, i) => {
      if (!buses.has(l.busId))
        invalid(`loads[${i}].busId`, `is not a bus of topology ${ref.id}`, l.busId, l.busId);
    });
    submission.generators.forEach((g, i) => {
      if (!buses.has(g.busId))
        invalid(`generators[${i}].busId`, `is not a bus of topology ${ref.id}`, g.busId, g.busId);
    });
  }
  await checkSubmissionBuses(ctx, submission, registered, reads.owners);
}
