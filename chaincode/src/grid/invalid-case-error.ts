/**
 * Errors for bad case and sidecar input. They name the file, the line (1-based, 0 when the problem
 * is not tied to one line), the field and the offending value, so that a user can fix the input.
 */
import { CarbonTraceError } from '../common/errors';

/** A MATPOWER case that cannot be imported. Code `INVALID_CASE`. */
export class InvalidCaseError extends CarbonTraceError {
  override readonly name = 'InvalidCaseError';
  /** File name as given to the importer. */
  readonly file: string;
  /** 1-based line of the problem (0 if not tied to a line). */
  readonly line: number;
  /** The field at fault, e.g. `mpc.branch.tbus`. */
  readonly field: string;
  /** The offending value as text ('' if absent). */
  readonly value: string;

  constructor(file: string, line: number, field: string, value: string, problem: string) {
    const where = line > 0 ? `${file}:${line}` : file;
    const shown = value === '' ? '' : ` (got '${value}')`;
    super('INVALID_CASE', `${where}: ${field}: ${problem}${shown}`, { file, line, field, value });
    this.file = file;
    this.line = line;
    this.field = field;
    this.value = value;
  }
}

/** A carbon sidecar that cannot be used with its case. Code `INVALID_SIDECAR`. */
export class InvalidSidecarError extends CarbonTraceError {
  override readonly name = 'InvalidSidecarError';
  /** File name as given to the parser. */
  readonly file: string;
  /** The field at fault, e.g. `generators[1].pecc.a`. */
  readonly field: string;
  /** The 1-based `gen` the entry names (0 if none). */
  readonly generator: number;

  constructor(file: string, field: string, generator: number, problem: string) {
    const unit = generator > 0 ? ` (generator ${generator})` : '';
    super('INVALID_SIDECAR', `${file}: ${field}${unit}: ${problem}`, { file, field, generator });
    this.file = file;
    this.field = field;
    this.generator = generator;
  }
}
