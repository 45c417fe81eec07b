/**
 * MATH.md C1–C2: the coal-consumption curve (PECC) of a coal-fired unit.
 *
 * (C1) F(P) = a·P² + b·P + c                       [t/h of standard coal]
 * (C2) w = ζ·F(P)/P = ζ·(a·P + b + c/P)            [t/MWh], P > 0
 */
import type { PeccCoefficients } from '../grid/carbon-sidecar';

/** (C1) Coal consumption F(P), t/h. */
export function coalConsumptionTPerH(pecc: PeccCoefficients, pMw: number): number {
  return pecc.a * pMw * pMw + pecc.b * pMw + pecc.c;
}

/** (C2) Unit coal consumption w = ζ·F(P)/P, t/MWh (P must be positive). */
export function unitCoalConsumptionTPerMwh(pecc: PeccCoefficients, zeta: number, pMw: number): number {
  return (zeta * coalConsumptionTPerH(pecc, pMw)) / pMw;
}
