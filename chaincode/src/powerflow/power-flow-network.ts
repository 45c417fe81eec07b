/**
 * The solver's view of a case: internal bus indices, resolved bus roles, specified injections and
 * voltage set-points (pu), in-service branch admittances, bus shunts — and the island check.
 *
 * Roles follow MATPOWER: a PV bus without an in-service generator is solved as PQ; generators at
 * PQ buses inject their scheduled P and Q (negative load); PV and slack buses hold the first
 * in-service unit's `Vg`. Every connected island must contain exactly one slack bus, otherwise an
 * {@link IslandedNetworkError} names its buses. Type-4 (isolated) buses take no part; one that
 * still has an in-service branch, load or unit is an error too, never dropped silently.
 */
import { InvalidCaseError } from '../grid/invalid-case-error';
import type { PowerCase } from '../grid/power-case';
import { item } from '../sparse/checked-access';
import { allocateBranchTable, type BranchTable, writeBranchAdmittance } from './branch-admittance';
import { BusIndex } from './bus-index';
import { IslandedNetworkError } from './power-flow-errors';

/** Role of a bus in the solve. */
export const BusRole = { Isolated: 0, Pq: 1, Pv: 2, Slack: 3 } as const;
/** A value of {@link BusRole}. */
export type BusRole = (typeof BusRole)[keyof typeof BusRole];

/** Prepared solver input (typed arrays throughout: no object per bus or branch). */
export interface PowerFlowNetwork {
  readonly powerCase: PowerCase;
  readonly baseMva: number;
  /** Number of buses (all rows of `mpc.bus`, including isolated ones). */
  readonly busCount: number;
  /** Internal index of an external bus id. */
  readonly busIndex: BusIndex;
  /** Role of each bus. */
  readonly roles: Uint8Array;
  /** Specified net active injection (generation − load), pu; for the slack it is the scheduled value. */
  readonly pSpecifiedPu: Float64Array;
  /** Specified net reactive injection, pu (used at PQ buses). */
  readonly qSpecifiedPu: Float64Array;
  /** Voltage magnitude set-point at PV and slack buses, initial magnitude elsewhere, pu. */
  readonly vmSetPu: Float64Array;
  /** Slack bus voltage, rectangular (e, f) pu; 0 at other buses. */
  readonly slackEPu: Float64Array;
  readonly slackFPu: Float64Array;
  /** Bus shunt admittance (Gs + jBs)/baseMVA, pu. */
  readonly shuntGPu: Float64Array;
  readonly shuntBPu: Float64Array;
  /** In-service branches between non-isolated buses, in `mpc.branch` order. */
  readonly branchTable: BranchTable;
  /**
   * In-service generator rows at each bus: bus i's rows are
   * `generatorRows[generatorPointers[i] .. generatorPointers[i+1])`, in `mpc.gen` order.
   */
  readonly generatorPointers: Int32Array;
  readonly generatorRows: Int32Array;
}

/**
 * The part of a prepared network that depends only on the bus ids and the branch rows (not on
 * loads, units or bus types): a {@link PowerFlowWorkspace} keeps it for the next case with the same
 * `branches` array and the same bus ids (the slots of a day).
 */
export interface NetworkTopology {
  readonly busIndex: BusIndex;
  readonly branchTable: BranchTable;
}

/**
 * Prepares a case for the solvers. With `topology` (the {@link NetworkTopology} of an earlier case
 * with the same `branches` array and bus ids, which the caller has checked), the bus index and the
 * branch admittances are taken from it instead of being recomputed; the checks still run.
 * @throws IslandedNetworkError for islands without a slack bus (naming their buses).
 * @throws InvalidCaseError for two slacks in one island, a slack without an in-service unit, or an
 * isolated (type 4) bus that is still connected, loaded or supplied.
 */
export function preparePowerFlowNetwork(powerCase: PowerCase, topology?: NetworkTopology): PowerFlowNetwork {
  const { buses, generators } = powerCase;
  const n = buses.length;
  const base = powerCase.baseMva;
  const busIndex = topology?.busIndex ?? BusIndex.of(buses);
  const indexOf = (id: number): number => {
    const i = busIndex.indexOf(id);
    if (i < 0) throw new InvalidCaseError(powerCase.file, 0, 'bus', String(id), 'unknown bus');
    return i;
  };
  // In-service units per bus, as CSR (counting pass, then placement in mpc.gen order).
  const generatorBus = new Int32Array(generators.length).fill(-1);
  const generatorPointers = new Int32Array(n + 1);
  for (let g = 0; g < generators.length; g += 1) {
    const gen = item(generators, g);
    if (!gen.inService) continue;
    const i = indexOf(gen.busId);
    generatorBus[g] = i;
    generatorPointers[i + 1] = (generatorPointers[i + 1] as number) + 1;
  }
  for (let i = 0; i < n; i += 1)
    generatorPointers[i + 1] = (generatorPointers[i + 1] as number) + (generatorPointers[i] as number);
  const generatorRows = new Int32Array(generatorPointers[n] as number);
  const nextGenerator = generatorPointers.slice(0, n);
  for (let g = 0; g < generators.length; g += 1) {
    const i = generatorBus[g] as number;
    if (i < 0) continue;
    const slot = nextGenerator[i] as number;
    nextGenerator[i] = slot + 1;
    generatorRows[slot] = item(generators, g).row;
  }

  const roles = new Uint8Array(n);
  const pSpecifiedPu = new Float64Array(n);
  const qSpecifiedPu = new Float64Array(n);
  const vmSetPu = new Float64Array(n);
  const slackEPu = new Float64Array(n);
  const slackFPu = new Float64Array(n);
  const shuntGPu = new Float64Array(n);
  const shuntBPu = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const bus = item(buses, i);
    const first = generatorPointers[i] as number;
    const last = generatorPointers[i + 1] as number;
    if (bus.type === 4) {
      if (bus.pdMw !== 0 || bus.qdMvar !== 0 || last > first) {
        throw new InvalidCaseError(
          powerCase.file,
          0,
          `mpc.bus row ${i + 1} (bus ${bus.id}, type 4)`,
          '',
          'isolated bus has load or an in-service unit',
        );
      }
      roles[i] = BusRole.Isolated;
      continue;
    }
    let pGen = 0;
    let qGen = 0;
    for (let p = first; p < last; p += 1) {
      const gen = item(generators, generatorRows[p] as number);
      pGen += gen.pgMw;
      qGen += gen.qgMvar;
    }
    pSpecifiedPu[i] = (pGen - bus.pdMw) / base;
    qSpecifiedPu[i] = (qGen - bus.qdMvar) / base;
    shuntGPu[i] = bus.gsMw / base;
    shuntBPu[i] = bus.bsMvar / base;
    const firstGen = last > first ? item(generators, generatorRows[first] as number) : undefined;
    if (bus.type === 3) {
      if (firstGen === undefined) {
        throw new InvalidCaseError(
          powerCase.file,
          0,
          `mpc.bus row ${i + 1} (bus ${bus.id})`,
          '',
          'slack bus has no in-service generator',
        );
      }
      roles[i] = BusRole.Slack;
      vmSetPu[i] = firstGen.vgPu;
      const vaRad = (bus.vaDeg * Math.PI) / 180;
      slackEPu[i] = bus.vaDeg === 0 ? firstGen.vgPu : firstGen.vgPu * Math.cos(vaRad);
      slackFPu[i] = bus.vaDeg === 0 ? 0 : firstGen.vgPu * Math.sin(vaRad);
    } else if (bus.type === 2 && firstGen !== undefined) {
      roles[i] = BusRole.Pv;
      vmSetPu[i] = firstGen.vgPu;
    } else {
      roles[i] = BusRole.Pq;
      vmSetPu[i] = bus.vmPu;
    }
  }

  const branchTable = topology?.branchTable ?? buildBranchTable(powerCase, indexOf);
  for (let k = 0; k < branchTable.count; k += 1) {
    if (
      roles[branchTable.from[k] as number] !== BusRole.Isolated &&
      roles[branchTable.to[k] as number] !== BusRole.Isolated
    )
      continue;
    const branch = item(powerCase.branches, branchTable.caseIndex[k] as number);
    throw new InvalidCaseError(
      powerCase.file,
      0,
      `mpc.branch row ${branch.row + 1}`,
      `${branch.fromBusId}-${branch.toBusId}`,
      'in-service branch connects an isolated (type 4) bus',
    );
  }
  checkIslands(powerCase, roles, branchTable);
  return {
    powerCase,
    baseMva: base,
    busCount: n,
    busIndex,
    roles,
    pSpecifiedPu,
    qSpecifiedPu,
    vmSetPu,
    slackEPu,
    slackFPu,
    shuntGPu,
    shuntBPu,
    branchTable,
    generatorPointers,
    generatorRows,
  };
}

/** The admittances of the in-service branches, in `mpc.branch` order. */
function buildBranchTable(powerCase: PowerCase, indexOf: (id: number) => number): BranchTable {
  let inService = 0;
  for (const branch of powerCase.branches) if (branch.inService) inService += 1;
  const table = allocateBranchTable(inService);
  let k = 0;
  powerCase.branches.forEach((branch, caseIndex) => {
    if (!branch.inService) return;
    writeBranchAdmittance(table, k, caseIndex, branch, indexOf(branch.fromBusId), indexOf(branch.toBusId));
    k += 1;
  });
  return table;
}

function checkIslands(powerCase: PowerCase, roles: Uint8Array, branches: BranchTable): void {
  const n = roles.length;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i += 1) parent[i] = i;
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] ?? r;
    let j = i;
    while (parent[j] !== r) {
      const next = parent[j] ?? r;
      parent[j] = r;
      j = next;
    }
    return r;
  };
  for (let k = 0; k < branches.count; k += 1) {
    const a = find(branches.from[k] as number);
    const c = find(branches.to[k] as number);
    if (a !== c) parent[Math.max(a, c)] = Math.min(a, c);
  }
  const slackOf = new Map<number, number>();
  const orphans: number[] = [];
  for (let i = 0; i < n; i += 1) {
    if (roles[i] !== BusRole.Slack) continue;
    const root = find(i);
    const other = slackOf.get(root);
    if (other !== undefined) {
      const a = item(powerCase.buses, other).id;
      const b = item(powerCase.buses, i).id;
      throw new InvalidCaseError(
        powerCase.file,
        0,
        'mpc.bus.type',
        `${a}, ${b}`,
        'two slack buses in one island',
      );
    }
    slackOf.set(root, i);
  }
  for (let i = 0; i < n; i += 1) {
    if (roles[i] !== BusRole.Isolated && !slackOf.has(find(i))) orphans.push(item(powerCase.buses, i).id);
  }
  if (orphans.length > 0) throw new IslandedNetworkError(orphans, 'no slack bus supplies the island(s) of');
}
