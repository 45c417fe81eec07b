/**
 * Turns a sealed slot package (slave channel) into the engine's power-flow case: buses from the
 * registered topologies, branches from topologies and inline R/X (open switches take a branch out
 * of service), loads and generator outputs from the slot's measurements. Units are ordered by
 * (bus, unit id), so the carbon parameters of a trace request name a unit by `{busId, unitId}`.
 */
import { CarbonTraceError } from '../../common/errors';
import { parseCarbonSidecar } from '../../grid/carbon-sidecar';
import type { CarbonSidecar } from '../../grid/carbon-sidecar';
import type { Branch, Bus, BusType, Generator, PowerCase } from '../../grid/power-case';
import {
  asArray,
  asInteger,
  asNumber,
  asRecord,
  asString,
  invalid,
  onlyKeys,
  optional,
} from '../shared/arguments';
import { branchKey } from '../slave/measurement-record';
import type { SlotPackage } from '../slave/slot-package';

/** Carbon parameters of one unit, named by bus and unit id (the sidecar fields of DESIGN.md §4). */
export type UnitCarbonSpec =
  | {
      readonly busId: number;
      readonly unitId: string;
      readonly kind: 'coal';
      readonly pecc: { readonly a: number; readonly b: number; readonly c: number };
      readonly zeta: number;
      readonly carbonContentRate: number;
      readonly oxidationRate: number;
      readonly captureRate: number;
    }
  | {
      readonly busId: number;
      readonly unitId: string;
      readonly kind: 'grid' | 'fixed';
      readonly intensityTco2PerMwh: number;
    }
  | { readonly busId: number; readonly unitId: string; readonly kind: 'zero-carbon' };

/** A unit of the assembled case: its row and where it comes from. */
export interface CaseUnit {
  readonly row: number;
  readonly busId: number;
  readonly unitId: string;
  readonly substation: string;
}

/** The assembled case and its unit table. */
export interface SlotCase {
  readonly powerCase: PowerCase;
  readonly units: readonly CaseUnit[];
}

const KIND_OF: Record<'slack' | 'pv' | 'pq', BusType> = { slack: 3, pv: 2, pq: 1 };

/**
 * Assembles the case of a slot.
 * @throws CarbonTraceError INVALID_CASE when buses are undefined, duplicated across substations,
 * or the case has no slack bus.
 */
export function caseFromPackage(pkg: SlotPackage): SlotCase {
  const file = `${pkg.channel}/slot-${pkg.slot}`;
  const fail = (field: string, message: string, details: Record<string, string | number> = {}): never => {
    throw new CarbonTraceError('INVALID_CASE', `${file}: ${message}`, { file, field, ...details });
  };
  const busDefs = new Map<
    number,
    { kind: BusType; baseKv: number; vmPu: number; gsMw: number; bsMvar: number }
  >();
  let baseMva: number | undefined;
  for (const topology of pkg.topologies) {
    if (baseMva !== undefined && baseMva !== topology.baseMva) {
      fail('baseMva', `topologies disagree on baseMva (${baseMva} and ${topology.baseMva})`);
    }
    baseMva = topology.baseMva;
    for (const b of topology.buses) {
      if (busDefs.has(b.busId)) fail('buses', `bus ${b.busId} is defined twice`, { bus: b.busId });
      busDefs.set(b.busId, {
        kind: KIND_OF[b.kind],
        baseKv: b.baseKv,
        vmPu: b.vmPu,
        gsMw: b.gsMw,
        bsMvar: b.bsMvar,
      });
    }
  }
  const branches: { fromBusId: number; toBusId: number; rPu: number; xPu: number; bPu: number }[] = [];
  const seenBranches = new Set<string>();
  const addBranch = (b: {
    fromBusId: number;
    toBusId: number;
    rPu: number;
    xPu: number;
    bPu: number;
  }): void => {
    const key = branchKey(b.fromBusId, b.toBusId);
    if (seenBranches.has(key)) fail('branches', `branch ${key} is given twice`, { bus: b.fromBusId });
    seenBranches.add(key);
    branches.push(b);
  };
  for (const topology of pkg.topologies) topology.branches.forEach(addBranch);
  for (const m of pkg.measurements) m.branches?.forEach(addBranch);
  const open = new Set<string>();
  for (const m of pkg.measurements) {
    for (const s of m.switches) if (!s.closed) open.add(branchKey(s.fromBusId, s.toBusId));
  }
  const loads = new Map<number, { pMw: number; qMvar: number }>();
  const gens: {
    busId: number;
    unitId: string;
    pMw: number;
    qMvar: number;
    vmPu: number | undefined;
    substation: string;
  }[] = [];
  for (const m of pkg.measurements) {
    for (const l of m.loads) {
      if (loads.has(l.busId))
        fail('loads', `bus ${l.busId} has loads from two substations`, { bus: l.busId });
      loads.set(l.busId, { pMw: l.pMw, qMvar: l.qMvar });
    }
    for (const g of m.generators) gens.push({ ...g, vmPu: g.vmPu, substation: m.substation });
  }
  gens.sort((a, b) =>
    a.busId !== b.busId ? a.busId - b.busId : a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0,
  );
  const busIds = new Set<number>(busDefs.keys());
  for (const b of branches) {
    busIds.add(b.fromBusId);
    busIds.add(b.toBusId);
  }
  for (const id of loads.keys()) busIds.add(id);
  for (const g of gens) busIds.add(g.busId);
  const setpoint = new Map<number, number>();
  for (const g of gens) if (g.vmPu !== undefined) setpoint.set(g.busId, g.vmPu);
  const buses: Bus[] = [...busIds]
    .sort((a, b) => a - b)
    .map((id) => {
      const def = busDefs.get(id);
      if (def === undefined)
        fail('buses', `bus ${id} is used but no registered topology defines it`, { bus: id });
      const load = loads.get(id) ?? { pMw: 0, qMvar: 0 };
      return {
        id,
        type: def?.kind ?? 1,
        pdMw: load.pMw,
        qdMvar: load.qMvar,
        gsMw: def?.gsMw ?? 0,
        bsMvar: def?.bsMvar ?? 0,
        vmPu: setpoint.get(id) ?? def?.vmPu ?? 1,
        vaDeg: 0,
        baseKv: def?.baseKv ?? 1,
      };
    });
  if (!buses.some((b) => b.type === 3)) fail('buses', 'the slot has no slack bus');
  const generators: Generator[] = gens.map((g, row) => ({
    row,
    busId: g.busId,
    pgMw: g.pMw,
    qgMvar: g.qMvar,
    vgPu: g.vmPu ?? busDefs.get(g.busId)?.vmPu ?? 1,
    inService: true,
  }));
  const caseBranches: Branch[] = branches.map((b, row) => ({
    row,
    fromBusId: b.fromBusId,
    toBusId: b.toBusId,
    rPu: b.rPu,
    xPu: b.xPu,
    bPu: b.bPu,
    tapRatio: 1,
    shiftDeg: 0,
    inService: !open.has(branchKey(b.fromBusId, b.toBusId)),
  }));
  return {
    powerCase: {
      name: `slot-${pkg.slot}`,
      file,
      baseMva: baseMva ?? 100,
      buses,
      generators,
      branches: caseBranches,
    },
    units: gens.map((g, row) => ({ row, busId: g.busId, unitId: g.unitId, substation: g.substation })),
  };
}

function positive(value: number, field: string, busId: number): number {
  if (value <= 0) invalid(field, 'must be greater than 0', value, busId);
  return value;
}

/** Validates the carbon parameters of a trace request. @throws INVALID_ARGUMENT naming the field. */
export function parseUnitCarbonSpecs(value: unknown): UnitCarbonSpec[] {
  const seen = new Set<string>();
  return asArray(value, 'units', 0, 10_000).map((v, i): UnitCarbonSpec => {
    const f = `units[${i}]`;
    const r = asRecord(v, f);
    const busId = asInteger(r['busId'], `${f}.busId`, 1, 99_999_999);
    const unitId = asString(r['unitId'], `${f}.unitId`, /^[A-Za-z0-9._-]{1,32}$/);
    const identity = `${busId}/${unitId}`;
    if (seen.has(identity)) invalid(`${f}.unitId`, `repeats unit ${unitId} at bus ${busId}`, unitId, busId);
    seen.add(identity);
    const kind = r['kind'];
    if (kind === 'coal') {
      onlyKeys(r, f, [
        'busId',
        'unitId',
        'kind',
        'pecc',
        'zeta',
        'carbonContentRate',
        'oxidationRate',
        'captureRate',
      ]);
      const p = asRecord(r['pecc'], `${f}.pecc`);
      onlyKeys(p, `${f}.pecc`, ['a', 'b', 'c']);
      return {
        busId,
        unitId,
        kind,
        pecc: {
          a: asNumber(p['a'], `${f}.pecc.a`, 0, 1e6, busId),
          b: asNumber(p['b'], `${f}.pecc.b`, 0, 1e6, busId),
          c: asNumber(p['c'], `${f}.pecc.c`, 0, 1e9, busId),
        },
        zeta:
          optional(r['zeta'], (z) => positive(asNumber(z, `${f}.zeta`, 0, 10, busId), `${f}.zeta`, busId)) ??
          1,
        carbonContentRate: asNumber(r['carbonContentRate'], `${f}.carbonContentRate`, 0, 1),
        oxidationRate: asNumber(r['oxidationRate'], `${f}.oxidationRate`, 0, 1),
        captureRate: optional(r['captureRate'], (z) => asNumber(z, `${f}.captureRate`, 0, 1)) ?? 0,
      };
    }
    if (kind === 'grid' || kind === 'fixed') {
      onlyKeys(r, f, ['busId', 'unitId', 'kind', 'intensityTco2PerMwh']);
      return {
        busId,
        unitId,
        kind,
        intensityTco2PerMwh: asNumber(r['intensityTco2PerMwh'], `${f}.intensityTco2PerMwh`, 0, 100),
      };
    }
    if (kind === 'zero-carbon') {
      onlyKeys(r, f, ['busId', 'unitId', 'kind']);
      return { busId, unitId, kind };
    }
    return invalid(`${f}.kind`, 'must be coal, grid, fixed or zero-carbon', kind);
  });
}

/**
 * The engine's sidecar for a slot case (units matched by bus and unit id; unlisted units are
 * zero-carbon). @throws CarbonTraceError INVALID_ARGUMENT for a unit the slot does not have.
 */
export function sidecarForCase(slotCase: SlotCase, specs: readonly UnitCarbonSpec[]): CarbonSidecar {
  const generators = specs.map((spec) => {
    const unit = slotCase.units.find((u) => u.busId === spec.busId && u.unitId === spec.unitId);
    if (unit === undefined) {
      throw new CarbonTraceError(
        'INVALID_ARGUMENT',
        `unit ${spec.unitId} at bus ${spec.busId} is not in the slot's data`,
        {
          field: 'units',
          bus: spec.busId,
          value: spec.unitId,
        },
      );
    }
    const entry: Record<string, unknown> = { ...spec, gen: unit.row + 1 };
    delete entry['busId'];
    delete entry['unitId'];
    return entry;
  });
  return parseCarbonSidecar(JSON.stringify({ generators }), slotCase.powerCase.file, slotCase.powerCase);
}
