/**
 * Interval accounting: a traced slot's rates (MW, tCO2/h) turned into the energy and carbon of an
 * interval, per consumer (load bus) and per supplying unit, and a consumer's statement over many
 * intervals. Location-based in GHG Protocol Scope 2 terms: a consumer's emissions are its metered
 * energy times the intensity of the grid that delivered it (here the traced nodal mix), with no
 * contractual instruments.
 *
 *   E_i = P_L,i · Δt                 [MWh]        (Δt = interval length, h)
 *   C_i = R_L,i · Δt                 [tCO2]
 *   C_i,g = R_L,i,g · Δt             [tCO2]       (D1 per unit, times Δt)
 *   statement: Σ E, Σ C, Σ C / Σ E   [tCO2/MWh = kgCO2/kWh], share_g = Σ C_g / Σ C
 *
 * Pure: no clock, no I/O; the ledger path may use it (only + − × ÷).
 */
import { CarbonTraceError } from '../common/errors';

/** The rates of one traced slot the accounting needs (a subset of the recorded carbon flow). */
export interface SlotRates {
  /** Bus ids in trace order. */
  readonly busIds: readonly number[];
  /** Per bus, MW. */
  readonly loadMw: readonly number[];
  /** Per bus, tCO2/h (D1). */
  readonly loadTco2PerH: readonly number[];
  /** Per bus × unit, row-major with one column per entry of `generators`, tCO2/h. */
  readonly loadByGeneratorTco2PerH: readonly number[];
  /** Per bus × unit, MW (when known: the local engine has it, the ledger record does not yet). */
  readonly loadByGeneratorMw?: readonly number[];
  /** The units in column order. */
  readonly generators: readonly { readonly busId: number; readonly unitId: string }[];
}

/** One unit's part of a consumer's interval. */
export interface UnitShare {
  readonly unitId: string;
  readonly unitBusId: number;
  readonly carbonT: number;
  /** MWh supplied by the unit, or null when the rates carry no per-unit MW. */
  readonly energyMwh: number | null;
}

/** A consumer's interval. */
export interface ConsumerInterval {
  readonly busId: number;
  readonly energyMwh: number;
  readonly carbonT: number;
  /** C / E, tCO2/MWh; null for a bus with no energy. */
  readonly intensityTco2PerMwh: number | null;
  readonly byUnit: readonly UnitShare[];
}

/** Interval length in hours. @throws CarbonTraceError INVALID_ARGUMENT for a non-positive length. */
export function intervalHours(minutes: number): number {
  if (!(minutes > 0) || !Number.isFinite(minutes)) {
    throw new CarbonTraceError(
      'INVALID_ARGUMENT',
      `interval length must be positive minutes (got ${minutes})`,
      {
        minutes,
      },
    );
  }
  return minutes / 60;
}

/** Energy of a constant power over an interval, MWh. */
export function intervalEnergyMwh(pMw: number, minutes: number): number {
  return pMw * intervalHours(minutes);
}

/** Carbon of a constant rate over an interval, tCO2. */
export function intervalCarbonT(rateTco2PerH: number, minutes: number): number {
  return rateTco2PerH * intervalHours(minutes);
}

/**
 * Every consumer (bus with load > 0) of a slot over an interval of `minutes`.
 * @throws CarbonTraceError INVALID_ARGUMENT when the arrays disagree in length.
 */
export function consumerIntervals(rates: Readonly<SlotRates>, minutes: number): ConsumerInterval[] {
  const n = rates.busIds.length;
  const k = rates.generators.length;
  const mw = rates.loadByGeneratorMw;
  if (
    rates.loadMw.length !== n ||
    rates.loadTco2PerH.length !== n ||
    rates.loadByGeneratorTco2PerH.length !== n * k ||
    (mw !== undefined && mw.length !== n * k)
  ) {
    throw new CarbonTraceError(
      'INVALID_ARGUMENT',
      `slot rates of ${n} buses × ${k} units have inconsistent lengths`,
      {
        buses: n,
        units: k,
      },
    );
  }
  const hours = intervalHours(minutes);
  const out: ConsumerInterval[] = [];
  for (let i = 0; i < n; i++) {
    const loadMw = rates.loadMw[i] ?? 0;
    if (!(loadMw > 0)) continue;
    const energyMwh = loadMw * hours;
    const carbonT = (rates.loadTco2PerH[i] ?? 0) * hours;
    out.push({
      busId: rates.busIds[i] ?? -1,
      energyMwh,
      carbonT,
      intensityTco2PerMwh: carbonT / energyMwh,
      byUnit: rates.generators.map((g, col) => ({
        unitId: g.unitId,
        unitBusId: g.busId,
        carbonT: (rates.loadByGeneratorTco2PerH[i * k + col] ?? 0) * hours,
        energyMwh: mw === undefined ? null : (mw[i * k + col] ?? 0) * hours,
      })),
    });
  }
  return out;
}

/** A unit's part of a statement. */
export interface StatementShare {
  readonly unitId: string;
  readonly unitBusId: number;
  readonly carbonT: number;
  /** Of the statement's carbon (0 when the statement has none). */
  readonly carbonShare: number;
  /** MWh, or null when an interval had no per-unit MW. */
  readonly energyMwh: number | null;
  /** Of the statement's energy, or null. */
  readonly energyShare: number | null;
}

/** A consumer's totals over a period. */
export interface StatementTotals {
  readonly intervals: number;
  readonly energyMwh: number;
  readonly carbonT: number;
  /** Σ C / Σ E in kgCO2/kWh (numerically tCO2/MWh); null without energy. */
  readonly averageKgPerKwh: number | null;
  /** Per unit, by unit id and bus, sorted by carbon (largest first), then id. */
  readonly byUnit: readonly StatementShare[];
}

/** Sums a consumer's intervals into a statement. */
export function statementTotals(intervals: readonly ConsumerInterval[]): StatementTotals {
  let energyMwh = 0;
  let carbonT = 0;
  const units = new Map<
    string,
    { unitId: string; unitBusId: number; carbonT: number; energyMwh: number | null }
  >();
  for (const interval of intervals) {
    energyMwh += interval.energyMwh;
    carbonT += interval.carbonT;
    for (const u of interval.byUnit) {
      const key = `${u.unitBusId}/${u.unitId}`;
      const t = units.get(key) ?? { unitId: u.unitId, unitBusId: u.unitBusId, carbonT: 0, energyMwh: 0 };
      t.carbonT += u.carbonT;
      t.energyMwh = t.energyMwh === null || u.energyMwh === null ? null : t.energyMwh + u.energyMwh;
      units.set(key, t);
    }
  }
  const byUnit = [...units.values()]
    .map((u) => ({
      ...u,
      carbonShare: carbonT > 0 ? u.carbonT / carbonT : 0,
      energyShare: u.energyMwh === null || !(energyMwh > 0) ? null : u.energyMwh / energyMwh,
    }))
    .sort((a, b) => b.carbonT - a.carbonT || (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
  return {
    intervals: intervals.length,
    energyMwh,
    carbonT,
    averageKgPerKwh: energyMwh > 0 ? carbonT / energyMwh : null,
    byUnit,
  };
}
