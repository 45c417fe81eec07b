import { readFileSync } from 'fs';
import { join } from 'path';
import { denseSolve } from '../common/math-adapter';
import { parseCarbonSidecar, type CarbonSidecar } from '../grid/carbon-sidecar';
import { parseMatpowerCase } from '../grid/matpower-importer';
import type { PowerCase } from '../grid/power-case';
import { generateRadialFeeder } from '../grid/synthetic-feeder';
import { solvePowerFlow } from '../powerflow/solve-power-flow';
import { denseDistributionMatrix, generatorMatrix } from '../tracing/distribution-matrix';
import { traceCarbon } from './carbon-trace';
import { assertCarbonConservation } from './conservation-checks';
import { coalEmissionCoefficient } from './generator-intensity';
import { coalConsumptionTPerH, unitCoalConsumptionTPerMwh } from './pecc';

/** Expected numbers: MATH.md §H.5 (independent computation, 6 decimals ⇒ tolerance 6e-7). */
const casesDir = join(__dirname, '..', 'grid', 'test-cases');
const read = (name: string): string => readFileSync(join(casesDir, name), 'utf8');
const loadCase = (name: string): PowerCase => parseMatpowerCase(read(name), name);
const SIX = 6e-7;
const near = (actual: number | undefined, expected: number, tolerance = SIX): void => {
  expect(Math.abs(actual! - expected)).toBeLessThan(tolerance);
};

describe('PECC and intensity (MATH.md C1–C4, §H.5)', () => {
  const c4 = loadCase('case4_carbon.m');
  const sidecar = parseCarbonSidecar(read('case4_carbon.carbon.json'), 'case4_carbon.carbon.json', c4);
  const [u1, u2] = sidecar.units;

  it('reproduces F, w, β for both units', () => {
    if (u1?.kind !== 'coal' || u2?.kind !== 'coal') throw new Error('fixture changed');
    near(coalConsumptionTPerH(u1.pecc, 408.82541), 118.414336);
    near(coalConsumptionTPerH(u2.pecc, 114), 32.956);
    near(unitCoalConsumptionTPerMwh(u1.pecc, u1.zeta, 408.82541), 0.292542);
    near(unitCoalConsumptionTPerMwh(u2.pecc, u2.zeta, 114), 0.289088);
    near(coalEmissionCoefficient(u1), 0.574933);
    near(coalEmissionCoefficient(u2), 2.874667);
  });
});

describe('case4_carbon carbon trace (MATH.md §H.5)', () => {
  const c4 = loadCase('case4_carbon.m');
  const sidecar = parseCarbonSidecar(read('case4_carbon.carbon.json'), 'case4_carbon.carbon.json', c4);
  const flow = solvePowerFlow(c4);
  const trace = traceCarbon(c4, flow, sidecar);
  const { rates } = trace;

  it('unit intensities 0.168192 / 0.831031 and emissions', () => {
    near(trace.intensities[0], 0.168192);
    near(trace.intensities[1], 0.831031);
    near(trace.emissions[0], 68.761152);
    near(trace.emissions[1], 94.737515);
    near(trace.totals.emissionTco2PerH, 163.498667);
  });

  it('load carbon flow rates (D1)', () => {
    near(rates.loadTco2PerH[2], 86.214865);
    near(rates.loadTco2PerH[3], 70.790909);
    near(rates.loadByGeneratorTco2PerH[4], 20.297384);
    near(rates.loadByGeneratorTco2PerH[5], 65.917481);
    near(rates.loadByGeneratorTco2PerH[6], 45.298116);
    near(rates.loadByGeneratorTco2PerH[7], 25.492793);
    near(trace.totals.loadCarbonTco2PerH, 157.005774);
  });

  it('loss and branch carbon flow rates (D2–D3)', () => {
    [0.012055, 0.851104, 2.045987, 2.918883, 0.664863].forEach((v, k) => {
      near(rates.lossTco2PerH[k], v);
    });
    near(rates.lossByGeneratorTco2PerH[6], 0.099978);
    near(rates.lossByGeneratorTco2PerH[7], 2.818905);
    near(rates.lossByGeneratorTco2PerH[8], 0.156527);
    near(rates.lossByGeneratorTco2PerH[9], 0.508336);
    near(trace.totals.lossCarbonTco2PerH, 6.492893);
    const sending = [3.372104, 25.894713, 39.494334, 98.097564, 34.007425];
    const receiving = [3.360049, 25.043609, 37.448347, 95.178681, 33.342562];
    sending.forEach((v, k) => {
      near(rates.sendingTco2PerH[k], v);
    });
    receiving.forEach((v, k) => {
      near(rates.receivingTco2PerH[k], v);
    });
  });

  it('node carbon through-flows and intensities (D4–D5)', () => {
    [68.761152, 98.097564, 120.22229, 70.790909].forEach((v, x) => {
      near(rates.nodeTco2PerH[x], v);
    });
    const eN = [0.168192, 0.732195, 0.431074, 0.23597, 0.168192, 0.168192, 0.168192, 0.732195, 0.431074];
    eN.forEach((v, x) => {
      near(rates.nodeIntensityTco2PerMwh[x], v);
    });
  });

  it('agrees with the Kang/Zhou formula e_N = (P_N − P_B^T)⁻¹ G e_G (B11), computed densely', () => {
    const { system } = trace;
    // P_N − P_B^T = A·diag(P).
    const a = denseDistributionMatrix(system);
    const scaled = a.map((row) => row.map((value, y) => value * system.throughFlowMw[y]!));
    const g = generatorMatrix(system);
    const rhs = Array.from({ length: system.size }, (_, x) => [
      g[2 * x]! * trace.intensities[0]! + g[2 * x + 1]! * trace.intensities[1]!,
    ]);
    const eN = denseSolve(scaled, rhs);
    eN.forEach(([v], x) => {
      near(rates.nodeIntensityTco2PerMwh[x], v!, 1e-12);
    });
  });

  it('balances: load + loss − emission ≈ 0 and every check passes', () => {
    expect(Math.abs(trace.totals.balanceErrorTco2PerH)).toBeLessThan(1e-9);
    expect(trace.conservation.systemTco2PerH).toBeLessThan(1e-9);
    expect(trace.conservation.perBusTco2PerH).toBeLessThan(1e-9);
    near(trace.totals.totalLossMw, 22.82541);
  });

  it('the dense reference path gives the same carbon numbers', () => {
    const dense = traceCarbon(c4, flow, sidecar, { shareMethod: 'dense' });
    dense.rates.nodeIntensityTco2PerMwh.forEach((v, x) => {
      near(v, rates.nodeIntensityTco2PerMwh[x]!, 1e-12);
    });
  });

  it('a violated balance is reported with the failing check and value', () => {
    const broken = Float64Array.from(rates.lossTco2PerH);
    broken[3] = broken[3]! + 1e-3;
    expect(() =>
      assertCarbonConservation(
        trace.system,
        { ...rates, lossTco2PerH: broken },
        trace.emissions,
        trace.intensities,
      ),
    ).toThrow(expect.objectContaining({ code: 'CONSERVATION_VIOLATED', check: 'C-i' }));
    const wrongIntensity = Float64Array.from(rates.nodeIntensityTco2PerMwh);
    wrongIntensity[5] = 0.9;
    expect(() =>
      assertCarbonConservation(
        trace.system,
        { ...rates, nodeIntensityTco2PerMwh: wrongIntensity },
        trace.emissions,
        trace.intensities,
      ),
    ).toThrow(expect.objectContaining({ check: 'C-v', value: 0.9 }));
  });

  it('a coal unit at zero output is an error naming the generator', () => {
    const idle: PowerCase = {
      ...c4,
      generators: c4.generators.map((g) => (g.row === 1 ? { ...g, pgMw: 0 } : g)),
    };
    const idleFlow = solvePowerFlow(idle);
    expect(() => traceCarbon(idle, idleFlow, sidecar)).toThrow(
      expect.objectContaining({
        code: 'INVALID_SIDECAR',
        generator: 2,
        message: expect.stringMatching(/\(generator 2\): coal unit at bus 2 has output 0 MW/),
      }),
    );
  });
});

describe('grid, fixed and zero-carbon units', () => {
  it('case33bw supplied by one grid point: every node has the grid intensity', () => {
    const c33 = loadCase('case33bw.m');
    const sidecar: CarbonSidecar = {
      file: 's.json',
      units: [{ kind: 'grid', genRow: 0, intensityTco2PerMwh: 0.58 }],
    };
    const trace = traceCarbon(c33, solvePowerFlow(c33, { method: 'bfs' }), sidecar);
    trace.rates.nodeIntensityTco2PerMwh.forEach((v) => {
      near(v, 0.58, 1e-12);
    });
    const load = c33.buses.reduce((s, b) => s + b.pdMw, 0);
    // Loads and losses match the case to the power-flow tolerance (1e-10 pu × 10 MVA per bus).
    near(trace.totals.loadCarbonTco2PerH, 0.58 * load, 1e-8);
    near(trace.totals.lossCarbonTco2PerH, 0.58 * 0.2026771264559547, 1e-8);
    expect(Math.abs(trace.totals.balanceErrorTco2PerH)).toBeLessThan(1e-12);
  });

  it('random feeders with DGs (zero-carbon and fixed) conserve carbon and stay within the unit range', () => {
    for (const seed of ['c1', 'c2', 'c3', 'c4']) {
      const { powerCase, sidecar } = generateRadialFeeder({ busCount: 150, dgCount: 9, seed, dgShare: 0.9 });
      const trace = traceCarbon(powerCase, solvePowerFlow(powerCase), sidecar);
      expect(trace.generators.map((g) => g.kind)).toContain('fixed');
      expect(Math.abs(trace.totals.balanceErrorTco2PerH)).toBeLessThan(
        1e-9 * trace.totals.emissionTco2PerH + 1e-9,
      );
      const min = Math.min(...trace.rates.nodeIntensityTco2PerMwh);
      const max = Math.max(...trace.rates.nodeIntensityTco2PerMwh);
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThanOrEqual(0.58 + 1e-12);
    }
  });

  it('negative loads become zero-carbon DG units', () => {
    const c33 = loadCase('case33bw.m');
    const withDg: PowerCase = {
      ...c33,
      buses: c33.buses.map((b) => (b.id === 18 ? { ...b, pdMw: -0.5 } : b)),
    };
    const sidecar: CarbonSidecar = {
      file: 's.json',
      units: [{ kind: 'grid', genRow: 0, intensityTco2PerMwh: 0.6 }],
    };
    const trace = traceCarbon(withDg, solvePowerFlow(withDg), sidecar);
    expect(trace.system.generators[1]).toMatchObject({ source: 'negative-load', busId: 18, pMw: 0.5 });
    expect(trace.generators[1]).toMatchObject({ kind: 'zero-carbon', intensityTco2PerMwh: 0 });
    const x18 = trace.system.busIds.indexOf(18);
    expect(trace.rates.nodeIntensityTco2PerMwh[x18]).toBeLessThan(0.6);
  });
});
