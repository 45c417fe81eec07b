/**
 * The feeder map's colour scale: nodal intensity (tCO2/MWh) in fixed buckets, so a colour means
 * the same range on every interval and in the tests that check what is drawn.
 */

/** One bucket: intensities in [min, max). */
export interface IntensityBucket {
  readonly index: number;
  readonly minTco2PerMwh: number;
  readonly maxTco2PerMwh: number;
  /** CSS colour. */
  readonly colour: string;
  readonly label: string;
}

const EDGES = [0, 0.1, 0.3, 0.5, 0.55, 0.6, 0.65, Number.POSITIVE_INFINITY] as const;
const COLOURS = ['#1a9850', '#91cf60', '#d9ef8b', '#fee08b', '#fdae61', '#f46d43', '#d73027'] as const;

/** The buckets, lowest first. */
export const INTENSITY_BUCKETS: readonly IntensityBucket[] = COLOURS.map((colour, index) => {
  const min = EDGES[index] ?? 0;
  const max = EDGES[index + 1] ?? Number.POSITIVE_INFINITY;
  return {
    index,
    minTco2PerMwh: min,
    maxTco2PerMwh: max,
    colour,
    label: Number.isFinite(max) ? `${min.toFixed(2)}–${max.toFixed(2)}` : `≥ ${min.toFixed(2)}`,
  };
});

/** The bucket of an intensity (negative values fall in the lowest). */
export function bucketOf(intensityTco2PerMwh: number): IntensityBucket {
  const found = INTENSITY_BUCKETS.find((b) => intensityTco2PerMwh < b.maxTco2PerMwh);
  return found ?? (INTENSITY_BUCKETS.at(-1) as IntensityBucket);
}
