/**
 * The rectangular Newton–Raphson Jacobian as a fixed 2×2-block pattern, filled in place each
 * iteration.
 *
 * Unknowns per non-slack, non-isolated bus i (the k-th such bus): f_i → 2k, e_i → 2k+1; equation
 * rows 2k (ΔP_i) and 2k+1 (ΔQ_i at PQ buses, Δ|V_i|² at PV buses). Every Ybus entry (i, j) between
 * two buses with unknowns owns the 2×2 block of rows 2k, 2k+1 and columns 2l, 2l+1. At a PV bus the
 * |V|² row keeps the whole block pattern with explicit zeros off the diagonal block, so the pattern
 * depends only on the topology (the Ybus pattern and which buses are slack or isolated), not on
 * PV/PQ roles or values: it can be kept across iterations, solves and slots.
 *
 * The Jacobian is kept as 2×2 blocks on the bus graph (4 values per block, row-major: ∂P/∂f,
 * ∂P/∂e, then ∂Q/∂f, ∂Q/∂e or ∂|V|²/∂f, ∂|V|²/∂e) and factored by the block LU of `block-lu.ts`
 * in a leaves-first block order (`leaves-first-ordering.ts`: zero fill on the tree parts of a
 * feeder), put in elimination-tree postorder (`elimination-pattern.ts`) for locality. {@link jacobianAsCsr} gives the same matrix as scalar CSR for the partial-pivoting
 * fallback.
 *
 * Formulas (with I = Y·V):
 *   ∂P_i/∂e_j = e_i G_ij + f_i B_ij (+ I_re,i if j = i)    ∂P_i/∂f_j = f_i G_ij − e_i B_ij (+ I_im,i)
 *   ∂Q_i/∂e_j = f_i G_ij − e_i B_ij (− I_im,i if j = i)    ∂Q_i/∂f_j = −e_i G_ij − f_i B_ij (+ I_re,i)
 *   ∂|V_i|²/∂e_i = 2 e_i                                   ∂|V_i|²/∂f_i = 2 f_i
 */
import { CsrMatrix } from '../sparse/csr-matrix';
import { postorderElimination } from '../sparse/elimination-pattern';
import { leavesFirstOrdering } from '../sparse/leaves-first-ordering';
import type { BlockPattern } from '../sparse/block-lu';
import { BusRole, type PowerFlowNetwork } from './power-flow-network';
import type { BusInjections, Ybus } from './ybus';

/** The fixed Jacobian pattern of one topology. */
export interface JacobianPattern {
  /** Number of unknowns (2 per bus with unknowns). */
  readonly unknownCount: number;
  /** variable[i]: first unknown (f) of bus i, or −1 (slack, isolated). */
  readonly variable: Int32Array;
  /** Block pattern: block row/column t = the t-th bus with unknowns (unknowns 2t, 2t+1). */
  readonly blocks: BlockPattern;
  /** Block values, 4 per block (row-major); overwritten by {@link fillJacobian}. */
  readonly values: Float64Array;
  /** For Ybus position p: its block, or −1 when row or column has no unknowns. */
  readonly blockPosition: Int32Array;
  /** Fill-reducing block order (leaves first, then minimum degree on the loops; etree postorder). */
  readonly blockOrder: Int32Array;
}

/** Numbers the unknowns: bus i → 2k for the k-th PQ or PV bus, −1 otherwise. */
export function numberUnknowns(network: PowerFlowNetwork): Int32Array {
  const n = network.busCount;
  const roles = network.roles;
  const variable = new Int32Array(n).fill(-1);
  let unknowns = 0;
  for (let i = 0; i < n; i += 1) {
    const role = roles[i];
    if (role === BusRole.Pq || role === BusRole.Pv) {
      variable[i] = unknowns;
      unknowns += 2;
    }
  }
  return variable;
}

/** Builds the Jacobian pattern for a topology (Ybus pattern and unknown numbering). */
export function buildJacobianPattern(ybus: Ybus, variable: Int32Array): JacobianPattern {
  const { rowPointers, columnIndices } = ybus.conductance;
  const n = variable.length;
  let unknownCount = 0;
  for (let i = 0; i < n; i += 1) if ((variable[i] as number) >= 0) unknownCount += 2;
  const blockCount = unknownCount / 2;
  const blockPosition = new Int32Array(columnIndices.length).fill(-1);
  const pointers = new Int32Array(blockCount + 1);
  let entries = 0;
  for (let i = 0; i < n; i += 1) {
    const row = variable[i] as number;
    if (row < 0) continue;
    const end = rowPointers[i + 1] as number;
    for (let p = rowPointers[i] as number; p < end; p += 1) {
      if ((variable[columnIndices[p] as number] as number) < 0) continue;
      blockPosition[p] = entries;
      entries += 1;
    }
    pointers[row / 2 + 1] = entries;
  }
  const columns = new Int32Array(entries);
  for (let i = 0; i < n; i += 1) {
    if ((variable[i] as number) < 0) continue;
    const end = rowPointers[i + 1] as number;
    for (let p = rowPointers[i] as number; p < end; p += 1) {
      const b = blockPosition[p] as number;
      if (b >= 0) columns[b] = (variable[columnIndices[p] as number] as number) / 2;
    }
  }
  const busGraph = new CsrMatrix(blockCount, blockCount, pointers, columns, new Float64Array(entries));
  return {
    unknownCount,
    variable,
    blocks: { blockCount, rowPointers: pointers, columnIndices: columns },
    values: new Float64Array(4 * entries),
    blockPosition,
    blockOrder: postorderElimination(blockCount, pointers, columns, leavesFirstOrdering(busGraph)),
  };
}

/** The Jacobian now in `pattern.values` as a scalar CSR matrix (unknown numbering). */
export function jacobianAsCsr(pattern: JacobianPattern): CsrMatrix {
  const { blockCount, rowPointers, columnIndices } = pattern.blocks;
  const values = pattern.values;
  const nnz = 4 * columnIndices.length;
  const pointers = new Int32Array(2 * blockCount + 1);
  const columns = new Int32Array(nnz);
  const scalars = new Float64Array(nnz);
  let out = 0;
  for (let t = 0; t < blockCount; t += 1) {
    const start = rowPointers[t] as number;
    const end = rowPointers[t + 1] as number;
    for (let half = 0; half < 2; half += 1) {
      pointers[2 * t + half] = out;
      for (let b = start; b < end; b += 1) {
        const c = 2 * (columnIndices[b] as number);
        columns[out] = c;
        columns[out + 1] = c + 1;
        scalars[out] = values[4 * b + 2 * half] as number;
        scalars[out + 1] = values[4 * b + 2 * half + 1] as number;
        out += 2;
      }
    }
  }
  pointers[2 * blockCount] = out;
  return new CsrMatrix(2 * blockCount, 2 * blockCount, pointers, columns, scalars);
}

/**
 * Writes the Jacobian at (e, f) into `pattern.values` and the mismatch (specified −
 * computed) into `mismatch` (length `unknownCount`).
 */
export function fillJacobian(
  pattern: JacobianPattern,
  network: PowerFlowNetwork,
  ybus: Ybus,
  voltage: { readonly e: Float64Array; readonly f: Float64Array },
  injections: BusInjections,
  mismatch: Float64Array,
): void {
  const { e, f } = voltage;
  const { currentRe, currentIm, pPu, qPu } = injections;
  const { rowPointers, columnIndices, values: gValues } = ybus.conductance;
  const bValues = ybus.susceptance.values;
  const { variable, blockPosition } = pattern;
  const jac = pattern.values;
  const { roles, pSpecifiedPu, qSpecifiedPu, vmSetPu } = network;
  const n = network.busCount;
  for (let i = 0; i < n; i += 1) {
    const row = variable[i] as number;
    if (row < 0) continue;
    const isPv = roles[i] === BusRole.Pv;
    const ei = e[i] as number;
    const fi = f[i] as number;
    mismatch[row] = (pSpecifiedPu[i] as number) - (pPu[i] as number);
    if (isPv) {
      const v = vmSetPu[i] as number;
      mismatch[row + 1] = v * v - (ei * ei + fi * fi);
    } else {
      mismatch[row + 1] = (qSpecifiedPu[i] as number) - (qPu[i] as number);
    }
    const end = rowPointers[i + 1] as number;
    for (let p = rowPointers[i] as number; p < end; p += 1) {
      const block = blockPosition[p] as number;
      if (block < 0) continue;
      const pp = 4 * block;
      const qp = pp + 2;
      const j = columnIndices[p] as number;
      const gij = gValues[p] as number;
      const bij = bValues[p] as number;
      let dpDf = fi * gij - ei * bij;
      let dpDe = ei * gij + fi * bij;
      let dqDf = -ei * gij - fi * bij;
      let dqDe = fi * gij - ei * bij;
      if (j === i) {
        dpDf += currentIm[i] as number;
        dpDe += currentRe[i] as number;
        dqDf += currentRe[i] as number;
        dqDe -= currentIm[i] as number;
      }
      jac[pp] = dpDf;
      jac[pp + 1] = dpDe;
      if (!isPv) {
        jac[qp] = dqDf;
        jac[qp + 1] = dqDe;
      } else if (j === i) {
        jac[qp] = 2 * fi;
        jac[qp + 1] = 2 * ei;
      } else {
        jac[qp] = 0;
        jac[qp + 1] = 0;
      }
    }
  }
}
