/**
 * The power-flow residual in rectangular form, with + − × ÷ only: for a candidate solution
 * V = e + jf, the largest absolute mismatch over the specified quantities — P at PQ and PV buses,
 * Q at PQ buses, |V|² − V_set² at PV buses, and V − V_slack at slack buses. Both solvers use it as
 * their convergence test, and a ledger can use it to accept a client's solution without solving.
 */
import { at } from '../sparse/checked-access';
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
  for (let i = 0; i < network.busCount; i += 1) {
    const role = at(network.roles, i);
    const ei = at(e, i);
    const fi = at(f, i);
    if (role === BusRole.Pq || role === BusRole.Pv) {
      consider(at(network.pSpecifiedPu, i) - at(injections.pPu, i), i);
    }
    if (role === BusRole.Pq) consider(at(network.qSpecifiedPu, i) - at(injections.qPu, i), i);
    if (role === BusRole.Pv) {
      const v = at(network.vmSetPu, i);
      consider(v * v - (ei * ei + fi * fi), i);
    }
    if (role === BusRole.Slack) {
      consider(ei - at(network.slackEPu, i), i);
      consider(fi - at(network.slackFPu, i), i);
    }
  }
  return { maxMismatchPu, worstBus, injections };
}
