/**
 * The checks of the optional data files: `generation.csv` (DG output per unit) and
 * `grid-intensity.csv` (the upstream intensity at its own cadence).
 */
import type { PowerCase } from '@carbontrace/chaincode';
import type { CsvRow } from './csv-table';
import type { ProblemList } from './data-file-error';
import type { CheckedLoads } from './load-table';
import { checkSteps, LOADS_FILE, MAX_ABS_MW, numberOf, timestampOf } from './load-table';

/** The optional files' names. */
export const GENERATION_FILE = 'generation.csv';
export const GRID_INTENSITY_FILE = 'grid-intensity.csv';

/**
 * The job's unit a `unit` cell names (a DG id, or a 1-based `mpc.gen` row at a DG's bus).
 * @throws Error naming why not.
 */
export function resolveUnit(
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

/** Checks every row of generation.csv against the load intervals; DG output per start and unit. */
export function checkGeneration(
  rows: readonly CsvRow[],
  starts: ReadonlySet<number>,
  resolve: (unit: string) => string,
  problems: ProblemList,
): Map<number, Map<string, number>> {
  const file = GENERATION_FILE;
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
        message: `no interval of ${LOADS_FILE} starts at this time`,
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

/** Checks grid-intensity.csv and picks the value in force at each load interval. */
export function checkGridIntensity(
  rows: readonly CsvRow[],
  loads: CheckedLoads,
  problems: ProblemList,
): (number | undefined)[] {
  const file = GRID_INTENSITY_FILE;
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
        message: `no grid intensity covers the interval starting ${new Date(start).toISOString()} of ${LOADS_FILE}`,
      });
      return undefined;
    }
    return values.get(at);
  });
}
