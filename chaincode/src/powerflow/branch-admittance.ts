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
