/**
 * The error of a measured-data file: each problem names the file, line, column and value, and the
 * error lists every problem found (up to a limit), so one run shows what to fix.
 */

/** One problem in a data file. */
export interface DataProblem {
  /** File name as given (relative to the data directory). */
  readonly file: string;
  /** 1-based line, 0 when the problem is the file as a whole. */
  readonly line: number;
  /** Column name, or '' when the problem is the row or the file. */
  readonly column: string;
  /** The offending value as written ('' when none). */
  readonly value: string;
  /** What is wrong. */
  readonly message: string;
}

/** Thrown by the measured-data reader when a file is missing or malformed. */
export class DataFileError extends Error {
  override readonly name = 'DataFileError';
  readonly problems: readonly DataProblem[];

  constructor(problems: readonly DataProblem[]) {
    super(
      problems
        .map((p) => {
          const where = p.line > 0 ? `${p.file}:${p.line}` : p.file;
          const column = p.column === '' ? '' : ` column ${p.column}`;
          const value = p.value === '' ? '' : ` value '${p.value}'`;
          return `${where}${column}${value}: ${p.message}`;
        })
        .join('\n'),
    );
    this.problems = problems;
  }
}

/** True when `value` is a {@link DataFileError}. */
export function isDataFileError(value: unknown): value is DataFileError {
  return value instanceof DataFileError;
}

/** Collects problems; {@link ProblemList.throwIfAny} throws them as one {@link DataFileError}. */
export class ProblemList {
  readonly #problems: DataProblem[] = [];
  readonly #limit: number;

  constructor(limit = 25) {
    this.#limit = limit;
  }

  /** Records a problem (beyond the limit they are counted, not kept). */
  add(problem: DataProblem): void {
    if (this.#problems.length < this.#limit) this.#problems.push(problem);
  }

  /** Problems so far. */
  get count(): number {
    return this.#problems.length;
  }

  /** @throws DataFileError when a problem was recorded. */
  throwIfAny(): void {
    if (this.#problems.length > 0) throw new DataFileError([...this.#problems]);
  }
}
