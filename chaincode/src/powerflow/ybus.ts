/**
 * The bus admittance matrix Y = G + jB (pu) as two CSR matrices with one shared pattern, and the
 * bus injections S = V ⊙ conj(Y·V) in rectangular form. Both use + − × ÷ only, so a solution
 * (e, f) can be re-checked bit-for-bit on any engine (see `rectangular-residual.ts`).
 */
import { CarbonTraceError } from '../common/errors';
import { at } from '../sparse/checked-access';
import { type CsrMatrix, TripletBuilder } from '../sparse/csr-matrix';
import type { PowerFlowNetwork } from './power-flow-network';

/** Y = G + jB, pu. `conductance` and `susceptance` share one sparsity pattern. */
export interface Ybus {
  readonly conductance: CsrMatrix;
  readonly susceptance: CsrMatrix;
}

/** Builds Ybus from in-service branches and bus shunts (MATPOWER's makeYbus). */
export function buildYbus(network: PowerFlowNetwork): Ybus {
  const n = network.busCount;
  const g = new TripletBuilder(n, n);
  const b = new TripletBuilder(n, n);
  for (let i = 0; i < n; i += 1) {
    g.add(i, i, at(network.shuntGPu, i));
    b.add(i, i, at(network.shuntBPu, i));
  }
  for (const br of network.branches) {
    g.add(br.from, br.from, br.yff.re);
    b.add(br.from, br.from, br.yff.im);
    g.add(br.from, br.to, br.yft.re);
    b.add(br.from, br.to, br.yft.im);
    g.add(br.to, br.from, br.ytf.re);
    b.add(br.to, br.from, br.ytf.im);
    g.add(br.to, br.to, br.ytt.re);
    b.add(br.to, br.to, br.ytt.im);
  }
  return { conductance: g.build(), susceptance: b.build() };
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
  return { currentRe, currentIm, pPu, qPu };
}
