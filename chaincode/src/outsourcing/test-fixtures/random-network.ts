/**
 * Random extended networks for property tests: a random radial tree with loads, a slack unit at
 * the root and distributed units (some large enough to reverse flows), branch losses as a random
 * fraction of the sending power. The flows are exact by construction (no power flow), so the
 * §B matrix and its solution are known independently of the code under test: X's column sums
 * over loads and losses must return each unit's output (B9). Test support only.
 */
import { SeededRandom } from '../../common/prng';
import type { DistributionSystem } from '../../tracing/distribution-system';
import type { CarbonSidecar, UnitCarbon } from '../../grid/carbon-sidecar';

/** A random system and carbon models for its units. */
export interface RandomNetwork {
  readonly system: DistributionSystem;
  readonly units: CarbonSidecar;
}

/** Builds a random radial network with `busCount` buses and `dgCount` distributed units. */
export function randomNetwork(seed: string, busCount: number, dgCount: number): RandomNetwork {
  const rng = new SeededRandom(seed, 'random-network');
  const n = busCount;
  const parent = new Int32Array(n).fill(-1);
  for (let i = 1; i < n; i += 1) parent[i] = rng.nextInt(i);
  const load = Float64Array.from({ length: n }, () => 0.5 + 4 * rng.nextFloat());
  const dgAt = new Set<number>();
  while (dgAt.size < dgCount) dgAt.add(1 + rng.nextInt(n - 1));
  const dgBuses = [...dgAt].sort((a, b) => a - b);
  const dgMw = new Float64Array(n);
  for (const b of dgBuses) dgMw[b] = 1 + 12 * rng.nextFloat();
  const lossFraction = Float64Array.from({ length: n }, () => 0.002 + 0.05 * rng.nextFloat());
  // Net demand of each subtree at its top bus, children before parents (index order is topological).
  const need = new Float64Array(n);
  const down = new Uint8Array(n); // branch (parent → child) flows down
  const sendMw = new Float64Array(n);
  const recvMw = new Float64Array(n);
  for (let i = n - 1; i >= 0; i -= 1) {
    need[i] = (need[i] ?? 0) + (load[i] ?? 0) - (dgMw[i] ?? 0);
    if (i === 0) break;
    const s = need[i] ?? 0;
    const alpha = lossFraction[i] ?? 0;
    const p = parent[i] ?? 0;
    if (s > 0) {
      down[i] = 1;
      recvMw[i] = s;
      sendMw[i] = s / (1 - alpha);
      need[p] = (need[p] ?? 0) + (sendMw[i] ?? 0);
    } else {
      sendMw[i] = -s;
      recvMw[i] = -s * (1 - alpha);
      need[p] = (need[p] ?? 0) - (recvMw[i] ?? 0);
    }
  }
  const slackMw = need[0] ?? 0;
  if (!(slackMw > 0)) throw new Error('random network: DG exceeds demand; pick another seed');
  const m = n - 1;
  const size = n + m;
  const gen = new Float64Array(n);
  gen[0] = slackMw;
  for (const b of dgBuses) gen[b] = dgMw[b] ?? 0;
  const throughFlowMw = new Float64Array(size);
  for (let i = 0; i < n; i += 1) throughFlowMw[i] = gen[i] ?? 0;
  const loadMw = new Float64Array(size);
  loadMw.set(load);
  const lossMw = new Float64Array(size);
  const receivingMw = new Float64Array(size);
  const ends: { from: number; to: number }[] = [];
  for (let i = 1; i < n; i += 1) {
    const p = parent[i] ?? 0;
    const [from, to] = down[i] === 1 ? [p, i] : [i, p];
    ends.push({ from, to });
    const v = n + i - 1;
    throughFlowMw[v] = sendMw[i] ?? 0;
    lossMw[v] = (sendMw[i] ?? 0) - (recvMw[i] ?? 0);
    receivingMw[v] = recvMw[i] ?? 0;
    throughFlowMw[to] = (throughFlowMw[to] ?? 0) + (recvMw[i] ?? 0);
  }
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  ends.forEach(({ from, to }, k) => {
    const v = n + k;
    const pv = throughFlowMw[v] ?? 1;
    rows.push(v, to);
    cols.push(from, v);
    values.push(-pv / (throughFlowMw[from] ?? 1), -(receivingMw[v] ?? 0) / pv);
  });
  const generators = [0, ...dgBuses].map((bus, g) => ({
    genIndex: g,
    source: 'gen' as const,
    busId: bus + 1,
    node: bus,
    pMw: gen[bus] ?? 0,
  }));
  const unitList: UnitCarbon[] = generators.map((_, g): UnitCarbon => {
    const pick = g === 0 ? 0 : rng.nextInt(3);
    if (pick === 0) {
      return {
        kind: 'coal',
        genRow: g,
        pecc: {
          a: 1e-4 + 1e-3 * rng.nextFloat(),
          b: 0.1 + 0.2 * rng.nextFloat(),
          c: 1 + 5 * rng.nextFloat(),
        },
        zeta: 1 + 0.02 * rng.nextFloat(),
        carbonContentRate: 0.7 + 0.1 * rng.nextFloat(),
        oxidationRate: 0.98,
        captureRate: 0.5 * rng.nextFloat(),
      };
    }
    return pick === 1
      ? { kind: 'fixed', genRow: g, intensityTco2PerMwh: 0.3 + 0.5 * rng.nextFloat() }
      : { kind: 'zero-carbon', genRow: g };
  });
  const units: CarbonSidecar = { file: `random-network:${seed}`, units: unitList };
  return {
    system: {
      busCount: n,
      branchCount: m,
      size,
      busIds: Array.from({ length: n }, (_, i) => i + 1),
      branchRows: Array.from({ length: m }, (_, k) => k),
      branchEnds: ends.map(({ from, to }) => ({ from, to, fromSends: true, toSends: false })),
      throughFlowMw,
      loadMw,
      lossMw,
      receivingMw,
      offDiagonal: {
        rows: Int32Array.from(rows),
        cols: Int32Array.from(cols),
        values: Float64Array.from(values),
      },
      generators,
      topologicalOrder: undefined,
    },
    units,
  };
}
