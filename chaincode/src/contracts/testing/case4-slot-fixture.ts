/**
 * case4_carbon.m (shared/cases; MATH.md §H) split across two LV substations of slave-hv1, as
 * topologies, slot measurements and the trace request's carbon units. Used by unit tests and the
 * integration tests. Lv1a holds buses 1 (slack, unit G1) and 3; Lv1b holds buses 2 (PV, unit G2,
 * 114 MW) and 4. Branches: all r = 0.01938, x = 0.05917, b = 0.0528 pu.
 */

const LINE = { rPu: 0.01938, xPu: 0.05917, bPu: 0.0528 } as const;

/** Lv1a's topology: buses 1 and 3, branches 1–2, 1–3, 1–4. */
export const CASE4_TOPOLOGY_LV1A = {
  id: 'case4-lv1a',
  substation: 'Lv1a',
  baseMva: 100,
  buses: [
    { busId: 1, kind: 'slack', baseKv: 230, vmPu: 1.05 },
    { busId: 3, kind: 'pq', baseKv: 230 },
  ],
  branches: [
    { fromBusId: 1, toBusId: 2, ...LINE },
    { fromBusId: 1, toBusId: 3, ...LINE },
    { fromBusId: 1, toBusId: 4, ...LINE },
  ],
} as const;

/** Lv1b's topology: buses 2 and 4, branches 2–3, 3–4. */
export const CASE4_TOPOLOGY_LV1B = {
  id: 'case4-lv1b',
  substation: 'Lv1b',
  baseMva: 100,
  buses: [
    { busId: 2, kind: 'pv', baseKv: 230, vmPu: 1.045 },
    { busId: 4, kind: 'pq', baseKv: 230 },
  ],
  branches: [
    { fromBusId: 2, toBusId: 3, ...LINE },
    { fromBusId: 3, toBusId: 4, ...LINE },
  ],
} as const;

/** Lv1a's measurement of a slot (needs the registered topology's digest). */
export function case4MeasurementLv1a(slot: number, topologySha256: string): Record<string, unknown> {
  return {
    slot,
    substation: 'Lv1a',
    loads: [{ busId: 3, pMw: 200, qMvar: 80 }],
    generators: [{ busId: 1, unitId: 'G1', pMw: 0, qMvar: 0, vmPu: 1.05 }],
    switches: [],
    topology: { id: CASE4_TOPOLOGY_LV1A.id, sha256: topologySha256 },
  };
}

/** Lv1b's measurement of a slot. */
export function case4MeasurementLv1b(slot: number, topologySha256: string): Record<string, unknown> {
  return {
    slot,
    substation: 'Lv1b',
    loads: [{ busId: 4, pMw: 300, qMvar: 120 }],
    generators: [{ busId: 2, unitId: 'G2', pMw: 114, qMvar: 0, vmPu: 1.045 }],
    switches: [],
    topology: { id: CASE4_TOPOLOGY_LV1B.id, sha256: topologySha256 },
  };
}

/** case4_carbon.carbon.json, units named by bus and unit id. */
export const CASE4_UNITS = [
  {
    busId: 1,
    unitId: 'G1',
    kind: 'coal',
    pecc: { a: 0.0004, b: 0.12, c: 2.5 },
    zeta: 1.01,
    carbonContentRate: 0.8,
    oxidationRate: 0.98,
    captureRate: 0.8,
  },
  {
    busId: 2,
    unitId: 'G2',
    kind: 'coal',
    pecc: { a: 0.001, b: 0.14, c: 4.0 },
    zeta: 1.0,
    carbonContentRate: 0.8,
    oxidationRate: 0.98,
    captureRate: 0.0,
  },
] as const;

/** MATH.md §H.5 (independent computation): nodal intensities e_N by bus, tCO2/MWh. */
export const CASE4_BUS_INTENSITY_TCO2_PER_MWH: Readonly<Record<number, number>> = {
  1: 0.168192,
  2: 0.732195,
  3: 0.431074,
  4: 0.23597,
};

/** MATH.md §H.5: load carbon flow rates by bus, tCO2/h, and total emissions. */
export const CASE4_LOAD_TCO2_PER_H: Readonly<Record<number, number>> = { 3: 86.214865, 4: 70.790909 };
/** MATH.md §H.5: Σ E_G, tCO2/h. */
export const CASE4_TOTAL_EMISSION_TCO2_PER_H = 163.498667;
/** MATH.md §H.5: e_G of units 1 and 2. */
export const CASE4_UNIT_INTENSITY_TCO2_PER_MWH = [0.168192, 0.831031] as const;
