/**
 * Builds the extended (n+m)×(n+m) network of MATH.md §A–B from a solved power flow.
 *
 * - A1: bus load P_L = Pd + Gs·|V|² (MW); a net negative load becomes a zero-carbon DG unit
 *   (`source: 'negative-load'`, `genIndex` = the bus's 0-based `mpc.bus` row) with P_L = 0.
 * - A2: in-service units with P > 0 are generators; a unit with P < 0 (pumping) is load at its bus;
 *   units at exactly 0 MW carry nothing and are left out of G.
 * - A3: per in-service branch, PF and PT (MW). P^s = Σ max(P_e, 0), P^r = Σ max(−P_e, 0),
 *   ΔP = PF + PT; both ends positive ⇒ both buses feed the virtual node and P^r = 0; branches with
 *   P^s < ε are dropped; a loss within ±`lossToleranceMw` of zero (lossless transformers) is set
 *   to exactly 0 (P^r := P^s), a more negative loss is an error.
 * - A4: P_i = P_Gi + Σ inflows, asserted equal to P_Li + Σ outflows within the tolerance; the
 *   remaining mismatch (≤ the tolerance) is then absorbed so that each bus balances exactly (into
 *   P_Li at a loaded bus; at an unloaded bus P_i is the outflow); buses with P_i = 0 carry no
 *   flow and are left out.
 * - B3: A[v_k, i] = −P_e/P_i for a sending end at bus i, A[j, v_k] = P_e/P^s_k (P_e < 0) for a
 *   receiving end at bus j.
 */
import { CarbonTraceError } from '../common/errors';
import type { PowerCase } from '../grid/power-case';
import type { PowerFlowResult } from '../powerflow/power-flow-result';
import { at, item } from '../sparse/checked-access';
import type { DistributionSystem, TracedGenerator } from './distribution-system';
import { flowGraphTopologicalOrder } from './flow-graph-order';

/** Options of {@link buildDistributionSystem}. */
export interface BuildDistributionSystemOptions {
  /**
   * ε: branches with sending-end power below this are dropped (MATH.md A3), MW.
   * @default 1e-6
   */
  readonly epsilonMw?: number;
  /**
   * Absolute tolerance of the inflow/outflow agreement at each bus (MATH.md A4), MW; a relative
   * 1e-9 of the bus through-flow and ε per dropped branch end are added.
   * @default 1e-6
   */
  readonly balanceToleranceMw?: number;
  /**
   * Losses within ± this of zero are taken as exactly zero, MW.
   * @default 1e-9
   */
  readonly lossToleranceMw?: number;
}

interface KeptBranch {
  readonly row: number;
  readonly fromBus: number;
  readonly toBus: number;
  /** End injections after the zero-loss rounding, MW. */
  readonly pFromMw: number;
  readonly pToMw: number;
  readonly sendingMw: number;
  readonly receivingMw: number;
  readonly lossMw: number;
}

/**
 * Builds the {@link DistributionSystem} of a solved power flow.
 * @throws CarbonTraceError CONSERVATION_VIOLATED when a bus's inflow and outflow disagree, or a
 * branch has a negative loss (details name the bus or branch).
 */
export function buildDistributionSystem(
  powerCase: PowerCase,
  flow: PowerFlowResult,
  options: Readonly<BuildDistributionSystemOptions> = {},
): DistributionSystem {
  const epsilon = options.epsilonMw ?? 1e-6;
  const balanceTolerance = options.balanceToleranceMw ?? 1e-6;
  const lossTolerance = options.lossToleranceMw ?? 1e-9;
  const busCount = powerCase.buses.length;
  const busIndex = new Map<number, number>();
  powerCase.buses.forEach((b, i) => busIndex.set(b.id, i));
  const indexOf = (id: number): number => {
    const i = busIndex.get(id);
    if (i === undefined)
      throw new CarbonTraceError('INVALID_ARGUMENT', `power flow names unknown bus ${id}`, { bus: id });
    return i;
  };

  // A1–A2: loads and units per bus.
  const loadMw = new Float64Array(busCount);
  const generationMw = new Float64Array(busCount);
  const units: { genIndex: number; source: 'gen' | 'negative-load'; bus: number; pMw: number }[] = [];
  powerCase.buses.forEach((bus, i) => {
    const result = item(flow.buses, i);
    if (result.isolated) return;
    const v2 = result.ePu * result.ePu + result.fPu * result.fPu;
    loadMw[i] = bus.pdMw + bus.gsMw * v2;
  });
  for (const gen of flow.generators) {
    if (!gen.inService || gen.pMw === 0) continue;
    const i = indexOf(gen.busId);
    if (gen.pMw < 0) loadMw[i] = at(loadMw, i) - gen.pMw;
    else units.push({ genIndex: gen.row, source: 'gen', bus: i, pMw: gen.pMw });
  }
  for (let i = 0; i < busCount; i += 1) {
    const load = at(loadMw, i);
    if (load < 0) {
      units.push({ genIndex: i, source: 'negative-load', bus: i, pMw: -load });
      loadMw[i] = 0;
    }
  }
  for (const u of units) generationMw[u.bus] = at(generationMw, u.bus) + u.pMw;

  // A3: branches.
  const kept: KeptBranch[] = [];
  const droppedEnds = new Int32Array(busCount);
  for (const br of flow.branches) {
    if (!br.inService) continue;
    const fromBus = indexOf(br.fromBusId);
    const toBus = indexOf(br.toBusId);
    let pFromMw = br.pFromMw;
    let pToMw = br.pToMw;
    const sendingMw = Math.max(pFromMw, 0) + Math.max(pToMw, 0);
    if (sendingMw < epsilon) {
      droppedEnds[fromBus] = at(droppedEnds, fromBus) + 1;
      droppedEnds[toBus] = at(droppedEnds, toBus) + 1;
      continue;
    }
    let lossMw = pFromMw + pToMw;
    if (lossMw < 0) {
      if (lossMw < -lossTolerance) {
        throw new CarbonTraceError(
          'CONSERVATION_VIOLATED',
          `branch ${br.fromBusId}-${br.toBusId} (mpc.branch row ${br.row + 1}) has a negative loss of ${lossMw} MW`,
          { check: 'A3', branchRow: br.row + 1, value: lossMw },
        );
      }
      // Lossless within rounding: the receiving end gets exactly what is sent.
      if (pFromMw < 0) pFromMw = -sendingMw;
      else pToMw = -sendingMw;
      lossMw = 0;
    }
    const receivingMw = Math.max(-pFromMw, 0) + Math.max(-pToMw, 0);
    kept.push({ row: br.row, fromBus, toBus, pFromMw, pToMw, sendingMw, receivingMw, lossMw });
  }

  // A4: through-flows from inflows, checked against outflows.
  const inflowMw = Float64Array.from(generationMw);
  const outflowMw = Float64Array.from(loadMw);
  for (const k of kept) {
    for (const [bus, pe] of [
      [k.fromBus, k.pFromMw],
      [k.toBus, k.pToMw],
    ] as const) {
      if (pe > 0) outflowMw[bus] = at(outflowMw, bus) + pe;
      else inflowMw[bus] = at(inflowMw, bus) - pe;
    }
  }
  for (let i = 0; i < busCount; i += 1) {
    const pin = at(inflowMw, i);
    const pout = at(outflowMw, i);
    const tolerance = balanceTolerance + 1e-9 * Math.max(pin, pout) + epsilon * at(droppedEnds, i);
    if (Math.abs(pin - pout) > tolerance) {
      const id = item(powerCase.buses, i).id;
      throw new CarbonTraceError(
        'CONSERVATION_VIOLATED',
        `bus ${id}: inflow ${pin} MW and outflow ${pout} MW differ by ${pin - pout} MW (power flow not converged?)`,
        { check: 'A4', bus: id, value: pin - pout },
      );
    }
    // Close the bus balance exactly, so that every column of A plus its load ratio sums to one and
    // B9 / C-ii hold to rounding rather than to the solver tolerance: a loaded bus takes the
    // (just bounded) mismatch into its load, an unloaded bus takes its outflow as through-flow.
    if (at(loadMw, i) > 0) loadMw[i] = at(loadMw, i) + (pin - pout);
    else inflowMw[i] = pout;
  }

  // Node numbering: real buses with flow, then one virtual node per kept branch.
  const node = new Int32Array(busCount).fill(-1);
  const busIds: number[] = [];
  for (let i = 0; i < busCount; i += 1) {
    if (at(inflowMw, i) > 0) {
      node[i] = busIds.length;
      busIds.push(item(powerCase.buses, i).id);
    }
  }
  const n = busIds.length;
  const m = kept.length;
  const size = n + m;
  const throughFlowMw = new Float64Array(size);
  const nodeLoadMw = new Float64Array(size);
  const lossMw = new Float64Array(size);
  const receivingMw = new Float64Array(size);
  for (let i = 0; i < busCount; i += 1) {
    const x = at(node, i);
    if (x < 0) continue;
    throughFlowMw[x] = at(inflowMw, i);
    nodeLoadMw[x] = at(loadMw, i);
  }
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  const branchEnds = kept.map((k, index) => {
    const v = n + index;
    throughFlowMw[v] = k.sendingMw;
    lossMw[v] = k.lossMw;
    receivingMw[v] = k.receivingMw;
    const from = at(node, k.fromBus);
    const to = at(node, k.toBus);
    for (const [x, pe] of [
      [from, k.pFromMw],
      [to, k.pToMw],
    ] as const) {
      if (pe > 0) {
        rows.push(v);
        cols.push(x);
        values.push(-pe / at(throughFlowMw, x));
      } else if (pe < 0) {
        rows.push(x);
        cols.push(v);
        values.push(pe / k.sendingMw);
      }
    }
    return { from, to, fromSends: k.pFromMw > 0, toSends: k.pToMw > 0 };
  });
  const offDiagonal = {
    rows: Int32Array.from(rows),
    cols: Int32Array.from(cols),
    values: Float64Array.from(values),
  };
  const generators: TracedGenerator[] = units.map((u) => ({
    genIndex: u.genIndex,
    source: u.source,
    busId: item(powerCase.buses, u.bus).id,
    node: at(node, u.bus),
    pMw: u.pMw,
  }));
  return {
    busCount: n,
    branchCount: m,
    size,
    busIds,
    branchRows: kept.map((k) => k.row),
    branchEnds,
    throughFlowMw,
    loadMw: nodeLoadMw,
    lossMw,
    receivingMw,
    offDiagonal,
    generators,
    topologicalOrder: flowGraphTopologicalOrder(size, offDiagonal),
  };
}
