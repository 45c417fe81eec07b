/**
 * Bounds-checked reads of typed arrays. With `noUncheckedIndexedAccess` an indexed read is
 * `number | undefined`; these helpers turn an out-of-range read into an immediate error instead of
 * a silent `NaN` or a scattered non-null assertion.
 */

/** A numeric typed array. */
export type NumericArray = Float64Array | Int32Array | Uint8Array;

/**
 * `array[index]`, or a RangeError when `index` is outside the array.
 * @throws RangeError on an out-of-range index.
 */
export function at(array: NumericArray, index: number): number {
  const value = array[index];
  if (value === undefined) throw new RangeError(`index ${index} outside [0, ${array.length})`);
  return value;
}

/**
 * `array[index]` for plain arrays, or a RangeError when absent.
 * @throws RangeError on an out-of-range index.
 */
export function item<T>(array: readonly T[], index: number): T {
  const value = array[index];
  if (value === undefined) throw new RangeError(`index ${index} outside [0, ${array.length})`);
  return value;
}
