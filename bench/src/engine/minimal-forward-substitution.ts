/**
 * The bench's own stripped-down forward substitution, used as the practical floor of the
 * O(nnz·K) bound: the same algorithm and inputs as the engine's fast path (off-diagonal entries
 * of A in coordinate form, a topological order, G), but with the entries regrouped once by row in
 * topological order and raw typed-array loops without bounds-checked accessors. The engine's ns
 * per nnz·K divided by this one's says how much of the engine's time is implementation overhead
 * rather than the arithmetic the bound counts.
 */
import type { DistributionSystem } from '@carbontrace/chaincode';

/** X = A⁻¹·G (N×K row-major) by forward substitution; requires an acyclic flow graph. */
export function minimalForwardSubstitution(system: DistributionSystem): Float64Array {
  const order = system.topologicalOrder;
  if (order === undefined) throw new Error('cyclic flow graph: no topological order');
  const size = system.size;
  const k = system.generators.length;
  const { rows, cols, values } = system.offDiagonal;
  const count = values.length;
  const rowStart = new Int32Array(size + 1);
  for (let e = 0; e < count; e += 1) {
    const slot = (rows[e] as number) + 1;
    rowStart[slot] = (rowStart[slot] as number) + 1;
  }
  for (let x = 0; x < size; x += 1) rowStart[x + 1] = (rowStart[x + 1] as number) + (rowStart[x] as number);
  const fill = rowStart.slice(0, size);
  const colOf = new Int32Array(count);
  const valueOf = new Float64Array(count);
  for (let e = 0; e < count; e += 1) {
    const r = rows[e] as number;
    const p = fill[r] as number;
    colOf[p] = cols[e] as number;
    valueOf[p] = values[e] as number;
    fill[r] = p + 1;
  }
  const x = new Float64Array(size * k);
  for (let g = 0; g < k; g += 1) {
    const unit = system.generators[g];
    if (unit !== undefined) x[unit.node * k + g] = (x[unit.node * k + g] as number) + unit.pMw;
  }
  for (let t = 0; t < size; t += 1) {
    const node = order[t] as number;
    const base = node * k;
    const end = rowStart[node + 1] as number;
    for (let p = rowStart[node] as number; p < end; p += 1) {
      const from = (colOf[p] as number) * k;
      const a = valueOf[p] as number;
      for (let c = 0; c < k; c += 1) x[base + c] = (x[base + c] as number) - a * (x[from + c] as number);
    }
  }
  return x;
}
