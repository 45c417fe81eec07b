/**
 * The one place mathjs is used: a private instance with an explicit configuration (never the
 * shared default, whose config is mutable). Used only off the ledger path for dense reference
 * computations (the paper's dense inverse) and cross-checks.
 */
import { all, create, type MathJsInstance, type Matrix } from 'mathjs';

function createPrivateInstance(): MathJsInstance {
  if (all === undefined) throw new Error('mathjs factories are unavailable');
  return create(all, { number: 'number', matrix: 'Matrix', precision: 64 });
}

const math: MathJsInstance = createPrivateInstance();

/** Dense inverse of a square matrix given as rows (reference path only; O(n³)). */
export function denseInverse(rows: readonly (readonly number[])[]): number[][] {
  const inverse = math.inv<Matrix>(math.matrix(rows.map((r) => [...r])));
  return inverse.toArray() as number[][];
}

/** Dense solve A·X = B for X (B given as rows), reference path only. */
export function denseSolve(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number[][] {
  const x = math.lusolve(math.matrix(a.map((r) => [...r])), math.matrix(b.map((r) => [...r])));
  return x.toArray() as number[][];
}
