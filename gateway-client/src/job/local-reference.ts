/**
 * The local engine's answer for a slot (power flow + tracing + carbon on this machine, from the
 * feeder definition — not from the chain) and its comparison with the carbon flow recorded on the
 * ledger: per bus load carbon and nodal intensity, per unit emission.
 */
import { solvePowerFlow, traceCarbon } from '@carbontrace/chaincode';
import type { CarbonProposal } from '@carbontrace/chaincode';
import type { RegionSlot } from './slot-data';

/** The local trace of a slot, keyed by bus id and unit. */
export interface LocalTrace {
  /** Per real bus: load carbon (tCO2/h), nodal intensity (tCO2/MWh), load (MW). */
  readonly buses: ReadonlyMap<
    number,
    { readonly loadTco2PerH: number; readonly intensityTco2PerMwh: number; readonly loadMw: number }
  >;
  /** Per unit `bus/unitId`: emission (tCO2/h) and intensity (tCO2/MWh). */
  readonly units: ReadonlyMap<
    string,
    { readonly emissionTco2PerH: number; readonly intensityTco2PerMwh: number }
  >;
  /**
   * Per unit `bus/unitId`: what it supplies to loads and to branch losses (B6–B7 in MW, D1/D3 in
   * tCO2/h), summed over the region.
   */
  readonly attribution: ReadonlyMap<string, UnitAttribution>;
  /** Per real bus, per unit `bus/unitId`: the unit's part of the bus's load, MW (B6). */
  readonly loadByUnitMw: ReadonlyMap<number, ReadonlyMap<string, number>>;
  readonly totals: {
    readonly emissionTco2PerH: number;
    readonly loadCarbonTco2PerH: number;
    readonly lossCarbonTco2PerH: number;
    readonly totalLossMw: number;
  };
}

/** What one unit supplies in a slot. */
export interface UnitAttribution {
  readonly unitId: string;
  readonly busId: number;
  readonly loadMw: number;
  readonly loadTco2PerH: number;
  readonly lossMw: number;
  readonly lossTco2PerH: number;
}

/** Runs the engine locally on a slot. @throws the engine's typed errors. */
export function localTrace(slot: RegionSlot): LocalTrace {
  const flow = solvePowerFlow(slot.localCase);
  const trace = traceCarbon(slot.localCase, flow, slot.localSidecar);
  const n = trace.system.busCount;
  const buses = new Map<number, { loadTco2PerH: number; intensityTco2PerMwh: number; loadMw: number }>();
  for (let x = 0; x < n; x++) {
    buses.set(trace.system.busIds[x] ?? -1, {
      loadTco2PerH: trace.rates.loadTco2PerH[x] ?? 0,
      intensityTco2PerMwh: trace.rates.nodeIntensityTco2PerMwh[x] ?? 0,
      loadMw: trace.system.loadMw[x] ?? 0,
    });
  }
  const units = new Map<string, { emissionTco2PerH: number; intensityTco2PerMwh: number }>();
  trace.system.generators.forEach((g, k) => {
    const unit = slot.localUnits[g.genIndex];
    if (g.source !== 'gen' || unit === undefined) return;
    units.set(`${unit.busId}/${unit.unitId}`, {
      emissionTco2PerH: trace.emissions[k] ?? 0,
      intensityTco2PerMwh: trace.intensities[k] ?? 0,
    });
  });
  let totalLossMw = 0;
  for (const loss of trace.system.lossMw) totalLossMw += loss;
  const k = trace.system.generators.length;
  const m = trace.system.branchCount;
  const attribution = new Map<string, UnitAttribution>();
  const loadByUnitMw = new Map<number, Map<string, number>>();
  trace.system.generators.forEach((g, col) => {
    const unit = g.source === 'gen' ? slot.localUnits[g.genIndex] : undefined;
    const unitId = unit?.unitId ?? `negative-load-${g.busId}`;
    const key = `${g.busId}/${unitId}`;
    let loadMw = 0;
    let loadTco2PerH = 0;
    for (let x = 0; x < n; x++) {
      const mw = trace.components.loadMw[x * k + col] ?? 0;
      loadMw += mw;
      loadTco2PerH += trace.rates.loadByGeneratorTco2PerH[x * k + col] ?? 0;
      const busId = trace.system.busIds[x] ?? -1;
      const row = loadByUnitMw.get(busId) ?? new Map<string, number>();
      row.set(key, mw);
      loadByUnitMw.set(busId, row);
    }
    let lossMw = 0;
    let lossTco2PerH = 0;
    for (let b = 0; b < m; b++) {
      lossMw += trace.components.lossMw[b * k + col] ?? 0;
      lossTco2PerH += trace.rates.lossByGeneratorTco2PerH[b * k + col] ?? 0;
    }
    attribution.set(key, { unitId, busId: g.busId, loadMw, loadTco2PerH, lossMw, lossTco2PerH });
  });
  return {
    buses,
    units,
    attribution,
    loadByUnitMw,
    totals: {
      emissionTco2PerH: trace.totals.emissionTco2PerH,
      loadCarbonTco2PerH: trace.totals.loadCarbonTco2PerH,
      lossCarbonTco2PerH: trace.totals.lossCarbonTco2PerH,
      totalLossMw,
    },
  };
}

/** Relative difference with a floor of 1e-6 on the scale (values here are 1e-3…1 tCO2/h). */
export function relativeError(ledger: number, local: number): number {
  return Math.abs(ledger - local) / Math.max(Math.abs(ledger), Math.abs(local), 1e-6);
}

/** Outcome of {@link compareWithLedger}. */
export interface LedgerComparison {
  /** Largest relative error over every compared value. */
  readonly maxRelError: number;
  /** Which value it was. */
  readonly worst: string;
  /** Number of values compared. */
  readonly compared: number;
}

/**
 * Compares the ledger's recorded carbon flow with the local trace.
 * @throws Error when the ledger names a bus or unit the local trace does not have (or vice versa).
 */
export function compareWithLedger(proposal: CarbonProposal, local: LocalTrace): LedgerComparison {
  let maxRelError = 0;
  let worst = 'none';
  let compared = 0;
  const check = (what: string, ledger: number | undefined, mine: number): void => {
    if (ledger === undefined) throw new Error(`ledger has no value for ${what}`);
    const error = relativeError(ledger, mine);
    compared++;
    if (error >= maxRelError) {
      maxRelError = error;
      worst = what;
    }
  };
  if (proposal.busIds.length !== local.buses.size) {
    throw new Error(`ledger traced ${proposal.busIds.length} buses, the local engine ${local.buses.size}`);
  }
  proposal.busIds.forEach((busId, i) => {
    const mine = local.buses.get(busId);
    if (mine === undefined) throw new Error(`bus ${busId} is on the ledger but not in the local trace`);
    check(`bus ${busId} load carbon`, proposal.loadTco2PerH[i], mine.loadTco2PerH);
    check(`bus ${busId} intensity`, proposal.nodeIntensityTco2PerMwh[i], mine.intensityTco2PerMwh);
  });
  proposal.generators.forEach((g, k) => {
    const mine = local.units.get(`${g.busId}/${g.unitId}`);
    if (mine === undefined) throw new Error(`unit ${g.unitId} at bus ${g.busId} is not in the local trace`);
    check(`unit ${g.unitId} emission`, proposal.emissionTco2PerH[k], mine.emissionTco2PerH);
    check(`unit ${g.unitId} intensity`, proposal.generatorIntensityTco2PerMwh[k], mine.intensityTco2PerMwh);
  });
  return { maxRelError, worst, compared };
}
