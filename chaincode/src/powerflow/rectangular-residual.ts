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
  const worst = new Float64Array(2);
  largestMismatch(network, injections, e, f, worst);
  return { maxMismatchPu: worst[0] as number, worstBus: worst[1] as number, injections };
}

/**
 * Largest |mismatch| (into worst[0]) and the bus where it occurs (worst[1], −1 when none); a NaN
 * counts as +∞. Alone in its function so that the engine optimizes the loop as a whole.
 */
function largestMismatch(
  network: PowerFlowNetwork,
  injections: BusInjections,
  e: Float64Array,
  f: Float64Array,
  worst: Float64Array,
): void {
  // The results are stored inside the loop: no code after it, so an on-stack-replaced loop never
  // reaches code without type feedback.
  let maxMismatchPu = 0;
  worst[0] = 0;
  worst[1] = -1;
  const { roles, pSpecifiedPu, qSpecifiedPu, vmSetPu, slackEPu, slackFPu } = network;
  const { pPu, qPu } = injections;
  const n = network.busCount;
  for (let i = 0; i < n; i += 1) {
    // Every array is read for every bus and the role only selects among the results, so the
    // loop has type feedback for all its reads after the first bus (no rare-branch deoptimization).
    const role = roles[i];
    const ei = e[i] as number;
    const fi = f[i] as number;
    const v = vmSetPu[i] as number;
    const pMismatch = (pSpecifiedPu[i] as number) - (pPu[i] as number);
    const qMismatch = (qSpecifiedPu[i] as number) - (qPu[i] as number);
    const vMismatch = v * v - (ei * ei + fi * fi);
    const eMismatch = ei - (slackEPu[i] as number);
    const fMismatch = fi - (slackFPu[i] as number);
    const isPq = role === BusRole.Pq;
    const isPv = role === BusRole.Pv;
    const isSlack = role === BusRole.Slack;
    const first = isSlack ? eMismatch : isPq || isPv ? pMismatch : 0;
    const second = isSlack ? fMismatch : isPq ? qMismatch : isPv ? vMismatch : 0;
    const largest = larger(larger(maxMismatchPu, first), second);
    if (largest !== maxMismatchPu) {
      maxMismatchPu = largest;
      worst[0] = largest;
      worst[1] = i;
    }
  }
}
