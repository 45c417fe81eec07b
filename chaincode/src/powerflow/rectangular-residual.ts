/**
 * The power-flow residual in rectangular form, with + − × ÷ only: for a candidate solution
 * V = e + jf, the largest absolute mismatch over the specified quantities — P at PQ and PV buses,
 * Q at PQ buses, |V|² − V_set² at PV buses, and V − V_slack at slack buses. Both solvers use it as
 * their convergence test, and a ledger can use it to accept a client's solution without solving.
 */
import { BusRole, type PowerFlowNetwork } from './power-flow-network';
import { computeBusInjections, type BusInjections, type Ybus } from './ybus';

/** Residual of a candidate solution. */
export interface PowerFlowResidual {
  /** max |mismatch| over all specified quantities, pu. */
  readonly maxMismatchPu: number;
  /** Internal index of the bus where it occurs (−1 when there are none). */
  readonly worstBus: number;
  /** The injections at the candidate (reused by the solvers). */
  readonly injections: BusInjections;
}

/** max(current, |value|), with a NaN value counted as +∞. */
function larger(current: number, value: number): number {
  const magnitude = value < 0 ? -value : value;
  if (Number.isNaN(magnitude)) return Number.POSITIVE_INFINITY;
  return magnitude > current ? magnitude : current;
}

/** Evaluates the residual of V = e + jf. */
export function powerFlowResidual(
  network: PowerFlowNetwork,
  ybus: Ybus,
  e: Float64Array,
  f: Float64Array,
): PowerFlowResidual {
  const injections = computeBusInjections(ybus, e, f);
  // Largest |mismatch| and where it occurs; a NaN counts as +∞.
  let maxMismatchPu = 0;
  let worstBus = -1;
  const { roles, pSpecifiedPu, qSpecifiedPu, vmSetPu, slackEPu, slackFPu } = network;
  const { pPu, qPu } = injections;
  for (let i = 0; i < network.busCount; i += 1) {
    const role = roles[i];
    const ei = e[i] as number;
    const fi = f[i] as number;
    let first = 0;
    let second = 0;
    if (role === BusRole.Pq) {
      first = (pSpecifiedPu[i] as number) - (pPu[i] as number);
      second = (qSpecifiedPu[i] as number) - (qPu[i] as number);
    } else if (role === BusRole.Pv) {
      const v = vmSetPu[i] as number;
      first = (pSpecifiedPu[i] as number) - (pPu[i] as number);
      second = v * v - (ei * ei + fi * fi);
    } else if (role === BusRole.Slack) {
      first = ei - (slackEPu[i] as number);
      second = fi - (slackFPu[i] as number);
    }
    const worst = larger(larger(maxMismatchPu, first), second);
    if (worst !== maxMismatchPu) {
      maxMismatchPu = worst;
      worstBus = i;
    }
  }
  return { maxMismatchPu, worstBus, injections };
}
