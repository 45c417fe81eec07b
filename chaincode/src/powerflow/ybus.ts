/**
 * The bus admittance matrix Y = G + jB (pu) as two CSR matrices with one shared pattern, and the
 * bus injections S = V ⊙ conj(Y·V) in rectangular form. Both use + − × ÷ only, so a solution
 * (e, f) can be re-checked bit-for-bit on any engine (see `rectangular-residual.ts`).
 */
import { CarbonTraceError } from '../common/errors';
import { CsrMatrix } from '../sparse/csr-matrix';
import type { PowerFlowNetwork } from './power-flow-network';

/** Y = G + jB, pu. `conductance` and `susceptance` share one sparsity pattern. */
export interface Ybus {
  readonly conductance: CsrMatrix;
  readonly susceptance: CsrMatrix;
}

/**
 * Builds Ybus from in-service branches and bus shunts (MATPOWER's makeYbus), straight into CSR:
 * every row holds its diagonal (the shunt, possibly zero) and one entry per incident branch;
 * each row's columns are then sorted and parallel branches summed. The diagonal sums its
 * contributions in the order shunt, then branches in `mpc.branch` order.
 */
export function buildYbus(network: PowerFlowNetwork): Ybus {
  const n = network.busCount;
  const { count, from, to, yffRe, yffIm, yftRe, yftIm, ytfRe, ytfIm, yttRe, yttIm } = network.branchTable;
  const gDiagonal = network.shuntGPu.slice();
  const bDiagonal = network.shuntBPu.slice();
  const counts = new Int32Array(n + 1);
  for (let k = 0; k < count; k += 1) {
    const f = from[k] as number;
    const t = to[k] as number;
    gDiagonal[f] = (gDiagonal[f] as number) + (yffRe[k] as number);
    bDiagonal[f] = (bDiagonal[f] as number) + (yffIm[k] as number);
    gDiagonal[t] = (gDiagonal[t] as number) + (yttRe[k] as number);
    bDiagonal[t] = (bDiagonal[t] as number) + (yttIm[k] as number);
    if (f === t) {
      // A branch from a bus to itself: all four two-port terms land on the diagonal.
      gDiagonal[f] = gDiagonal[f] + (yftRe[k] as number) + (ytfRe[k] as number);
      bDiagonal[f] = bDiagonal[f] + (yftIm[k] as number) + (ytfIm[k] as number);
      continue;
    }
    counts[f + 1] = (counts[f + 1] as number) + 1;
    counts[t + 1] = (counts[t + 1] as number) + 1;
  }
  // Raw rows: the diagonal first, then one entry per branch end (duplicates still separate).
  for (let i = 0; i < n; i += 1) counts[i + 1] = (counts[i + 1] as number) + (counts[i] as number) + 1;
  const rawCount = counts[n] as number;
  const rawColumns = new Int32Array(rawCount);
  const rawG = new Float64Array(rawCount);
  const rawB = new Float64Array(rawCount);
  const next = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    const slot = counts[i] as number;
    rawColumns[slot] = i;
    rawG[slot] = gDiagonal[i] as number;
    rawB[slot] = bDiagonal[i] as number;
    next[i] = slot + 1;
  }
  for (let k = 0; k < count; k += 1) {
    const f = from[k] as number;
    const t = to[k] as number;
    if (f === t) continue;
    const sf = next[f] as number;
    next[f] = sf + 1;
    rawColumns[sf] = t;
    rawG[sf] = yftRe[k] as number;
    rawB[sf] = yftIm[k] as number;
    const st = next[t] as number;
    next[t] = st + 1;
    rawColumns[st] = f;
    rawG[st] = ytfRe[k] as number;
    rawB[st] = ytfIm[k] as number;
  }
  // Sort each (short) row by column and merge parallel branches.
  const pointers = new Int32Array(n + 1);
  let out = 0;
  for (let i = 0; i < n; i += 1) {
    const start = counts[i] as number;
    const end = counts[i + 1] as number;
    for (let p = start + 1; p < end; p += 1) {
      const c = rawColumns[p] as number;
      const g = rawG[p] as number;
      const b = rawB[p] as number;
      let q = p - 1;
      while (q >= start && (rawColumns[q] as number) > c) {
        rawColumns[q + 1] = rawColumns[q] as number;
        rawG[q + 1] = rawG[q] as number;
        rawB[q + 1] = rawB[q] as number;
        q -= 1;
      }
      rawColumns[q + 1] = c;
      rawG[q + 1] = g;
      rawB[q + 1] = b;
    }
    pointers[i] = out;
    for (let p = start; p < end; p += 1) {
      const c = rawColumns[p] as number;
      if (out > (pointers[i] as number) && rawColumns[out - 1] === c) {
        rawG[out - 1] = (rawG[out - 1] as number) + (rawG[p] as number);
        rawB[out - 1] = (rawB[out - 1] as number) + (rawB[p] as number);
      } else {
        rawColumns[out] = c;
        rawG[out] = rawG[p] as number;
        rawB[out] = rawB[p] as number;
        out += 1;
      }
    }
  }
  pointers[n] = out;
  const columns = out === rawCount ? rawColumns : rawColumns.slice(0, out);
  return {
    conductance: new CsrMatrix(n, n, pointers, columns, out === rawCount ? rawG : rawG.slice(0, out)),
    susceptance: new CsrMatrix(n, n, pointers, columns, out === rawCount ? rawB : rawB.slice(0, out)),
  };
}

/** Bus currents I = Y·V and injections S = V ⊙ conj(I), pu. */
export interface BusInjections {
  readonly currentRe: Float64Array;
  readonly currentIm: Float64Array;
  readonly pPu: Float64Array;
  readonly qPu: Float64Array;
}

/**
 * Computes I = Y·V and P + jQ = V·conj(I) at every bus from rectangular voltages V = e + jf:
 * I_re = Σ_j (G_ij e_j − B_ij f_j), I_im = Σ_j (G_ij f_j + B_ij e_j), P = e·I_re + f·I_im,
 * Q = f·I_re − e·I_im.
 */
export function computeBusInjections(ybus: Ybus, e: Float64Array, f: Float64Array): BusInjections {
  const { conductance: gm, susceptance: bm } = ybus;
  const n = gm.rowCount;
  const currentRe = new Float64Array(n);
  const currentIm = new Float64Array(n);
  const pPu = new Float64Array(n);
  const qPu = new Float64Array(n);
  const { rowPointers, columnIndices, values: gValues } = gm;
  const bValues = bm.values;
  if (e.length !== n || f.length !== n || bValues.length !== gValues.length) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'voltage vectors do not fit Ybus', {
      buses: n,
      e: e.length,
      f: f.length,
    });
  }
  const injections = { currentRe, currentIm, pPu, qPu };
  accumulateInjections(n, rowPointers, columnIndices, gValues, bValues, e, f, injections);
  return injections;
}

/**
 * The loop of {@link computeBusInjections}, alone in its function so that the engine optimizes it
 * as a whole (nothing after the loop to leave it without type feedback).
 */
function accumulateInjections(
  n: number,
  rowPointers: Int32Array,
  columnIndices: Int32Array,
  gValues: Float64Array,
  bValues: Float64Array,
  e: Float64Array,
  f: Float64Array,
  out: BusInjections,
): void {
  const { currentRe, currentIm, pPu, qPu } = out;
  for (let i = 0; i < n; i += 1) {
    let re = 0;
    let im = 0;
    const end = rowPointers[i + 1] as number;
    for (let p = rowPointers[i] as number; p < end; p += 1) {
      const j = columnIndices[p] as number;
      const gij = gValues[p] as number;
      const bij = bValues[p] as number;
      const ej = e[j] as number;
      const fj = f[j] as number;
      re += gij * ej - bij * fj;
      im += gij * fj + bij * ej;
    }
    const ei = e[i] as number;
    const fi = f[i] as number;
    currentRe[i] = re;
    currentIm[i] = im;
    pPu[i] = ei * re + fi * im;
    qPu[i] = fi * re - ei * im;
  }
}
