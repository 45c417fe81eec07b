/**
 * The matrices of MATH.md §B in concrete form: A = I − F (B3) as a sparse CSR matrix or dense
 * rows, and the generator power parameter matrix G (N×K, G[bus(g), g] = P_Gg, B4) as a row-major
 * `Float64Array`.
 */
import { at } from '../sparse/checked-access';
import { type CsrMatrix, TripletBuilder } from '../sparse/csr-matrix';
import type { DistributionSystem } from './distribution-system';
import { fillOrderedRows, layOutOrderedRows, type OrderedRows } from './ordered-rows';

/**
 * A of each system, built once: a DistributionSystem is immutable, so its CSR matrix is kept
 * beside it (weakly, and outside the object, so that nothing extra is serialised with it).
 */
const matrixCache = new WeakMap<DistributionSystem, CsrMatrix>();

/** A (with its unit diagonal) as a CSR matrix, built on first use and cached with the system. */
export function distributionMatrix(system: DistributionSystem): CsrMatrix {
  const known = matrixCache.get(system);
  if (known !== undefined) return known;
  const matrix = buildDistributionMatrix(system);
  matrixCache.set(system, matrix);
  return matrix;
}

export type { OrderedRows } from './ordered-rows';

const orderedCache = new WeakMap<DistributionSystem, OrderedRows>();

/**
 * A's off-diagonal rows in `order` (see {@link OrderedRows}), built on first use and cached with
 * the system.
 * @throws CarbonTraceError DIMENSION_MISMATCH when `order` is not a list of N node indices.
 */
export function orderedOffDiagonalRows(system: DistributionSystem, order: Int32Array): OrderedRows {
  const known = orderedCache.get(system);
  if (known?.order === order) return known;
  const { rows, cols, values } = system.offDiagonal;
  const ordered = fillOrderedRows(layOutOrderedRows(system.size, rows, cols, order), values);
  orderedCache.set(system, ordered);
  return ordered;
}

/**
 * Keeps rows already ordered for `system` (by a tracing workspace that reuses the layout of a
 * previous system with the same pattern), so that {@link orderedOffDiagonalRows} returns them.
 */
export function rememberOrderedRows(system: DistributionSystem, rows: OrderedRows): void {
  orderedCache.set(system, rows);
}

function buildDistributionMatrix(system: DistributionSystem): CsrMatrix {
  const builder = new TripletBuilder(system.size, system.size);
  for (let x = 0; x < system.size; x += 1) builder.add(x, x, 1);
  const { rows, cols, values } = system.offDiagonal;
  for (let p = 0; p < values.length; p += 1) builder.add(at(rows, p), at(cols, p), at(values, p));
  return builder.build();
}

/** A as dense rows (reference path and small cases only: O(N²) memory). */
export function denseDistributionMatrix(system: DistributionSystem): number[][] {
  const dense = Array.from({ length: system.size }, (_, x) => {
    const row = new Array<number>(system.size).fill(0);
    row[x] = 1;
    return row;
  });
  const { rows, cols, values } = system.offDiagonal;
  for (let p = 0; p < values.length; p += 1) {
    const row = dense[at(rows, p)];
    if (row !== undefined) row[at(cols, p)] = at(values, p);
  }
  return dense;
}

/** G: N×K row-major, G[x·K + g] = P_Gg where x is unit g's bus node (B4). */
export function generatorMatrix(system: DistributionSystem): Float64Array {
  const k = system.generators.length;
  const g = new Float64Array(system.size * k);
  system.generators.forEach((unit, column) => {
    const p = unit.node * k + column;
    g[p] = at(g, p) + unit.pMw;
  });
  return g;
}
