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
import type { CsvRow } from './csv-table';
import { DataFileError, ProblemList } from './data-file-error';
import type { OffsetTimestamp, SlotInterval } from './wall-clock';
import { intervalAt, parseOffsetTimestamp } from './wall-clock';

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
  loads: 'loads.csv',
  generation: 'generation.csv',
  gridIntensity: 'grid-intensity.csv',
} as const;

const MAX_ABS_MW = 100;

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

interface CheckedLoads {
  /** Interval starts in time order. */
  readonly order: readonly number[];
  readonly starts: ReadonlySet<number>;
  readonly offsets: ReadonlyMap<number, number>;
  readonly minutes: number;
  readonly byStart: ReadonlyMap<number, Map<number, { pMw: number; qMvar: number }>>;
}

function timestampOf(row: CsvRow, file: string, problems: ProblemList): OffsetTimestamp | undefined {
  const value = row.cells['timestamp'] ?? '';
  const t = parseOffsetTimestamp(value);
  if (typeof t === 'string') {
    problems.add({ file, line: row.line, column: 'timestamp', value, message: t });
    return undefined;
  }
  return t;
}

function numberOf(
  row: CsvRow,
  file: string,
  column: string,
  problems: ProblemList,
  range: { min: number; max: number },
): number | undefined {
  const value = row.cells[column] ?? '';
  const n = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n < range.min || n > range.max) {
    problems.add({
      file,
      line: row.line,
      column,
      value,
      message: Number.isFinite(n) ? `must be within ${range.min}..${range.max}` : 'not a number',
    });
    return undefined;
  }
  return n;
}

/** Checks that the sorted distinct starts step evenly; returns the step in minutes. */
function checkSteps(
  file: string,
  firstLine: ReadonlyMap<number, number>,
  problems: ProblemList,
): { order: number[]; minutes: number } {
  const order = [...firstLine.keys()].sort((a, b) => a - b);
  const first = order[0];
  const second = order[1];
  if (first === undefined) {
    // An empty table after a header or row problem is that problem, not a second one.
    if (problems.count === 0) problems.add({ file, line: 0, column: '', value: '', message: 'no data rows' });
    return { order, minutes: 60 };
  }
  const stepMs = second === undefined ? 60 * 60_000 : second - first;
  if (stepMs % 60_000 !== 0 || stepMs <= 0) {
    problems.add({
      file,
      line: firstLine.get(second ?? first) ?? 0,
      column: 'timestamp',
      value: '',
      message: 'interval length is not a whole number of minutes',
    });
  }
  for (let i = 1; i < order.length; i++) {
    const at = order[i] ?? 0;
    const before = order[i - 1] ?? 0;
    if (at - before !== stepMs) {
      problems.add({
        file,
        line: firstLine.get(at) ?? 0,
        column: 'timestamp',
        value: new Date(at).toISOString(),
        message: `gap in the intervals: ${(at - before) / 60_000} min after the previous interval, expected every ${stepMs / 60_000} min`,
      });
    }
  }
  for (const start of order)
    if (start % 60_000 !== 0) {
      problems.add({
        file,
        line: firstLine.get(start) ?? 0,
        column: 'timestamp',
        value: '',
        message: 'interval starts must be whole minutes',
      });
    }
  return { order, minutes: stepMs / 60_000 };
}

function checkLoads(
  rows: readonly CsvRow[],
  knownBus: (bus: number) => boolean,
  problems: ProblemList,
): CheckedLoads {
  const file = DATA_FILES.loads;
  const byStart = new Map<number, Map<number, { pMw: number; qMvar: number }>>();
  const firstLine = new Map<number, number>();
  const offsets = new Map<number, number>();
  const busLines = new Map<number, number>();
  for (const row of rows) {
    const t = timestampOf(row, file, problems);
    const busText = row.cells['bus'] ?? '';
    const bus = /^\d{1,6}$/.test(busText) ? Number(busText) : undefined;
    if (bus === undefined)
      problems.add({ file, line: row.line, column: 'bus', value: busText, message: 'not a bus id' });
    else if (!knownBus(bus))
      problems.add({
        file,
        line: row.line,
        column: 'bus',
        value: busText,
        message: `bus ${bus} is not a bus of the case's feeders`,
      });
    const pMw = numberOf(row, file, 'p_mw', problems, { min: -MAX_ABS_MW, max: MAX_ABS_MW });
    const qMvar = numberOf(row, file, 'q_mvar', problems, { min: -MAX_ABS_MW, max: MAX_ABS_MW });
    if (t === undefined || bus === undefined || pMw === undefined || qMvar === undefined) continue;
    if (!firstLine.has(t.ms)) {
      firstLine.set(t.ms, row.line);
      offsets.set(t.ms, t.offsetMinutes);
    }
    if (!busLines.has(bus)) busLines.set(bus, row.line);
    const interval = byStart.get(t.ms) ?? new Map<number, { pMw: number; qMvar: number }>();
    if (interval.has(bus)) {
      problems.add({
        file,
        line: row.line,
        column: 'bus',
        value: busText,
        message: `duplicate row: bus ${bus} already has a row for ${row.cells['timestamp'] ?? ''}`,
      });
    }
    interval.set(bus, { pMw, qMvar });
    byStart.set(t.ms, interval);
  }
  const { order, minutes } = checkSteps(file, firstLine, problems);
  for (const start of order) {
    const interval = byStart.get(start);
    for (const [bus, line] of busLines) {
      if (interval?.has(bus) !== true) {
        problems.add({
          file,
          line: firstLine.get(start) ?? 0,
          column: 'bus',
          value: String(bus),
          message: `bus ${bus} (first listed on line ${line}) has no row for the interval starting ${new Date(start).toISOString()}`,
        });
      }
    }
  }
  return { order, starts: new Set(order), offsets, minutes, byStart };
}

function resolveUnit(
  text: string,
  powerCase: PowerCase,
  units: readonly { readonly busId: number; readonly unitId: string; readonly slack: boolean }[],
): string {
  let unit = units.find((u) => u.unitId === text);
  if (unit === undefined && /^\d{1,4}$/.test(text)) {
    const gen = powerCase.generators[Number(text) - 1];
    if (gen === undefined)
      throw new Error(`the case has no generator row ${text} (mpc.gen has ${powerCase.generators.length})`);
    unit = units.find((u) => u.busId === gen.busId);
    if (unit === undefined)
      throw new Error(`generator row ${text} at bus ${gen.busId} is not a unit of the job`);
  }
  if (unit === undefined)
    throw new Error(
      `no such unit (the job's DG units: ${units
        .filter((u) => !u.slack)
        .map((u) => u.unitId)
        .join(', ')})`,
    );
  if (unit.slack)
    throw new Error(`unit ${text} is the grid supply at the slack bus; its output is solved, not given`);
  return unit.unitId;
}

function checkGeneration(
  rows: readonly CsvRow[],
  starts: ReadonlySet<number>,
  resolve: (unit: string) => string,
  problems: ProblemList,
): Map<number, Map<string, number>> {
  const file = DATA_FILES.generation;
  const byStart = new Map<number, Map<string, number>>();
  const unitLines = new Map<string, number>();
  const firstLine = new Map<number, number>();
  for (const row of rows) {
    const t = timestampOf(row, file, problems);
    const unitText = row.cells['unit'] ?? '';
    let unit: string | undefined;
    try {
      unit = resolve(unitText);
    } catch (error: unknown) {
      problems.add({
        file,
        line: row.line,
        column: 'unit',
        value: unitText,
        message: (error as Error).message,
      });
    }
    const pMw = numberOf(row, file, 'p_mw', problems, { min: 0, max: MAX_ABS_MW });
    if (t === undefined || unit === undefined || pMw === undefined) continue;
    if (!starts.has(t.ms)) {
      problems.add({
        file,
        line: row.line,
        column: 'timestamp',
        value: row.cells['timestamp'] ?? '',
        message: `no interval of ${DATA_FILES.loads} starts at this time`,
      });
      continue;
    }
    if (!firstLine.has(t.ms)) firstLine.set(t.ms, row.line);
    if (!unitLines.has(unit)) unitLines.set(unit, row.line);
    const interval = byStart.get(t.ms) ?? new Map<string, number>();
    if (interval.has(unit))
      problems.add({
        file,
        line: row.line,
        column: 'unit',
        value: unitText,
        message: `duplicate row: unit ${unit} already has a row for ${row.cells['timestamp'] ?? ''}`,
      });
    interval.set(unit, pMw);
    byStart.set(t.ms, interval);
  }
  for (const start of starts) {
    for (const [unit, line] of unitLines) {
      if (byStart.get(start)?.has(unit) !== true) {
        problems.add({
          file,
          line: firstLine.get(start) ?? 0,
          column: 'unit',
          value: unit,
          message: `unit ${unit} (first listed on line ${line}) has no row for the interval starting ${new Date(start).toISOString()}`,
        });
      }
    }
  }
  return byStart;
}

function checkGridIntensity(
  rows: readonly CsvRow[],
  loads: CheckedLoads,
  problems: ProblemList,
): (number | undefined)[] {
  const file = DATA_FILES.gridIntensity;
  const values = new Map<number, number>();
  const firstLine = new Map<number, number>();
  for (const row of rows) {
    const t = timestampOf(row, file, problems);
    const value = numberOf(row, file, 'intensity_tco2_per_mwh', problems, { min: 0, max: 5 });
    if (t === undefined || value === undefined) continue;
    if (values.has(t.ms)) {
      problems.add({
        file,
        line: row.line,
        column: 'timestamp',
        value: row.cells['timestamp'] ?? '',
        message: 'duplicate row for this time',
      });
      continue;
    }
    values.set(t.ms, value);
    firstLine.set(t.ms, row.line);
  }
  const { order, minutes } = checkSteps(file, firstLine, problems);
  return loads.order.map((start) => {
    // The row in force: the last one starting at or before the interval, within its cadence.
    let lo = 0;
    let hi = order.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((order[mid] ?? 0) <= start) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const at = order[found];
    if (at === undefined || start >= at + minutes * 60_000) {
      problems.add({
        file,
        line: 0,
        column: 'timestamp',
        value: new Date(start).toISOString(),
        message: `no grid intensity covers the interval starting ${new Date(start).toISOString()} of ${DATA_FILES.loads}`,
      });
      return undefined;
    }
    return values.get(at);
  });
}

export { DataFileError };
