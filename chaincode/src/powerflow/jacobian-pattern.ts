/**
 * The rectangular Newton–Raphson Jacobian as a fixed CSR pattern, filled in place each iteration.
 *
 * Unknowns per non-slack, non-isolated bus i (the k-th such bus): f_i → 2k, e_i → 2k+1; equation
 * rows 2k (ΔP_i) and 2k+1 (ΔQ_i at PQ buses, Δ|V_i|² at PV buses). Every Ybus entry (i, j) between
 * two buses with unknowns owns the 2×2 block of rows 2k, 2k+1 and columns 2l, 2l+1. At a PV bus the
 * |V|² row keeps the whole block pattern with explicit zeros off the diagonal block, so the pattern
 * depends only on the topology (the Ybus pattern and which buses are slack or isolated), not on
 * PV/PQ roles or values: it can be kept across iterations, solves and slots.
 *
 * The column order for the LU is minimum degree on the bus graph (one node per bus with unknowns),
 * each bus expanded to its (f, e) pair: the Jacobian's 2×2 block structure, at a quarter of the
 * ordering work of the scalar graph.
 *
 * Formulas (with I = Y·V):
 *   ∂P_i/∂e_j = e_i G_ij + f_i B_ij (+ I_re,i if j = i)    ∂P_i/∂f_j = f_i G_ij − e_i B_ij (+ I_im,i)
 *   ∂Q_i/∂e_j = f_i G_ij − e_i B_ij (− I_im,i if j = i)    ∂Q_i/∂f_j = −e_i G_ij − f_i B_ij (+ I_re,i)
 *   ∂|V_i|²/∂e_i = 2 e_i                                   ∂|V_i|²/∂f_i = 2 f_i
 */
import { CsrMatrix } from '../sparse/csr-matrix';
import { minimumDegreeOrdering } from '../sparse/minimum-degree-ordering';
import { BusRole, type PowerFlowNetwork } from './power-flow-network';
import type { BusInjections, Ybus } from './ybus';

/** The fixed Jacobian pattern of one topology. */
export interface JacobianPattern {
  /** Number of unknowns (2 per bus with unknowns). */
  readonly unknownCount: number;
  /** variable[i]: first unknown (f) of bus i, or −1 (slack, isolated). */
  readonly variable: Int32Array;
  /** The Jacobian; its `values` are overwritten by {@link fillJacobian}. */
  readonly matrix: CsrMatrix;
  /** For Ybus position p: CSR position of ∂P/∂f (∂P/∂e follows), or −1 when column j has no unknowns. */
  readonly pPosition: Int32Array;
  /** For Ybus position p: CSR position of the second row's ∂/∂f entry (∂/∂e follows). */
  readonly qPosition: Int32Array;
  /** Fill-reducing column order (bus-level minimum degree, expanded to (f, e)). */
  readonly columnOrder: Int32Array;
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
  const pPosition = new Int32Array(columnIndices.length).fill(-1);
  const qPosition = new Int32Array(columnIndices.length).fill(-1);
  const pointers = new Int32Array(unknownCount + 1);
  let nnz = 0;
  for (let i = 0; i < n; i += 1) {
    const row = variable[i] as number;
    if (row < 0) continue;
    const end = rowPointers[i + 1] as number;
    let count = 0;
    for (let p = rowPointers[i] as number; p < end; p += 1) {
      if ((variable[columnIndices[p] as number] as number) >= 0) count += 1;
    }
    let t = 0;
    for (let p = rowPointers[i] as number; p < end; p += 1) {
      if ((variable[columnIndices[p] as number] as number) < 0) continue;
      pPosition[p] = nnz + 2 * t;
      qPosition[p] = nnz + 2 * count + 2 * t;
      t += 1;
    }
    pointers[row] = nnz;
    pointers[row + 1] = nnz + 2 * count;
    nnz += 4 * count;
    pointers[row + 2] = nnz;
  }
  const columns = new Int32Array(nnz);
  const busGraphPointers = new Int32Array(unknownCount / 2 + 1);
  const busGraphColumns = new Int32Array(nnz / 4);
  let busEntries = 0;
  for (let i = 0; i < n; i += 1) {
    const row = variable[i] as number;
    if (row < 0) continue;
    const end = rowPointers[i + 1] as number;
    for (let p = rowPointers[i] as number; p < end; p += 1) {
      const col = variable[columnIndices[p] as number] as number;
      if (col < 0) continue;
      const pp = pPosition[p] as number;
      const qp = qPosition[p] as number;
      columns[pp] = col;
      columns[pp + 1] = col + 1;
      columns[qp] = col;
      columns[qp + 1] = col + 1;
      busGraphColumns[busEntries] = col / 2;
      busEntries += 1;
    }
    busGraphPointers[row / 2 + 1] = busEntries;
  }
  const matrix = new CsrMatrix(unknownCount, unknownCount, pointers, columns, new Float64Array(nnz));
  const busGraph = new CsrMatrix(
    unknownCount / 2,
    unknownCount / 2,
    busGraphPointers,
    busGraphColumns,
    new Float64Array(busEntries),
  );
  const busOrder = minimumDegreeOrdering(busGraph);
  const columnOrder = new Int32Array(unknownCount);
  for (let t = 0; t < busOrder.length; t += 1) {
    const bus = busOrder[t] as number;
    columnOrder[2 * t] = 2 * bus;
    columnOrder[2 * t + 1] = 2 * bus + 1;
  }
  return { unknownCount, variable, matrix, pPosition, qPosition, columnOrder };
}

/**
 * Writes the Jacobian at (e, f) into `pattern.matrix.values` and the mismatch (specified −
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
  const { variable, pPosition, qPosition } = pattern;
  const jac = pattern.matrix.values;
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
      const pp = pPosition[p] as number;
      if (pp < 0) continue;
      const qp = qPosition[p] as number;
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
