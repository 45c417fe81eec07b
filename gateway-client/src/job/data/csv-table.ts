/**
 * Reads one CSV file of the measured data (with csv-parse) into rows that remember their line, and
 * checks the header names the expected columns.
 */
import { parse } from 'csv-parse/sync';
import type { ProblemList } from './data-file-error';

/** One data row: its cells by column name and its 1-based line in the file. */
export interface CsvRow {
  readonly line: number;
  readonly cells: Readonly<Record<string, string>>;
}

/**
 * Parses `text` of `file`; problems (a header other than `columns`, a row with the wrong number of
 * fields, malformed quoting) go to `problems`.
 * @returns the rows that have every column.
 */
export function parseCsvTable(
  file: string,
  text: string,
  columns: readonly string[],
  problems: ProblemList,
): CsvRow[] {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const header = firstLine.split(',').map((h) => h.trim());
  if (header.length !== columns.length || header.some((h, i) => h !== columns[i])) {
    problems.add({
      file,
      line: 1,
      column: '',
      value: firstLine,
      message: `header must be ${columns.join(',')}`,
    });
    return [];
  }
  let records: { record: string[]; info: { lines: number; error?: Error | undefined } }[];
  try {
    records = parse(text, {
      from_line: 2,
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error: unknown) {
    const line = (error as { lines?: number }).lines ?? 0;
    problems.add({ file, line, column: '', value: '', message: (error as Error).message });
    return [];
  }
  const rows: CsvRow[] = [];
  for (const { record, info } of records) {
    if (record.length !== columns.length) {
      problems.add({
        file,
        line: info.lines,
        column: '',
        value: record.join(','),
        message: `expected ${columns.length} fields (${columns.join(',')}), got ${record.length}`,
      });
      continue;
    }
    const cells: Record<string, string> = {};
    columns.forEach((c, i) => {
      cells[c] = record[i] ?? '';
    });
    rows.push({ line: info.lines, cells });
  }
  return rows;
}
