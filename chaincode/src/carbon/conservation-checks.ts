/**
 * MATH.md §D conservation checks, asserted after every trace (relative 1e-9 and absolute 1e-9
 * tCO2/h by default):
 *
 * (C-i)   Σ_i R_L,i + Σ_k R_Δ,k = Σ_g E_Gg                                (system)
 * (C-ii)  Σ_i R_L,i,g + Σ_k R_Δ,k,g = E_Gg  for each unit g              (per unit)
 * (C-iii) R_B,k^s = R_B,k^r + R_Δ,k          for each branch
 * (C-iv)  at each real bus: Σ_{g at i} E_Gg + Σ_in R_B^r = R_L,i + Σ_out R_B^s
 *         (a bus's share of a branch fed from both ends is (P_e/P^s)·R_B^s)
 * (C-v)   min_g e_Gg ≤ e_N,x ≤ max_g e_Gg   for every node x
 *
 * A failure is a {@link ConservationViolatedError} naming the check, where, and the imbalance.
 */
import { CarbonTraceError } from '../common/errors';
import { at } from '../sparse/checked-access';
import type { DistributionSystem } from '../tracing/distribution-system';
import type { CarbonFlowRates } from './carbon-flow-rates';

/** A conservation check failed. Code `CONSERVATION_VIOLATED`. */
export class ConservationViolatedError extends CarbonTraceError {
  override readonly name = 'ConservationViolatedError';
  /** Which check: 'C-i' … 'C-v'. */
  readonly check: string;
  /** The imbalance (lhs − rhs, or the out-of-range intensity). */
  readonly value: number;

  constructor(check: string, where: string, value: number) {
    super(
      'CONSERVATION_VIOLATED',
      `carbon conservation check ${check} failed at ${where}: imbalance ${value}`,
      {
        check,
        where,
        value,
      },
    );
    this.check = check;
    this.value = value;
  }
}

/** Tolerances of {@link assertCarbonConservation}. */
export interface ConservationTolerance {
  /** @default 1e-9 */
  readonly relative?: number;
  /** tCO2/h (tCO2/MWh for C-v). @default 1e-9 */
  readonly absolute?: number;
}

/** The largest imbalance found by each check (for reports). */
export interface ConservationReport {
  readonly systemTco2PerH: number;
  readonly perUnitTco2PerH: number;
  readonly perBranchTco2PerH: number;
  readonly perBusTco2PerH: number;
}

/**
 * Runs C-i..C-v.
 * @param emissions E_G per unit; @param intensities e_G per unit (system generator order).
 * @throws ConservationViolatedError on the first failing check.
 */
export function assertCarbonConservation(
  system: DistributionSystem,
  rates: CarbonFlowRates,
  emissions: Float64Array,
  intensities: Float64Array,
  tolerance: Readonly<ConservationTolerance> = {},
): ConservationReport {
  const relative = tolerance.relative ?? 1e-9;
  const absolute = tolerance.absolute ?? 1e-9;
  const k = system.generators.length;
  const n = system.busCount;
  const m = system.branchCount;
  // `where` is only formatted for the error.
  const compare = (check: string, where: () => string, lhs: number, rhs: number): number => {
    const diff = lhs - rhs;
    if (!(Math.abs(diff) <= absolute + relative * Math.max(Math.abs(lhs), Math.abs(rhs)))) {
      throw new ConservationViolatedError(check, where(), diff);
    }
    return Math.abs(diff);
  };
  const sum = (values: Float64Array): number => values.reduce((a, b) => a + b, 0);

  // C-i
  const systemTco2PerH = compare(
    'C-i',
    () => 'system',
    sum(rates.loadTco2PerH) + sum(rates.lossTco2PerH),
    sum(emissions),
  );

  // C-ii
  // Each unit's carbon ended in loads and losses, accumulated row by row (the same order of
  // additions per unit as a column walk, without its stride-K reads).
  if (rates.loadByGeneratorTco2PerH.length !== n * k || rates.lossByGeneratorTco2PerH.length !== m * k) {
    throw new ConservationViolatedError('C-ii', 'shape of the per-unit matrices', Number.NaN);
  }
  const ended = new Float64Array(k);
  const loadByUnit = rates.loadByGeneratorTco2PerH;
  for (let i = 0; i < n; i += 1) {
    for (let g = 0; g < k; g += 1) ended[g] = (ended[g] as number) + (loadByUnit[i * k + g] as number);
  }
  const lossByUnit = rates.lossByGeneratorTco2PerH;
  for (let b = 0; b < m; b += 1) {
    for (let g = 0; g < k; g += 1) ended[g] = (ended[g] as number) + (lossByUnit[b * k + g] as number);
  }
  let perUnitTco2PerH = 0;
  for (let g = 0; g < k; g += 1) {
    const where = (): string => {
      const unit = system.generators[g];
      return unit === undefined
        ? `unit ${g}`
        : `unit ${g} (${unit.source} ${unit.genIndex + 1}, bus ${unit.busId})`;
    };
    perUnitTco2PerH = Math.max(perUnitTco2PerH, compare('C-ii', where, at(ended, g), at(emissions, g)));
  }

  // C-iii
  let perBranchTco2PerH = 0;
  for (let b = 0; b < m; b += 1) {
    const where = (): string => `branch row ${(system.branchRows[b] ?? -1) + 1}`;
    const rhs = at(rates.receivingTco2PerH, b) + at(rates.lossTco2PerH, b);
    perBranchTco2PerH = Math.max(
      perBranchTco2PerH,
      compare('C-iii', where, at(rates.sendingTco2PerH, b), rhs),
    );
  }

  // C-iv
  const inflow = new Float64Array(n);
  const outflow = Float64Array.from(rates.loadTco2PerH);
  system.generators.forEach((unit, g) => {
    inflow[unit.node] = at(inflow, unit.node) + at(emissions, g);
  });
  const { rows, cols, values } = system.offDiagonal;
  for (let p = 0; p < values.length; p += 1) {
    const x = at(rows, p);
    const y = at(cols, p);
    if (x >= n && y < n) {
      // Bus y sends P_e = −A[v,y]·P_y into branch v: its share of R_B^s is P_e/P^s.
      const v = x;
      const sentMw = -at(values, p) * at(system.throughFlowMw, y);
      outflow[y] = at(outflow, y) + (sentMw / at(system.throughFlowMw, v)) * at(rates.sendingTco2PerH, v - n);
    } else if (x < n && y >= n) {
      inflow[x] = at(inflow, x) + at(rates.receivingTco2PerH, y - n);
    }
  }
  let perBusTco2PerH = 0;
  for (let i = 0; i < n; i += 1) {
    perBusTco2PerH = Math.max(
      perBusTco2PerH,
      compare('C-iv', () => `bus ${system.busIds[i] ?? i}`, at(inflow, i), at(outflow, i)),
    );
  }

  // C-v
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const e of intensities) {
    lo = Math.min(lo, e);
    hi = Math.max(hi, e);
  }
  for (let x = 0; x < system.size; x += 1) {
    const e = at(rates.nodeIntensityTco2PerMwh, x);
    const slack = absolute + relative * Math.abs(hi);
    if (!(e >= lo - slack && e <= hi + slack)) {
      const where =
        x < n ? `bus ${system.busIds[x] ?? x}` : `branch row ${(system.branchRows[x - n] ?? -1) + 1}`;
      throw new ConservationViolatedError('C-v', where, e);
    }
  }
  return { systemTco2PerH, perUnitTco2PerH, perBranchTco2PerH, perBusTco2PerH };
}
