import { readFileSync } from 'fs';
import { join } from 'path';
import { parseCarbonSidecar } from '../grid/carbon-sidecar';
import { parseMatpowerCase } from '../grid/matpower-importer';
import { solvePowerFlow } from '../powerflow/solve-power-flow';
import { traceCarbon } from './carbon-trace';
import type { SlotRates } from './interval-accounting';
import {
  consumerIntervals,
  intervalCarbonT,
  intervalEnergyMwh,
  statementTotals,
} from './interval-accounting';

const casesDir = join(__dirname, '..', 'grid', 'test-cases');
const read = (name: string): string => readFileSync(join(casesDir, name), 'utf8');

/** MATH.md §H.5 (independent computation, 6 decimals): bus 3 and 4 loads and their carbon. */
const H5 = { bus3: { loadMw: 200, tco2PerH: 86.214865 }, bus4: { loadMw: 300, tco2PerH: 70.790909 } };

function case4Rates(): SlotRates {
  const c4 = parseMatpowerCase(read('case4_carbon.m'), 'case4_carbon.m');
  const sidecar = parseCarbonSidecar(read('case4_carbon.carbon.json'), 'case4_carbon.carbon.json', c4);
  const trace = traceCarbon(c4, solvePowerFlow(c4), sidecar);
  const n = trace.system.busCount;
  return {
    busIds: trace.system.busIds,
    loadMw: Array.from(trace.system.loadMw.subarray(0, n)),
    loadTco2PerH: Array.from(trace.rates.loadTco2PerH),
    loadByGeneratorTco2PerH: Array.from(trace.rates.loadByGeneratorTco2PerH),
    loadByGeneratorMw: Array.from(trace.components.loadMw),
    generators: trace.system.generators.map((g) => ({ busId: g.busId, unitId: `gen${g.genIndex + 1}` })),
  };
}

describe('interval accounting', () => {
  it('energy and carbon scale with the interval: 15 min of 2 MW is 0.5 MWh, of 0.8 tCO2/h 0.2 t', () => {
    expect(intervalEnergyMwh(2, 15)).toBeCloseTo(0.5, 15);
    expect(intervalCarbonT(0.8, 15)).toBeCloseTo(0.2, 15);
    expect(intervalEnergyMwh(2, 60)).toBe(2);
    expect(() => intervalEnergyMwh(2, 0)).toThrow(/positive minutes/);
  });

  it('case4 over 15 min: each consumer against MATH.md §H.5 (tolerance 1e-6 × Δt)', () => {
    const consumers = consumerIntervals(case4Rates(), 15);
    expect(consumers.map((c) => c.busId)).toEqual([3, 4]);
    const [b3, b4] = consumers;
    expect(Math.abs((b3?.energyMwh ?? 0) - H5.bus3.loadMw / 4)).toBeLessThan(1e-9);
    expect(Math.abs((b3?.carbonT ?? 0) - H5.bus3.tco2PerH / 4)).toBeLessThan(2.5e-7);
    expect(Math.abs((b4?.carbonT ?? 0) - H5.bus4.tco2PerH / 4)).toBeLessThan(2.5e-7);
    expect(Math.abs((b3?.intensityTco2PerMwh ?? 0) - 0.431074)).toBeLessThan(1e-6);
    // Per-unit parts add up to the consumer's totals (D1), in carbon and in energy.
    for (const c of consumers) {
      const carbon = c.byUnit.reduce((s, u) => s + u.carbonT, 0);
      const energy = c.byUnit.reduce((s, u) => s + (u.energyMwh ?? Number.NaN), 0);
      expect(Math.abs(carbon - c.carbonT)).toBeLessThan(1e-9 * c.carbonT);
      expect(Math.abs(energy - c.energyMwh)).toBeLessThan(1e-9 * c.energyMwh);
    }
  });

  it('a statement of 96 identical quarter-hours is one day of the hourly rate', () => {
    const day = Array.from({ length: 96 }, () => consumerIntervals(case4Rates(), 15)[0]!);
    const s = statementTotals(day);
    expect(s.intervals).toBe(96);
    expect(Math.abs(s.energyMwh - 24 * H5.bus3.loadMw)).toBeLessThan(1e-6);
    expect(Math.abs(s.carbonT - 24 * H5.bus3.tco2PerH)).toBeLessThan(24 * 1e-6);
    expect(Math.abs((s.averageKgPerKwh ?? 0) - 0.431074)).toBeLessThan(1e-6);
    const shares = s.byUnit.reduce((a, u) => a + u.carbonShare, 0);
    expect(Math.abs(shares - 1)).toBeLessThan(1e-12);
    expect(s.byUnit[0]!.carbonT).toBeGreaterThanOrEqual(s.byUnit[1]!.carbonT);
  });

  it('without per-unit MW the energy shares are null, the carbon shares are not', () => {
    const rates: SlotRates = { ...case4Rates(), loadByGeneratorMw: undefined as never };
    delete (rates as { loadByGeneratorMw?: unknown }).loadByGeneratorMw;
    const s = statementTotals(consumerIntervals(rates, 30));
    expect(s.byUnit.every((u) => u.energyShare === null && u.carbonShare > 0)).toBe(true);
  });

  it('refuses rates whose arrays disagree', () => {
    const rates = case4Rates();
    expect(() => consumerIntervals({ ...rates, loadMw: rates.loadMw.slice(1) }, 15)).toThrow(/inconsistent/);
  });
});
