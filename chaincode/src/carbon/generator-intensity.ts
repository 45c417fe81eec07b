/**
 * MATH.md C3–C4: carbon emission intensity and emission rate of every traced unit.
 *
 * (C3) e_G = β·w,  β = (44/12)·η·ξ·(1 − μ)         [tCO2/MWh]   coal units (w from C2)
 *      e_G = the given intensity                               `grid` and `fixed` units
 *      e_G = 0                                                 `zero-carbon` units, units not in
 *                                                              the sidecar, negative-load DGs
 * (C4) E_G = e_G·P_G  (= β·ζ·F(P_G) for coal)       [tCO2/h]
 *
 * A coal unit must produce: one that is in service at zero or negative output has no defined
 * intensity (w = ζF/P) and is an error naming the generator.
 */
import type { CarbonSidecar, CoalUnitCarbon, UnitCarbon } from '../grid/carbon-sidecar';
import { InvalidSidecarError } from '../grid/invalid-case-error';
import type { PowerFlowResult } from '../powerflow/power-flow-result';
import type { DistributionSystem } from '../tracing/distribution-system';
import { unitCoalConsumptionTPerMwh } from './pecc';

/** tCO2 per tC. */
export const CO2_PER_CARBON = 44 / 12;

/** (C3) β = (44/12)·η·ξ·(1 − μ), tCO2 per t of coal. */
export function coalEmissionCoefficient(unit: CoalUnitCarbon): number {
  return CO2_PER_CARBON * unit.carbonContentRate * unit.oxidationRate * (1 - unit.captureRate);
}

/** Carbon figures of one traced unit. */
export interface GeneratorCarbon {
  /** e_G, tCO2/MWh. */
  readonly intensityTco2PerMwh: number;
  /** E_G = e_G·P_G, tCO2/h. */
  readonly emissionTco2PerH: number;
  /** The sidecar kind (`zero-carbon` for unlisted units and negative-load DGs). */
  readonly kind: UnitCarbon['kind'];
}

/**
 * (C3–C4) for each unit of the distribution system, in its generator order.
 * @throws InvalidSidecarError (INVALID_SIDECAR) when an in-service coal unit has zero or negative output.
 */
export function generatorCarbon(
  system: DistributionSystem,
  sidecar: CarbonSidecar,
  flow: PowerFlowResult,
): GeneratorCarbon[] {
  const byRow = new Map<number, UnitCarbon>();
  for (const unit of sidecar.units) byRow.set(unit.genRow, unit);
  sidecar.units.forEach((unit, index) => {
    if (unit.kind !== 'coal') return;
    const output = flow.generators[unit.genRow];
    if (output !== undefined && output.inService && !(output.pMw > 0)) {
      throw new InvalidSidecarError(
        sidecar.file,
        `generators[${index}]`,
        unit.genRow + 1,
        `coal unit at bus ${output.busId} has output ${output.pMw} MW; its intensity ζ·F(P)/P needs P > 0`,
      );
    }
  });
  return system.generators.map((traced): GeneratorCarbon => {
    const unit = traced.source === 'gen' ? byRow.get(traced.genIndex) : undefined;
    if (unit === undefined || unit.kind === 'zero-carbon') {
      return { intensityTco2PerMwh: 0, emissionTco2PerH: 0, kind: 'zero-carbon' };
    }
    const intensity =
      unit.kind === 'coal'
        ? coalEmissionCoefficient(unit) * unitCoalConsumptionTPerMwh(unit.pecc, unit.zeta, traced.pMw)
        : unit.intensityTco2PerMwh;
    return { intensityTco2PerMwh: intensity, emissionTco2PerH: intensity * traced.pMw, kind: unit.kind };
  });
}
