import { SeededRandom } from '../common/prng';
import { TripletBuilder, type CsrMatrix } from './csr-matrix';
import { SparseLuSymbolic } from './lu-refactor';
import { minimumDegreeOrdering } from './minimum-degree-ordering';
import { SparseLu } from './sparse-lu';

/** A random diagonally dominant matrix with a symmetric pattern (the shape of a power-flow Jacobian). */
function symmetricPattern(n: number, perRow: number, seed: string): CsrMatrix {
  const rng = new SeededRandom(seed);
  const builder = new TripletBuilder(n, n);
  for (let i = 0; i < n; i += 1) {
    builder.add(i, i, 2 * perRow + 1 + rng.nextFloat());
    for (let t = 0; t < perRow; t += 1) {
      const j = rng.nextInt(n);
      builder.add(i, j, rng.nextFloat() * 2 - 1);
      builder.add(j, i, rng.nextFloat() * 2 - 1);
    }
  }
  return builder.build();
}

function residual(matrix: CsrMatrix, x: Float64Array, b: Float64Array): number {
  const ax = matrix.multiply(x);
  return ax.reduce((worst, v, i) => Math.max(worst, Math.abs(v - (b[i] ?? Number.NaN))), 0);
}

describe('SparseLuSymbolic (analyze once, refactor per matrix)', () => {
  const matrix = symmetricPattern(300, 3, 'lu-refactor');
  const order = minimumDegreeOrdering(matrix);
  const b = Float64Array.from({ length: 300 }, (_, i) => Math.sin(i + 1));

  it('solves like a fresh partial-pivoting LU with the same order (diagonal pivots: bit for bit)', () => {
    const symbolic = SparseLuSymbolic.analyze(matrix, order);
    expect(symbolic.refactor(matrix.values)).toBe(true);
    const x = symbolic.solveInto(b, new Float64Array(300));
    expect(residual(matrix, x, b)).toBeLessThan(1e-12);
    const fresh = SparseLu.factor(matrix, { columnOrder: order }).solve(b);
    // Both factor in the same order with the same (diagonal) pivots; only the order of the
    // updates within a column may differ, so agreement is to rounding.
    fresh.forEach((v, i) => {
      expect(Math.abs(v - (x[i] ?? Number.NaN))).toBeLessThan(1e-12);
    });
  });

  it('refactors new values of the same pattern to the same answer as a new analysis', () => {
    const symbolic = SparseLuSymbolic.analyze(matrix, order);
    symbolic.refactor(matrix.values);
    const scaled = matrix.values.map((v, p) => v * (1 + 0.1 * Math.cos(p)));
    expect(symbolic.refactor(scaled)).toBe(true);
    const reused = symbolic.solveInto(b, new Float64Array(300));
    const again = SparseLuSymbolic.analyze(matrix, order);
    expect(again.refactor(scaled)).toBe(true);
    expect(Array.from(again.solveInto(b, new Float64Array(300)))).toEqual(Array.from(reused));
  });

  it('refuses a matrix whose diagonal pivot fails the threshold, and rejects bad input', () => {
    const symbolic = SparseLuSymbolic.analyze(matrix, order);
    const zeroDiagonal = Float64Array.from(matrix.values);
    for (let r = 0; r < 300; r += 1) {
      const p = matrix.positionOf(r, r);
      if (r === (order[0] ?? -1)) zeroDiagonal[p] = 0;
    }
    expect(symbolic.refactor(zeroDiagonal)).toBe(false);
    expect(symbolic.refactor(matrix.values)).toBe(true); // the work vector was left clean
    expect(residual(matrix, symbolic.solveInto(b, new Float64Array(300)), b)).toBeLessThan(1e-12);
    expect(() => symbolic.refactor(new Float64Array(3))).toThrow(/do not fit/);
    expect(() => SparseLuSymbolic.analyze(matrix, new Int32Array(300))).toThrow(/not a permutation/);
  });
});
