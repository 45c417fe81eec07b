/**
 * MATPOWER case importer (case format version 2: per-unit branch data, MW/Mvar loads).
 *
 * Reads the text of a `.m` case file: `mpc.version`, `mpc.baseMVA`, `mpc.bus`, `mpc.gen`,
 * `mpc.branch`; `mpc.gencost` and any other `mpc.*` matrix or cell array are skipped. Handles `%`
 * comments, blank lines, rows ended by `;` or by a line break, several rows on one line, `...`
 * continuations and comma separators. Taps (`ratio` 0 ⇒ 1), phase shifters and out-of-service
 * branches and generators are kept in the model. The caller reads the file; this module only sees
 * its text, so it stays deterministic.
 *
 * Every problem is an {@link InvalidCaseError} naming the file, line, field and value.
 */
import { InvalidCaseError } from './invalid-case-error';
import type { Branch, Bus, BusType, Generator, PowerCase } from './power-case';

const BUS_COLUMNS = [
  'bus_i',
  'type',
  'Pd',
  'Qd',
  'Gs',
  'Bs',
  'area',
  'Vm',
  'Va',
  'baseKV',
  'zone',
  'Vmax',
  'Vmin',
];
const GEN_COLUMNS = ['bus', 'Pg', 'Qg', 'Qmax', 'Qmin', 'Vg', 'mBase', 'status', 'Pmax', 'Pmin'];
const BRANCH_COLUMNS = ['fbus', 'tbus', 'r', 'x', 'b', 'rateA', 'rateB', 'rateC', 'ratio', 'angle', 'status'];

/** One parsed matrix row: its source line and its numbers. */
interface MatrixRow {
  readonly line: number;
  readonly values: readonly number[];
  readonly text: string;
}

/** A parsed `mpc.<name> = [ ... ];` block. */
interface MatrixBlock {
  readonly line: number;
  readonly rows: MatrixRow[];
}

/** A scalar or string assignment `mpc.<name> = value;`. */
interface ScalarField {
  readonly line: number;
  readonly text: string;
}

const NUMBER_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Strips a `%` comment, ignoring `%` inside single-quoted strings. */
function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (ch === "'") quoted = !quoted;
    else if (ch === '%' && !quoted) return line.slice(0, i);
  }
  return line;
}

function parseToken(token: string): number | undefined {
  if (NUMBER_PATTERN.test(token)) return Number(token);
  if (token === 'Inf' || token === '+Inf' || token === 'inf') return Number.POSITIVE_INFINITY;
  if (token === '-Inf' || token === '-inf') return Number.NEGATIVE_INFINITY;
  return undefined;
}

/** The raw statements of a case file. */
interface RawCase {
  name: string | undefined;
  readonly matrices: Map<string, MatrixBlock>;
  readonly scalars: Map<string, ScalarField>;
}

function scan(text: string, file: string): RawCase {
  const raw: RawCase = { name: undefined, matrices: new Map(), scalars: new Map() };
  const lines = text.split(/\r\n|\n|\r/);
  let open:
    { name: string; block: MatrixBlock; closer: string; pending: string; pendingLine: number } | undefined;

  const flushRow = (rowText: string, line: number): void => {
    if (open === undefined || open.closer !== ']') return;
    const trimmed = rowText.trim();
    if (trimmed === '') return;
    const tokens = trimmed.split(/[\s,]+/).filter((t) => t !== '');
    const values: number[] = [];
    tokens.forEach((token, column) => {
      const value = parseToken(token);
      if (value === undefined) {
        const field = `mpc.${open?.name ?? '?'}.${columnName(open?.name ?? '', column)}`;
        throw new InvalidCaseError(file, line, field, token, 'not a number');
      }
      values.push(value);
    });
    open.block.rows.push({ line, values, text: trimmed });
  };

  lines.forEach((rawLine, index) => {
    const lineNo = index + 1;
    let content = stripComment(rawLine);
    const continued = content.includes('...');
    if (continued) content = content.slice(0, content.indexOf('...'));
    if (open !== undefined) {
      consumeMatrixText(content, lineNo, continued);
      return;
    }
    const trimmed = content.trim();
    if (trimmed === '') return;
    const fn = /^function\s+\w+\s*=\s*(\w+)/.exec(trimmed);
    if (fn !== null) {
      raw.name = fn[1];
      return;
    }
    const assign = /^mpc\.(\w+)\s*(\(|=)\s*(.*)$/.exec(trimmed);
    if (assign === null) return; // `return`, `end`, other MATLAB statements that do not touch mpc
    const name = assign[1] ?? '';
    if (assign[2] === '(') {
      throw new InvalidCaseError(
        file,
        lineNo,
        `mpc.${name}`,
        trimmed,
        'indexed assignments are not supported',
      );
    }
    const rhs = (assign[3] ?? '').trim();
    if (rhs.startsWith('[') || rhs.startsWith('{')) {
      const closer = rhs.startsWith('[') ? ']' : '}';
      if (raw.matrices.has(name)) {
        throw new InvalidCaseError(file, lineNo, `mpc.${name}`, '', 'assigned twice');
      }
      const block: MatrixBlock = { line: lineNo, rows: [] };
      if (closer === ']') raw.matrices.set(name, block);
      open = { name, block, closer, pending: '', pendingLine: lineNo };
      consumeMatrixText(rhs.slice(1), lineNo, continued);
      return;
    }
    raw.scalars.set(name, { line: lineNo, text: rhs.replace(/;\s*$/, '').trim() });
  });

  function consumeMatrixText(content: string, lineNo: number, continued: boolean): void {
    if (open === undefined) return;
    const end = content.indexOf(open.closer);
    const body = end >= 0 ? content.slice(0, end) : content;
    const pieces = body.split(';');
    pieces.forEach((piece, i) => {
      if (open === undefined) return;
      if (open.pending === '') open.pendingLine = lineNo;
      open.pending += ` ${piece}`;
      const rowEnds = i < pieces.length - 1;
      if (rowEnds) {
        flushRow(open.pending, open.pendingLine);
        open.pending = '';
      }
    });
    // A line break also ends a row (MATLAB semantics), unless the line was a continuation.
    if (!continued || end >= 0) {
      flushRow(open.pending, open.pendingLine);
      open.pending = '';
    }
    if (end >= 0) open = undefined;
  }

  if (open !== undefined) {
    const { name, block } = open;
    throw new InvalidCaseError(
      file,
      block.line,
      `mpc.${name}`,
      '',
      `matrix is not closed (file ends before '${open.closer}')`,
    );
  }
  return raw;
}

function columnName(matrix: string, column: number): string {
  const names =
    matrix === 'bus'
      ? BUS_COLUMNS
      : matrix === 'gen'
        ? GEN_COLUMNS
        : matrix === 'branch'
          ? BRANCH_COLUMNS
          : [];
  return names[column] ?? `column ${column + 1}`;
}

/** Reads validated columns of one row. */
class RowReader {
  readonly #file: string;
  readonly #matrix: string;
  readonly #row: MatrixRow;
  readonly #columns: readonly string[];

  constructor(file: string, matrix: string, row: MatrixRow, columns: readonly string[]) {
    this.#file = file;
    this.#matrix = matrix;
    this.#row = row;
    this.#columns = columns;
  }

  fail(column: string, problem: string, value?: number): never {
    const shown = value === undefined ? '' : String(value);
    throw new InvalidCaseError(this.#file, this.#row.line, `mpc.${this.#matrix}.${column}`, shown, problem);
  }

  /** A finite number from the named column. */
  finite(column: string): number {
    const index = this.#columns.indexOf(column);
    const value = this.#row.values[index];
    if (value === undefined) return this.fail(column, 'missing column');
    if (!Number.isFinite(value)) return this.fail(column, 'must be a finite number', value);
    return value;
  }

  /** A positive integer from the named column. */
  positiveInteger(column: string): number {
    const value = this.finite(column);
    if (!Number.isInteger(value) || value <= 0) this.fail(column, 'must be a positive integer', value);
    return value;
  }
}

function requireMatrix(raw: RawCase, file: string, name: string, columns: readonly string[]): MatrixBlock {
  const block = raw.matrices.get(name);
  if (block === undefined) throw new InvalidCaseError(file, 0, `mpc.${name}`, '', 'missing');
  if (block.rows.length === 0) throw new InvalidCaseError(file, block.line, `mpc.${name}`, '', 'has no rows');
  const width = block.rows[0]?.values.length ?? 0;
  for (const row of block.rows) {
    if (row.values.length < columns.length) {
      throw new InvalidCaseError(
        file,
        row.line,
        `mpc.${name}`,
        row.text,
        `row has ${row.values.length} columns, needs at least ${columns.length} (${columns.join(' ')})`,
      );
    }
    if (row.values.length !== width) {
      throw new InvalidCaseError(
        file,
        row.line,
        `mpc.${name}`,
        row.text,
        `row has ${row.values.length} columns but the first row has ${width} (truncated row?)`,
      );
    }
  }
  return block;
}

function readBaseMva(raw: RawCase, file: string): number {
  const field = raw.scalars.get('baseMVA');
  if (field === undefined) throw new InvalidCaseError(file, 0, 'mpc.baseMVA', '', 'missing');
  const value = parseToken(field.text);
  if (value === undefined || !Number.isFinite(value) || value <= 0) {
    throw new InvalidCaseError(file, field.line, 'mpc.baseMVA', field.text, 'must be a positive number');
  }
  return value;
}

function checkVersion(raw: RawCase, file: string): void {
  const field = raw.scalars.get('version');
  if (field === undefined) return;
  const version = field.text.replace(/^'|'$/g, '');
  if (version !== '2') {
    throw new InvalidCaseError(
      file,
      field.line,
      'mpc.version',
      field.text,
      "only case format version '2' is supported",
    );
  }
}

function readBuses(block: MatrixBlock, file: string): Bus[] {
  const seen = new Map<number, number>();
  return block.rows.map((row) => {
    const r = new RowReader(file, 'bus', row, BUS_COLUMNS);
    const id = r.positiveInteger('bus_i');
    const previous = seen.get(id);
    if (previous !== undefined) r.fail('bus_i', `duplicate bus id (first defined on line ${previous})`, id);
    seen.set(id, row.line);
    const type = r.finite('type');
    if (type !== 1 && type !== 2 && type !== 3 && type !== 4)
      r.fail('type', 'must be 1 (PQ), 2 (PV), 3 (slack) or 4 (isolated)', type);
    const vmPu = r.finite('Vm');
    if (vmPu <= 0 && type !== 4) r.fail('Vm', 'must be positive', vmPu);
    return {
      id,
      type: type as BusType,
      pdMw: r.finite('Pd'),
      qdMvar: r.finite('Qd'),
      gsMw: r.finite('Gs'),
      bsMvar: r.finite('Bs'),
      vmPu,
      vaDeg: r.finite('Va'),
      baseKv: r.finite('baseKV'),
    };
  });
}

function readGenerators(block: MatrixBlock, file: string, busIds: ReadonlySet<number>): Generator[] {
  return block.rows.map((row, index) => {
    const r = new RowReader(file, 'gen', row, GEN_COLUMNS);
    const busId = r.positiveInteger('bus');
    if (!busIds.has(busId)) r.fail('bus', 'unknown bus', busId);
    const inService = r.finite('status') > 0;
    const vgPu = r.finite('Vg');
    if (inService && vgPu <= 0) r.fail('Vg', 'must be positive for an in-service unit', vgPu);
    return { row: index, busId, pgMw: r.finite('Pg'), qgMvar: r.finite('Qg'), vgPu, inService };
  });
}

function readBranches(block: MatrixBlock, file: string, busIds: ReadonlySet<number>): Branch[] {
  return block.rows.map((row, index) => {
    const r = new RowReader(file, 'branch', row, BRANCH_COLUMNS);
    const fromBusId = r.positiveInteger('fbus');
    if (!busIds.has(fromBusId)) r.fail('fbus', 'unknown bus', fromBusId);
    const toBusId = r.positiveInteger('tbus');
    if (!busIds.has(toBusId)) r.fail('tbus', 'unknown bus', toBusId);
    if (toBusId === fromBusId) r.fail('tbus', 'branch connects a bus to itself', toBusId);
    const rPu = r.finite('r');
    const xPu = r.finite('x');
    const inService = r.finite('status') > 0;
    if (inService && rPu === 0 && xPu === 0) r.fail('x', 'zero series impedance (r = x = 0)', xPu);
    const ratio = r.finite('ratio');
    if (ratio < 0) r.fail('ratio', 'tap ratio must be ≥ 0 (0 means 1)', ratio);
    return {
      row: index,
      fromBusId,
      toBusId,
      rPu,
      xPu,
      bPu: r.finite('b'),
      tapRatio: ratio === 0 ? 1 : ratio,
      shiftDeg: r.finite('angle'),
      inService,
    };
  });
}

/**
 * Parses a MATPOWER version-2 case.
 * @param text the file's contents.
 * @param file the file name, used in error messages and kept in the result.
 * @throws InvalidCaseError on truncated matrices, non-numbers, unknown or duplicate buses, no slack bus, etc.
 */
export function parseMatpowerCase(text: string, file: string): PowerCase {
  const raw = scan(text, file);
  checkVersion(raw, file);
  const baseMva = readBaseMva(raw, file);
  const busBlock = requireMatrix(raw, file, 'bus', BUS_COLUMNS);
  const genBlock = requireMatrix(raw, file, 'gen', GEN_COLUMNS);
  const branchBlock = requireMatrix(raw, file, 'branch', BRANCH_COLUMNS);
  const buses = readBuses(busBlock, file);
  if (!buses.some((b) => b.type === 3)) {
    throw new InvalidCaseError(file, busBlock.line, 'mpc.bus.type', '', 'no slack bus (no bus of type 3)');
  }
  const busIds = new Set(buses.map((b) => b.id));
  const generators = readGenerators(genBlock, file, busIds);
  const branches = readBranches(branchBlock, file, busIds);
  const baseName = file.replace(/^.*[\\/]/, '').replace(/\.m$/, '');
  return { name: raw.name ?? baseName, file, baseMva, buses, generators, branches };
}
