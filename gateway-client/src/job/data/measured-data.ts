/**
 * The measured data of `npm start -- --data DIR`: `loads.csv` (required), `generation.csv` and
 * `grid-intensity.csv` (optional), each read once and checked as a whole before anything is
 * submitted. The interval length comes from the load timestamps; every problem is reported with
 * its file, line, column and value ({@link DataFileError}).
 *
 * - `loads.csv`: `timestamp,bus,p_mw,q_mvar`, one row per loaded bus per interval, `timestamp` the
 *   interval's start (ISO 8601 with offset). A bus listed in one interval must be listed in all.
 * - `generation.csv`: `timestamp,unit,p_mw`, `unit` a DG unit id of the job (`pv18`) or a 1-based
 *   row of the case's `mpc.gen` at such a unit's bus; units it does not list follow their built-in
 *   profile at the interval's local hour.
 * - `grid-intensity.csv`: `timestamp,intensity_tco2_per_mwh`, at its own cadence (e.g. hourly); the
 *   row in force at an interval's start replaces the grid supply's fixed intensity.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { PowerCase } from '@carbontrace/chaincode';
import type { SplitFeeder } from '../feeder-split';
import { parseCsvTable } from './csv-table';
import { DataFileError, ProblemList } from './data-file-error';
import { checkLoads, LOADS_FILE } from './load-table';
import {
  checkGeneration,
  checkGridIntensity,
  GENERATION_FILE,
  GRID_INTENSITY_FILE,
  resolveUnit,
} from './unit-tables';
import type { SlotInterval } from './wall-clock';
import { intervalAt } from './wall-clock';

/** One interval of measured data. */
export interface MeasuredInterval {
  readonly interval: SlotInterval;
  /** Load per bus id, MW / Mvar. */
  readonly loads: ReadonlyMap<number, { readonly pMw: number; readonly qMvar: number }>;
  /** DG output per unit id, MW (units absent follow their built-in profile). */
  readonly generationMw: ReadonlyMap<string, number>;
  /** The grid supply's intensity, or undefined for the configured one. */
  readonly gridIntensityTco2PerMwh: number | undefined;
}

/** A checked data set. */
export interface MeasuredData {
  readonly dir: string;
  /** Interval length, minutes. */
  readonly intervalMinutes: number;
  /** Every interval of the files, in time order. */
  readonly intervals: readonly MeasuredInterval[];
  /** Which optional files were present. */
  readonly files: readonly string[];
}

/** The data file names. */
export const DATA_FILES = {
  loads: LOADS_FILE,
  generation: GENERATION_FILE,
  gridIntensity: GRID_INTENSITY_FILE,
} as const;

/**
 * Reads and checks the data set in `dir` against the job's feeders.
 * @param powerCase - the case (for `mpc.gen` rows and its bus ids).
 * @throws DataFileError listing every problem found; nothing is returned partially.
 */
export async function readMeasuredData(
  dir: string,
  powerCase: PowerCase,
  split: SplitFeeder,
): Promise<MeasuredData> {
  const problems = new ProblemList();
  const read = async (name: string, required: boolean): Promise<string | undefined> => {
    try {
      return await fs.readFile(path.join(dir, name), 'utf8');
    } catch (error: unknown) {
      if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      problems.add({
        file: name,
        line: 0,
        column: '',
        value: '',
        message: `cannot read ${path.join(dir, name)} (${(error as Error).message})`,
      });
      return undefined;
    }
  };
  const [loadsText, generationText, gridText] = await Promise.all([
    read(DATA_FILES.loads, true),
    read(DATA_FILES.generation, false),
    read(DATA_FILES.gridIntensity, false),
  ]);
  problems.throwIfAny();
  const caseBuses = new Set(powerCase.buses.map((b) => b.id));
  const feederBuses = new Set(
    split.regions.flatMap((r) => r.feeders.flatMap((f) => f.topology.buses.map((b) => b.busId))),
  );
  const units = split.regions.flatMap((r) => r.feeders.flatMap((f) => f.units));
  const loads = checkLoads(
    parseCsvTable(DATA_FILES.loads, loadsText ?? '', ['timestamp', 'bus', 'p_mw', 'q_mvar'], problems),
    (bus) => caseBuses.has(bus) && feederBuses.has(bus),
    problems,
  );
  const generation =
    generationText === undefined
      ? new Map<number, Map<string, number>>()
      : checkGeneration(
          parseCsvTable(DATA_FILES.generation, generationText, ['timestamp', 'unit', 'p_mw'], problems),
          loads.starts,
          (unit) => resolveUnit(unit, powerCase, units),
          problems,
        );
  const grid =
    gridText === undefined
      ? undefined
      : checkGridIntensity(
          parseCsvTable(
            DATA_FILES.gridIntensity,
            gridText,
            ['timestamp', 'intensity_tco2_per_mwh'],
            problems,
          ),
          loads,
          problems,
        );
  problems.throwIfAny();
  const intervals = loads.order.map((startMs, i): MeasuredInterval => ({
    interval: intervalAt(startMs, loads.minutes, loads.offsets.get(startMs) ?? 0),
    loads: loads.byStart.get(startMs) ?? new Map(),
    generationMw: generation.get(startMs) ?? new Map(),
    gridIntensityTco2PerMwh: grid?.[i],
  }));
  return {
    dir,
    intervalMinutes: loads.minutes,
    intervals,
    files: [
      DATA_FILES.loads,
      ...(generationText === undefined ? [] : [DATA_FILES.generation]),
      ...(gridText === undefined ? [] : [DATA_FILES.gridIntensity]),
    ],
  };
}

export { DataFileError };
