/**
 * Backward/forward sweep power flow for radial feeders (current summation).
 *
 * Each island must be a tree rooted at its slack bus, with PQ buses only (generators at PQ buses
 * act as negative load). Per iteration, with the π branch model of `branch-admittance.ts`
 * (ideal tap t at the from end, series admittance y_s, charging b):
 *
 * - backward, leaves first: the current J_c a bus draws = conj(S_load/V_c) + Y_sh·V_c + the
 *   currents its child branches draw at their parent ends; through the branch to its parent,
 *   the series current is I_s = J_c + (jb/2)·V_c when the child is the to-end, or
 *   I_s = −conj(t)·J_c − (jb/2)·V_c/t when it is the from-end;
 * - forward, root first: V_c = V_p/t − I_s/y_s (child at to-end) or V_c = t·(V_p + I_s/y_s).
 *
 * It stops when the rectangular residual (the one Newton–Raphson uses) is below the tolerance.
 * A loop, a PV bus or a second slack in an island is reported, not approximated.
 */
import { at, item } from '../sparse/checked-access';
import { type BranchAdmittance, branchAdmittance, type Complex, complex } from './branch-admittance';
import { SweepNotApplicableError } from './power-flow-errors';
import { BusRole, type PowerFlowNetwork } from './power-flow-network';
import {
  initialVoltages,
  iterateToConvergence,
  type SolverOptions,
  type VoltageSolution,
} from './solver-iteration';
import type { Ybus } from './ybus';

interface Tree {
  /** Buses in breadth-first order from the roots (slacks first). */
  readonly order: Int32Array;
  /** Branch to the parent of each bus (undefined at roots and isolated buses). */
  readonly parentBranch: (BranchAdmittance | undefined)[];
  /** Parent bus index of each bus (−1 at roots). */
  readonly parent: Int32Array;
}

function buildTree(network: PowerFlowNetwork): Tree {
  const n = network.busCount;
  const adjacent: BranchAdmittance[][] = Array.from({ length: n }, () => []);
  const table = network.branchTable;
  for (let k = 0; k < table.count; k += 1) {
    const from = table.from[k] as number;
    const to = table.to[k] as number;
    const br = branchAdmittance(item(network.powerCase.branches, table.caseIndex[k] as number), from, to);
    item(adjacent, br.from).push(br);
    item(adjacent, br.to).push(br);
  }
  const parent = new Int32Array(n).fill(-1);
  const parentBranch: (BranchAdmittance | undefined)[] = new Array<BranchAdmittance | undefined>(n).fill(
    undefined,
  );
  const visited = new Uint8Array(n);
  const order: number[] = [];
  for (let i = 0; i < n; i += 1) {
    if (at(network.roles, i) === BusRole.Pv) {
      const id = item(network.powerCase.buses, i).id;
      throw new SweepNotApplicableError(
        `bus ${id} is a PV bus; the sweep handles a slack and PQ buses only (use --method nr)`,
        {
          bus: id,
        },
      );
    }
  }
  for (let root = 0; root < n; root += 1) {
    if (at(network.roles, root) !== BusRole.Slack) continue;
    visited[root] = 1;
    order.push(root);
    for (let head = order.length - 1; head < order.length; head += 1) {
      const bus = item(order, head);
      for (const br of item(adjacent, bus)) {
        if (br === parentBranch[bus]) continue;
        const other = br.from === bus ? br.to : br.from;
        if (visited[other] === 1) {
          const b = br.branch;
          throw new SweepNotApplicableError(
            `the network is not radial: branch ${b.fromBusId}-${b.toBusId} (mpc.branch row ${b.row + 1}) closes a loop (use --method nr)`,
            { branchRow: b.row + 1 },
          );
        }
        visited[other] = 1;
        parent[other] = bus;
        parentBranch[other] = br;
        order.push(other);
      }
    }
  }
  return { order: Int32Array.from(order), parentBranch, parent };
}

/**
 * Solves a radial network by the backward/forward sweep.
 * @throws SweepNotApplicableError (INVALID_ARGUMENT) for a meshed network or a PV bus.
 * @throws PowerFlowDivergedError when the iteration limit is reached.
 */
export function solveBackwardForwardSweep(
  network: PowerFlowNetwork,
  ybus: Ybus,
  options: Readonly<SolverOptions> = {},
): VoltageSolution {
  const tolerance = options.tolerancePu ?? 1e-10;
  const maxIterations = options.maxIterations ?? 500;
  const tree = buildTree(network);
  const n = network.busCount;
  const { e, f } = initialVoltages(network);
  const drawRe = new Float64Array(n);
  const drawIm = new Float64Array(n);
  const seriesCurrent: Complex[] = new Array<Complex>(n).fill({ re: 0, im: 0 });
  const limits = { tolerancePu: tolerance, maxIterations: maxIterations };
  return iterateToConvergence('backward/forward sweep', network, ybus, { e, f }, limits, () => {
    // Backward: own draw of every bus, then accumulate from the leaves.
    for (let i = 0; i < n; i += 1) {
      const v: Complex = { re: at(e, i), im: at(f, i) };
      if (at(network.roles, i) === BusRole.Isolated) continue;
      const loadConj: Complex = { re: -at(network.pSpecifiedPu, i), im: at(network.qSpecifiedPu, i) }; // conj(S_load)
      const load = complex.div(loadConj, complex.conj(v));
      const shunt = complex.mul({ re: at(network.shuntGPu, i), im: at(network.shuntBPu, i) }, v);
      drawRe[i] = load.re + shunt.re;
      drawIm[i] = load.im + shunt.im;
    }
    for (let k = tree.order.length - 1; k >= 0; k -= 1) {
      const c = at(tree.order, k);
      const br = tree.parentBranch[c];
      if (br === undefined) continue;
      const p = at(tree.parent, c);
      const vc: Complex = { re: at(e, c), im: at(f, c) };
      const vp: Complex = { re: at(e, p), im: at(f, p) };
      const draw: Complex = { re: at(drawRe, c), im: at(drawIm, c) };
      const halfB: Complex = { re: 0, im: br.branch.bPu / 2 };
      let parentEnd: Complex;
      let series: Complex;
      if (br.to === c) {
        series = complex.add(draw, complex.mul(halfB, vc));
        parentEnd = complex.div(
          complex.add(series, complex.mul(halfB, complex.div(vp, br.tap))),
          complex.conj(br.tap),
        );
      } else {
        series = complex.sub(
          complex.scale(complex.mul(complex.conj(br.tap), draw), -1),
          complex.mul(halfB, complex.div(vc, br.tap)),
        );
        parentEnd = complex.add(complex.scale(series, -1), complex.mul(halfB, vp));
      }
      seriesCurrent[c] = series;
      drawRe[p] = at(drawRe, p) + parentEnd.re;
      drawIm[p] = at(drawIm, p) + parentEnd.im;
    }
    // Forward: voltages from the roots outwards.
    for (let k = 0; k < tree.order.length; k += 1) {
      const c = at(tree.order, k);
      const br = tree.parentBranch[c];
      if (br === undefined) continue;
      const p = at(tree.parent, c);
      const vp: Complex = { re: at(e, p), im: at(f, p) };
      const drop = complex.div(item(seriesCurrent, c), br.ys);
      const vc =
        br.to === c ? complex.sub(complex.div(vp, br.tap), drop) : complex.mul(br.tap, complex.add(vp, drop));
      e[c] = vc.re;
      f[c] = vc.im;
    }
  });
}
