/**
 * Hourly profiles of the main job's day (hour 0 = 00:00–01:00), as fractions of a base value.
 * Shapes are stylised from typical distribution-feeder days (a residential evening peak, a
 * commercial daytime plateau, a clear-sky PV bell, a night-leaning wind profile); they are inputs
 * of a demonstration, not measurements.
 */

/** Residential load: low at night, morning ramp, evening peak at 18:00–19:00. */
export const RESIDENTIAL_LOAD: readonly number[] = [
  0.62, 0.58, 0.55, 0.54, 0.56, 0.63, 0.74, 0.86, 0.92, 0.95, 0.97, 0.98, 0.96, 0.94, 0.93, 0.95, 1.0, 1.05,
  1.08, 1.06, 0.99, 0.9, 0.79, 0.69,
];

/** Commercial load: daytime plateau 09:00–17:00. */
export const COMMERCIAL_LOAD: readonly number[] = [
  0.45, 0.43, 0.42, 0.42, 0.44, 0.5, 0.62, 0.8, 0.95, 1.02, 1.05, 1.06, 1.04, 1.05, 1.06, 1.04, 1.0, 0.92,
  0.8, 0.7, 0.62, 0.56, 0.5, 0.47,
];

/** PV output (clear sky), fraction of the peak rating. */
export const PV_OUTPUT: readonly number[] = [
  0, 0, 0, 0, 0, 0, 0.05, 0.15, 0.35, 0.55, 0.75, 0.9, 1.0, 0.95, 0.82, 0.62, 0.4, 0.18, 0.05, 0, 0, 0, 0, 0,
];

/** Wind output, fraction of the rating. */
export const WIND_OUTPUT: readonly number[] = [
  0.55, 0.6, 0.62, 0.6, 0.58, 0.52, 0.45, 0.4, 0.35, 0.3, 0.28, 0.25, 0.25, 0.27, 0.3, 0.35, 0.4, 0.45, 0.5,
  0.55, 0.6, 0.62, 0.6, 0.58,
];

/** Evening peaking unit: on (1) from 17:00 to 22:00, off otherwise. */
export const EVENING_PEAKER: readonly number[] = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0,
];

/** Always on at rating. */
export const FLAT: readonly number[] = Array.from({ length: 24 }, () => 1);

/** A profile's value at `hour` (0–23; other hours wrap around the day). */
export function profileAt(profile: readonly number[], hour: number): number {
  const value = profile[((hour % 24) + 24) % 24];
  if (value === undefined) throw new RangeError(`profile has no value for hour ${hour}`);
  return value;
}
