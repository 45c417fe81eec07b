/**
 * carbon-slave `Index`: on the master's index instruction, the HV organization of the slave
 * channel seals a slot: the slot's measurements are packaged canonically with their SHA-256, no
 * further amendment is accepted, and (when the channel's PBFT points are initialized) the seal
 * counts as one round: substations that submitted score a vote, the others a timeout.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';
import { applyPbftRound } from '../../governance/pbft-points';
import type { PbftEvent, PbftState } from '../../governance/pbft-points';
import { CarbonContract } from '../shared/carbon-contract';
import { emitEvent } from '../shared/events';
import { canonicalSha256 } from '../shared/hashing';
import { exists, getJson, listByPartialKey, mustGetJson, padNumber, putJson } from '../shared/ledger-state';
import { ALL_ROLES, requireRole } from '../shared/roles';
import type { Caller } from '../shared/roles';
import { parseSlot } from './measurement-contract';
import type { MeasurementRecord } from './measurement-record';
import { consensusStateKey, SLAVE_KEY, slotPackageKey, topologyKey } from './slave-keys';
import { MAX_PACKAGE_BYTES } from './slot-package';
import type { SealedSlotPackage, SlotPackage } from './slot-package';
import type { TopologyRecord } from './topology-record';

/** Events emitted by {@link IndexContract}. */
export const INDEX_EVENTS = { sealed: 'SlotSealed' } as const;

/** The HV organization that owns a slave channel (`slave-hv1` ↔ `Hv1`). */
export function assertChannelOwner(ctx: Context, caller: Caller): void {
  const channel = ctx.stub.getChannelID();
  if (channel !== `slave-${caller.orgId.toLowerCase()}`) {
    throw new CarbonTraceError('ACCESS_DENIED', `${caller.mspId} does not own slave channel ${channel}`, {
      mspId: caller.mspId,
      channel,
    });
  }
}

/** Slot packaging on a slave channel. */
@Info({ title: 'Index', description: 'Canonical slot packages with their SHA-256' })
export class IndexContract extends CarbonContract {
  constructor() {
    super('Index');
  }

  /** Seals `slot` (HV organization of this channel). Returns the sealed package with its SHA-256. */
  @Transaction()
  @Returns('string')
  async Seal(ctx: Context, slot: string): Promise<string> {
    const caller = requireRole(ctx, 'Index:Seal', 'hv');
    assertChannelOwner(ctx, caller);
    const slotNumber = parseSlot(slot);
    const key = slotPackageKey(ctx, slotNumber);
    if (await exists(ctx, key)) {
      throw new CarbonTraceError('ALREADY_EXISTS', `slot ${slotNumber} is already sealed`, {
        slot: slotNumber,
      });
    }
    const measurements = (
      await listByPartialKey<MeasurementRecord>(ctx, SLAVE_KEY.measurement, [padNumber(slotNumber)])
    ).map((row) => row.value);
    if (measurements.length === 0) {
      throw new CarbonTraceError('NOT_FOUND', `slot ${slotNumber} has no measurements to seal`, {
        slot: slotNumber,
      });
    }
    const topologyIds = [
      ...new Set(measurements.flatMap((m) => (m.topology === undefined ? [] : [m.topology.id]))),
    ].sort();
    const topologies: TopologyRecord[] = [];
    for (const id of topologyIds) {
      topologies.push(await mustGetJson<TopologyRecord>(ctx, topologyKey(ctx, id), `topology ${id}`));
    }
    const pkg: SlotPackage = { channel: ctx.stub.getChannelID(), slot: slotNumber, measurements, topologies };
    const text = canonicalJson(pkg);
    if (text.length > MAX_PACKAGE_BYTES) {
      throw new CarbonTraceError(
        'PAYLOAD_TOO_LARGE',
        `slot ${slotNumber} package is ${text.length} bytes (limit ${MAX_PACKAGE_BYTES})`,
        {
          slot: slotNumber,
          value: text.length,
        },
      );
    }
    const sealed: SealedSlotPackage = {
      slot: slotNumber,
      channel: pkg.channel,
      sha256: canonicalSha256(pkg),
      package: pkg,
      sealTxId: ctx.stub.getTxID(),
      sealerMsp: caller.mspId,
    };
    await putJson(ctx, key, sealed);
    await this.#scoreRound(ctx, measurements);
    emitEvent(ctx, INDEX_EVENTS.sealed, { slot: slotNumber, sha256: sealed.sha256, channel: pkg.channel });
    return canonicalJson(sealed);
  }

  /** The sealed package of `slot` with its SHA-256, or NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async GetPackage(ctx: Context, slot: string): Promise<string> {
    requireRole(ctx, 'Index:GetPackage', ...ALL_ROLES);
    const slotNumber = parseSlot(slot);
    const sealed = await mustGetJson<SealedSlotPackage>(
      ctx,
      slotPackageKey(ctx, slotNumber),
      `package of slot ${slotNumber}`,
    );
    return canonicalJson(sealed);
  }

  async #scoreRound(ctx: Context, measurements: readonly MeasurementRecord[]): Promise<void> {
    const key = consensusStateKey(ctx);
    const state = await getJson<PbftState>(ctx, key);
    if (state === undefined) return;
    const submitted = new Set(measurements.map((m) => m.substation));
    const events: PbftEvent[] = [...state.consensus, ...state.reserve]
      .sort()
      .map((nodeId) => ({ nodeId, kind: submitted.has(nodeId) ? 'voted' : 'timeout' }));
    await putJson(ctx, key, applyPbftRound(state, events));
  }
}
