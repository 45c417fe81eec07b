/**
 * The ingestion matrix's synthetic feeders: a radial feeder of `meters + 1` buses per LV
 * substation on a fresh grid, and a slot's measurement metering every non-slack bus (one load
 * reading per bus). Pure; the values vary with the bus and the slot.
 */
import type { MeasurementSubmission, TopologyReference, TopologySubmission } from '@carbontrace/chaincode';

/** A radial feeder of `meters + 1` buses for `lv` on `grid`, bus ids from `firstBus`. */
export function meteredFeeder(
  lv: string,
  grid: string,
  firstBus: number,
  meters: number,
): TopologySubmission {
  return {
    id: `${grid}-${lv.toLowerCase()}-${meters}`,
    grid,
    substation: lv,
    baseMva: 10,
    buses: Array.from({ length: meters + 1 }, (_, i) => ({
      busId: firstBus + i,
      kind: i === 0 ? 'slack' : 'pq',
      baseKv: 12.66,
      vmPu: 1,
      gsMw: 0,
      bsMvar: 0,
    })),
    branches: Array.from({ length: meters }, (_, i) => ({
      fromBusId: firstBus + i,
      toBusId: firstBus + i + 1,
      rPu: 0.01,
      xPu: 0.03,
      bPu: 0,
    })),
  };
}

/** One slot's measurement of `topology`: every non-slack bus metered. */
export function meteredSlot(
  topology: TopologySubmission,
  reference: TopologyReference,
  slot: number,
): MeasurementSubmission {
  return {
    slot,
    substation: topology.substation,
    loads: topology.buses.slice(1).map((b, i) => ({
      busId: b.busId,
      pMw: Math.round((0.05 + ((i * 7 + slot) % 50) * 0.001) * 1e6) / 1e6,
      qMvar: 0.01,
    })),
    generators: [],
    switches: [],
    topology: reference,
  };
}
