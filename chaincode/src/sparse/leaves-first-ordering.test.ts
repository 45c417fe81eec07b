import fc from 'fast-check';

import { CsrMatrix, TripletBuilder } from './csr-matrix';
import { eliminationPattern } from './elimination-pattern';
import { leavesFirstOrdering } from './leaves-first-ordering';

/** The symmetric pattern (with diagonal) of a graph on n nodes. */
function graph(n: number, edges: readonly (readonly [number, number])[]): CsrMatrix {
  const b = new TripletBuilder(n, n);
  for (let i = 0; i < n; i += 1) b.add(i, i, 1);
  for (const [u, v] of edges) {
    b.add(u, v, 1);
    b.add(v, u, 1);
  }
  return b.build();
}

/** Entries of L (diagonal included) for the order. */
function lEntries(pattern: CsrMatrix, order: Int32Array): number {
  return eliminationPattern(pattern.rowCount, pattern.rowPointers, pattern.columnIndices, order).lIndices
    .length;
}

/** A random tree: node i > 0 hangs from a node drawn among 0..i−1, then the labels are shuffled. */
const treeArbitrary = fc.integer({ min: 1, max: 60 }).chain((n) =>
  fc
    .tuple(
      fc.array(fc.nat(), { minLength: n - 1, maxLength: n - 1 }),
      fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
    )
    .map(([parents, labels]) => ({
      n,
      edges: parents.map((p, i): [number, number] => [labels[i + 1]!, labels[p % (i + 1)]!]),
    })),
);

function isPermutation(order: Int32Array, n: number): boolean {
  const seen = new Uint8Array(n);
  for (const v of order) {
    if (v < 0 || v >= n || seen[v] === 1) return false;
    seen[v] = 1;
  }
  return order.length === n;
}

describe('leavesFirstOrdering', () => {
  it('is a permutation, and on a tree it creates no fill (L = diagonal + one entry per edge)', () => {
    fc.assert(
      fc.property(treeArbitrary, ({ n, edges }) => {
        const pattern = graph(n, edges);
        const order = leavesFirstOrdering(pattern);
        expect(isPermutation(order, n)).toBe(true);
        expect(lEntries(pattern, order)).toBe(n + edges.length);
      }),
    );
  });

  it('on a tree with extra ties: a permutation, never more fill than the natural order', () => {
    fc.assert(
      fc.property(
        treeArbitrary,
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 8 }),
        ({ n, edges }, ties) => {
          const all = [...edges, ...ties.map(([a, b]): [number, number] => [a % n, b % n])];
          const pattern = graph(n, all);
          const order = leavesFirstOrdering(pattern);
          expect(isPermutation(order, n)).toBe(true);
          const natural = Int32Array.from({ length: n }, (_, i) => i);
          expect(lEntries(pattern, order)).toBeLessThanOrEqual(lEntries(pattern, natural));
        },
      ),
    );
  });

  it('orders a path from its ends inwards and a star leaves first, hub last', () => {
    const path = leavesFirstOrdering(
      graph(5, [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
      ]),
    );
    expect(Array.from(path)).toEqual([0, 4, 1, 3, 2]);
    const star = leavesFirstOrdering(
      graph(4, [
        [2, 0],
        [2, 1],
        [2, 3],
      ]),
    );
    expect(star[3]).toBe(2);
  });

  it('leaves a cycle to minimum degree and still returns every node once', () => {
    const ring = graph(6, [
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
      [5, 0],
      [0, 6 - 3],
    ]);
    const order = leavesFirstOrdering(ring);
    expect(isPermutation(order, 6)).toBe(true);
    expect(lEntries(ring, order)).toBeLessThanOrEqual(lEntries(ring, Int32Array.from([0, 1, 2, 3, 4, 5])));
  });
});
