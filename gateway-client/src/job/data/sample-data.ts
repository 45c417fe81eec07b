/**
 * The sample data set (`data/case33bw-week/`): a week of 15-minute measurements for the job's
 * split of case33bw, made here deterministically from the built-in day profiles
 * (`../day-profiles.ts`, interpolated between hours) with a seeded variation: ±3 % per bus and
 * interval, weekends (residential ×1.05, commercial ×0.6), a cloud factor per day for PV and a wind
 * factor per day. The grid intensity is hourly, 0.581 tCO2/MWh scaled down around midday (solar in
 * the upstream mix) and up in the evening. These are synthetic, stated inputs, not measurements.
 * Written by `npm run data:sample` (`make-sample-data.ts`); a unit test checks the committed files
 * are what this produces.
 */
import { profileAt } from '../day-profiles';
import type { SplitFeeder } from '../feeder-split';
import { formatWithOffset } from './wall-clock';

/** Options of {@link sampleDataSet}. */
export interface SampleDataOptions {
  /** First interval start, ISO 8601 with offset. @default 2026-06-01T00:00:00+08:00 */
  readonly startMs?: number;
  /** UTC offset of the timestamps, minutes. @default 480 */
  readonly offsetMinutes?: number;
  /** Days. @default 7 */
  readonly days?: number;
  /** Interval length, minutes. @default 15 */
  readonly intervalMinutes?: number;
  /** Seed of the variation. @default 14 */
  readonly seed?: number;
}

/** The three files' contents. */
export interface SampleDataSet {
  readonly loadsCsv: string;
  readonly generationCsv: string;
  readonly gridIntensityCsv: string;
}

/** 2026-06-01T00:00:00+08:00. */
export const SAMPLE_START_MS = Date.UTC(2026, 5, 1, 0, 0, 0) - 8 * 3_600_000;

/** A small seeded generator (mulberry32): uniform numbers in [0, 1). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A profile at a fractional local hour, linear between the hourly values. */
function profileAtHour(profile: readonly number[], hour: number): number {
  const h = Math.floor(hour);
  const f = hour - h;
  return profileAt(profile, h) * (1 - f) + profileAt(profile, h + 1) * f;
}

const fixed = (value: number): string => String(Math.round(value * 1e6) / 1e6);

/** Builds the sample data set for `split`. */
export function sampleDataSet(split: SplitFeeder, options: Readonly<SampleDataOptions> = {}): SampleDataSet {
  const startMs = options.startMs ?? SAMPLE_START_MS;
  const offsetMinutes = options.offsetMinutes ?? 480;
  const days = options.days ?? 7;
  const minutes = options.intervalMinutes ?? 15;
  const random = seeded(options.seed ?? 14);
  const perDay = (24 * 60) / minutes;
  const dayFactors = Array.from({ length: days }, () => ({
    cloud: 0.4 + 0.6 * random(),
    wind: 0.5 + 0.8 * random(),
  }));
  const loads = ['timestamp,bus,p_mw,q_mvar'];
  const generation = ['timestamp,unit,p_mw'];
  const grid = ['timestamp,intensity_tco2_per_mwh'];
  const feeders = split.regions.flatMap((r) => r.feeders);
  for (let i = 0; i < days * perDay; i++) {
    const ms = startMs + i * minutes * 60_000;
    const stamp = formatWithOffset(ms, offsetMinutes);
    const local = new Date(ms + offsetMinutes * 60_000);
    const hour = local.getUTCHours() + local.getUTCMinutes() / 60;
    const weekday = local.getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const day = dayFactors[Math.floor(i / perDay)] ?? { cloud: 1, wind: 1 };
    const rows: { bus: number; line: string }[] = [];
    for (const feeder of feeders) {
      const commercial = feeder.lv === 'Lv2b';
      const scale = profileAtHour(feeder.loadProfile, hour) * (weekend ? (commercial ? 0.6 : 1.05) : 1);
      for (const load of feeder.loads) {
        const noise = 0.97 + 0.06 * random();
        rows.push({
          bus: load.busId,
          line: `${stamp},${load.busId},${fixed(load.pMw * scale * noise)},${fixed(load.qMvar * scale * noise)}`,
        });
      }
    }
    rows.sort((a, b) => a.bus - b.bus);
    loads.push(...rows.map((r) => r.line));
    for (const unit of feeders.flatMap((f) => f.units)) {
      if (unit.slack) continue;
      let factor = profileAtHour(unit.profile, hour);
      if (unit.unitId.startsWith('pv')) factor *= day.cloud * (0.9 + 0.1 * random());
      if (unit.unitId.startsWith('wt')) factor = Math.min(1, factor * day.wind * (0.85 + 0.3 * random()));
      if (unit.unitId.startsWith('dg')) factor = profileAt(unit.profile, Math.floor(hour));
      generation.push(`${stamp},${unit.unitId},${fixed(unit.ratingMw * factor)}`);
    }
    if (i % (60 / minutes) === 0) {
      const solar = Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI)) * day.cloud;
      const evening = hour >= 17 && hour < 22 ? 1 : 0;
      grid.push(`${stamp},${fixed(0.581 * (1 - 0.18 * solar + 0.07 * evening))}`);
    }
  }
  return {
    loadsCsv: `${loads.join('\n')}\n`,
    generationCsv: `${generation.join('\n')}\n`,
    gridIntensityCsv: `${grid.join('\n')}\n`,
  };
}
