import { readFileSync } from 'fs';
import * as path from 'path';
import { parseMatpowerCase } from '@carbontrace/chaincode';
import { HV2_SLACK_BUS, splitCase33bw } from './feeder-split';
import { localTrace } from './local-reference';
import { regionSlot } from './slot-data';

// case33bw (Baran & Wu 1989, as shipped with MATPOWER): total load 3.715 MW and 2.3 Mvar.
const file = path.resolve(__dirname, '../../../chaincode/src/grid/test-cases/case33bw.m');
const powerCase = parseMatpowerCase(readFileSync(file, 'utf8'), file);
const split = splitCase33bw(powerCase);
const refs = new Map(
  split.regions.flatMap((r) =>
    r.feeders.map((f) => [f.lv, { id: f.topology.id, sha256: '0'.repeat(64) }] as const),
  ),
);
// Hour 16 is where both the residential and the commercial profile equal 1.0.
const HOUR_AT_BASE_LOAD = 16;

describe('splitCase33bw', () => {
  it('assigns every load bus of case33bw to exactly one LV feeder', () => {
    const buses = split.regions.flatMap((r) =>
      r.feeders.flatMap((f) => f.topology.buses.map((b) => b.busId)),
    );
    expect([...buses].sort((a, b) => a - b)).toEqual([
      ...Array.from({ length: 33 }, (_, i) => i + 1),
      HV2_SLACK_BUS,
    ]);
    expect(split.regions.map((r) => r.channel)).toEqual(['slave-hv1', 'slave-hv2']);
    expect(split.regions.flatMap((r) => r.feeders.map((f) => f.lv))).toEqual([
      'Lv1a',
      'Lv1b',
      'Lv2a',
      'Lv2b',
    ]);
  });

  it('keeps the published total load of case33bw at base-load hour', () => {
    const slots = split.regions.map((r) => regionSlot(r, HOUR_AT_BASE_LOAD, 7, refs));
    const loads = slots.flatMap((s) => s.measurements.flatMap((m) => m.loads));
    const pMw = loads.reduce((sum, l) => sum + l.pMw, 0);
    const qMvar = loads.reduce((sum, l) => sum + l.qMvar, 0);
    expect(pMw).toBeCloseTo(3.715, 9);
    expect(qMvar).toBeCloseTo(2.3, 9);
  });

  it('lists only running units, the slack unit always', () => {
    const night = regionSlot(split.regions[0]!, 2, 1, refs);
    expect(night.units.map((u) => `${u.busId}/${u.unitId}`)).toEqual(['1/grid', '12/chp12', '22/wt22']);
    const noon = regionSlot(split.regions[0]!, 12, 1, refs);
    expect(noon.units.map((u) => `${u.busId}/${u.unitId}`)).toEqual([
      '1/grid',
      '12/chp12',
      '18/pv18',
      '22/wt22',
    ]);
  });

  it('traces each region locally with carbon conserved', () => {
    for (const region of split.regions) {
      const trace = localTrace(regionSlot(region, 19, 3, refs));
      const { emissionTco2PerH, loadCarbonTco2PerH, lossCarbonTco2PerH } = trace.totals;
      expect(Math.abs(emissionTco2PerH - loadCarbonTco2PerH - lossCarbonTco2PerH)).toBeLessThan(
        1e-9 * emissionTco2PerH,
      );
      expect(trace.totals.totalLossMw).toBeGreaterThan(0);
    }
  });
});
