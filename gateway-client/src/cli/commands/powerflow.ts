/**
 * `carbontrace powerflow <case.m> [--method nr|bfs] [--json]`: solves the AC power flow of a
 * MATPOWER case and prints bus voltages, branch flows and losses (tables, or one JSON object).
 *
 * Also home of the small input helpers shared with `trace` (file reading, flag parsing, and the
 * one-line error report: exit 2 for bad input, 1 for a failure, never a stack trace).
 */
import { readFileSync } from 'node:fs';

import {
  generateRadialFeeder,
  isCarbonTraceError,
  parseMatpowerCase,
  solvePowerFlow,
  type CarbonSidecar,
  type PowerCase,
  type PowerFlowMethod,
  type PowerFlowResult,
} from '@carbontrace/chaincode';

import type { CliCommand, CliIo } from '../command';
import { EXIT_BAD_INPUT } from '../command';

const USAGE = `Usage: carbontrace powerflow <case.m> [--method nr|bfs] [--json]
       carbontrace powerflow --feeder <buses>:<dgs>[:<seed>] ...   (a generated radial feeder)

Solves the AC power flow of a MATPOWER (version 2) case.
  --method  nr = Newton-Raphson, any topology (default); bfs = backward/forward sweep, radial feeders
  --json    one JSON object: converged, iterations, method, totalLossMw, totalLossMvar,
            buses [{id, vmPu, vaDeg}], branches [{from, to, pFromMw, qFromMvar, pToMw, qToMvar, lossMw}]
            (in-service branches), plus case, maxMismatchPu and generators [{gen, bus, pMw, qMvar}]
Exit codes: 0 solved, 1 did not converge, 2 bad input.`;

/** Bad command-line input (exit 2). */
export class BadInputError extends Error {
  override readonly name = 'BadInputError';
}

/** Error codes that mean "the input is wrong" (exit 2) rather than "the computation failed" (exit 1). */
const BAD_INPUT_CODES = new Set(['INVALID_CASE', 'INVALID_SIDECAR', 'INVALID_ARGUMENT', 'ISLANDED_NETWORK']);

/** Reads a text file, turning a missing or unreadable file into a one-line {@link BadInputError}. */
export function readInputFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new BadInputError(`${path}: ${what} ${reason}`);
  }
}

/** The case of the command line: a parsed MATPOWER file, or a generated feeder with its sidecar. */
export function loadCase(parsed: EngineArgs): {
  powerCase: PowerCase;
  generatedSidecar: CarbonSidecar | undefined;
} {
  if (parsed.feeder !== undefined) {
    const { powerCase, sidecar } = generateRadialFeeder(parsed.feeder);
    return { powerCase, generatedSidecar: sidecar };
  }
  return {
    powerCase: parseMatpowerCase(readInputFile(parsed.casePath, 'case file'), parsed.casePath),
    generatedSidecar: undefined,
  };
}

/**
 * Writes one line `carbontrace <command>: <file>: <problem>` and returns the exit code (2 for bad
 * input, 1 otherwise). Engine messages that already start with the file name are not prefixed again.
 */
export function reportFailure(io: CliIo, command: string, file: string, error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  const oneLine = message.replace(/\s*\n\s*/g, ' ');
  const named = oneLine.startsWith(file) || error instanceof BadInputError ? oneLine : `${file}: ${oneLine}`;
  io.err(`carbontrace ${command}: ${named}\n`);
  if (error instanceof BadInputError) return EXIT_BAD_INPUT;
  if (isCarbonTraceError(error)) return BAD_INPUT_CODES.has(error.code) ? EXIT_BAD_INPUT : 1;
  return 1;
}

/** Flags common to `powerflow` and `trace`. */
export interface EngineArgs {
  /** The case file, or a label `feeder:<n>:<k>:<seed>` for a generated feeder. */
  readonly casePath: string;
  /** A generated radial feeder instead of a case file (`--feeder <buses>:<dgs>[:<seed>]`). */
  readonly feeder: { readonly busCount: number; readonly dgCount: number; readonly seed: string } | undefined;
  readonly method: PowerFlowMethod;
  readonly json: boolean;
  /** Values of extra `--name value` flags the command accepts. */
  readonly extra: ReadonlyMap<string, string>;
}

/**
 * Parses `<case.m> [--method nr|bfs] [--json]` plus the named extra flags (each takes a value).
 * @throws BadInputError on unknown flags, missing values, a bad method, or no case path.
 */
export function parseEngineArgs(args: readonly string[], extraFlags: readonly string[] = []): EngineArgs {
  let casePath: string | undefined;
  let feeder: EngineArgs['feeder'];
  let method: PowerFlowMethod = 'nr';
  let json = false;
  const extra = new Map<string, string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const value = (): string => {
      const v = args[i + 1];
      if (v === undefined || v.startsWith('--')) throw new BadInputError(`${arg} needs a value`);
      i += 1;
      return v;
    };
    if (arg === '--json') json = true;
    else if (arg === '--method') {
      const m = value();
      if (m !== 'nr' && m !== 'bfs') throw new BadInputError(`--method must be nr or bfs (got '${m}')`);
      method = m;
    } else if (arg === '--feeder') {
      const spec = value();
      const match = /^(\d+):(\d+)(?::(.+))?$/.exec(spec);
      if (match === null) throw new BadInputError(`--feeder must be <buses>:<dgs>[:<seed>] (got '${spec}')`);
      feeder = { busCount: Number(match[1]), dgCount: Number(match[2]), seed: match[3] ?? 'carbontrace' };
    } else if (extraFlags.includes(arg)) extra.set(arg, value());
    else if (arg.startsWith('-')) throw new BadInputError(`unknown option '${arg}'`);
    else if (casePath === undefined) casePath = arg;
    else throw new BadInputError(`unexpected argument '${arg}'`);
  }
  if (feeder !== undefined) {
    if (casePath !== undefined) throw new BadInputError('give either <case.m> or --feeder, not both');
    casePath = `feeder:${feeder.busCount}:${feeder.dgCount}:${feeder.seed}`;
  }
  if (casePath === undefined) throw new BadInputError('missing <case.m>');
  return { casePath, feeder, method, json, extra };
}

/** Fixed-point text without a negative sign on values that round to zero. */
function fixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/**
 * Right-aligned table: the first `idColumns` columns are identifiers (printed as is), numbers in
 * the others are printed with `digits` decimals.
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  idColumns: number,
  digits = 6,
): string {
  const cells = rows.map((row) =>
    row.map((c, j) => (typeof c === 'number' && j >= idColumns ? fixed(c, digits) : String(c))),
  );
  const widths = headers.map((h, j) => Math.max(h.length, ...cells.map((r) => (r[j] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, j) => c.padStart(widths[j] ?? 0)).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Progress on stderr for large cases (only when not trivially small). */
export function progress(io: CliIo, enabled: boolean): (stage: string) => void {
  const start = process.hrtime.bigint();
  return (stage: string): void => {
    if (!enabled) return;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    io.err(`[${seconds.toFixed(1)} s] ${stage}\n`);
  };
}

/** The JSON object of the `powerflow` contract. */
export function powerFlowJson(result: PowerFlowResult): Record<string, unknown> {
  return {
    case: result.caseName,
    converged: result.converged,
    iterations: result.iterations,
    method: result.method,
    maxMismatchPu: result.maxMismatchPu,
    totalLossMw: result.totalLossMw,
    totalLossMvar: result.totalLossMvar,
    buses: result.buses.map((b) => ({ id: b.id, vmPu: b.vmPu, vaDeg: b.vaDeg })),
    branches: result.branches
      .filter((br) => br.inService)
      .map((br) => ({
        from: br.fromBusId,
        to: br.toBusId,
        pFromMw: br.pFromMw,
        qFromMvar: br.qFromMvar,
        pToMw: br.pToMw,
        qToMvar: br.qToMvar,
        lossMw: br.lossMw,
      })),
    generators: result.generators.map((g) => ({ gen: g.row + 1, bus: g.busId, pMw: g.pMw, qMvar: g.qMvar })),
  };
}

function powerFlowTables(result: PowerFlowResult): string {
  const live = result.buses.filter((b) => !b.isolated);
  const vmin = live.reduce((a, b) => (b.vmPu < a.vmPu ? b : a));
  const summary = [
    `case ${result.caseName}: ${result.method === 'nr' ? 'Newton-Raphson' : 'backward/forward sweep'} converged in ${result.iterations} iterations (max mismatch ${result.maxMismatchPu.toExponential(2)} pu)`,
    `losses ${result.totalLossMw.toFixed(6)} MW, ${result.totalLossMvar.toFixed(6)} Mvar; Vmin ${vmin.vmPu.toFixed(5)} pu at bus ${vmin.id}`,
  ];
  const buses = table(
    ['bus', 'Vm (pu)', 'Va (deg)', 'P inj (MW)', 'Q inj (Mvar)'],
    result.buses.map((b) => [b.id, b.vmPu, b.vaDeg, b.pInjectionMw, b.qInjectionMvar]),
    1,
  );
  const branches = table(
    ['from', 'to', 'P from (MW)', 'Q from (Mvar)', 'P to (MW)', 'Q to (Mvar)', 'loss (MW)'],
    result.branches
      .filter((br) => br.inService)
      .map((br) => [br.fromBusId, br.toBusId, br.pFromMw, br.qFromMvar, br.pToMw, br.qToMvar, br.lossMw]),
    2,
  );
  const gens = table(
    ['gen', 'bus', 'P (MW)', 'Q (Mvar)'],
    result.generators.filter((g) => g.inService).map((g) => [g.row + 1, g.busId, g.pMw, g.qMvar]),
    2,
  );
  return [
    ...summary,
    '',
    'Buses',
    buses,
    '',
    'Branches (in service)',
    branches,
    '',
    'Generators',
    gens,
    '',
  ].join('\n');
}

/** The `powerflow` command. */
export const powerflowCommand: CliCommand = {
  name: 'powerflow',
  summary: 'AC power flow of a MATPOWER case (Newton-Raphson or backward/forward sweep)',
  usage: USAGE,
  run: (args, io) => {
    let file = '';
    try {
      const parsed = parseEngineArgs(args);
      file = parsed.casePath;
      const { powerCase } = loadCase(parsed);
      const step = progress(io, powerCase.buses.length > 5000);
      step(`solving ${powerCase.buses.length} buses by ${parsed.method}`);
      const result = solvePowerFlow(powerCase, { method: parsed.method });
      step('solved');
      io.out(parsed.json ? `${JSON.stringify(powerFlowJson(result))}\n` : powerFlowTables(result));
      return Promise.resolve(0);
    } catch (error) {
      return Promise.resolve(reportFailure(io, 'powerflow', file, error));
    }
  },
};
