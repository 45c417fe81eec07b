/**
 * The checks of `loads.csv` and the helpers the data files share: timestamps with offset, numbers
 * in range, and evenly stepped intervals (the interval length comes from here).
 */
import type { CsvRow } from './csv-table';
import type { ProblemList } from './data-file-error';
import type { OffsetTimestamp } from './wall-clock';
import { parseOffsetTimestamp } from './wall-clock';

/** The loads file's name. */
export const LOADS_FILE = 'loads.csv';

/** Largest |P| or |Q| accepted in a data file, MW / Mvar. */
export const MAX_ABS_MW = 100;

/** The checked loads: interval starts, their offsets and length, the loads per start. */
export interface CheckedLoads {
  /** Interval starts in time order. */
  readonly order: readonly number[];
  readonly starts: ReadonlySet<number>;
  readonly offsets: ReadonlyMap<number, number>;
  readonly minutes: number;
  readonly byStart: ReadonlyMap<number, Map<number, { pMw: number; qMvar: number }>>;
}

/** A row's timestamp, or undefined after recording the problem. */
export function timestampOf(row: CsvRow, file: string, problems: ProblemList): OffsetTimestamp | undefined {
  const value = row.cells['timestamp'] ?? '';
  const t = parseOffsetTimestamp(value);
  if (typeof t === 'string') {
    problems.add({ file, line: row.line, column: 'timestamp', value, message: t });
    return undefined;
  }
  return t;
}

/** A row's number within `range`, or undefined after recording the problem. */
export function numberOf(
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
export function checkSteps(
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

/** Checks every row of loads.csv (`knownBus` tells a bus of the case's feeders). */
export function checkLoads(
  rows: readonly CsvRow[],
  knownBus: (bus: number) => boolean,
  problems: ProblemList,
): CheckedLoads {
  const file = LOADS_FILE;
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
