/**
 * "A day at scale": the 24 hourly slots of one feeder. Every slot has the feeder's topology with
 * its loads scaled by a daily load curve and its DGs by a solar curve (zero at night, when the DGs
 * drop out of the trace), so the power flows differ from slot to slot while the Jacobian pattern,
 * its ordering and symbolic factorization stay the same.
 */
import {
  solvePowerFlow,
  traceCarbon,
  PowerFlowWorkspace,
  TracingWorkspace,
  type CarbonSidecar,
  type PowerCase,
} from '@carbontrace/chaincode';

import { nowSeconds } from '../timing';

/** Load factor of hour h (0–23): night trough 0.55, evening peak 1.0. */
export function loadFactor(hour: number): number {
  return (
    0.775 - 0.225 * Math.cos((2 * Math.PI * (hour - 1)) / 24) + 0.1 * Math.sin((2 * Math.PI * hour) / 12)
  );
}

/** Solar factor of hour h: sin-shaped between 06:00 and 18:00, zero otherwise. */
export function solarFactor(hour: number): number {
  return hour <= 6 || hour >= 18 ? 0 : Math.sin((Math.PI * (hour - 6)) / 12);
}

/** The 24 slot cases of a feeder (unit 0 is the grid supply and keeps its schedule). */
export function daySlots(base: PowerCase, hours = 24): PowerCase[] {
  return Array.from({ length: hours }, (_, hour) => {
    const load = loadFactor(hour);
    const solar = solarFactor(hour);
    return {
      ...base,
      name: `${base.name}-h${hour}`,
      buses: base.buses.map((bus) => ({ ...bus, pdMw: bus.pdMw * load, qdMvar: bus.qdMvar * load })),
      generators: base.generators.map((gen) => (gen.row === 0 ? gen : { ...gen, pgMw: gen.pgMw * solar })),
    };
  });
}

/** Timing of one day. */
export interface DayTiming {
  readonly totalSeconds: number;
  readonly slotSeconds: readonly number[];
  readonly powerFlowSeconds: number;
  readonly traceSeconds: number;
  readonly iterations: number;
  readonly emissionTco2: number;
}

/**
 * Runs the day: per slot the power flow, then the carbon trace (extended network, generator shares,
 * components, carbon flow rates, conservation), with one PowerFlowWorkspace and one
 * TracingWorkspace across the slots when `reuse`.
 */
export function runDay(slots: readonly PowerCase[], sidecar: CarbonSidecar, reuse: boolean): DayTiming {
  const workspace = reuse ? new PowerFlowWorkspace() : undefined;
  const tracing = reuse ? new TracingWorkspace() : undefined;
  const slotSeconds: number[] = [];
  let powerFlowSeconds = 0;
  let traceSeconds = 0;
  let iterations = 0;
  let emissionTco2 = 0;
  const started = nowSeconds();
  for (const slot of slots) {
    const t0 = nowSeconds();
    const flow = solvePowerFlow(
      slot,
      workspace === undefined ? { tolerancePu: 1e-10 } : { tolerancePu: 1e-10, workspace },
    );
    const t1 = nowSeconds();
    const trace = traceCarbon(slot, flow, sidecar, tracing === undefined ? {} : { workspace: tracing });
    const t2 = nowSeconds();
    powerFlowSeconds += t1 - t0;
    traceSeconds += t2 - t1;
    slotSeconds.push(t2 - t0);
    iterations += flow.iterations;
    emissionTco2 += trace.totals.emissionTco2PerH;
  }
  return {
    totalSeconds: nowSeconds() - started,
    slotSeconds,
    powerFlowSeconds,
    traceSeconds,
    iterations,
    emissionTco2,
  };
}
