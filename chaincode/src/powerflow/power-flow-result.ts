/**
 * Power-flow results in engineering units: bus voltages, branch flows at both ends (MATPOWER sign
 * convention: power injected into the branch at that end), losses, and generator outputs with the
 * slack's solved value. Assembled from a rectangular voltage solution.
 */
import type { PowerCase } from '../grid/power-case';
import { at, item } from '../sparse/checked-access';
import { type Complex, complex } from './branch-admittance';
import { BusRole, type PowerFlowNetwork } from './power-flow-network';
import type { VoltageSolution } from './solver-iteration';
import type { BusInjections } from './ybus';

/** Which solver produced a result. */
export type PowerFlowMethod = 'nr' | 'bfs';

/** Solved state of one bus. */
export interface BusResult {
  readonly id: number;
  readonly vmPu: number;
  readonly vaDeg: number;
  /** Real part of the voltage, pu. */
  readonly ePu: number;
  /** Imaginary part of the voltage, pu. */
  readonly fPu: number;
  /** Net injection into the network (generation − load), MW. */
  readonly pInjectionMw: number;
  readonly qInjectionMvar: number;
  /** True for type-4 buses, which are not solved (voltage reported as 0). */
  readonly isolated: boolean;
}

/** Flows of one branch (zero when out of service). */
export interface BranchFlow {
  /** 0-based row of `mpc.branch`. */
  readonly row: number;
  readonly fromBusId: number;
  readonly toBusId: number;
  readonly inService: boolean;
  readonly pFromMw: number;
  readonly qFromMvar: number;
  readonly pToMw: number;
  readonly qToMvar: number;
  /** pFromMw + pToMw. */
  readonly lossMw: number;
  /** qFromMvar + qToMvar (series reactive loss net of line charging). */
  readonly lossMvar: number;
}

/** Output of one unit (zero when out of service). */
export interface GeneratorOutput {
  /** 0-based row of `mpc.gen`. */
  readonly row: number;
  readonly busId: number;
  readonly inService: boolean;
  /** Active output, MW: scheduled, or solved for the slack's first unit. */
  readonly pMw: number;
  /** Reactive output, Mvar: scheduled at PQ buses, solved (split equally) at PV and slack buses. */
  readonly qMvar: number;
}

/** A converged power flow. */
export interface PowerFlowResult {
  readonly caseName: string;
  readonly method: PowerFlowMethod;
  readonly converged: true;
  readonly iterations: number;
  readonly maxMismatchPu: number;
  readonly baseMva: number;
  readonly buses: readonly BusResult[];
  readonly branches: readonly BranchFlow[];
  readonly generators: readonly GeneratorOutput[];
  readonly totalLossMw: number;
  readonly totalLossMvar: number;
}

/** Builds the result tables from a solution and its injections. */
export function assemblePowerFlowResult(
  network: PowerFlowNetwork,
  method: PowerFlowMethod,
  solution: VoltageSolution,
  injections: BusInjections,
): PowerFlowResult {
  const powerCase: PowerCase = network.powerCase;
  const base = network.baseMva;
  const { ePu: e, fPu: f } = solution;
  const voltage = (i: number): Complex => ({ re: at(e, i), im: at(f, i) });

  const buses = powerCase.buses.map((bus, i): BusResult => {
    const isolated = at(network.roles, i) === BusRole.Isolated;
    const ei = at(e, i);
    const fi = at(f, i);
    return {
      id: bus.id,
      vmPu: Math.sqrt(ei * ei + fi * fi),
      vaDeg: fi === 0 ? 0 : (Math.atan2(fi, ei) * 180) / Math.PI,
      ePu: ei,
      fPu: fi,
      pInjectionMw: isolated ? 0 : at(injections.pPu, i) * base,
      qInjectionMvar: isolated ? 0 : at(injections.qPu, i) * base,
      isolated,
    };
  });

  const flows = new Map<number, BranchFlow>();
  let totalLossMw = 0;
  let totalLossMvar = 0;
  for (const br of network.branches) {
    const vf = voltage(br.from);
    const vt = voltage(br.to);
    const sf = complex.mul(vf, complex.conj(complex.add(complex.mul(br.yff, vf), complex.mul(br.yft, vt))));
    const st = complex.mul(vt, complex.conj(complex.add(complex.mul(br.ytf, vf), complex.mul(br.ytt, vt))));
    const flow: BranchFlow = {
      row: br.branch.row,
      fromBusId: br.branch.fromBusId,
      toBusId: br.branch.toBusId,
      inService: true,
      pFromMw: sf.re * base,
      qFromMvar: sf.im * base,
      pToMw: st.re * base,
      qToMvar: st.im * base,
      lossMw: (sf.re + st.re) * base,
      lossMvar: (sf.im + st.im) * base,
    };
    totalLossMw += flow.lossMw;
    totalLossMvar += flow.lossMvar;
    flows.set(br.branch.row, flow);
  }
  const branches = powerCase.branches.map(
    (b): BranchFlow =>
      flows.get(b.row) ?? {
        row: b.row,
        fromBusId: b.fromBusId,
        toBusId: b.toBusId,
        inService: false,
        pFromMw: 0,
        qFromMvar: 0,
        pToMw: 0,
        qToMvar: 0,
        lossMw: 0,
        lossMvar: 0,
      },
  );

  const generators = powerCase.generators.map((gen): GeneratorOutput => {
    if (!gen.inService) return { row: gen.row, busId: gen.busId, inService: false, pMw: 0, qMvar: 0 };
    const i = network.busIndex.get(gen.busId) ?? -1;
    const role = at(network.roles, i);
    const bus = item(powerCase.buses, i);
    const rows = item(network.generatorsAtBus, i);
    let pMw = gen.pgMw;
    let qMvar = gen.qgMvar;
    if (role === BusRole.Slack && rows[0] === gen.row) {
      let others = 0;
      for (const row of rows) if (row !== gen.row) others += item(powerCase.generators, row).pgMw;
      pMw = at(injections.pPu, i) * base + bus.pdMw - others;
    }
    if (role === BusRole.Slack || role === BusRole.Pv) {
      qMvar = (at(injections.qPu, i) * base + bus.qdMvar) / rows.length;
    }
    return { row: gen.row, busId: gen.busId, inService: true, pMw, qMvar };
  });

  return {
    caseName: powerCase.name,
    method,
    converged: true,
    iterations: solution.iterations,
    maxMismatchPu: solution.maxMismatchPu,
    baseMva: base,
    buses,
    branches,
    generators,
    totalLossMw,
    totalLossMvar,
  };
}
