/**
 * `carbontrace outsource <case.m> --carbon <sidecar.json> --providers honest,corrupt[,honest]
 * [--mask dense|monomial|hardened] [--seed S] [--json]`: one outsourced trace end to end with
 * simulated cloud providers (MATH.md §E–F): power flow, the extended distribution system, two
 * one-time keys, masking, the cloud computation, unmasking, the residual check, the double check
 * and the arbitration state machine, with fees and strikes. Prints what was accepted and from
 * whom, and how the client's cost compares with simply solving locally.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import {
  buildDistributionSystem,
  buildOutsourcingProblem,
  generateRadialFeeder,
  isCarbonTraceError,
  isProviderBehaviour,
  MASK_PROFILES,
  MAX_PAYLOAD_BYTES,
  parseCarbonSidecar,
  parseMatpowerCase,
  runOutsourcing,
  solvePowerFlow,
  type CarbonSidecar,
  type DistributionSystem,
  type MaskProfile,
  type OutsourcingRunReport,
  type ProviderBehaviour,
} from '@carbontrace/chaincode';

import type { CliCommand, CliIo } from '../command';
import { EXIT_BAD_INPUT } from '../command';

/** A case (or generated feeder) solved and traced into its extended system. */
interface TracedCase {
  readonly name: string;
  readonly system: DistributionSystem;
  readonly sidecar: Pick<CarbonSidecar, 'units'>;
}

/** Reads, solves (Newton–Raphson) and builds the extended distribution system of the source. */
function loadTracedCase(source: OutsourceArgs['source'], carbonPath: string | undefined): TracedCase {
  if (source.kind === 'feeder') {
    if (carbonPath !== undefined)
      throw new BadInput('--carbon does not apply to --feeder (it brings its own)');
    const feeder = generateRadialFeeder({
      busCount: source.buses,
      dgCount: source.dgs,
      seed: 'carbontrace-feeder',
    });
    const flow = solvePowerFlow(feeder.powerCase);
    return {
      name: feeder.powerCase.name,
      system: buildDistributionSystem(feeder.powerCase, flow),
      sidecar: feeder.sidecar,
    };
  }
  const powerCase = parseMatpowerCase(readFileSync(source.casePath, 'utf8'), source.casePath);
  const sidecar =
    carbonPath === undefined
      ? { units: [] }
      : parseCarbonSidecar(readFileSync(carbonPath, 'utf8'), carbonPath, powerCase);
  const flow = solvePowerFlow(powerCase);
  return { name: powerCase.name, system: buildDistributionSystem(powerCase, flow), sidecar };
}

const USAGE = `Usage: carbontrace outsource <case.m> [--carbon <sidecar.json>] --providers <p1>,<p2>[,<p3>]
                           [--mask dense|monomial|hardened] [--seed S] [--max-payload-bytes N]
                           [--return-inverse] [--json]
       carbontrace outsource --feeder <buses>[:<dgs>] ...   (a generated radial feeder instead of a case)

Runs one outsourced carbon trace with simulated cloud providers (MATH.md §E-F).
  --providers  behaviour of provider1, provider2[, provider3]: honest | corrupt | lazy-zero | colluding
  --mask       masking profile (default monomial): dense = dense Q (paper), monomial = permutation x
               diagonal (sparse), hardened = secret permutation + dense Q + additive output mask
  --carbon     carbon sidecar (units not listed are zero-carbon; without it every unit is)
  --seed       caller seed of the one-time keys (default "carbontrace")
  --max-payload-bytes  ledger cap on one masked task (default ${MAX_PAYLOAD_BYTES})
  --return-inverse     providers also return the dense inverse of the masked matrix, checked by
                       Freivalds (20 rounds of random +-1 vectors)
  --json       machine-readable output: accepted, acceptedFrom, path, strikes, fees,
               maxRelErrorVsLocal, clientSeconds, cloudSeconds, localSeconds
Exit codes: 0 accepted, 1 failure, 2 bad input.`;

/** Parsed command line. */
interface OutsourceArgs {
  readonly source:
    | { readonly kind: 'case'; readonly casePath: string }
    | { readonly kind: 'feeder'; readonly buses: number; readonly dgs: number };
  readonly carbonPath: string | undefined;
  readonly behaviours: ProviderBehaviour[];
  readonly profile: MaskProfile;
  readonly seed: string;
  readonly maxPayloadBytes: number;
  readonly returnInverse: boolean;
  readonly json: boolean;
}

class BadInput extends Error {
  override readonly name = 'BadInput';
}

function parseArgs(args: readonly string[]): OutsourceArgs {
  let casePath: string | undefined;
  let feeder: { buses: number; dgs: number } | undefined;
  let carbonPath: string | undefined;
  let providers: string | undefined;
  let profile: MaskProfile = 'monomial';
  let seed = 'carbontrace';
  let maxPayloadBytes = MAX_PAYLOAD_BYTES;
  let json = false;
  let returnInverse = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const value = (): string => {
      const v = args[i + 1];
      if (v === undefined || v.startsWith('--')) throw new BadInput(`${arg} needs a value`);
      i += 1;
      return v;
    };
    switch (arg) {
      case '--carbon':
        carbonPath = value();
        break;
      case '--providers':
        providers = value();
        break;
      case '--mask': {
        const v = value();
        if (!(MASK_PROFILES as readonly string[]).includes(v)) {
          throw new BadInput(`--mask must be one of ${MASK_PROFILES.join(', ')} (got '${v}')`);
        }
        profile = v as MaskProfile;
        break;
      }
      case '--seed':
        seed = value();
        break;
      case '--max-payload-bytes': {
        const v = Number(value());
        if (!Number.isInteger(v) || v <= 0)
          throw new BadInput('--max-payload-bytes must be a positive integer');
        maxPayloadBytes = v;
        break;
      }
      case '--feeder': {
        const match = /^(\d+)(?::(\d+))?$/.exec(value());
        if (match === null) throw new BadInput('--feeder takes <buses>[:<dgs>], e.g. 1000:10');
        const buses = Number(match[1]);
        const dgs = match[2] === undefined ? Math.max(1, Math.floor(buses / 100)) : Number(match[2]);
        feeder = { buses, dgs };
        break;
      }
      case '--json':
        json = true;
        break;
      case '--return-inverse':
        returnInverse = true;
        break;
      default:
        if (arg.startsWith('-')) throw new BadInput(`unknown option ${arg}`);
        if (casePath !== undefined) throw new BadInput(`unexpected argument ${arg}`);
        casePath = arg;
    }
  }
  if ((casePath === undefined) === (feeder === undefined)) {
    throw new BadInput('give exactly one of <case.m> or --feeder <buses>[:<dgs>]');
  }
  if (providers === undefined) throw new BadInput('--providers is required, e.g. --providers honest,corrupt');
  const behaviours = providers.split(',').map((p) => p.trim());
  if (behaviours.length < 2 || behaviours.length > 3)
    throw new BadInput('--providers takes two or three behaviours');
  for (const b of behaviours) {
    if (!isProviderBehaviour(b)) {
      throw new BadInput(`unknown provider behaviour '${b}' (honest, corrupt, lazy-zero, colluding)`);
    }
  }
  return {
    source:
      casePath !== undefined
        ? { kind: 'case', casePath }
        : { kind: 'feeder', buses: feeder?.buses ?? 0, dgs: feeder?.dgs ?? 0 },
    carbonPath,
    behaviours: behaviours as ProviderBehaviour[],
    profile,
    seed,
    maxPayloadBytes,
    returnInverse,
    json,
  };
}

/** The JSON fields of issue 4, exactly. */
function jsonReport(report: OutsourcingRunReport): Record<string, unknown> {
  return {
    accepted: report.accepted,
    acceptedFrom: report.acceptedFrom,
    path: report.path,
    strikes: report.strikes,
    fees: report.fees,
    maxRelErrorVsLocal: report.maxRelErrorVsLocal,
    clientSeconds: report.clientSeconds,
    cloudSeconds: report.cloudSeconds,
    localSeconds: report.localSeconds,
  };
}

function seconds(value: number): string {
  return value < 0.01 ? `${(value * 1000).toFixed(2)} ms` : `${value.toFixed(3)} s`;
}

function readable(report: OutsourcingRunReport, name: string, args: OutsourceArgs, size: string): string {
  const lines = [
    `Outsourced trace of ${name} (${size}), ${args.profile} mask, providers ${args.behaviours.join(', ')}`,
    `  path          ${report.path.join(' -> ')}`,
    `  accepted      ${report.accepted ? `yes, from ${report.acceptedFrom ?? '?'}` : 'no'}`,
    `  max rel error ${report.maxRelErrorVsLocal === null ? 'n/a' : report.maxRelErrorVsLocal.toExponential(2)} vs the local trace`,
    '  answers:',
    ...report.answers.map(
      (a) =>
        `    ${a.provider} (${a.behaviour}, ${a.kind}): ${a.valid ? 'valid' : `rejected [${a.failures.join(', ')}]`}` +
        (a.residualRelative === null ? '' : `, residual ${a.residualRelative.toExponential(2)}`),
    ),
    `  strikes       ${Object.entries(report.strikes)
      .map(([p, s]) => `${p}=${s}`)
      .join(', ')}`,
    `  fees          ${Object.entries(report.fees)
      .map(([p, f]) => `${p} ${f >= 0 ? '+' : ''}${f}`)
      .join(', ')}`,
    `  task size     ${Object.entries(report.taskBytes)
      .map(([p, b]) => `${p} ${b} B`)
      .join(', ')}`,
    `  time          client ${seconds(report.clientSeconds)}, cloud ${seconds(report.cloudSeconds)}, local solve ${seconds(report.localSeconds)}`,
  ];
  return `${lines.join('\n')}\n`;
}

function runSync(args: readonly string[], io: CliIo): number {
  let parsed: OutsourceArgs;
  let loaded: TracedCase;
  try {
    parsed = parseArgs(args);
    loaded = loadTracedCase(parsed.source, parsed.carbonPath);
  } catch (error) {
    io.err(`carbontrace outsource: ${describe(error)}\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    const problem = buildOutsourcingProblem(loaded.system, loaded.sidecar);
    const report = runOutsourcing({
      problem,
      seed: parsed.seed,
      taskId: `${loaded.name}/cli`,
      profile: parsed.profile,
      behaviours: parsed.behaviours,
      maxPayloadBytes: parsed.maxPayloadBytes,
      returnInverse: parsed.returnInverse,
      clock: () => performance.now() / 1000,
    });
    const size = `n=${loaded.system.busCount}, m=${loaded.system.branchCount}, N=${loaded.system.size}, K=${loaded.system.generators.length}`;
    io.out(
      parsed.json ? `${JSON.stringify(jsonReport(report))}\n` : readable(report, loaded.name, parsed, size),
    );
    return report.accepted ? 0 : 1;
  } catch (error) {
    io.err(`carbontrace outsource: ${describe(error)}\n`);
    return 1;
  }
}

function run(args: readonly string[], io: CliIo): Promise<number> {
  return Promise.resolve(runSync(args, io));
}

function describe(error: unknown): string {
  if (isCarbonTraceError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof BadInput) return error.message;
  // Node's fs errors (checked structurally: they may come from another realm under test runners).
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    const path = 'path' in error && typeof error.path === 'string' ? error.path : 'file';
    const reason =
      error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'is a directory' : error.code;
    return `cannot read ${path}: ${reason}`;
  }
  const text =
    error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)
      ? String(error.message)
      : String(error);
  return text.split('\n')[0] ?? 'error';
}

/** The `outsource` sub-command. */
export const outsourceCommand: CliCommand = {
  name: 'outsource',
  summary: 'run one outsourced trace with simulated cloud providers (masking, double check, arbitration)',
  usage: USAGE,
  run,
};
