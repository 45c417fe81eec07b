/**
 * One HV region's data for one hourly slot: what each LV substation submits, the carbon
 * parameters GridCo sends with the trace request, and the same slot as a local power-flow case
 * (assembled here from the feeder definition, independently of the chain's package path) for the
 * local reference trace.
 */
import { parseCarbonSidecar } from '@carbontrace/chaincode';
import type {
  Branch,
  Bus,
  CarbonSidecar,
  Generator,
  MeasurementSubmission,
  PowerCase,
  TopologyReference,
  UnitCarbonSpec,
} from '@carbontrace/chaincode';
import { profileAt } from './day-profiles';
import type { FeederUnit, HvRegion } from './feeder-split';
import type { MeasuredInterval } from './data/measured-data';

/** Measurements are quantized to 1 W / 1 var before submission (and in the local case). */
export function quantizeMw(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * A unit's output at `hour`, MW (0 for the slack unit, whose output is solved): the measured
 * output when `measured` lists the unit, else its built-in profile at that (local) hour.
 */
export function unitOutputMw(unit: FeederUnit, hour: number, measured?: MeasuredInterval): number {
  if (unit.slack) return 0;
  const given = measured?.generationMw.get(unit.unitId);
  return quantizeMw(given ?? unit.ratingMw * profileAt(unit.profile, hour));
}

/** One region at one slot. */
export interface RegionSlot {
  readonly hv: string;
  readonly channel: string;
  readonly hour: number;
  readonly slot: number;
  /** One submission per LV substation. */
  readonly measurements: readonly MeasurementSubmission[];
  /** Carbon parameters of the units running in this slot. */
  readonly units: readonly UnitCarbonSpec[];
  /** The slot as a local case, and its sidecar. */
  readonly localCase: PowerCase;
  readonly localSidecar: CarbonSidecar;
  /** Units of the local case in generator-row order. */
  readonly localUnits: readonly { readonly busId: number; readonly unitId: string }[];
  /** Length of the slot's interval, minutes (60 for the built-in hourly day). */
  readonly intervalMinutes: number;
}

/**
 * Builds a region's slot.
 * @param hour - local hour of day of the slot (the built-in profiles' index).
 * @param topologies - the registered topology reference of each LV substation.
 * @param measured - the interval's measured data; without it the built-in profiles give the loads
 *   and DG outputs.
 */
export function regionSlot(
  region: HvRegion,
  hour: number,
  slot: number,
  topologies: ReadonlyMap<string, TopologyReference>,
  measured?: MeasuredInterval,
): RegionSlot {
  const measurements: MeasurementSubmission[] = [];
  const running: { unit: FeederUnit; pMw: number }[] = [];
  for (const feeder of region.feeders) {
    const scale = profileAt(feeder.loadProfile, hour);
    const topology = topologies.get(feeder.lv);
    if (topology === undefined) throw new Error(`topology of ${feeder.lv} is not registered`);
    const generators = feeder.units.flatMap((unit) => {
      const pMw = unitOutputMw(unit, hour, measured);
      if (!unit.slack && pMw <= 0) return [];
      running.push({ unit, pMw });
      return [{ busId: unit.busId, unitId: unit.unitId, pMw, qMvar: 0, ...(unit.slack ? { vmPu: 1 } : {}) }];
    });
    measurements.push({
      slot,
      substation: feeder.lv,
      loads:
        measured === undefined
          ? feeder.loads.map((l) => ({
              busId: l.busId,
              pMw: quantizeMw(l.pMw * scale),
              qMvar: quantizeMw(l.qMvar * scale),
            }))
          : feeder.topology.buses.flatMap((b) => {
              const load = measured.loads.get(b.busId);
              return load === undefined
                ? []
                : [{ busId: b.busId, pMw: quantizeMw(load.pMw), qMvar: quantizeMw(load.qMvar) }];
            }),
      generators,
      switches: [],
      topology,
    });
  }
  running.sort((a, b) =>
    a.unit.busId !== b.unit.busId ? a.unit.busId - b.unit.busId : a.unit.unitId < b.unit.unitId ? -1 : 1,
  );
  // Measured grid intensity replaces the grid supply's fixed one for this interval.
  const carbonOf = (unit: FeederUnit): FeederUnit['carbon'] =>
    unit.carbon.kind === 'grid' && measured?.gridIntensityTco2PerMwh !== undefined
      ? { kind: 'grid', intensityTco2PerMwh: measured.gridIntensityTco2PerMwh }
      : unit.carbon;
  const units = running.map(({ unit }) => ({ busId: unit.busId, unitId: unit.unitId, ...carbonOf(unit) }));
  const localCase = localCaseOf(region, hour, slot, measurements, running);
  const localSidecar = parseCarbonSidecar(
    JSON.stringify({ generators: running.map(({ unit }, row) => ({ gen: row + 1, ...carbonOf(unit) })) }),
    localCase.file,
    localCase,
  );
  return {
    hv: region.hv,
    channel: region.channel,
    hour,
    slot,
    measurements,
    units,
    localCase,
    localSidecar,
    localUnits: running.map(({ unit }) => ({ busId: unit.busId, unitId: unit.unitId })),
    intervalMinutes: measured?.interval.minutes ?? 60,
  };
}

function localCaseOf(
  region: HvRegion,
  hour: number,
  slot: number,
  measurements: readonly MeasurementSubmission[],
  running: readonly { unit: FeederUnit; pMw: number }[],
): PowerCase {
  const loads = new Map<number, { pMw: number; qMvar: number }>();
  for (const m of measurements) for (const l of m.loads) loads.set(l.busId, { pMw: l.pMw, qMvar: l.qMvar });
  const topologies = [...region.feeders]
    .sort((a, b) => (a.topology.id < b.topology.id ? -1 : 1))
    .map((f) => f.topology);
  const buses: Bus[] = topologies
    .flatMap((t) => t.buses)
    .sort((a, b) => a.busId - b.busId)
    .map((b) => ({
      id: b.busId,
      type: b.kind === 'slack' ? 3 : b.kind === 'pv' ? 2 : 1,
      pdMw: loads.get(b.busId)?.pMw ?? 0,
      qdMvar: loads.get(b.busId)?.qMvar ?? 0,
      gsMw: b.gsMw,
      bsMvar: b.bsMvar,
      vmPu: running.find((r) => r.unit.slack && r.unit.busId === b.busId) === undefined ? b.vmPu : 1,
      vaDeg: 0,
      baseKv: b.baseKv,
    }));
  const generators: Generator[] = running.map(({ unit, pMw }, row) => ({
    row,
    busId: unit.busId,
    pgMw: pMw,
    qgMvar: 0,
    vgPu: 1,
    inService: true,
  }));
  const branches: Branch[] = topologies
    .flatMap((t) => t.branches)
    .map((b, row) => ({
      row,
      fromBusId: b.fromBusId,
      toBusId: b.toBusId,
      rPu: b.rPu,
      xPu: b.xPu,
      bPu: b.bPu,
      tapRatio: 1,
      shiftDeg: 0,
      inService: true,
    }));
  return {
    name: `${region.hv}-hour-${hour}`,
    file: `${region.channel}/local-slot-${slot}`,
    baseMva: topologies[0]?.baseMva ?? 10,
    buses,
    generators,
    branches,
  };
}
