/**
 * Power-flow results in engineering units: bus voltages, branch flows at both ends (MATPOWER sign
 * convention: power injected into the branch at that end), losses, and generator outputs with the
 * slack's solved value. Assembled from a rectangular voltage solution.
 */
import type { PowerCase } from '../grid/power-case';
import { at, item } from '../sparse/checked-access';
import { CarbonTraceError } from '../common/errors';
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
  const { roles } = network;
  const n = network.busCount;
  if (e.length !== n || f.length !== n || injections.pPu.length !== n || injections.qPu.length !== n) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'solution does not fit the network', {
      buses: n,
      e: e.length,
      f: f.length,
    });
  }
  const { pPu, qPu } = injections;

  const buses = new Array<BusResult>(n);
  for (let i = 0; i < n; i += 1) {
    const isolated = roles[i] === BusRole.Isolated;
    const ei = e[i] as number;
    const fi = f[i] as number;
    buses[i] = {
      id: item(powerCase.buses, i).id,
      vmPu: Math.sqrt(ei * ei + fi * fi),
      vaDeg: fi === 0 ? 0 : (Math.atan2(fi, ei) * 180) / Math.PI,
      ePu: ei,
      fPu: fi,
      pInjectionMw: isolated ? 0 : (pPu[i] as number) * base,
      qInjectionMvar: isolated ? 0 : (qPu[i] as number) * base,
      isolated,
    };
  }

  // Branch flows S = V·conj(I) at both ends, rectangular, from the typed branch table.
  const table = network.branchTable;
  const caseBranches = powerCase.branches;
  const branches = new Array<BranchFlow | undefined>(caseBranches.length).fill(undefined);
  let totalLossMw = 0;
  let totalLossMvar = 0;
  for (let k = 0; k < table.count; k += 1) {
    const from = table.from[k] as number;
    const to = table.to[k] as number;
    const vfRe = e[from] as number;
    const vfIm = f[from] as number;
    const vtRe = e[to] as number;
    const vtIm = f[to] as number;
    const yffRe = table.yffRe[k] as number;
    const yffIm = table.yffIm[k] as number;
    const yftRe = table.yftRe[k] as number;
    const yftIm = table.yftIm[k] as number;
    const ytfRe = table.ytfRe[k] as number;
    const ytfIm = table.ytfIm[k] as number;
    const yttRe = table.yttRe[k] as number;
    const yttIm = table.yttIm[k] as number;
    const ifRe = yffRe * vfRe - yffIm * vfIm + (yftRe * vtRe - yftIm * vtIm);
    const ifIm = yffRe * vfIm + yffIm * vfRe + (yftRe * vtIm + yftIm * vtRe);
    const itRe = ytfRe * vfRe - ytfIm * vfIm + (yttRe * vtRe - yttIm * vtIm);
    const itIm = ytfRe * vfIm + ytfIm * vfRe + (yttRe * vtIm + yttIm * vtRe);
    // V·conj(I) = (vRe·iRe + vIm·iIm) + j(vIm·iRe − vRe·iIm)
    const sfRe = vfRe * ifRe - vfIm * -ifIm;
    const sfIm = vfRe * -ifIm + vfIm * ifRe;
    const stRe = vtRe * itRe - vtIm * -itIm;
    const stIm = vtRe * -itIm + vtIm * itRe;
    const index = table.caseIndex[k] as number;
    const branch = item(caseBranches, index);
    const lossMw = (sfRe + stRe) * base;
    const lossMvar = (sfIm + stIm) * base;
    totalLossMw += lossMw;
    totalLossMvar += lossMvar;
    branches[index] = {
      row: branch.row,
      fromBusId: branch.fromBusId,
      toBusId: branch.toBusId,
      inService: true,
      pFromMw: sfRe * base,
      qFromMvar: sfIm * base,
      pToMw: stRe * base,
      qToMvar: stIm * base,
      lossMw,
      lossMvar,
    };
  }
  const branchFlows = caseBranches.map(
    (b, r): BranchFlow =>
      branches[r] ?? {
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

  const { generatorPointers, generatorRows } = network;
  const generators = powerCase.generators.map((gen): GeneratorOutput => {
    if (!gen.inService) return { row: gen.row, busId: gen.busId, inService: false, pMw: 0, qMvar: 0 };
    const i = network.busIndex.indexOf(gen.busId);
    const role = at(roles, i);
    const bus = item(powerCase.buses, i);
    const first = at(generatorPointers, i);
    const last = at(generatorPointers, i + 1);
    let pMw = gen.pgMw;
    let qMvar = gen.qgMvar;
    if (role === BusRole.Slack && generatorRows[first] === gen.row) {
      let others = 0;
      for (let p = first + 1; p < last; p += 1)
        others += item(powerCase.generators, at(generatorRows, p)).pgMw;
      pMw = at(pPu, i) * base + bus.pdMw - others;
    }
    if (role === BusRole.Slack || role === BusRole.Pv) {
      qMvar = (at(qPu, i) * base + bus.qdMvar) / (last - first);
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
    branches: branchFlows,
    generators,
    totalLossMw,
    totalLossMvar,
  };
}
