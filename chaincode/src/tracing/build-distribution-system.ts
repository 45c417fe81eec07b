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
 *
 * With a {@link TracingWorkspace} the bus numbering and the {@link ExtendedNetworkPattern} (node
 * numbering, A's pattern, topological order, row layout) of the previous call are reused when the
 * same buses and branches carry flow in the same directions; only the O(n + m) values are new.
 */
import { CarbonTraceError } from '../common/errors';
import type { PowerCase } from '../grid/power-case';
import type { PowerFlowResult } from '../powerflow/power-flow-result';
import { rememberOrderedRows } from './distribution-matrix';
import type { DistributionSystem, TracedGenerator } from './distribution-system';
import { END_SIGN, type ExtendedNetworkKey, ExtendedNetworkPattern } from './extended-network-pattern';
import { fillOrderedRows } from './ordered-rows';
import type { TracingWorkspace } from './tracing-workspace';

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
  /**
   * Per-feeder cache of the bus numbering and the extended network's pattern (see
   * {@link TracingWorkspace}); the system built is the same with or without it.
   * @default none: everything is built afresh
   */
  readonly workspace?: TracingWorkspace;
}

/** The kept branches (A3) as parallel arrays, index k for virtual node n+k. */
interface KeptBranches {
  readonly count: number;
  readonly row: Int32Array;
  readonly fromBus: Int32Array;
  readonly toBus: Int32Array;
  /** End injections after the zero-loss rounding, MW. */
  readonly pFromMw: Float64Array;
  readonly pToMw: Float64Array;
  readonly sendingMw: Float64Array;
  readonly receivingMw: Float64Array;
  readonly lossMw: Float64Array;
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
  const workspace = options.workspace;
  const buses = powerCase.buses;
  const busCount = buses.length;
  if (flow.buses.length < busCount) {
    throw new CarbonTraceError('INVALID_ARGUMENT', 'the power flow does not have the buses of the case', {
      caseBuses: busCount,
      flowBuses: flow.buses.length,
    });
  }
  const busIndex = workspace?.busIndex(buses) ?? busIndexOf(buses);
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
  for (let i = 0; i < busCount; i += 1) {
    const result = flow.buses[i];
    const bus = buses[i];
    if (result === undefined || bus === undefined || result.isolated) continue;
    const v2 = result.ePu * result.ePu + result.fPu * result.fPu;
    loadMw[i] = bus.pdMw + bus.gsMw * v2;
  }
  for (const gen of flow.generators) {
    if (!gen.inService || gen.pMw === 0) continue;
    const i = indexOf(gen.busId);
    if (gen.pMw < 0) loadMw[i] = (loadMw[i] as number) - gen.pMw;
    else units.push({ genIndex: gen.row, source: 'gen', bus: i, pMw: gen.pMw });
  }
  for (let i = 0; i < busCount; i += 1) {
    const load = loadMw[i] as number;
    if (load < 0) {
      units.push({ genIndex: i, source: 'negative-load', bus: i, pMw: -load });
      loadMw[i] = 0;
    }
  }
  for (const u of units) generationMw[u.bus] = (generationMw[u.bus] as number) + u.pMw;

  // A3: branches.
  const droppedEnds = new Int32Array(busCount);
  const kept = keepBranches(flow, indexOf, droppedEnds, epsilon, lossTolerance);

  // A4: through-flows from inflows, checked against outflows.
  const inflowMw = Float64Array.from(generationMw);
  const outflowMw = Float64Array.from(loadMw);
  for (let b = 0; b < kept.count; b += 1) {
    const from = kept.fromBus[b] as number;
    const pFrom = kept.pFromMw[b] as number;
    if (pFrom > 0) outflowMw[from] = (outflowMw[from] as number) + pFrom;
    else inflowMw[from] = (inflowMw[from] as number) - pFrom;
    const to = kept.toBus[b] as number;
    const pTo = kept.pToMw[b] as number;
    if (pTo > 0) outflowMw[to] = (outflowMw[to] as number) + pTo;
    else inflowMw[to] = (inflowMw[to] as number) - pTo;
  }
  for (let i = 0; i < busCount; i += 1) {
    const pin = inflowMw[i] as number;
    const pout = outflowMw[i] as number;
    const tolerance = balanceTolerance + 1e-9 * Math.max(pin, pout) + epsilon * (droppedEnds[i] as number);
    if (Math.abs(pin - pout) > tolerance) {
      const id = buses[i]?.id ?? i;
      throw new CarbonTraceError(
        'CONSERVATION_VIOLATED',
        `bus ${id}: inflow ${pin} MW and outflow ${pout} MW differ by ${pin - pout} MW (power flow not converged?)`,
        { check: 'A4', bus: id, value: pin - pout },
      );
    }
    // Close the bus balance exactly, so that every column of A plus its load ratio sums to one and
    // B9 / C-ii hold to rounding rather than to the solver tolerance: a loaded bus takes the
    // (just bounded) mismatch into its load, an unloaded bus takes its outflow as through-flow.
    if ((loadMw[i] as number) > 0) loadMw[i] = (loadMw[i] as number) + (pin - pout);
    else inflowMw[i] = pout;
  }

  // Node numbering (real buses with flow, then one virtual node per kept branch) and the pattern.
  const nodeOfBus = new Int32Array(busCount).fill(-1);
  let n = 0;
  for (let i = 0; i < busCount; i += 1) {
    if ((inflowMw[i] as number) > 0) {
      nodeOfBus[i] = n;
      n += 1;
    }
  }
  const m = kept.count;
  const busIdOfNode = new Float64Array(n);
  for (let i = 0; i < busCount; i += 1) {
    const x = nodeOfBus[i] as number;
    if (x >= 0) busIdOfNode[x] = buses[i]?.id ?? i;
  }
  const key = patternKey(kept, nodeOfBus, busIdOfNode);
  const pattern = workspace?.pattern(key) ?? new ExtendedNetworkPattern(key);

  const size = n + m;
  const throughFlowMw = new Float64Array(size);
  const nodeLoadMw = new Float64Array(size);
  const lossMw = new Float64Array(size);
  const receivingMw = new Float64Array(size);
  for (let i = 0; i < busCount; i += 1) {
    const x = nodeOfBus[i] as number;
    if (x < 0) continue;
    throughFlowMw[x] = inflowMw[i] as number;
    nodeLoadMw[x] = loadMw[i] as number;
  }
  for (let b = 0; b < m; b += 1) {
    const v = n + b;
    throughFlowMw[v] = kept.sendingMw[b] as number;
    lossMw[v] = kept.lossMw[b] as number;
    receivingMw[v] = kept.receivingMw[b] as number;
  }
  // B3 values, in the pattern's entry order (per branch: the from end, then the to end).
  const values = new Float64Array(pattern.rows.length);
  let p = 0;
  for (let b = 0; b < m; b += 1) {
    const sending = kept.sendingMw[b] as number;
    const pFrom = kept.pFromMw[b] as number;
    if (pFrom !== 0) {
      values[p] = pFrom > 0 ? -pFrom / (throughFlowMw[key.fromNode[b] as number] as number) : pFrom / sending;
      p += 1;
    }
    const pTo = kept.pToMw[b] as number;
    if (pTo !== 0) {
      values[p] = pTo > 0 ? -pTo / (throughFlowMw[key.toNode[b] as number] as number) : pTo / sending;
      p += 1;
    }
  }
  const generators: TracedGenerator[] = units.map((u) => ({
    genIndex: u.genIndex,
    source: u.source,
    busId: buses[u.bus]?.id ?? u.bus,
    node: nodeOfBus[u.bus] as number,
    pMw: u.pMw,
  }));
  const system: DistributionSystem = {
    busCount: n,
    branchCount: m,
    size,
    busIds: pattern.busIds,
    branchRows: pattern.branchRows,
    branchEnds: pattern.branchEnds,
    throughFlowMw,
    loadMw: nodeLoadMw,
    lossMw,
    receivingMw,
    offDiagonal: { rows: pattern.rows, cols: pattern.cols, values },
    generators,
    topologicalOrder: pattern.topologicalOrder,
  };
  if (workspace !== undefined) {
    const layout = pattern.orderedLayout();
    if (layout !== undefined) rememberOrderedRows(system, fillOrderedRows(layout, values));
  }
  return system;
}

/** Bus id → 0-based `mpc.bus` row. */
function busIndexOf(buses: PowerCase['buses']): Map<number, number> {
  const index = new Map<number, number>();
  for (let i = 0; i < buses.length; i += 1) index.set((buses[i] as (typeof buses)[number]).id, i);
  return index;
}

/** A3 over every in-service branch; counts the ends of dropped branches per bus into `droppedEnds`. */
function keepBranches(
  flow: PowerFlowResult,
  indexOf: (id: number) => number,
  droppedEnds: Int32Array,
  epsilon: number,
  lossTolerance: number,
): KeptBranches {
  const total = flow.branches.length;
  const row = new Int32Array(total);
  const fromBus = new Int32Array(total);
  const toBus = new Int32Array(total);
  const pFromMw = new Float64Array(total);
  const pToMw = new Float64Array(total);
  const sendingMw = new Float64Array(total);
  const receivingMw = new Float64Array(total);
  const lossMw = new Float64Array(total);
  let count = 0;
  for (const br of flow.branches) {
    if (!br.inService) continue;
    const from = indexOf(br.fromBusId);
    const to = indexOf(br.toBusId);
    let pFrom = br.pFromMw;
    let pTo = br.pToMw;
    const sending = Math.max(pFrom, 0) + Math.max(pTo, 0);
    if (sending < epsilon) {
      droppedEnds[from] = (droppedEnds[from] as number) + 1;
      droppedEnds[to] = (droppedEnds[to] as number) + 1;
      continue;
    }
    let loss = pFrom + pTo;
    if (loss < 0) {
      if (loss < -lossTolerance) {
        throw new CarbonTraceError(
          'CONSERVATION_VIOLATED',
          `branch ${br.fromBusId}-${br.toBusId} (mpc.branch row ${br.row + 1}) has a negative loss of ${loss} MW`,
          { check: 'A3', branchRow: br.row + 1, value: loss },
        );
      }
      // Lossless within rounding: the receiving end gets exactly what is sent.
      if (pFrom < 0) pFrom = -sending;
      else pTo = -sending;
      loss = 0;
    }
    row[count] = br.row;
    fromBus[count] = from;
    toBus[count] = to;
    pFromMw[count] = pFrom;
    pToMw[count] = pTo;
    sendingMw[count] = sending;
    receivingMw[count] = Math.max(-pFrom, 0) + Math.max(-pTo, 0);
    lossMw[count] = loss;
    count += 1;
  }
  return { count, row, fromBus, toBus, pFromMw, pToMw, sendingMw, receivingMw, lossMw };
}

/** The pattern key of the kept branches under a node numbering. */
function patternKey(
  kept: KeptBranches,
  nodeOfBus: Int32Array,
  busIdOfNode: Float64Array,
): ExtendedNetworkKey {
  const m = kept.count;
  const fromNode = new Int32Array(m);
  const toNode = new Int32Array(m);
  const endSigns = new Uint8Array(m);
  for (let b = 0; b < m; b += 1) {
    fromNode[b] = nodeOfBus[kept.fromBus[b] as number] as number;
    toNode[b] = nodeOfBus[kept.toBus[b] as number] as number;
    const pFrom = kept.pFromMw[b] as number;
    const pTo = kept.pToMw[b] as number;
    endSigns[b] =
      (pFrom > 0 ? END_SIGN.fromSends : pFrom < 0 ? END_SIGN.fromReceives : 0) |
      (pTo > 0 ? END_SIGN.toSends : pTo < 0 ? END_SIGN.toReceives : 0);
  }
  return { nodeOfBus, busIdOfNode, branchRow: kept.row.slice(0, m), fromNode, toNode, endSigns };
}
