import { generateRadialFeeder } from '../grid/synthetic-feeder';
import { solvePowerFlow } from '../powerflow/solve-power-flow';
import { buildDistributionSystem } from '../tracing/build-distribution-system';
import { solveSharesByForwardSubstitution } from '../tracing/generator-shares';
import { traceComponents } from '../tracing/trace-components';
import { TracingWorkspace } from '../tracing/tracing-workspace';
import { carbonFlowRates } from './carbon-flow-rates';
import { carbonFlowsOnePass } from './carbon-flows-one-pass';
import { assertCarbonConservation } from './conservation-checks';

describe('carbon flows in one pass', () => {
  it('equal traceComponents then carbonFlowRates, with and without a workspace', () => {
    for (const seed of ['o1', 'o2', 'o3']) {
      const { powerCase } = generateRadialFeeder({ busCount: 90, dgCount: 6, seed, dgShare: 1.1 });
      const system = buildDistributionSystem(powerCase, solvePowerFlow(powerCase));
      const shares = solveSharesByForwardSubstitution(system);
      const intensities = Float64Array.from(system.generators, (_, g) => 0.1 + 0.2 * g);
      const components = traceComponents(system, shares);
      const rates = carbonFlowRates(system, shares, components, intensities);
      for (const workspace of [undefined, new TracingWorkspace()]) {
        const onePass = carbonFlowsOnePass(system, shares, intensities, workspace);
        for (const key of ['loadMw', 'lossMw', 'sendingMw', 'receivingMw'] as const) {
          expect(Array.from(onePass.components[key])).toEqual(Array.from(components[key]));
        }
        for (const key of Object.keys(rates) as (keyof typeof rates)[]) {
          expect(Array.from(onePass.rates[key])).toEqual(Array.from(rates[key]));
        }
        // C-ii's per-unit sums, accumulated during the pass, equal the check's own accumulation.
        const emissions = Float64Array.from(onePass.endedByUnitTco2PerH);
        expect(
          assertCarbonConservation(system, rates, emissions, intensities, {}, onePass.endedByUnitTco2PerH),
        ).toEqual(assertCarbonConservation(system, rates, emissions, intensities));
        expect(assertCarbonConservation(system, rates, emissions, intensities).perUnitTco2PerH).toBe(0);
      }
    }
  });

  it('refuses an X that is not N×K', () => {
    const { powerCase } = generateRadialFeeder({ busCount: 20, dgCount: 2, seed: 'o4' });
    const system = buildDistributionSystem(powerCase, solvePowerFlow(powerCase));
    const k = system.generators.length;
    expect(() =>
      carbonFlowsOnePass(system, new Float64Array(system.size * k - 1), new Float64Array(k)),
    ).toThrow(/X is not N×K/);
  });
});
