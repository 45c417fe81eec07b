/** Bounds on the values of a measurement submission. */

/** Largest slot number accepted (slots are non-negative integers, e.g. hours since an epoch). */
export const MAX_SLOT = 999_999_999_999;
/** Largest bus id accepted. */
export const MAX_BUS_ID = 99_999_999;
/** Bound on any power value, MW or Mvar. */
export const MAX_POWER_MW = 100_000;
