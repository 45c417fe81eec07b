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

/** Evaluates the residual of V = e + jf. */
export function powerFlowResidual(
  network: PowerFlowNetwork,
  ybus: Ybus,
  e: Float64Array,
  f: Float64Array,
): PowerFlowResidual {
  const injections = computeBusInjections(ybus, e, f);
  let maxMismatchPu = 0;
  let worstBus = -1;
  const consider = (value: number, bus: number): void => {
    const magnitude = value < 0 ? -value : value;
    if (magnitude > maxMismatchPu || Number.isNaN(magnitude)) {
      maxMismatchPu = Number.isNaN(magnitude) ? Number.POSITIVE_INFINITY : magnitude;
      worstBus = bus;
    }
  };
  const { roles, pSpecifiedPu, qSpecifiedPu, vmSetPu, slackEPu, slackFPu } = network;
  const { pPu, qPu } = injections;
  for (let i = 0; i < network.busCount; i += 1) {
    const role = roles[i];
    const ei = e[i] as number;
    const fi = f[i] as number;
    if (role === BusRole.Pq || role === BusRole.Pv) {
      consider((pSpecifiedPu[i] as number) - (pPu[i] as number), i);
    }
    if (role === BusRole.Pq) consider((qSpecifiedPu[i] as number) - (qPu[i] as number), i);
    if (role === BusRole.Pv) {
      const v = vmSetPu[i] as number;
      consider(v * v - (ei * ei + fi * fi), i);
    }
    if (role === BusRole.Slack) {
      consider(ei - (slackEPu[i] as number), i);
      consider(fi - (slackFPu[i] as number), i);
    }
  }
  return { maxMismatchPu, worstBus, injections };
}
