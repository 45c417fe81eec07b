import { readFileSync } from 'fs';
import { join } from 'path';
import { parseMatpowerCase } from '../grid/matpower-importer';
import type { PowerCase } from '../grid/power-case';
import { generateRadialFeeder } from '../grid/synthetic-feeder';
import { PowerFlowWorkspace } from './power-flow-workspace';
import { solvePowerFlow } from './solve-power-flow';

/** Fixtures: the shared reference cases; expected values from reference-results.json and MATH.md §H.2. */
const casesDir = join(__dirname, '..', 'grid', 'test-cases');
const loadCase = (name: string): PowerCase =>
  parseMatpowerCase(readFileSync(join(casesDir, name), 'utf8'), name);
interface Reference {
  totalLossMw: number;
  totalLossMvar: number;
  vmPu: Record<string, number>;
  vaDeg: Record<string, number>;
  vminBus: number;
  vminPu: number;
}
const references = JSON.parse(readFileSync(join(casesDir, 'reference-results.json'), 'utf8')) as Record<
  string,
  Reference
>;

describe('case33bw (reference-results.json)', () => {
  const c33 = loadCase('case33bw.m');
  const ref = references['case33bw']!;

  it.each(['nr', 'bfs'] as const)(
    '%s matches the full voltage vector within 1e-5 pu, losses and Vmin',
    (method) => {
      const r = solvePowerFlow(c33, { method });
      expect(r.converged).toBe(true);
      for (const bus of r.buses) {
        expect(Math.abs(bus.vmPu - ref.vmPu[String(bus.id)]!)).toBeLessThan(1e-5);
        expect(Math.abs(bus.vaDeg - ref.vaDeg[String(bus.id)]!)).toBeLessThan(1e-4);
      }
      expect(r.totalLossMw * 1000).toBeCloseTo(202.68, 2);
      expect(r.totalLossMvar * 1000).toBeCloseTo(135.14, 2);
      const vmin = r.buses.reduce((a, b) => (b.vmPu < a.vmPu ? b : a));
      expect(vmin.id).toBe(18);
      expect(vmin.vmPu).toBeCloseTo(0.91309, 5);
      // Slack output = load + losses.
      const load = c33.buses.reduce((s, b) => s + b.pdMw, 0);
      expect(r.generators[0]!.pMw).toBeCloseTo(load + r.totalLossMw, 7);
    },
  );

  it('NR and the sweep agree to 1e-9 pu', () => {
    const nr = solvePowerFlow(c33, { method: 'nr' });
    const bfs = solvePowerFlow(c33, { method: 'bfs' });
    nr.buses.forEach((b, i) => {
      expect(Math.abs(b.ePu - bfs.buses[i]!.ePu)).toBeLessThan(1e-9);
      expect(Math.abs(b.fPu - bfs.buses[i]!.fPu)).toBeLessThan(1e-9);
    });
  });
});

describe('case14 (reference-results.json)', () => {
  const c14 = loadCase('case14.m');
  const ref = references['case14']!;

  it('NR: losses 13.393 MW and the voltage vector', () => {
    const r = solvePowerFlow(c14);
    expect(r.totalLossMw).toBeCloseTo(13.393, 3);
    expect(Math.abs(r.totalLossMw - ref.totalLossMw)).toBeLessThan(1e-6);
    expect(Math.abs(r.totalLossMvar - ref.totalLossMvar)).toBeLessThan(1e-6);
    for (const bus of r.buses) {
      expect(Math.abs(bus.vmPu - ref.vmPu[String(bus.id)]!)).toBeLessThan(1e-6);
      expect(Math.abs(bus.vaDeg - ref.vaDeg[String(bus.id)]!)).toBeLessThan(1e-5);
    }
  });

  it('the sweep refuses a meshed network with PV buses, saying why', () => {
    expect(() => solvePowerFlow(c14, { method: 'bfs' })).toThrow(/PV bus/);
    const noPv: PowerCase = { ...c14, buses: c14.buses.map((b) => (b.type === 2 ? { ...b, type: 1 } : b)) };
    expect(() => solvePowerFlow(noPv, { method: 'bfs' })).toThrow(/not radial: branch .* closes a loop/);
  });
});

describe('case4_carbon (MATH.md §H.2)', () => {
  const c4 = loadCase('case4_carbon.m');
  const r = solvePowerFlow(c4);

  it('reproduces the bus table', () => {
    const expected = [
      [1.05, 0, 408.82541, 183.565943],
      [1.045, -0.595123, 114, 59.226513],
      [0.984159, -4.288817, -200, -80],
      [0.946298, -6.701916, -300, -120],
    ];
    r.buses.forEach((bus, i) => {
      const [vm, va, p, q] = expected[i]!;
      expect(bus.vmPu).toBeCloseTo(vm!, 6);
      expect(bus.vaDeg).toBeCloseTo(va!, 6);
      expect(bus.pInjectionMw).toBeCloseTo(p!, 5);
      expect(bus.qInjectionMvar).toBeCloseTo(q!, 5);
    });
    expect(r.generators[0]!.pMw).toBeCloseTo(408.82541, 5);
    expect(r.generators[1]!.qMvar).toBeCloseTo(59.226513, 5);
  });

  it('reproduces the branch table and the total loss 22.825410 MW', () => {
    const expected = [
      [20.04914, -19.977464, 0.071676],
      [153.959271, -148.898956, 5.060314],
      [234.817, -222.652406, 12.164594],
      [133.977464, -129.990978, 3.986485],
      [78.889935, -77.347594, 1.542341],
    ];
    r.branches.forEach((br, k) => {
      const [pf, pt, loss] = expected[k]!;
      expect(br.pFromMw).toBeCloseTo(pf!, 5);
      expect(br.pToMw).toBeCloseTo(pt!, 5);
      expect(br.lossMw).toBeCloseTo(loss!, 5);
    });
    expect(r.totalLossMw).toBeCloseTo(22.82541, 5);
    expect(r.maxMismatchPu).toBeLessThan(1e-10);
  });
});

describe('network problems', () => {
  const c4 = loadCase('case4_carbon.m');

  it('names the buses of an island without a slack', () => {
    const cut: PowerCase = {
      ...c4,
      branches: c4.branches.map((b) =>
        b.toBusId === 4 || b.fromBusId === 4 ? { ...b, inService: false } : b,
      ),
    };
    expect(() => solvePowerFlow(cut)).toThrow(
      expect.objectContaining({ code: 'ISLANDED_NETWORK', busIds: [4] }),
    );
  });

  it('solves two islands that each have a slack', () => {
    const twin: PowerCase = {
      ...c4,
      buses: [...c4.buses, ...c4.buses.map((b) => ({ ...b, id: b.id + 10 }))],
      generators: [
        ...c4.generators,
        ...c4.generators.map((g) => ({ ...g, row: g.row + 2, busId: g.busId + 10 })),
      ],
      branches: [
        ...c4.branches,
        ...c4.branches.map((b) => ({
          ...b,
          row: b.row + 5,
          fromBusId: b.fromBusId + 10,
          toBusId: b.toBusId + 10,
        })),
      ],
    };
    const r = solvePowerFlow(twin);
    expect(r.totalLossMw).toBeCloseTo(2 * 22.82541, 5);
    expect(r.buses[7]!.vmPu).toBeCloseTo(0.946298, 6);
  });

  it('reports divergence with iterations and mismatch', () => {
    const heavy: PowerCase = { ...c4, buses: c4.buses.map((b) => ({ ...b, pdMw: b.pdMw * 30 })) };
    expect(() => solvePowerFlow(heavy, { maxIterations: 15 })).toThrow(
      expect.objectContaining({
        code: 'POWER_FLOW_DIVERGED',
        iterations: expect.any(Number),
        maxMismatchPu: expect.any(Number),
      }),
    );
  });

  it('handles taps and phase shifters consistently in NR and the sweep', () => {
    // A radial chain through an off-nominal, phase-shifting transformer (one oriented each way).
    const base = loadCase('case33bw.m');
    const shifted: PowerCase = {
      ...base,
      branches: base.branches.map((b) =>
        b.row === 5
          ? { ...b, tapRatio: 0.97, shiftDeg: 2 }
          : b.row === 20
            ? { ...b, fromBusId: b.toBusId, toBusId: b.fromBusId, tapRatio: 1.03, shiftDeg: -1.5, bPu: 0.002 }
            : b,
      ),
    };
    const nr = solvePowerFlow(shifted, { method: 'nr' });
    const bfs = solvePowerFlow(shifted, { method: 'bfs' });
    nr.buses.forEach((b, i) => {
      expect(Math.abs(b.vmPu - bfs.buses[i]!.vmPu)).toBeLessThan(1e-9);
    });
    // Bus balance at every bus: injection = sum of branch end injections (MATPOWER sign convention).
    const balance = new Map<number, number>();
    for (const br of nr.branches) {
      balance.set(br.fromBusId, (balance.get(br.fromBusId) ?? 0) + br.pFromMw);
      balance.set(br.toBusId, (balance.get(br.toBusId) ?? 0) + br.pToMw);
    }
    for (const bus of nr.buses) expect(bus.pInjectionMw).toBeCloseTo(balance.get(bus.id) ?? 0, 9);
  });

  it('NR and the sweep agree on random radial feeders', () => {
    for (const seed of ['a', 'b', 'c']) {
      const { powerCase } = generateRadialFeeder({ busCount: 300, dgCount: 12, seed });
      const nr = solvePowerFlow(powerCase, { method: 'nr' });
      const bfs = solvePowerFlow(powerCase, { method: 'bfs' });
      nr.buses.forEach((b, i) => {
        expect(Math.abs(b.ePu - bfs.buses[i]!.ePu)).toBeLessThan(1e-9);
        expect(Math.abs(b.fPu - bfs.buses[i]!.fPu)).toBeLessThan(1e-9);
      });
      expect(nr.totalLossMw).toBeGreaterThan(0);
    }
  });
});

describe('PowerFlowWorkspace (ordering and symbolic LU kept per topology)', () => {
  it('gives bit-identical answers with and without a workspace, refactoring only after the first solve', () => {
    const feeder = generateRadialFeeder({ busCount: 400, dgCount: 8, seed: 'workspace' }).powerCase;
    const workspace = new PowerFlowWorkspace();
    const fresh = solvePowerFlow(feeder, { tolerancePu: 1e-10 });
    const first = solvePowerFlow(feeder, { tolerancePu: 1e-10, workspace });
    const topology = workspace.cached;
    // A second slot: the same topology with 10 % more load everywhere.
    const busier = { ...feeder, buses: feeder.buses.map((b) => ({ ...b, pdMw: b.pdMw * 1.1 })) };
    const second = solvePowerFlow(busier, { tolerancePu: 1e-10, workspace });
    expect(workspace.cached).toBe(topology);
    expect(topology?.counts.factorizations).toBe(0);
    expect(topology?.counts.refactorizations).toBe(first.iterations + second.iterations);
    expect(first.buses.map((b) => [b.ePu, b.fPu])).toEqual(fresh.buses.map((b) => [b.ePu, b.fPu]));
    const busierFresh = solvePowerFlow(busier, { tolerancePu: 1e-10 });
    expect(second.buses.map((b) => [b.ePu, b.fPu])).toEqual(busierFresh.buses.map((b) => [b.ePu, b.fPu]));
    expect(second.totalLossMw).toBeGreaterThan(first.totalLossMw);
  });

  it('replaces the cached topology when a branch is switched out', () => {
    const c14 = loadCase('case14.m');
    const workspace = new PowerFlowWorkspace();
    solvePowerFlow(c14, { workspace });
    const before = workspace.cached;
    const opened = {
      ...c14,
      branches: c14.branches.map((b, i) => (i === 3 ? { ...b, inService: false } : b)),
    };
    const r = solvePowerFlow(opened, { workspace });
    expect(workspace.cached).not.toBe(before);
    expect(r.totalLossMw).toBeCloseTo(solvePowerFlow(opened).totalLossMw, 12);
  });
});

describe('block LU path vs the scalar LU path it replaced', () => {
  /**
   * A 2,000-bus feeder, radial or meshed by ties between buses 1 + 97t and 1 + (53t + 1000) mod
   * 2000 (impedance 3× branch t). Expected values: the same solves at 1e-10 pu with the scalar
   * minimum-degree LU path (commit b394967, before the 2×2 block LU), printed to full precision.
   */
  function regressionFeeder(ties: number): PowerCase {
    const n = 2000;
    const c = generateRadialFeeder({ busCount: n, dgCount: n / 100, seed: 'pf-regression' }).powerCase;
    const branches = [...c.branches];
    for (let t = 0; t < ties; t += 1) {
      const model = c.branches[t]!;
      branches.push({
        ...model,
        row: branches.length,
        fromBusId: 1 + ((97 * t) % n),
        toBusId: 1 + ((53 * t + n / 2) % n),
        rPu: 3 * model.rPu,
        xPu: 3 * model.xPu,
      });
    }
    return { ...c, branches };
  }
  const scalarPath = {
    0: { lossMw: 0.06445575152952235, sumE: 1995.0226703210699, sumF: -1.0106608837098987, iterations: 3 },
    20: { lossMw: 0.04906503669495127, sumE: 1996.216169559385, sumF: -0.7769153901910849, iterations: 3 },
  } as const;

  it.each([0, 20] as const)('%i ties: losses, Σe, Σf and iterations agree to 1e-10', (ties) => {
    const r = solvePowerFlow(regressionFeeder(ties), { tolerancePu: 1e-10 });
    const expected = scalarPath[ties];
    expect(r.iterations).toBe(expected.iterations);
    expect(Math.abs(r.totalLossMw - expected.lossMw)).toBeLessThan(1e-10);
    expect(Math.abs(r.buses.reduce((s, b) => s + b.ePu, 0) - expected.sumE)).toBeLessThan(1e-10);
    expect(Math.abs(r.buses.reduce((s, b) => s + b.fPu, 0) - expected.sumF)).toBeLessThan(1e-10);
    // Power balance: slack output = load − DG output + losses.
    const load = r.buses.reduce((s, b) => s - Math.min(b.pInjectionMw, 0), 0);
    const injected = r.buses.reduce((s, b) => s + b.pInjectionMw, 0);
    expect(injected).toBeCloseTo(r.totalLossMw, 9);
    expect(load).toBeGreaterThan(0);
  });

  it('a day of slots with one workspace: network, Ybus and LU reused, answers bit-identical to fresh solves', () => {
    const base = regressionFeeder(20);
    const workspace = new PowerFlowWorkspace();
    let topology: PowerFlowWorkspace['cached'];
    for (const factor of [0.6, 0.8, 1.0]) {
      const slot = { ...base, buses: base.buses.map((b) => ({ ...b, pdMw: b.pdMw * factor })) };
      const reused = solvePowerFlow(slot, { tolerancePu: 1e-10, workspace });
      const fresh = solvePowerFlow(slot, { tolerancePu: 1e-10 });
      expect(reused.buses.map((b) => [b.ePu, b.fPu])).toEqual(fresh.buses.map((b) => [b.ePu, b.fPu]));
      expect(reused.totalLossMw).toBe(fresh.totalLossMw);
      if (factor === 0.6) topology = workspace.cached;
      else expect(workspace.cached).toBe(topology);
    }
    // A shunt added at one bus changes Ybus but not its pattern: same LU state, new answer.
    const shunted = { ...base, buses: base.buses.map((b, i) => (i === 10 ? { ...b, bsMvar: 0.5 } : b)) };
    const r = solvePowerFlow(shunted, { tolerancePu: 1e-10, workspace });
    expect(workspace.cached).toBe(topology);
    expect(r.buses.map((b) => b.ePu)).toEqual(
      solvePowerFlow(shunted, { tolerancePu: 1e-10 }).buses.map((b) => b.ePu),
    );
  });
});
