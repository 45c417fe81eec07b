/**
 * Which LV substation owns which bus of a slave channel's grid, and the grid's base values (a
 * channel carries one grid, `main`, unless topologies name others: tests do). Both are
 * recorded when topologies are registered, so every submission can be checked against them at
 * `Submit` (not only when condition a assembles the slot's case, after the seal):
 * - a topology defines only buses no other substation owns, at the channel's baseMva (the first
 *   registered topology sets it); its branches have at least one end at its own buses (the other
 *   end may be a neighbour's boundary bus);
 * - a measurement puts loads and generators only at its own registered buses, and its inline
 *   branches join registered buses with at least one end at its own.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import { invalid } from '../shared/arguments';
import { getJson, putJson } from '../shared/ledger-state';
import type { MeasurementSubmission } from './measurement-record';
import { busOwnerKey, channelBaseKey } from './slave-keys';
import { DEFAULT_GRID } from './topology-record';
import type { TopologyRecord, TopologySubmission } from './topology-record';

/** Largest measurement or topology argument, UTF-8 bytes (a slot package holds several). */
export const MAX_SUBMISSION_BYTES = 512 * 1024;

/** The owner of one bus. */
export interface BusOwner {
  readonly busId: number;
  /** LV substation id, e.g. `Lv1a`. */
  readonly substation: string;
  /** The topology that registered the bus. */
  readonly topologyId: string;
}

/** The base values every topology and measurement of the channel share. */
export interface ChannelBase {
  readonly baseMva: number;
  /** The topology that set them. */
  readonly topologyId: string;
}

/** The owner of `busId`, or undefined when no registered topology defines it. */
export async function busOwnerOf(ctx: Context, grid: string, busId: number): Promise<BusOwner | undefined> {
  return getJson<BusOwner>(ctx, busOwnerKey(ctx, grid, busId));
}

/** Reads the owner of a bus of a grid (the ledger, or a transaction's memo of it). */
export type BusOwnerLookup = (grid: string, busId: number) => Promise<BusOwner | undefined>;

/**
 * A lookup that reads each bus owner once per transaction (a batch of slots names the same buses
 * again and again; the read set is the same, the peer is asked once per key).
 */
export function memoizedBusOwners(ctx: Context): BusOwnerLookup {
  const seen = new Map<string, Promise<BusOwner | undefined>>();
  return (grid, busId) => {
    const key = `${grid}\u0000${busId}`;
    let owner = seen.get(key);
    if (owner === undefined) {
      owner = busOwnerOf(ctx, grid, busId);
      seen.set(key, owner);
    }
    return owner;
  };
}

/** The channel's base values, or undefined before the first topology. */
export async function channelBaseOf(ctx: Context, grid: string): Promise<ChannelBase | undefined> {
  return getJson<ChannelBase>(ctx, channelBaseKey(ctx, grid));
}

/** The grid of a topology or of a measurement (its topology's grid when it refers to one). */
export function gridOf(item: { readonly grid?: string }, topology?: { readonly grid?: string }): string {
  return topology?.grid ?? item.grid ?? DEFAULT_GRID;
}

function refuseBaseMva(base: ChannelBase, baseMva: number, field: string): never {
  throw new CarbonTraceError(
    'INVALID_ARGUMENT',
    `${field} must be ${base.baseMva} as on this channel (set by topology ${base.topologyId}) (got ${baseMva})`,
    { field, value: baseMva, expected: base.baseMva },
  );
}

/**
 * Checks a new topology against the channel (base values, bus ownership) and records its buses.
 * @throws CarbonTraceError INVALID_ARGUMENT for another baseMva or a branch with no end at its own
 * buses; ACCESS_DENIED for a bus another substation owns.
 */
export async function claimTopology(ctx: Context, topology: TopologySubmission): Promise<void> {
  const grid = gridOf(topology);
  const base = await channelBaseOf(ctx, grid);
  if (base !== undefined && base.baseMva !== topology.baseMva) {
    refuseBaseMva(base, topology.baseMva, 'baseMva');
  }
  const own = new Set(topology.buses.map((b) => b.busId));
  topology.branches.forEach((b, i) => {
    if (!own.has(b.fromBusId) && !own.has(b.toBusId)) {
      invalid(
        `branches[${i}]`,
        `has no end at a bus of ${topology.substation}`,
        `${b.fromBusId}-${b.toBusId}`,
      );
    }
  });
  for (const [i, bus] of topology.buses.entries()) {
    const owner = await busOwnerOf(ctx, grid, bus.busId);
    if (owner !== undefined && owner.substation !== topology.substation) {
      throw new CarbonTraceError(
        'ACCESS_DENIED',
        `buses[${i}].busId: bus ${bus.busId} belongs to ${owner.substation} (topology ${owner.topologyId}), not ${topology.substation}`,
        { field: `buses[${i}].busId`, bus: bus.busId, owner: owner.substation },
      );
    }
  }
  if (base === undefined) {
    await putJson(ctx, channelBaseKey(ctx, grid), { baseMva: topology.baseMva, topologyId: topology.id });
  }
  for (const bus of topology.buses) {
    if ((await busOwnerOf(ctx, grid, bus.busId)) === undefined) {
      const owner: BusOwner = { busId: bus.busId, substation: topology.substation, topologyId: topology.id };
      await putJson(ctx, busOwnerKey(ctx, grid, bus.busId), owner);
    }
  }
}

async function requireOwnBus(
  owners: BusOwnerLookup,
  grid: string,
  busId: number,
  substation: string,
  field: string,
): Promise<void> {
  const owner = await owners(grid, busId);
  if (owner === undefined)
    invalid(field, `is not a bus of any registered topology of grid ${grid}`, busId, busId);
  if (owner.substation !== substation) {
    throw new CarbonTraceError(
      'ACCESS_DENIED',
      `${field} at bus ${busId}: the bus belongs to ${owner.substation}, not ${substation}`,
      { field, bus: busId, owner: owner.substation },
    );
  }
}

/**
 * Checks a measurement against the channel's bus ownership and base values (`topology` is the
 * registered topology it refers to, if any, its buses already checked against the measurement's
 * loads and generators; `owners` reads bus owners, once per key in a batch).
 * @throws CarbonTraceError INVALID_ARGUMENT for an unregistered bus or a topology at another
 * baseMva; ACCESS_DENIED for a bus of another substation.
 */
export async function checkSubmissionBuses(
  ctx: Context,
  submission: MeasurementSubmission,
  topology: TopologyRecord | undefined,
  owners: BusOwnerLookup = (grid, busId) => busOwnerOf(ctx, grid, busId),
): Promise<void> {
  const { substation } = submission;
  const grid = gridOf(submission, topology);
  if (topology !== undefined) {
    const base = await channelBaseOf(ctx, grid);
    if (base !== undefined && base.baseMva !== topology.baseMva) {
      refuseBaseMva(base, topology.baseMva, 'topology.baseMva');
    }
    // Every bus of a registered topology is its substation's: claimTopology refused buses of any
    // other owner and recorded the rest, and ownership never changes. The caller has checked
    // that each load and generator is at a bus of the topology (a reference excludes inline
    // branches), so no bus owner needs to be read: that was one read per metered bus.
    if (topology.substation === substation) return;
  }
  for (const [i, l] of submission.loads.entries()) {
    await requireOwnBus(owners, grid, l.busId, substation, `loads[${i}].busId`);
  }
  for (const [i, g] of submission.generators.entries()) {
    await requireOwnBus(owners, grid, g.busId, substation, `generators[${i}].busId`);
  }
  for (const [i, b] of (submission.branches ?? []).entries()) {
    const from = await owners(grid, b.fromBusId);
    const to = await owners(grid, b.toBusId);
    if (from === undefined) {
      invalid(
        `branches[${i}].fromBusId`,
        'is not a bus of any registered topology',
        b.fromBusId,
        b.fromBusId,
      );
    }
    if (to === undefined) {
      invalid(
        `branches[${i}].toBusId`,
        `is not a bus of any registered topology of grid ${grid}`,
        b.toBusId,
        b.toBusId,
      );
    }
    if (from.substation !== substation && to.substation !== substation) {
      throw new CarbonTraceError(
        'ACCESS_DENIED',
        `branches[${i}] joins buses of ${from.substation} and ${to.substation}, none of ${substation}`,
        { field: `branches[${i}]`, bus: b.fromBusId, owner: from.substation },
      );
    }
  }
}
