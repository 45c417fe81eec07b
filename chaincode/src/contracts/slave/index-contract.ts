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
import { setKeyPolicy } from '../shared/key-endorsement';
import { exists, getJson, mustGetJson, putJson } from '../shared/ledger-state';
import { readNetworkOrgs } from '../shared/network-orgs';
import { hvRecordPolicy } from '../shared/trust-policies';
import { ALL_ROLES, requireRole, slaveChannelOfHv } from '../shared/roles';
import type { Caller } from '../shared/roles';
import { checkSubmissionBuses, gridOf } from './bus-ownership';
import { parseSlot } from './measurement-contract';
import { measurementsOfSlot } from './measurement-ledger';
import type { MeasurementRecord } from './measurement-record';
import { consensusStateKey, slotPackageKey, topologyKey } from './slave-keys';
import { MAX_PACKAGE_BYTES } from './slot-package';
import type { ExcludedSubmission, SealedSlotPackage, SlotPackage } from './slot-package';
import { DEFAULT_GRID } from './topology-record';
import type { TopologyRecord } from './topology-record';

/**
 * The grid of a slot: the grid most of its measurements are on; a tie goes to the default grid,
 * then to the lower name (so one substation cannot move a slot off the grid the others are on).
 */
function majorityGrid(grids: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const g of grids) counts.set(g, (counts.get(g) ?? 0) + 1);
  let best = DEFAULT_GRID;
  let bestCount = counts.get(DEFAULT_GRID) ?? 0;
  for (const [g, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (n > bestCount) {
      best = g;
      bestCount = n;
    }
  }
  return best;
}

/** Events emitted by {@link IndexContract}. */
export const INDEX_EVENTS = { sealed: 'SlotSealed' } as const;

/** The HV organization that owns a slave channel (`slave-hv1` ↔ `Hv1`, the rule of `shared/roles.ts`). */
export function assertChannelOwner(ctx: Context, caller: Caller): void {
  const channel = ctx.stub.getChannelID();
  if (channel !== slaveChannelOfHv(caller.orgId)) {
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
    const measurements = await measurementsOfSlot(ctx, slotNumber);
    if (measurements.length === 0) {
      throw new CarbonTraceError('NOT_FOUND', `slot ${slotNumber} has no measurements to seal`, {
        slot: slotNumber,
      });
    }
    const { pkg, included } = await this.#assemble(ctx, slotNumber, measurements);
    const sealed: SealedSlotPackage = {
      slot: slotNumber,
      channel: pkg.channel,
      sha256: canonicalSha256(pkg),
      package: pkg,
      sealTxId: ctx.stub.getTxID(),
      sealerMsp: caller.mspId,
    };
    await putJson(ctx, key, sealed);
    await setKeyPolicy(ctx, key, hvRecordPolicy(await readNetworkOrgs(ctx), caller.mspId));
    await this.#scoreRound(ctx, included);
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

  /**
   * The slot's package: each measurement is checked again against the bus ownership and base
   * values of the slot's grid ({@link majorityGrid}), and added (in substation order) while the package stays within
   * MAX_PACKAGE_BYTES; a refused or oversized one is left out with its reason.
   */
  async #assemble(
    ctx: Context,
    slot: number,
    measurements: readonly MeasurementRecord[],
  ): Promise<{ pkg: SlotPackage; included: MeasurementRecord[] }> {
    const channel = ctx.stub.getChannelID();
    const included: MeasurementRecord[] = [];
    const topologies = new Map<string, TopologyRecord>();
    const excluded: ExcludedSubmission[] = [];
    const leaveOut = (m: MeasurementRecord, error: unknown): void => {
      const e =
        error instanceof CarbonTraceError ? error : new CarbonTraceError('INTERNAL', String(error), {});
      excluded.push({ substation: m.substation, version: m.version, code: e.code, reason: e.message });
    };
    const packageOf = (extra?: readonly [MeasurementRecord, TopologyRecord | undefined]): SlotPackage => {
      const ms = extra === undefined ? included : [...included, extra[0]];
      const ts = new Map(topologies);
      if (extra?.[1] !== undefined) ts.set(extra[1].id, extra[1]);
      const pkg = {
        channel,
        slot,
        measurements: ms,
        topologies: [...ts.keys()].sort().map((id) => ts.get(id) as TopologyRecord),
      };
      return excluded.length === 0 ? pkg : { ...pkg, excluded: [...excluded] };
    };
    const resolved: { m: MeasurementRecord; topology: TopologyRecord | undefined; grid: string }[] = [];
    for (const m of measurements) {
      try {
        const topology =
          m.topology === undefined
            ? undefined
            : await mustGetJson<TopologyRecord>(
                ctx,
                topologyKey(ctx, m.topology.id),
                `topology ${m.topology.id}`,
              );
        resolved.push({ m, topology, grid: gridOf(m, topology) });
      } catch (error: unknown) {
        leaveOut(m, error);
      }
    }
    const slotGrid = majorityGrid(resolved.map((r) => r.grid));
    for (const { m, topology, grid } of resolved) {
      try {
        if (grid !== slotGrid) {
          throw new CarbonTraceError(
            'INVALID_ARGUMENT',
            `grid: the measurement of ${m.substation} is on grid ${grid}, the slot's grid is ${slotGrid}`,
          );
        }
        await checkSubmissionBuses(ctx, m, topology);
      } catch (error: unknown) {
        leaveOut(m, error);
        continue;
      }
      const bytes = Buffer.byteLength(canonicalJson(packageOf([m, topology])), 'utf8');
      if (bytes > MAX_PACKAGE_BYTES) {
        leaveOut(
          m,
          new CarbonTraceError(
            'PAYLOAD_TOO_LARGE',
            `the measurement of ${m.substation} would make the slot ${slot} package ${bytes} bytes (limit ${MAX_PACKAGE_BYTES})`,
          ),
        );
        continue;
      }
      included.push(m);
      if (topology !== undefined) topologies.set(topology.id, topology);
    }
    return { pkg: packageOf(), included };
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
