/**
 * The whole loss-aware carbon trace of one solved power flow: build the extended network (§A–B),
 * compute X = A⁻¹·G (fast path, or the general sparse solve for cyclic flows), split it into load,
 * loss and branch components (B6–B8), price them with the unit intensities (§C) into carbon flow
 * rates and nodal intensities (§D), and assert conservation C-i..C-v.
 */
import type { CarbonSidecar } from '../grid/carbon-sidecar';
import type { PowerCase } from '../grid/power-case';
import type { PowerFlowResult } from '../powerflow/power-flow-result';
import {
  buildDistributionSystem,
  type BuildDistributionSystemOptions,
} from '../tracing/build-distribution-system';
import type { DistributionSystem } from '../tracing/distribution-system';
import { type GeneratorShares, type ShareMethod, traceGeneratorShares } from '../tracing/generator-shares';
import { traceComponents, type TraceComponents } from '../tracing/trace-components';
import { carbonFlowRates, type CarbonFlowRates } from './carbon-flow-rates';
import {
  assertCarbonConservation,
  type ConservationReport,
  type ConservationTolerance,
} from './conservation-checks';
import { generatorCarbon, type GeneratorCarbon } from './generator-intensity';

/** Options of {@link traceCarbon}. */
export interface CarbonTraceOptions {
  /**
   * How X is computed.
   * @default 'auto'
   */
  readonly shareMethod?: ShareMethod;
  /** Options of the extended-network construction (ε, tolerances). */
  readonly build?: Readonly<BuildDistributionSystemOptions>;
  /** Conservation tolerances. */
  readonly tolerance?: Readonly<ConservationTolerance>;
}

/** System totals. */
export interface CarbonTotals {
  /** Σ_g E_Gg. */
  readonly emissionTco2PerH: number;
  /** Σ_i R_L,i. */
  readonly loadCarbonTco2PerH: number;
  /** Σ_k R_Δ,k. */
  readonly lossCarbonTco2PerH: number;
  /** Σ_k ΔP_k over traced branches, MW. */
  readonly totalLossMw: number;
  /** loadCarbon + lossCarbon − emission (C-i imbalance). */
  readonly balanceErrorTco2PerH: number;
}

/** A complete trace. */
export interface CarbonTrace {
  readonly system: DistributionSystem;
  readonly shares: GeneratorShares;
  readonly components: TraceComponents;
  /** Per unit of `system.generators`. */
  readonly generators: readonly GeneratorCarbon[];
  /** e_G per unit. */
  readonly intensities: Float64Array;
  /** E_G per unit. */
  readonly emissions: Float64Array;
  readonly rates: CarbonFlowRates;
  readonly conservation: ConservationReport;
  readonly totals: CarbonTotals;
}

/**
 * Traces carbon through a solved power flow.
 * @throws CarbonTraceError CONSERVATION_VIOLATED (inconsistent flow or a failed check),
 * FLOW_CYCLE (a cyclic flow that cannot be shared), INVALID_SIDECAR (coal unit at P ≤ 0).
 */
export function traceCarbon(
  powerCase: PowerCase,
  flow: PowerFlowResult,
  sidecar: CarbonSidecar,
  options: Readonly<CarbonTraceOptions> = {},
): CarbonTrace {
  const system = buildDistributionSystem(powerCase, flow, options.build);
  const generators = generatorCarbon(system, sidecar, flow);
  const shares = traceGeneratorShares(system, options.shareMethod ?? 'auto');
  const components = traceComponents(system, shares.sharesMw);
  const intensities = Float64Array.from(generators, (g) => g.intensityTco2PerMwh);
  const emissions = Float64Array.from(generators, (g) => g.emissionTco2PerH);
  const rates = carbonFlowRates(system, shares.sharesMw, components, intensities);
  const conservation = assertCarbonConservation(system, rates, emissions, intensities, options.tolerance);
  const sum = (values: Float64Array): number => values.reduce((a, b) => a + b, 0);
  const emissionTco2PerH = sum(emissions);
  const loadCarbonTco2PerH = sum(rates.loadTco2PerH);
  const lossCarbonTco2PerH = sum(rates.lossTco2PerH);
  return {
    system,
    shares,
    components,
    generators,
    intensities,
    emissions,
    rates,
    conservation,
    totals: {
      emissionTco2PerH,
      loadCarbonTco2PerH,
      lossCarbonTco2PerH,
      totalLossMw: sum(system.lossMw),
      balanceErrorTco2PerH: loadCarbonTco2PerH + lossCarbonTco2PerH - emissionTco2PerH,
    },
  };
}
