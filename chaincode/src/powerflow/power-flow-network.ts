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
import { branchAdmittance, type BranchAdmittance } from './branch-admittance';
import { IslandedNetworkError } from './power-flow-errors';

/** Role of a bus in the solve. */
export const BusRole = { Isolated: 0, Pq: 1, Pv: 2, Slack: 3 } as const;
/** A value of {@link BusRole}. */
export type BusRole = (typeof BusRole)[keyof typeof BusRole];

/** Prepared solver input. */
export interface PowerFlowNetwork {
  readonly powerCase: PowerCase;
  readonly baseMva: number;
  /** Number of buses (all rows of `mpc.bus`, including isolated ones). */
  readonly busCount: number;
  /** Internal index of an external bus id. */
  readonly busIndex: ReadonlyMap<number, number>;
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
  /** In-service branches between non-isolated buses. */
  readonly branches: readonly BranchAdmittance[];
  /** In-service generator rows at each bus. */
  readonly generatorsAtBus: readonly (readonly number[])[];
}

/**
 * Prepares a case for the solvers.
 * @throws IslandedNetworkError for islands without a slack bus (naming their buses).
 * @throws InvalidCaseError for two slacks in one island, a slack without an in-service unit, or an
 * isolated (type 4) bus that is still connected, loaded or supplied.
 */
export function preparePowerFlowNetwork(powerCase: PowerCase): PowerFlowNetwork {
  const n = powerCase.buses.length;
  const base = powerCase.baseMva;
  const busIndex = new Map<number, number>();
  powerCase.buses.forEach((bus, i) => busIndex.set(bus.id, i));
  const indexOf = (id: number): number => {
    const i = busIndex.get(id);
    if (i === undefined) throw new InvalidCaseError(powerCase.file, 0, 'bus', String(id), 'unknown bus');
    return i;
  };
  const generatorsAtBus: number[][] = Array.from({ length: n }, () => []);
  for (const gen of powerCase.generators)
    if (gen.inService) item(generatorsAtBus, indexOf(gen.busId)).push(gen.row);

  const roles = new Uint8Array(n);
  const pSpecifiedPu = new Float64Array(n);
  const qSpecifiedPu = new Float64Array(n);
  const vmSetPu = new Float64Array(n);
  const slackEPu = new Float64Array(n);
  const slackFPu = new Float64Array(n);
  const shuntGPu = new Float64Array(n);
  const shuntBPu = new Float64Array(n);
  powerCase.buses.forEach((bus, i) => {
    const gens = item(generatorsAtBus, i).map((row) => item(powerCase.generators, row));
    const isolatedField = `mpc.bus row ${i + 1} (bus ${bus.id}, type 4)`;
    if (bus.type === 4) {
      if (bus.pdMw !== 0 || bus.qdMvar !== 0 || gens.length > 0) {
        throw new InvalidCaseError(
          powerCase.file,
          0,
          isolatedField,
          '',
          'isolated bus has load or an in-service unit',
        );
      }
      roles[i] = BusRole.Isolated;
      return;
    }
    let pGen = 0;
    let qGen = 0;
    for (const g of gens) {
      pGen += g.pgMw;
      qGen += g.qgMvar;
    }
    pSpecifiedPu[i] = (pGen - bus.pdMw) / base;
    qSpecifiedPu[i] = (qGen - bus.qdMvar) / base;
    shuntGPu[i] = bus.gsMw / base;
    shuntBPu[i] = bus.bsMvar / base;
    const firstGen = gens[0];
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
  });

  const branches: BranchAdmittance[] = [];
  for (const branch of powerCase.branches) {
    if (!branch.inService) continue;
    const from = indexOf(branch.fromBusId);
    const to = indexOf(branch.toBusId);
    if (roles[from] === BusRole.Isolated || roles[to] === BusRole.Isolated) {
      throw new InvalidCaseError(
        powerCase.file,
        0,
        `mpc.branch row ${branch.row + 1}`,
        `${branch.fromBusId}-${branch.toBusId}`,
        'in-service branch connects an isolated (type 4) bus',
      );
    }
    branches.push(branchAdmittance(branch, from, to));
  }
  checkIslands(powerCase, roles, branches);
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
    branches,
    generatorsAtBus,
  };
}

function checkIslands(powerCase: PowerCase, roles: Uint8Array, branches: readonly BranchAdmittance[]): void {
  const n = roles.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
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
  for (const b of branches) {
    const a = find(b.from);
    const c = find(b.to);
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
