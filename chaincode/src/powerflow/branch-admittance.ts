/**
 * The two-port admittances of a branch (MATPOWER's π model with an ideal transformer at the from
 * end): with series admittance y_s = 1/(r + jx), charging b and complex tap t = τ·e^{jθ},
 *
 *   I_f = Y_ff·V_f + Y_ft·V_t,   I_t = Y_tf·V_f + Y_tt·V_t
 *   Y_tt = y_s + jb/2,  Y_ff = Y_tt/τ²,  Y_ft = −y_s/conj(t),  Y_tf = −y_s/t.
 *
 * cos/sin are used only for a non-zero phase shift (θ = 0 gives t = τ exactly).
 */
import type { Branch } from '../grid/power-case';

/** A complex number as a pair. */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

/** Two-port admittances of one in-service branch, pu. */
export interface BranchAdmittance {
  readonly branch: Branch;
  /** Internal bus index of the from end. */
  readonly from: number;
  /** Internal bus index of the to end. */
  readonly to: number;
  readonly yff: Complex;
  readonly yft: Complex;
  readonly ytf: Complex;
  readonly ytt: Complex;
  /** Series admittance y_s. */
  readonly ys: Complex;
  /** Complex tap t. */
  readonly tap: Complex;
}

/** Complex helpers (+ − × ÷ only). */
export const complex = {
  mul: (a: Complex, b: Complex): Complex => ({
    re: a.re * b.re - a.im * b.im,
    im: a.re * b.im + a.im * b.re,
  }),
  div: (a: Complex, b: Complex): Complex => {
    const d = b.re * b.re + b.im * b.im;
    return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
  },
  add: (a: Complex, b: Complex): Complex => ({ re: a.re + b.re, im: a.im + b.im }),
  sub: (a: Complex, b: Complex): Complex => ({ re: a.re - b.re, im: a.im - b.im }),
  conj: (a: Complex): Complex => ({ re: a.re, im: -a.im }),
  scale: (a: Complex, s: number): Complex => ({ re: a.re * s, im: a.im * s }),
};

/** Admittances of a branch between internal buses `from` and `to`. */
export function branchAdmittance(branch: Branch, from: number, to: number): BranchAdmittance {
  const ys = complex.div({ re: 1, im: 0 }, { re: branch.rPu, im: branch.xPu });
  const tau = branch.tapRatio;
  const shiftRad = (branch.shiftDeg * Math.PI) / 180;
  const tap: Complex =
    branch.shiftDeg === 0
      ? { re: tau, im: 0 }
      : { re: tau * Math.cos(shiftRad), im: tau * Math.sin(shiftRad) };
  const ytt: Complex = { re: ys.re, im: ys.im + branch.bPu / 2 };
  const yff = complex.scale(ytt, 1 / (tau * tau));
  const minusYs = complex.scale(ys, -1);
  return {
    branch,
    from,
    to,
    yff,
    yft: complex.div(minusYs, complex.conj(tap)),
    ytf: complex.div(minusYs, tap),
    ytt,
    ys,
    tap,
  };
}

/**
 * The two-port admittances of every in-service branch, one typed array per quantity (the solver's
 * layout: no object per branch). Entry k belongs to `powerCase.branches[caseIndex[k]]`.
 */
export interface BranchTable {
  /** Number of in-service branches. */
  readonly count: number;
  /** Index of entry k in `powerCase.branches`. */
  readonly caseIndex: Int32Array;
  /** Internal bus index of the from end. */
  readonly from: Int32Array;
  /** Internal bus index of the to end. */
  readonly to: Int32Array;
  readonly yffRe: Float64Array;
  readonly yffIm: Float64Array;
  readonly yftRe: Float64Array;
  readonly yftIm: Float64Array;
  readonly ytfRe: Float64Array;
  readonly ytfIm: Float64Array;
  readonly yttRe: Float64Array;
  readonly yttIm: Float64Array;
}

/** An empty table for `count` branches, filled by {@link writeBranchAdmittance}. */
export function allocateBranchTable(count: number): BranchTable {
  return {
    count,
    caseIndex: new Int32Array(count),
    from: new Int32Array(count),
    to: new Int32Array(count),
    yffRe: new Float64Array(count),
    yffIm: new Float64Array(count),
    yftRe: new Float64Array(count),
    yftIm: new Float64Array(count),
    ytfRe: new Float64Array(count),
    ytfIm: new Float64Array(count),
    yttRe: new Float64Array(count),
    yttIm: new Float64Array(count),
  };
}

/**
 * Writes the admittances of `branch` (`powerCase.branches[caseIndex]`, between internal buses from
 * and to) as entry k of `table`.
 */
export function writeBranchAdmittance(
  table: BranchTable,
  k: number,
  caseIndex: number,
  branch: Branch,
  from: number,
  to: number,
): void {
  table.caseIndex[k] = caseIndex;
  table.from[k] = from;
  table.to[k] = to;
  if (branch.shiftDeg !== 0) {
    const y = branchAdmittance(branch, from, to);
    table.yffRe[k] = y.yff.re;
    table.yffIm[k] = y.yff.im;
    table.yftRe[k] = y.yft.re;
    table.yftIm[k] = y.yft.im;
    table.ytfRe[k] = y.ytf.re;
    table.ytfIm[k] = y.ytf.im;
    table.yttRe[k] = y.ytt.re;
    table.yttIm[k] = y.ytt.im;
    return;
  }
  // Real tap t = τ: the same formulas without the complex helpers' temporaries.
  const { rPu: r, xPu: x, tapRatio: tau } = branch;
  const d = r * r + x * x;
  const ysRe = r / d;
  const ysIm = -x / d;
  const yttIm = ysIm + branch.bPu / 2;
  const scale = 1 / (tau * tau);
  const tauSquared = tau * tau;
  const yMutualRe = (-ysRe * tau) / tauSquared;
  const yMutualIm = (-ysIm * tau) / tauSquared;
  table.yffRe[k] = ysRe * scale;
  table.yffIm[k] = yttIm * scale;
  table.yftRe[k] = yMutualRe;
  table.yftIm[k] = yMutualIm;
  table.ytfRe[k] = yMutualRe;
  table.ytfIm[k] = yMutualIm;
  table.yttRe[k] = ysRe;
  table.yttIm[k] = yttIm;
}
