/**
 * A registered network fragment of one LV substation: its buses (type, base voltage, set-points,
 * shunts) and branches (R/X/B). Per-slot measurements refer to it by id and SHA-256.
 */
import {
  asArray,
  asId,
  asNumber,
  asRecord,
  asString,
  invalid,
  onlyKeys,
  optional,
} from '../shared/arguments';
import { branchKey, MAX_BUS_ID, parseBranch } from './measurement-record';
import type { BranchParameters } from './measurement-record';
import { asInteger } from '../shared/arguments';

/** The grid of a topology or measurement that names none. */
export const DEFAULT_GRID = 'main';

/** Bus type as in MATPOWER (`slack` = 3, `pv` = 2, `pq` = 1). */
export type BusKind = 'slack' | 'pv' | 'pq';

/** One bus of a topology. */
export interface TopologyBus {
  readonly busId: number;
  readonly kind: BusKind;
  readonly baseKv: number;
  /** Voltage magnitude set-point or initial value, pu. @default 1 */
  readonly vmPu: number;
  /** Shunt conductance, MW at 1 pu. @default 0 */
  readonly gsMw: number;
  /** Shunt susceptance, Mvar at 1 pu. @default 0 */
  readonly bsMvar: number;
}

/** A topology as registered. */
export interface TopologySubmission {
  readonly id: string;
  /**
   * The grid model the topology belongs to (bus ownership and base values are per grid); absent
   * means {@link DEFAULT_GRID}. A channel normally carries one grid; tests put several on one.
   */
  readonly grid?: string;
  readonly substation: string;
  readonly baseMva: number;
  readonly buses: readonly TopologyBus[];
  readonly branches: readonly BranchParameters[];
}

/** A stored topology with its digest. */
export interface TopologyRecord extends TopologySubmission {
  /** SHA-256 of the canonical JSON of the {@link TopologySubmission}. */
  readonly sha256: string;
  readonly txId: string;
}

function parseBus(value: unknown, field: string): TopologyBus {
  const r = asRecord(value, field);
  onlyKeys(r, field, ['busId', 'kind', 'baseKv', 'vmPu', 'gsMw', 'bsMvar']);
  const busId = asInteger(r['busId'], `${field}.busId`, 1, MAX_BUS_ID);
  const kind = r['kind'];
  if (kind !== 'slack' && kind !== 'pv' && kind !== 'pq')
    invalid(`${field}.kind`, 'must be slack, pv or pq', kind, busId);
  return {
    busId,
    kind,
    baseKv: asNumber(r['baseKv'], `${field}.baseKv`, 0.1, 2000, busId),
    vmPu: optional(r['vmPu'], (v) => asNumber(v, `${field}.vmPu`, 0.5, 1.5, busId)) ?? 1,
    gsMw: optional(r['gsMw'], (v) => asNumber(v, `${field}.gsMw`, -1e5, 1e5, busId)) ?? 0,
    bsMvar: optional(r['bsMvar'], (v) => asNumber(v, `${field}.bsMvar`, -1e5, 1e5, busId)) ?? 0,
  };
}

/**
 * Validates a topology: unique buses and branches.
 * @throws CarbonTraceError INVALID_ARGUMENT naming field, bus and value.
 */
export function parseTopology(value: unknown): TopologySubmission {
  const r = asRecord(value, 'topology');
  onlyKeys(r, 'topology', ['id', 'grid', 'substation', 'baseMva', 'buses', 'branches']);
  const buses = asArray(r['buses'], 'buses', 1).map((b, i) => parseBus(b, `buses[${i}]`));
  const branches = asArray(r['branches'] ?? [], 'branches').map((b, i) => parseBranch(b, `branches[${i}]`));
  const busIds = new Set<number>();
  buses.forEach((b, i) => {
    if (busIds.has(b.busId)) invalid(`buses[${i}].busId`, 'duplicates an earlier bus', b.busId, b.busId);
    busIds.add(b.busId);
  });
  const pairs = new Set<string>();
  branches.forEach((b, i) => {
    const key = branchKey(b.fromBusId, b.toBusId);
    if (pairs.has(key)) invalid(`branches[${i}]`, 'duplicates an earlier branch', key, b.fromBusId);
    pairs.add(key);
  });
  const grid = optional(r['grid'], (v) => asId(v, 'grid'));
  const out = {
    id: asId(r['id'], 'id'),
    substation: asString(r['substation'], 'substation', /^[A-Za-z0-9]{1,32}$/),
    baseMva: asNumber(r['baseMva'], 'baseMva', 1, 1e6),
    buses,
    branches,
  };
  return grid === undefined ? out : { ...out, grid };
}
