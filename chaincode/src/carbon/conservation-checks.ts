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

/** Σ_i R_L,i,g + Σ_k R_Δ,k,g per unit, accumulated row by row (the same order of additions per
 * unit as a column walk, without its stride-K reads). */
function endedByUnit(rates: CarbonFlowRates, n: number, m: number, k: number): Float64Array {
  const ended = new Float64Array(k);
  const loadByUnit = rates.loadByGeneratorTco2PerH;
  for (let i = 0; i < n; i += 1) {
    const base = i * k;
    for (let g = 0; g < k; g += 1) ended[g] = (ended[g] as number) + (loadByUnit[base + g] as number);
  }
  const lossByUnit = rates.lossByGeneratorTco2PerH;
  for (let b = 0; b < m; b += 1) {
    const base = b * k;
    for (let g = 0; g < k; g += 1) ended[g] = (ended[g] as number) + (lossByUnit[base + g] as number);
  }
  return ended;
}

/** Σ of a vector, left to right. */
function sum(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i += 1) total += values[i] as number;
  return total;
}

/**
 * Runs C-i..C-v, each as one pass over typed arrays (O(N·K) for C-ii, O(N + nnz + K) for the rest).
 * @param emissions E_G per unit; @param intensities e_G per unit (system generator order).
 * @param endedByUnitTco2PerH the per-unit sums of C-ii when the caller accumulated them while
 * computing the rates (in the same order: load rows, then loss rows); otherwise summed here.
 * @throws ConservationViolatedError on the first failing check.
 */
export function assertCarbonConservation(
  system: DistributionSystem,
  rates: CarbonFlowRates,
  emissions: Float64Array,
  intensities: Float64Array,
  tolerance: Readonly<ConservationTolerance> = {},
  endedByUnitTco2PerH?: Float64Array,
): ConservationReport {
  const relative = tolerance.relative ?? 1e-9;
  const absolute = tolerance.absolute ?? 1e-9;
  const k = system.generators.length;
  const n = system.busCount;
  const m = system.branchCount;
  /** |lhs − rhs| when within tolerance, else −1 (the caller names the place and throws). */
  const imbalance = (lhs: number, rhs: number): number => {
    const diff = Math.abs(lhs - rhs);
    return diff <= absolute + relative * Math.max(Math.abs(lhs), Math.abs(rhs)) ? diff : -1;
  };

  // C-i
  const loadTotal = sum(rates.loadTco2PerH) + sum(rates.lossTco2PerH);
  const emissionTotal = sum(emissions);
  const systemTco2PerH = imbalance(loadTotal, emissionTotal);
  if (systemTco2PerH < 0) throw new ConservationViolatedError('C-i', 'system', loadTotal - emissionTotal);

  // C-ii: each unit's carbon ended in loads and losses.
  if (
    rates.loadByGeneratorTco2PerH.length !== n * k ||
    rates.lossByGeneratorTco2PerH.length !== m * k ||
    emissions.length !== k
  ) {
    throw new ConservationViolatedError('C-ii', 'shape of the per-unit matrices', Number.NaN);
  }
  if (endedByUnitTco2PerH !== undefined && endedByUnitTco2PerH.length !== k) {
    throw new ConservationViolatedError('C-ii', 'length of the per-unit sums', Number.NaN);
  }
  const ended = endedByUnitTco2PerH ?? endedByUnit(rates, n, m, k);
  let perUnitTco2PerH = 0;
  for (let g = 0; g < k; g += 1) {
    const lhs = ended[g] as number;
    const rhs = emissions[g] as number;
    const diff = imbalance(lhs, rhs);
    if (diff < 0) {
      const unit = system.generators[g];
      const where =
        unit === undefined
          ? `unit ${g}`
          : `unit ${g} (${unit.source} ${unit.genIndex + 1}, bus ${unit.busId})`;
      throw new ConservationViolatedError('C-ii', where, lhs - rhs);
    }
    perUnitTco2PerH = Math.max(perUnitTco2PerH, diff);
  }

  // C-iii
  const sending = rates.sendingTco2PerH;
  const receiving = rates.receivingTco2PerH;
  const loss = rates.lossTco2PerH;
  if (sending.length !== m || receiving.length !== m || loss.length !== m) {
    throw new ConservationViolatedError('C-iii', 'shape of the branch vectors', Number.NaN);
  }
  let perBranchTco2PerH = 0;
  for (let b = 0; b < m; b += 1) {
    const lhs = sending[b] as number;
    const rhs = (receiving[b] as number) + (loss[b] as number);
    const diff = imbalance(lhs, rhs);
    if (diff < 0) {
      throw new ConservationViolatedError(
        'C-iii',
        `branch row ${(system.branchRows[b] ?? -1) + 1}`,
        lhs - rhs,
      );
    }
    perBranchTco2PerH = Math.max(perBranchTco2PerH, diff);
  }

  // C-iv
  const inflow = new Float64Array(n);
  const outflow = Float64Array.from(rates.loadTco2PerH);
  system.generators.forEach((unit, g) => {
    inflow[unit.node] = at(inflow, unit.node) + (emissions[g] as number);
  });
  const { rows, cols, values } = system.offDiagonal;
  const throughFlowMw = system.throughFlowMw;
  const size = system.size;
  for (let p = 0; p < values.length; p += 1) {
    const x = rows[p] as number;
    const y = cols[p] as number;
    if (!(x >= 0 && x < size && y >= 0 && y < size)) {
      throw new ConservationViolatedError('C-iv', `entry ${p} of A outside the system`, Number.NaN);
    }
    if (x >= n && y < n) {
      // Bus y sends P_e = −A[v,y]·P_y into branch v: its share of R_B^s is P_e/P^s.
      const v = x;
      const sentMw = -(values[p] as number) * (throughFlowMw[y] as number);
      outflow[y] =
        (outflow[y] as number) + (sentMw / (throughFlowMw[v] as number)) * (sending[v - n] as number);
    } else if (x < n && y >= n) {
      inflow[x] = (inflow[x] as number) + (receiving[y - n] as number);
    }
  }
  let perBusTco2PerH = 0;
  for (let i = 0; i < n; i += 1) {
    const lhs = inflow[i] as number;
    const rhs = outflow[i] as number;
    const diff = imbalance(lhs, rhs);
    if (diff < 0) throw new ConservationViolatedError('C-iv', `bus ${system.busIds[i] ?? i}`, lhs - rhs);
    perBusTco2PerH = Math.max(perBusTco2PerH, diff);
  }

  // C-v
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let g = 0; g < intensities.length; g += 1) {
    const e = intensities[g] as number;
    lo = Math.min(lo, e);
    hi = Math.max(hi, e);
  }
  const slack = absolute + relative * Math.abs(hi);
  const nodeIntensity = rates.nodeIntensityTco2PerMwh;
  for (let x = 0; x < size; x += 1) {
    const e = at(nodeIntensity, x);
    if (!(e >= lo - slack && e <= hi + slack)) {
      const where =
        x < n ? `bus ${system.busIds[x] ?? x}` : `branch row ${(system.branchRows[x - n] ?? -1) + 1}`;
      throw new ConservationViolatedError('C-v', where, e);
    }
  }
  return { systemTco2PerH, perUnitTco2PerH, perBranchTco2PerH, perBusTco2PerH };
}
