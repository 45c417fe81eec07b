/**
 * The residual of a candidate share matrix: ‖A·X − G‖∞ / ‖G‖∞ (MATH.md §F.4, H.8). O(nnz·K) with
 * + − × ÷ only, so the outsourcing layer and a ledger can accept or reject a computed X cheaply.
 */
import { CarbonTraceError } from '../common/errors';
import { at } from '../sparse/checked-access';
import { generatorMatrix } from './distribution-matrix';
import type { DistributionSystem } from './distribution-system';

/**
 * Relative residual of A·X = G for a candidate X (N×K row-major).
 * @throws CarbonTraceError DIMENSION_MISMATCH when X has the wrong size.
 */
export function shareResidual(system: DistributionSystem, shares: Float64Array): number {
  const k = system.generators.length;
  if (shares.length !== system.size * k) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'X must be N×K', {
      expected: system.size * k,
      actual: shares.length,
    });
  }
  const g = generatorMatrix(system);
  const r = Float64Array.from(shares); // A = I + off-diagonal, so A·X starts from X.
  const { rows, cols, values } = system.offDiagonal;
  for (let p = 0; p < values.length; p += 1) {
    const x = at(rows, p);
    const y = at(cols, p);
    const a = at(values, p);
    for (let c = 0; c < k; c += 1) r[x * k + c] = at(r, x * k + c) + a * at(shares, y * k + c);
  }
  let worst = 0;
  let scale = 0;
  for (let p = 0; p < r.length; p += 1) {
    const diff = Math.abs(at(r, p) - at(g, p));
    if (diff > worst || Number.isNaN(diff)) worst = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff;
    scale = Math.max(scale, Math.abs(at(g, p)));
  }
  return scale === 0 ? worst : worst / scale;
}
