import { readFileSync } from 'fs';
import { join } from 'path';
import { SeededRandom } from '../common/prng';
import { parseMatpowerCase } from '../grid/matpower-importer';
import type { PowerCase } from '../grid/power-case';
import { generateRadialFeeder } from '../grid/synthetic-feeder';
import { solvePowerFlow } from '../powerflow/solve-power-flow';
import { buildDistributionSystem } from './build-distribution-system';
import type { DistributionSystem } from './distribution-system';
import {
  solveSharesByDenseInverse,
  solveSharesByForwardSubstitution,
  solveSharesBySparseLu,
  traceGeneratorShares,
} from './generator-shares';
import { qunReducedMatrix, qunRealBusShares } from './qun-reduced-matrix';
import { shareResidual } from './share-residual';
import { traceComponents } from './trace-components';

/** Expected numbers: MATH.md §H.3–H.4 (independent computation, 6 decimals ⇒ tolerance 6e-7). */
const casesDir = join(__dirname, '..', 'grid', 'test-cases');
const loadCase = (name: string): PowerCase =>
  parseMatpowerCase(readFileSync(join(casesDir, name), 'utf8'), name);
const SIX = 6e-7;

function systemOf(powerCase: PowerCase, method: 'nr' | 'bfs' = 'nr'): DistributionSystem {
  return buildDistributionSystem(powerCase, solvePowerFlow(powerCase, { method }));
}

function entry(system: DistributionSystem, x: number, y: number): number {
  const { rows, cols, values } = system.offDiagonal;
  for (let p = 0; p < values.length; p += 1) if (rows[p] === x && cols[p] === y) return values[p]!;
  return x === y ? 1 : 0;
}

/** Fast (or sparse, for cyclic graphs) and dense X agree to 1e-9 relative to each unit's output. */
function expectPathsAgree(system: DistributionSystem): void {
  const k = system.generators.length;
  const main = traceGeneratorShares(system).sharesMw;
  const dense = solveSharesByDenseInverse(system).sharesMw;
  for (let p = 0; p < main.length; p += 1) {
    const scale = system.generators[p % k]!.pMw;
    expect(Math.abs(main[p]! - dense[p]!)).toBeLessThanOrEqual(1e-9 * scale);
  }
}

describe('case4_carbon extended network (MATH.md §H.3)', () => {
  const system = systemOf(loadCase('case4_carbon.m'));
  const [v12, v13, v14, v23, v34] = [4, 5, 6, 7, 8];

  it('has N = 9 and the through-flow vector P', () => {
    expect([system.busCount, system.branchCount, system.size]).toEqual([4, 5, 9]);
    const expected = [
      408.82541, 133.977464, 278.889935, 300, 20.04914, 153.959271, 234.817, 133.977464, 78.889935,
    ];
    expected.forEach((p, x) => {
      expect(Math.abs(system.throughFlowMw[x]! - p)).toBeLessThan(SIX);
    });
    expect(system.busIds).toEqual([1, 2, 3, 4]);
    expect(system.branchRows).toEqual([0, 1, 2, 3, 4]);
  });

  it('has the non-zero entries of A', () => {
    const expected: [number, number, number][] = [
      [v12, 0, -0.049041],
      [v13, 0, -0.376589],
      [v14, 0, -0.57437],
      [v23, 1, -1],
      [v34, 2, -0.282871],
      [1, v12, -0.996425],
      [2, v13, -0.967132],
      [2, v23, -0.970245],
      [3, v14, -0.948195],
      [3, v34, -0.980449],
    ];
    expect(system.offDiagonal.values).toHaveLength(10);
    for (const [x, y, a] of expected) expect(Math.abs(entry(system, x, y) - a)).toBeLessThan(SIX);
  });

  it('dense B = A⁻¹ matches the published 9×9 matrix', () => {
    const B = [
      [1, 0, 0, 0, 0, 0, 0, 0, 0],
      [0.048866, 1, 0, 0, 0.996425, 0, 0, 0, 0],
      [0.411623, 0.970245, 1, 0, 0.966776, 0.967132, 0, 0.970245, 0],
      [0.658775, 0.269089, 0.277341, 1, 0.268127, 0.268225, 0.948195, 0.269089, 0.980449],
      [0.049041, 0, 0, 0, 1, 0, 0, 0, 0],
      [0.376589, 0, 0, 0, 0, 1, 0, 0, 0],
      [0.57437, 0, 0, 0, 0, 0, 1, 0, 0],
      [0.048866, 1, 0, 0, 0.996425, 0, 0, 1, 0],
      [0.116436, 0.274454, 0.282871, 0, 0.273473, 0.273574, 0, 0.274454, 1],
    ];
    const { inverse } = solveSharesByDenseInverse(system);
    // ‖B·P_G − P‖ ≈ 0 (H.3 reports 6e-14 MW).
    const pG = [408.82541, 114];
    inverse.forEach((row, x) => {
      const bp = system.generators.reduce(
        (sum, unit, g) => sum + row[unit.node]! * system.generators[g]!.pMw,
        0,
      );
      expect(Math.abs(bp - system.throughFlowMw[x]!)).toBeLessThan(1e-12 * 408.8);
    });
    expect(system.generators.map((g) => g.pMw)).toEqual([expect.closeTo(pG[0]!, 6), pG[1]]);
    B.forEach((row, x) => {
      row.forEach((b, y) => {
        expect(Math.abs(inverse[x]![y]! - b)).toBeLessThan(SIX);
      });
    });
  });

  it('is unit lower-triangular in topological order (1, v12, v13, v14, 2, v23, 3, v34, 4 is one such order)', () => {
    const order = Array.from(system.topologicalOrder!);
    const position = new Map(order.map((x, t) => [x, t]));
    const { rows, cols } = system.offDiagonal;
    for (let p = 0; p < rows.length; p += 1)
      expect(position.get(cols[p]!)!).toBeLessThan(position.get(rows[p]!)!);
  });
});

describe('case4_carbon components (MATH.md §H.4)', () => {
  const system = systemOf(loadCase('case4_carbon.m'));
  const X = solveSharesByForwardSubstitution(system);
  const c = traceComponents(system, X);
  const near = (actual: number, expected: number): void => {
    expect(Math.abs(actual - expected)).toBeLessThan(SIX);
  };

  it('X = B·G', () => {
    const expected = [
      [408.82541, 0],
      [19.977464, 114],
      [168.281993, 110.607942],
      [269.32389, 30.67611],
      [20.04914, 0],
      [153.959271, 0],
      [234.817, 0],
      [19.977464, 114],
      [47.602132, 31.287803],
    ];
    expected.forEach(([u1, u2], x) => {
      near(X[2 * x]!, u1!);
      near(X[2 * x + 1]!, u2!);
    });
  });

  it('load, loss and branch components', () => {
    near(c.loadMw[4]!, 120.679861);
    near(c.loadMw[5]!, 79.320139);
    near(c.loadMw[6]!, 269.32389);
    near(c.loadMw[7]!, 30.67611);
    const loss = [0.071676, 0, 5.060314, 0, 12.164594, 0, 0.594427, 3.392058, 0.930647, 0.611693];
    loss.forEach((v, p) => {
      near(c.lossMw[p]!, v);
    });
    const sending = [20.04914, 0, 153.959271, 0, 234.817, 0, 19.977464, 114, 47.602132, 31.287803];
    const receiving = [
      19.977464, 0, 148.898956, 0, 222.652406, 0, 19.383036, 110.607942, 46.671485, 30.67611,
    ];
    sending.forEach((v, p) => {
      near(c.sendingMw[p]!, v);
    });
    receiving.forEach((v, p) => {
      near(c.receivingMw[p]!, v);
    });
  });

  it('per-unit conservation (B9): load + loss = P_G exactly', () => {
    for (let g = 0; g < 2; g += 1) {
      let total = 0;
      for (let i = 0; i < 4; i += 1) total += c.loadMw[2 * i + g]!;
      for (let b = 0; b < 5; b += 1) total += c.lossMw[2 * b + g]!;
      expect(Math.abs(total - system.generators[g]!.pMw)).toBeLessThan(1e-9 * system.generators[g]!.pMw);
    }
  });

  it("Qun's n×n A_u (B10) has the published entries and gives the same real-bus rows", () => {
    const au = qunReducedMatrix(system);
    near(au.get(1, 0), -0.048866);
    near(au.get(2, 0), -0.364212);
    near(au.get(2, 1), -0.970245);
    near(au.get(3, 0), -0.544615);
    near(au.get(3, 2), -0.277341);
    expect(au.nonZeroCount).toBe(4 + 5);
    const xu = qunRealBusShares(system);
    for (let p = 0; p < xu.length; p += 1) expect(Math.abs(xu[p]! - X[p]!)).toBeLessThan(1e-9 * 408.8);
  });

  it('share residual: honest ≈ 0, tampered X[3,1]·1.001 ≈ 4.1e-4 (MATH.md §H.8)', () => {
    expect(shareResidual(system, X)).toBeLessThan(1e-14);
    const tampered = Float64Array.from(X);
    tampered[2 * 2] = tampered[2 * 2]! * 1.001;
    expect(shareResidual(system, tampered)).toBeCloseTo(4.1e-4, 5);
    expect(() => shareResidual(system, X.subarray(1))).toThrow(/N×K/);
  });
});

describe('fast and dense paths agree on every reference case', () => {
  it.each([
    ['case4_carbon.m', 'nr'],
    ['case14.m', 'nr'],
    ['case33bw.m', 'nr'],
    ['case33bw.m', 'bfs'],
  ] as const)('%s (%s)', (name, method) => {
    const system = systemOf(loadCase(name), method);
    expect(system.topologicalOrder).toBeDefined();
    expectPathsAgree(system);
    // The general sparse solve agrees as well.
    const sparse = solveSharesBySparseLu(system);
    const fast = solveSharesByForwardSubstitution(system);
    fast.forEach((v, p) => {
      expect(Math.abs(v - sparse[p]!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(v)));
    });
  });

  it('case14: lossless transformers keep P^r = P^s and every bus balances', () => {
    const c14 = loadCase('case14.m');
    const system = systemOf(c14);
    // Bus 8 (a synchronous condenser: no load, P = 0, only reactive flow on 7–8) carries no active power.
    expect(system.busIds).toEqual([1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14]);
    let loads = 0;
    let losses = 0;
    for (let x = 0; x < system.size; x += 1) {
      loads += system.loadMw[x]!;
      losses += system.lossMw[x]!;
    }
    const generation = system.generators.reduce((s, g) => s + g.pMw, 0);
    expect(loads).toBeCloseTo(259, 7); // Σ Pd of case14
    expect(Math.abs(loads + losses - generation)).toBeLessThan(1e-6);
    expect(Math.min(...system.lossMw)).toBeGreaterThanOrEqual(0);
  });
});

describe('a cyclic flow graph (phase shifter driving a loop flow)', () => {
  // Three buses in a ring; a 25° phase shifter on 1→2 pushes power round 1→2→3→1.
  const ring = parseMatpowerCase(
    `mpc.version = '2';
mpc.baseMVA = 100;
mpc.bus = [
 1 3 0 0 0 0 1 1 0 110 1 1.1 0.9;
 2 1 10 2 0 0 1 1 0 110 1 1.1 0.9;
 3 1 15 3 0 0 1 1 0 110 1 1.1 0.9;
];
mpc.gen = [ 1 0 0 99 -99 1.0 100 1 999 0; ];
mpc.branch = [
 1 2 0.02 0.2 0 0 0 0 1 25 1 -360 360;
 2 3 0.02 0.2 0 0 0 0 0 0 1 -360 360;
 3 1 0.02 0.2 0 0 0 0 0 0 1 -360 360;
];`,
    'ring.m',
  );
  const system = systemOf(ring);

  it('is detected (no topological order), and the fast path refuses with FLOW_CYCLE', () => {
    expect(system.topologicalOrder).toBeUndefined();
    expect(() => solveSharesByForwardSubstitution(system)).toThrow(
      expect.objectContaining({ code: 'FLOW_CYCLE' }),
    );
  });

  it('the general sparse solve is correct: equals the dense inverse, non-negative, conserves', () => {
    const shares = traceGeneratorShares(system);
    expect(shares.method).toBe('sparse');
    expectPathsAgree(system);
    expect(Math.min(...shares.sharesMw)).toBeGreaterThanOrEqual(0);
    // Through-flows exceed the unit's output on the loop: X[1] = P_1 > P_G.
    expect(shares.sharesMw[0]).toBeCloseTo(system.throughFlowMw[0]!, 9);
    expect(system.throughFlowMw[0]!).toBeGreaterThan(system.generators[0]!.pMw);
    const c = traceComponents(system, shares.sharesMw);
    const ended = [...c.loadMw, ...c.lossMw].reduce((a, b) => a + b, 0);
    expect(Math.abs(ended - system.generators[0]!.pMw)).toBeLessThan(1e-9 * system.generators[0]!.pMw);
  });
});

describe('property: random radial feeders', () => {
  it('X ≥ 0, rows sum to P_x, fast = dense, every unit ends in loads and losses', () => {
    const rng = new SeededRandom('property-radial');
    for (let trial = 0; trial < 12; trial += 1) {
      const busCount = 10 + rng.nextInt(90);
      const dgCount = rng.nextInt(Math.min(8, busCount - 1));
      const { powerCase } = generateRadialFeeder({
        busCount,
        dgCount,
        seed: `p${trial}`,
        dgShare: 0.2 + 1.2 * rng.nextFloat(), // up to reverse flow towards the substation
      });
      const system = systemOf(powerCase, trial % 2 === 0 ? 'nr' : 'bfs');
      expect(system.topologicalOrder).toBeDefined();
      expectPathsAgree(system);
      const k = system.generators.length;
      const X = solveSharesByForwardSubstitution(system);
      for (let x = 0; x < system.size; x += 1) {
        let row = 0;
        for (let g = 0; g < k; g += 1) {
          expect(X[x * k + g]!).toBeGreaterThanOrEqual(0);
          row += X[x * k + g]!;
        }
        // Equal up to the power-flow mismatch that an unloaded bus absorbs (≤ 1e-10 pu × 10 MVA each).
        expect(Math.abs(row - system.throughFlowMw[x]!)).toBeLessThan(1e-8);
      }
      const c = traceComponents(system, X);
      system.generators.forEach((unit, g) => {
        let ended = 0;
        for (let i = 0; i < system.busCount; i += 1) ended += c.loadMw[i * k + g]!;
        for (let b = 0; b < system.branchCount; b += 1) ended += c.lossMw[b * k + g]!;
        expect(Math.abs(ended - unit.pMw)).toBeLessThan(1e-9 * unit.pMw);
      });
    }
  });
});
