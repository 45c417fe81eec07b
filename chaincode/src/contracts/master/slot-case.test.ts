import { CASE4_TOPOLOGY_LV1A, CASE4_TOPOLOGY_LV1B, CASE4_UNITS } from '../testing/case4-slot-fixture';
import type { MeasurementRecord } from '../slave/measurement-record';
import type { SlotPackage } from '../slave/slot-package';
import type { TopologyRecord } from '../slave/topology-record';
import { caseFromPackage, parseUnitCarbonSpecs, sidecarForCase } from './slot-case';

const topo = (t: typeof CASE4_TOPOLOGY_LV1A | typeof CASE4_TOPOLOGY_LV1B): TopologyRecord => ({
  ...t,
  buses: t.buses.map((b) => ({ vmPu: 1, gsMw: 0, bsMvar: 0, ...b })),
  branches: t.branches.map((b) => ({ ...b })),
  sha256: '0'.repeat(64),
  txId: 'tx',
});

function measurement(over: Partial<MeasurementRecord>): MeasurementRecord {
  return {
    slot: 1,
    substation: 'Lv1a',
    loads: [],
    generators: [],
    switches: [],
    version: 1,
    txId: 'tx',
    submitterMsp: 'Lv1aMSP',
    ...over,
  };
}

const pkg = (
  measurements: MeasurementRecord[],
  topologies = [topo(CASE4_TOPOLOGY_LV1A), topo(CASE4_TOPOLOGY_LV1B)],
): SlotPackage => ({
  channel: 'slave-hv1',
  slot: 1,
  measurements,
  topologies,
});

const case4 = (): SlotPackage =>
  pkg([
    measurement({
      loads: [{ busId: 3, pMw: 200, qMvar: 80 }],
      generators: [{ busId: 1, unitId: 'G1', pMw: 0, qMvar: 0, vmPu: 1.05 }],
    }),
    measurement({
      substation: 'Lv1b',
      loads: [{ busId: 4, pMw: 300, qMvar: 120 }],
      generators: [{ busId: 2, unitId: 'G2', pMw: 114, qMvar: 0, vmPu: 1.045 }],
      switches: [{ fromBusId: 3, toBusId: 4, closed: false }],
    }),
  ]);

describe('slot package → power-flow case', () => {
  it('assembles case4_carbon.m: buses by id with types, loads, units by (bus, unit), branches', () => {
    const { powerCase, units } = caseFromPackage(case4());
    expect(powerCase.buses.map((b) => [b.id, b.type, b.pdMw, b.qdMvar, b.vmPu])).toEqual([
      [1, 3, 0, 0, 1.05],
      [2, 2, 0, 0, 1.045],
      [3, 1, 200, 80, 1],
      [4, 1, 300, 120, 1],
    ]);
    expect(units.map((u) => [u.row, u.busId, u.unitId])).toEqual([
      [0, 1, 'G1'],
      [1, 2, 'G2'],
    ]);
    expect(powerCase.branches).toHaveLength(5);
    // the open switch takes branch 3–4 out of service
    expect(powerCase.branches.filter((b) => !b.inService).map((b) => [b.fromBusId, b.toBusId])).toEqual([
      [3, 4],
    ]);
  });

  it('maps the carbon units of a request onto generator rows', () => {
    const slotCase = caseFromPackage(case4());
    const sidecar = sidecarForCase(slotCase, parseUnitCarbonSpecs(CASE4_UNITS));
    expect(sidecar.units.map((u) => [u.kind, u.genRow])).toEqual([
      ['coal', 0],
      ['coal', 1],
    ]);
    expect(() =>
      sidecarForCase(slotCase, parseUnitCarbonSpecs([{ busId: 9, unitId: 'X', kind: 'zero-carbon' }])),
    ).toThrow(/unit X at bus 9 is not in the slot's data/);
    expect(() => parseUnitCarbonSpecs([{ busId: 1, unitId: 'G1', kind: 'nuclear' }])).toThrow(
      /must be coal, grid, fixed or zero-carbon/,
    );
  });

  it('refuses undefined buses, a missing slack bus and a bus loaded by two substations', () => {
    expect(() =>
      caseFromPackage(
        pkg([measurement({ loads: [{ busId: 3, pMw: 1, qMvar: 0 }] })], [topo(CASE4_TOPOLOGY_LV1A)]),
      ),
    ).toThrow(/INVALID_CASE|no registered topology defines it/);
    const noSlack = {
      ...topo(CASE4_TOPOLOGY_LV1B),
      branches: [{ fromBusId: 2, toBusId: 4, rPu: 0.01, xPu: 0.05, bPu: 0 }],
    };
    expect(() =>
      caseFromPackage(pkg([measurement({ loads: [{ busId: 4, pMw: 1, qMvar: 0 }] })], [noSlack])),
    ).toThrow(/no slack bus/);
    expect(() =>
      caseFromPackage(
        pkg([
          measurement({ loads: [{ busId: 3, pMw: 1, qMvar: 0 }] }),
          measurement({ substation: 'Lv1b', loads: [{ busId: 3, pMw: 1, qMvar: 0 }] }),
        ]),
      ),
    ).toThrow(/bus 3 has loads from two substations/);
  });
});
