/**
 * Qun et al.'s n×n distribution matrix (MATH.md B10), used as a cross-check of the extended form:
 * eliminating the virtual nodes gives A_u[i,i] = 1 and A_u[j,i] = −P_k^r / P_i for each branch
 * k that sends from bus i and delivers to bus j (a branch fed from both ends delivers nothing).
 * A_u·P = P_G gives the same real-bus through-flows, and A_u⁻¹·G the same real-bus rows of X.
 */
import { at } from '../sparse/checked-access';
import { type CsrMatrix, TripletBuilder } from '../sparse/csr-matrix';
import { SparseLu } from '../sparse/sparse-lu';
import { generatorMatrix } from './distribution-matrix';
import type { DistributionSystem } from './distribution-system';

/** A_u (n×n, unit diagonal). */
export function qunReducedMatrix(system: DistributionSystem): CsrMatrix {
  const n = system.busCount;
  const builder = new TripletBuilder(n, n);
  for (let i = 0; i < n; i += 1) builder.add(i, i, 1);
  system.branchEnds.forEach((ends, b) => {
    const v = n + b;
    const receiving = at(system.receivingMw, v);
    if (ends.fromSends === ends.toSends || receiving === 0) return;
    const sender = ends.fromSends ? ends.from : ends.to;
    const receiver = ends.fromSends ? ends.to : ends.from;
    builder.add(receiver, sender, -receiving / at(system.throughFlowMw, sender));
  });
  return builder.build();
}

/** Real-bus rows of X (n×K) by Qun's n×n form: X_u = A_u⁻¹·G_u. */
export function qunRealBusShares(system: DistributionSystem): Float64Array {
  const k = system.generators.length;
  const realRows = generatorMatrix(system).subarray(0, system.busCount * k);
  return SparseLu.factor(qunReducedMatrix(system)).solveRowMajor(realRows, k);
}
