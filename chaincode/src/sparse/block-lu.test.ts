import fc from 'fast-check';

import { SeededRandom } from '../common/prng';
import { BlockLu, type BlockPattern } from './block-lu';
import { CsrMatrix } from './csr-matrix';
import { leavesFirstOrdering } from './leaves-first-ordering';
import { SparseLu } from './sparse-lu';

/** A random block pattern (diagonal blocks always present, structurally symmetric) and its values. */
function randomBlockMatrix(
  blockCount: number,
  extraPerRow: number,
  seed: string,
): { pattern: BlockPattern; values: Float64Array } {
  const rng = new SeededRandom(seed);
  const rows: Set<number>[] = Array.from({ length: blockCount }, (_, i) => new Set([i]));
  for (let i = 1; i < blockCount; i += 1) {
    const j = rng.nextInt(i); // a spanning tree keeps the matrix connected
    rows[i]!.add(j);
    rows[j]!.add(i);
    for (let t = 0; t < extraPerRow; t += 1) {
      const k = rng.nextInt(blockCount);
      rows[i]!.add(k);
      rows[k]!.add(i);
    }
  }
  const rowPointers = new Int32Array(blockCount + 1);
  const columns: number[] = [];
  rows.forEach((set, i) => {
    columns.push(...[...set].sort((a, b) => a - b));
    rowPointers[i + 1] = columns.length;
  });
  const columnIndices = Int32Array.from(columns);
  const values = new Float64Array(4 * columns.length);
  for (let i = 0; i < blockCount; i += 1) {
    for (let p = rowPointers[i]!; p < rowPointers[i + 1]!; p += 1) {
      const diagonal = columnIndices[p] === i;
      for (let c = 0; c < 4; c += 1) {
        const v = rng.nextFloat() * 2 - 1;
        // Diagonal blocks dominant, like −B on the power-flow Jacobian's diagonal.
        values[4 * p + c] = diagonal && (c === 0 || c === 3) ? 4 * (extraPerRow + 2) + v : v;
      }
    }
  }
  return { pattern: { blockCount, rowPointers, columnIndices }, values };
}

/** The same matrix in scalar CSR (row 2r + h, column 2c + w). */
function scalar(pattern: BlockPattern, values: Float64Array): CsrMatrix {
  const n = pattern.blockCount;
  const pointers = new Int32Array(2 * n + 1);
  const columns: number[] = [];
  const scalars: number[] = [];
  for (let r = 0; r < n; r += 1) {
    for (let h = 0; h < 2; h += 1) {
      for (let p = pattern.rowPointers[r]!; p < pattern.rowPointers[r + 1]!; p += 1) {
        const c = pattern.columnIndices[p]!;
        columns.push(2 * c, 2 * c + 1);
        scalars.push(values[4 * p + 2 * h]!, values[4 * p + 2 * h + 1]!);
      }
      pointers[2 * r + h + 1] = columns.length;
    }
  }
  return new CsrMatrix(2 * n, 2 * n, pointers, Int32Array.from(columns), Float64Array.from(scalars));
}

function orderOf(pattern: BlockPattern): Int32Array {
  const graph = new CsrMatrix(
    pattern.blockCount,
    pattern.blockCount,
    pattern.rowPointers,
    pattern.columnIndices,
    new Float64Array(pattern.columnIndices.length),
  );
  return leavesFirstOrdering(graph);
}

describe('BlockLu', () => {
  it('solves like scalar partial-pivoting LU (1e-10) for any order, and refactors with new values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 2 }),
        fc.nat(),
        (n, extra, s) => {
          const { pattern, values } = randomBlockMatrix(n, extra, `block-${s}`);
          const lu = BlockLu.analyze(pattern, orderOf(pattern));
          const rng = new SeededRandom(`rhs-${s}`);
          for (let round = 0; round < 2; round += 1) {
            const next = round === 0 ? values : values.map((v) => v * (1 + 0.1 * rng.nextFloat()));
            expect(lu.refactor(next)).toBe(true);
            const b = Float64Array.from({ length: 2 * n }, () => rng.nextFloat() * 2 - 1);
            const x = lu.solveInto(b, new Float64Array(2 * n));
            const reference = SparseLu.factor(scalar(pattern, next)).solve(b);
            x.forEach((v, i) => {
              expect(Math.abs(v - reference[i]!)).toBeLessThan(1e-10);
            });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports false on a singular pivot block and recovers on the next good values', () => {
    const { pattern, values } = randomBlockMatrix(6, 1, 'singular');
    const lu = BlockLu.analyze(pattern, orderOf(pattern));
    const bad = values.slice();
    const first = lu.order[0]!;
    for (let p = pattern.rowPointers[first]!; p < pattern.rowPointers[first + 1]!; p += 1) {
      if (pattern.columnIndices[p] === first) bad.set([1, 2, 2, 4], 4 * p); // det = 0
    }
    expect(lu.refactor(bad)).toBe(false);
    expect(lu.refactor(values)).toBe(true);
    const b = new Float64Array(12).fill(1);
    const reference = SparseLu.factor(scalar(pattern, values)).solve(b);
    lu.solveInto(b, new Float64Array(12)).forEach((v, i) => {
      expect(v).toBeCloseTo(reference[i]!, 10);
    });
  });

  it('rejects inconsistent patterns, orders and value lengths with structured errors', () => {
    const { pattern, values } = randomBlockMatrix(3, 0, 'shape');
    expect(() => BlockLu.analyze(pattern, Int32Array.from([0, 1]))).toThrow(/full order/);
    expect(() => BlockLu.analyze(pattern, Int32Array.from([0, 0, 1]))).toThrow();
    const lu = BlockLu.analyze(pattern, Int32Array.from([2, 1, 0]));
    expect(() => lu.refactor(values.subarray(1))).toThrow(/values do not fit/);
    expect(lu.refactor(values)).toBe(true);
    expect(() => lu.solveInto(new Float64Array(5), new Float64Array(6))).toThrow(/wrong length/);
  });
});
