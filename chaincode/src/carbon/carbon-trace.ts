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
import type { TraceComponents } from '../tracing/trace-components';
import type { TracingWorkspace } from '../tracing/tracing-workspace';
import type { CarbonFlowRates } from './carbon-flow-rates';
import { carbonFlowsOnePass } from './carbon-flows-one-pass';
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
  /**
   * Per-feeder cache for tracing the same feeder again (the slots of a day): the extended
   * network's pattern is reused while flows keep their directions, and the N×K matrices of the
   * trace are the workspace's buffers, overwritten by its next trace (copy what you keep). Answers
   * are the same with or without it.
   * @default none: everything is built and allocated afresh
   */
  readonly workspace?: TracingWorkspace;
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
  const workspace = options.workspace;
  const system = buildDistributionSystem(
    powerCase,
    flow,
    workspace === undefined ? options.build : { ...options.build, workspace },
  );
  const generators = generatorCarbon(system, sidecar, flow);
  const sharesInto = workspace?.matrix('shares', system.size * system.generators.length);
  const shares = traceGeneratorShares(system, options.shareMethod ?? 'auto', sharesInto);
  const intensities = Float64Array.from(generators, (g) => g.intensityTco2PerMwh);
  const emissions = Float64Array.from(generators, (g) => g.emissionTco2PerH);
  // B6–B8 and D1–D5 in one pass over X (the same numbers as traceComponents, then carbonFlowRates).
  const flows = carbonFlowsOnePass(system, shares.sharesMw, intensities, workspace);
  const { components, rates } = flows;
  const conservation = assertCarbonConservation(
    system,
    rates,
    emissions,
    intensities,
    options.tolerance,
    flows.endedByUnitTco2PerH,
  );
  const sum = (values: Float64Array): number => {
    let total = 0;
    for (let i = 0; i < values.length; i += 1) total += values[i] as number;
    return total;
  };
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
