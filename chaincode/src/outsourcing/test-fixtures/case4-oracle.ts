/**
 * MATH.md §H (Qun et al.'s 4-node, 2-unit system) rebuilt by hand for the outsourcing tests:
 * the extended 9-node network of §H.3 from the branch flows of §H.2, the unit parameters of §H.1
 * and the exact keys of §H.6. Test support only.
 */
import type { DistributionSystem } from '../../tracing/distribution-system';
import type { CarbonSidecar } from '../../grid/carbon-sidecar';
import type { MaskKeyParts } from '../mask-key';

/** §H.2 branch flows: from node, to node (0-based buses), PF_k, PT_k (MW). */
const BRANCHES: readonly (readonly [number, number, number, number])[] = [
  [0, 1, 20.04914, -19.977464],
  [0, 2, 153.959271, -148.898956],
  [0, 3, 234.817, -222.652406],
  [1, 2, 133.977464, -129.990978],
  [2, 3, 78.889935, -77.347594],
];

/** §H.2 unit outputs (MW). */
export const CASE4_GENERATOR_MW: readonly number[] = [408.82541, 114];

/** The §H.3 extended system (n = 4, m = 5, N = 9). */
export function case4System(): DistributionSystem {
  const n = 4;
  const m = BRANCHES.length;
  const size = n + m;
  const throughFlowMw = new Float64Array(size);
  const loadMw = new Float64Array(size);
  const lossMw = new Float64Array(size);
  const receivingMw = new Float64Array(size);
  loadMw[2] = 200;
  loadMw[3] = 300;
  throughFlowMw[0] = CASE4_GENERATOR_MW[0] ?? 0;
  throughFlowMw[1] = CASE4_GENERATOR_MW[1] ?? 0;
  BRANCHES.forEach(([, to, pf, pt], k) => {
    throughFlowMw[to] = (throughFlowMw[to] ?? 0) - pt;
    throughFlowMw[n + k] = pf;
    lossMw[n + k] = pf + pt;
    receivingMw[n + k] = -pt;
  });
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  BRANCHES.forEach(([from, to, pf, pt], k) => {
    rows.push(n + k, to);
    cols.push(from, n + k);
    values.push(-pf / (throughFlowMw[from] ?? 1), pt / pf);
  });
  return {
    busCount: n,
    branchCount: m,
    size,
    busIds: [1, 2, 3, 4],
    branchRows: [0, 1, 2, 3, 4],
    branchEnds: BRANCHES.map(([from, to]) => ({ from, to, fromSends: true, toSends: false })),
    throughFlowMw,
    loadMw,
    lossMw,
    receivingMw,
    offDiagonal: {
      rows: Int32Array.from(rows),
      cols: Int32Array.from(cols),
      values: Float64Array.from(values),
    },
    generators: [
      { genIndex: 0, source: 'gen', busId: 1, node: 0, pMw: CASE4_GENERATOR_MW[0] ?? 0 },
      { genIndex: 1, source: 'gen', busId: 2, node: 1, pMw: CASE4_GENERATOR_MW[1] ?? 0 },
    ],
    // 1, v12, v13, v14, 2, v23, 3, v34, 4 (§H.3).
    topologicalOrder: Int32Array.from([0, 4, 5, 6, 1, 7, 2, 8, 3]),
  };
}

/** §H.1 units as a carbon sidecar (the same values as cases/case4_carbon.carbon.json). */
export const CASE4_UNITS: CarbonSidecar = {
  file: 'MATH.md §H.1',
  units: [
    {
      kind: 'coal',
      genRow: 0,
      pecc: { a: 0.0004, b: 0.12, c: 2.5 },
      zeta: 1.01,
      carbonContentRate: 0.8,
      oxidationRate: 0.98,
      captureRate: 0.8,
    },
    {
      kind: 'coal',
      genRow: 1,
      pecc: { a: 0.001, b: 0.14, c: 4.0 },
      zeta: 1.0,
      carbonContentRate: 0.8,
      oxidationRate: 0.98,
      captureRate: 0,
    },
  ],
};

/** §H.6 method 1: Q1[i,j] = ((3i + 5j) mod 11) − 5 + 60·δ_ij (1-based), r1, λ1, κ1, τ1. */
export function h6Method1Key(): MaskKeyParts {
  const q: number[] = [];
  for (let i = 1; i <= 9; i += 1) {
    for (let j = 1; j <= 9; j += 1) q.push(((3 * i + 5 * j) % 11) - 5 + (i === j ? 60 : 0));
  }
  return {
    profile: 'dense',
    q,
    r: [1.5, -2, 0.5, 3, -1, 2.5, 1.25, -0.75, 4],
    lambda: [0.8, 1.6],
    kappa: [2, 0.5],
    tau: [1.25, 3],
  };
}

/** §H.6 method 2: Q2 = Π·diag(s), π = (3, 7, 1, 9, 2, 5, 8, 4, 6) 1-based, r2, λ2, κ2, τ2. */
export function h6Method2Key(): MaskKeyParts {
  return {
    profile: 'monomial',
    permutation: [3, 7, 1, 9, 2, 5, 8, 4, 6].map((p) => p - 1),
    scale: [2, -1, 0.5, 4, -3, 1.5, -0.5, 2.5, 1],
    r: [-1, 0.25, 2, -0.5, 1.75, -2, 3, 0.5, -1.5],
    lambda: [1.7, 0.6],
    kappa: [0.4, 5],
    tau: [0.2, 1.1],
  };
}
