/**
 * MATH.md §H.6 oracle: masking the §H.3 system with the exact method-1 (dense Q1) and method-2
 * (monomial Q2) keys reproduces the published virtual tables, and unmasking gives §H.4/§H.5.
 * Expected numbers are copied from MATH.md (independent numpy computation), 6 decimals.
 */
import { computeMaskedResult } from './cloud-worker';
import { maskKeyFromParts, type MonomialMaskKey } from './mask-key';
import { maskTask } from './mask-task';
import { buildOutsourcingProblem } from './outsourcing-problem';
import { unmaskInverse, unmaskResult } from './unmask-result';
import { case4System, CASE4_UNITS, h6Method1Key, h6Method2Key } from './test-fixtures/case4-oracle';
import { denseInverse } from '../common/math-adapter';

const problem = buildOutsourcingProblem(case4System(), CASE4_UNITS);
const K = 2;

/** §H.6 X̃ (rows x = 1..9; u1, u2). */
const XT = {
  1: [
    [218.040219, 0],
    [-7.990985, -91.2],
    [269.251188, 353.945415],
    [71.819704, 16.360592],
    [-16.039312, 0],
    [49.266967, 0],
    [150.28288, 0],
    [-21.309294, -243.2],
    [9.520426, 12.515121],
  ],
  2: [
    [-695.003197, 0],
    [135.846752, 273.6],
    [143.039694, 33.182383],
    [-915.701227, -36.811332],
    [19.476307, 0],
    [-130.86538, 0],
    [133.062966, 0],
    [67.923376, 136.8],
    [-53.949083, -12.515121],
  ],
};
/** §H.6 virtual loads at buses 3, 4. */
const LOAD = {
  1: [
    [96.543889, 126.912223],
    [215.459112, 49.081775],
  ],
  2: [
    [205.155764, 47.592083],
    [457.850614, 18.405666],
  ],
};
/** §H.6 virtual losses at branches 1–2 … 3–4. */
const LOSS = {
  1: [
    [0.057341, 0],
    [4.048251, 0],
    [9.731675, 0],
    [0.475542, 5.427293],
    [0.744518, 0.978709],
  ],
  2: [
    [0.12185, 0],
    [8.602534, 0],
    [20.679809, 0],
    [1.010526, 2.035235],
    [1.5821, 0.367016],
  ],
};
/** §H.6 virtual sending-end branch powers. */
const SEND = {
  1: [
    [16.039312, 0],
    [123.167417, 0],
    [187.8536, 0],
    [15.981971, 182.4],
    [38.081705, 50.060485],
  ],
  2: [
    [34.083538, 0],
    [261.73076, 0],
    [399.188899, 0],
    [33.961688, 68.4],
    [80.923624, 18.772682],
  ],
};
/** §H.6 PECC/intensity rows: P̃_G, ã, b̃, c̃, F̃, w̃, β̃, ẽ per unit. */
const PECC = {
  1: [
    [327.060328, 0.00125, 0.3, 5, 236.828671, 0.72411311, 0.725853333, 0.525599914],
    [182.4, 1.953125e-4, 0.04375, 2, 16.478, 0.090339912, 8.624, 0.779091404],
  ],
  2: [
    [695.003197, 5.53633218e-5, 0.0282352941, 1, 47.365734, 0.068151822, 0.116136533, 0.007914916],
    [68.4, 0.0138888889, 1.16666667, 20, 164.78, 2.409064327, 3.162133333, 7.617782612],
  ],
};
/** §H.4 X (true components). */
const X_TRUE = [
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

/** |actual − expected| ≤ 1e-6·max(1, |expected|): the tables carry six decimals. */
function expectClose(actual: number, expected: number, what: string): void {
  const tol = 1.5e-6 * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: ${actual} vs ${expected} (tolerance ${tol})`);
  }
}

describe.each([1, 2] as const)('§H.6 method %i', (method) => {
  const key = maskKeyFromParts(method === 1 ? h6Method1Key() : h6Method2Key(), 9, 2);
  const task = maskTask(problem, key, { taskId: 'h6', provider: method, returnInverse: true });
  const result = computeMaskedResult(task);

  it('uses the layout the profile promises (dense Ã for Q1, 29 sparse entries for Q2)', () => {
    expect(task.matrix.layout).toBe(method === 1 ? 'dense' : 'coordinate');
    if (task.matrix.layout === 'coordinate') expect(task.matrix.values).toHaveLength(9 + 10);
  });

  it('reproduces the virtual component table X̃', () => {
    XT[method].forEach((row, x) => {
      row.forEach((v, g) => {
        expectClose(result.solution[x * K + g]!, v, `X̃[${x + 1},${g + 1}]`);
      });
    });
  });

  it('reproduces the virtual loads, losses and sending-end branch powers', () => {
    const c = result.components!;
    LOAD[method].forEach((row, i) => {
      row.forEach((v, g) => {
        expectClose(c.load[(2 + i) * K + g]!, v, `P̃_L bus ${i + 3}`);
      });
    });
    LOSS[method].forEach((row, b) => {
      row.forEach((v, g) => {
        expectClose(c.loss[(4 + b) * K + g]!, v, `P̃_Δ ${b}`);
      });
    });
    SEND[method].forEach((row, b) => {
      row.forEach((v, g) => {
        expectClose(c.sending[(4 + b) * K + g]!, v, `P̃_B ${b}`);
      });
    });
  });

  it('reproduces the virtual PECC and intensity rows', () => {
    PECC[method].forEach(([pg, a, b, c, f, w, beta, e], g) => {
      expectClose(task.carbon.generatorMw[g]!, pg!, 'P̃_G');
      expectClose(task.carbon.a[g]!, a!, 'ã');
      expectClose(task.carbon.b[g]!, b!, 'b̃');
      expectClose(task.carbon.c[g]!, c!, 'c̃');
      expectClose(task.carbon.beta[g]!, beta!, 'β̃');
      expectClose(result.carbon.coal[g]!, f!, 'F̃');
      expectClose(result.carbon.unitCoal[g]!, w!, 'w̃');
      expectClose(result.carbon.intensity[g]!, e!, 'ẽ');
    });
  });

  it('unmasks to §H.4 components and §H.5/§H.6 PECC and intensity', () => {
    const groups = unmaskResult(problem, key, result);
    X_TRUE.forEach((row, x) => {
      row.forEach((v, g) => {
        expectClose(groups.solutionMw[x * K + g]!, v, `X[${x + 1}]`);
      });
    });
    expectClose(groups.loadMw[2 * K]!, 120.679861, 'P_L bus 3 u1');
    expectClose(groups.loadMw[2 * K + 1]!, 79.320139, 'P_L bus 3 u2');
    expectClose(groups.lossMw[7 * K + 1]!, 3.392058, 'P_Δ 2–3 u2');
    expectClose(groups.receivingMw[8 * K]!, 46.671485, 'P_B^r 3–4 u1');
    expectClose(groups.coalTph[0]!, 118.414336, 'F1');
    expectClose(groups.coalTph[1]!, 32.956, 'F2');
    expectClose(groups.intensityTco2PerMwh[0]!, 0.168191973, 'e_G1');
    expectClose(groups.intensityTco2PerMwh[1]!, 0.83103083, 'e_G2');
  });

  if (method === 2) {
    it('decrypts B = R·B̃·Q (E8) to §H.3 B = A⁻¹', () => {
      const b = unmaskInverse(key as MonomialMaskKey, result.inverse!);
      const a: number[][] = Array.from({ length: 9 }, (_, i) =>
        Array.from({ length: 9 }, (__, j) => (i === j ? 1 : 0)),
      );
      const off = problem.offDiagonal;
      for (let e = 0; e < off.values.length; e += 1) a[off.rows[e]!]![off.cols[e]!] = off.values[e]!;
      const reference = denseInverse(a);
      for (let i = 0; i < 9; i += 1)
        for (let j = 0; j < 9; j += 1) expectClose(b[i * 9 + j]!, reference[i]![j]!, `B[${i},${j}]`);
      // Spot values from §H.3: B[3,1] = 0.411623, B[4,v34] = 0.980449 (1-based).
      expectClose(b[2 * 9 + 0]!, 0.411623, 'B[3,1]');
      expectClose(b[3 * 9 + 8]!, 0.980449, 'B[4,v34]');
    });
  }
});

describe('§H.7 leakage demonstration (E.7-3)', () => {
  // Nodes: 0..3 = buses 1..4, 4 = v12, 5 = v13, 6 = v14, 7 = v23, 8 = v34.
  const odd: [number, number][] = [
    [5, 0],
    [2, 5],
    [8, 2],
    [3, 8],
    [6, 6],
  ];
  const even: [number, number][] = [
    [5, 5],
    [2, 2],
    [8, 8],
    [3, 6],
    [6, 0],
  ];
  function cycleProduct(entry: (row: number, col: number) => number): number {
    return odd.reduce((p, [r, c]) => p * entry(r, c), 1) / even.reduce((p, [r, c]) => p * entry(r, c), 1);
  }

  it('the alternating cycle product of method 2 (monomial) Ã equals the true P^r13·P^r34/(P3·P^r14) = 0.185472', () => {
    const key = maskKeyFromParts(h6Method2Key(), 9, 2) as MonomialMaskKey;
    const task = maskTask(problem, key, { taskId: 'h7', provider: 2 });
    if (task.matrix.layout !== 'coordinate') throw new Error('layout');
    const { rows, cols, values } = task.matrix;
    // Row y of A sits at row i of Ã with π(i) = y; the cloud finds the cycle from the pattern alone.
    const rowOf = (y: number): number => key.permutation.indexOf(y);
    const entry = (y: number, c: number): number => {
      const i = rowOf(y);
      const at = values.findIndex((_, e) => rows[e] === i && cols[e] === c);
      return at < 0 ? Number.NaN : values[at]!;
    };
    expectClose(cycleProduct(entry), 0.185472, 'cycle product');
  });

  it('the dense method 1 Ã gives no such invariant at the same positions', () => {
    const key = maskKeyFromParts(h6Method1Key(), 9, 2);
    const task = maskTask(problem, key, { taskId: 'h7', provider: 1 });
    if (task.matrix.layout !== 'dense') throw new Error('layout');
    const values = task.matrix.values;
    const product = cycleProduct((r, c) => values[r * 9 + c]!);
    expect(Math.abs(product - 0.185472)).toBeGreaterThan(0.01);
  });
});
