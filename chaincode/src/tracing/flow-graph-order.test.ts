import { generateRadialFeeder } from '../grid/synthetic-feeder';
import { solvePowerFlow } from '../powerflow/solve-power-flow';
import { TripletBuilder } from '../sparse/csr-matrix';
import { buildDistributionSystem } from './build-distribution-system';
import type { SparseEntries } from './distribution-system';
import { flowGraphTopologicalOrder } from './flow-graph-order';

/** Reference: Kahn's algorithm over the supplier → receiver CSR matrix (receivers ascending, merged). */
function referenceOrder(size: number, entries: SparseEntries): number[] | undefined {
  const builder = new TripletBuilder(size, size);
  const indegree = new Array<number>(size).fill(0);
  entries.rows.forEach((x, p) => {
    builder.add(entries.cols[p]!, x, 1);
    indegree[x]! += 1;
  });
  const successors = builder.build();
  const order: number[] = [];
  for (let x = 0; x < size; x += 1) if (indegree[x] === 0) order.push(x);
  for (let head = 0; head < order.length; head += 1) {
    const y = order[head]!;
    for (let p = successors.rowPointers[y]!; p < successors.rowPointers[y + 1]!; p += 1) {
      const x = successors.columnIndices[p]!;
      indegree[x]! -= 1;
      if (indegree[x] === 0) order.push(x);
    }
  }
  return order.length === size ? order : undefined;
}

describe('flow-graph topological order', () => {
  it('equals Kahn over the CSR successor matrix on feeders with reverse flows', () => {
    for (const seed of ['f1', 'f2', 'f3']) {
      const { powerCase } = generateRadialFeeder({ busCount: 150, dgCount: 10, seed, dgShare: 1.3 });
      const system = buildDistributionSystem(powerCase, solvePowerFlow(powerCase));
      const order = flowGraphTopologicalOrder(system.size, system.offDiagonal);
      expect(order).toBeDefined();
      expect(Array.from(order!)).toEqual(referenceOrder(system.size, system.offDiagonal));
    }
  });

  it('treats repeated and unsorted entries as the CSR form does, and finds cycles', () => {
    const entries = (pairs: [number, number][]): SparseEntries => ({
      rows: Int32Array.from(pairs.map(([x]) => x)),
      cols: Int32Array.from(pairs.map(([, y]) => y)),
      values: new Float64Array(pairs.length),
    });
    const cases: [number, [number, number][]][] = [
      [
        5,
        [
          [4, 0],
          [1, 0],
          [3, 0],
          [2, 1],
          [3, 2],
        ],
      ],
      [
        4,
        [
          [1, 0],
          [2, 0],
          [2, 0],
          [3, 2],
        ],
      ],
      [
        3,
        [
          [1, 0],
          [2, 1],
          [0, 2],
        ],
      ],
    ];
    for (const [size, pairs] of cases) {
      const order = flowGraphTopologicalOrder(size, entries(pairs));
      const expected = referenceOrder(size, entries(pairs));
      expect(order === undefined ? undefined : Array.from(order)).toEqual(expected);
    }
    expect(
      flowGraphTopologicalOrder(
        3,
        entries([
          [1, 0],
          [2, 1],
          [0, 2],
        ]),
      ),
    ).toBeUndefined();
  });

  it('refuses an entry outside the nodes', () => {
    const entries = { rows: Int32Array.from([3]), cols: Int32Array.from([0]), values: new Float64Array(1) };
    expect(() => flowGraphTopologicalOrder(3, entries)).toThrow(/outside the system/);
  });
});
