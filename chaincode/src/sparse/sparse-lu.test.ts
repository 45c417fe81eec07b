import { SeededRandom } from '../common/prng';
import { TripletBuilder } from './csr-matrix';
import { minimumDegreeOrdering } from './minimum-degree-ordering';
import { SparseLu } from './sparse-lu';

/** A random diagonally dominant sparse matrix; with `reverseRows` its rows are reversed (zero diagonal). */
function randomSparse(n: number, perRow: number, seed: string, reverseRows = false) {
  const rng = new SeededRandom(seed);
  const builder = new TripletBuilder(n, n);
  for (let i = 0; i < n; i += 1) {
    const row = reverseRows ? n - 1 - i : i;
    builder.add(row, i, perRow + 1 + rng.nextFloat());
    for (let t = 0; t < perRow; t += 1) builder.add(row, rng.nextInt(n), rng.nextFloat() * 2 - 1);
  }
  return builder.build();
}

function maxResidual(matrix: ReturnType<typeof randomSparse>, x: Float64Array, b: Float64Array): number {
  const ax = matrix.multiply(x);
  let worst = 0;
  ax.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(v - b[i]!));
  });
  return worst;
}

describe('CsrMatrix and TripletBuilder', () => {
  it('sums duplicates, sorts columns and reads entries with bounds checks', () => {
    const b = new TripletBuilder(2, 3);
    b.add(1, 2, 1);
    b.add(0, 1, 2);
    b.add(1, 0, 3);
    b.add(1, 2, 4);
    const m = b.build();
    expect(m.toDense()).toEqual([
      [0, 2, 0],
      [3, 0, 5],
    ]);
    expect(m.get(1, 2)).toBe(5);
    expect(m.get(0, 0)).toBe(0);
    expect(() => m.get(2, 0)).toThrow(RangeError);
    expect(() => {
      b.add(0, 3, 1);
    }).toThrow(RangeError);
    expect(m.transpose().toDense()).toEqual([
      [0, 3],
      [2, 0],
      [0, 5],
    ]);
  });
});

describe('SparseLu', () => {
  it('solves random sparse systems to a small residual', () => {
    const m = randomSparse(300, 3, 'lu-1');
    const rng = new SeededRandom('rhs');
    const b = Float64Array.from({ length: 300 }, () => rng.nextFloat() - 0.5);
    const x = SparseLu.factor(m).solve(b);
    expect(maxResidual(m, x, b)).toBeLessThan(1e-12);
  });

  it('pivots when diagonal entries are zero', () => {
    // [[0,1],[1,0]] needs a row exchange.
    const t = new TripletBuilder(2, 2);
    t.add(0, 1, 1);
    t.add(1, 0, 1);
    const x = SparseLu.factor(t.build()).solve(Float64Array.from([3, 7]));
    expect(Array.from(x)).toEqual([7, 3]);
    const m = randomSparse(200, 4, 'lu-2', true);
    const b = Float64Array.from({ length: 200 }, (_, i) => (i % 7) - 3);
    expect(maxResidual(m, SparseLu.factor(m).solve(b), b)).toBeLessThan(1e-9);
  });

  it('reports a singular matrix', () => {
    const t = new TripletBuilder(3, 3);
    t.add(0, 0, 1);
    t.add(1, 0, 1);
    t.add(2, 2, 1);
    expect(() => SparseLu.factor(t.build())).toThrow(expect.objectContaining({ code: 'SINGULAR_MATRIX' }));
  });

  it('orders a tree (a path and a star) without fill', () => {
    const n = 1000;
    const t = new TripletBuilder(n, n);
    for (let i = 0; i < n; i += 1) t.add(i, i, 4);
    for (let i = 1; i < n; i += 1) {
      const parent = i < 500 ? i - 1 : 0; // a path 0..499 and a star around node 0
      t.add(i, parent, -1);
      t.add(parent, i, -1);
    }
    const m = t.build();
    const order = minimumDegreeOrdering(m);
    expect(new Set(order).size).toBe(n);
    const lu = SparseLu.factor(m, { columnOrder: order });
    // No fill: L and U together hold the matrix's entries plus one unit diagonal per column.
    expect(lu.factorNonZeroCount).toBe(m.nonZeroCount + n);
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    expect(maxResidual(m, lu.solve(b), b)).toBeLessThan(1e-12);
  });
});
