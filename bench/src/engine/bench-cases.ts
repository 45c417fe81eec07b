/**
 * The cases the engine benchmarks run on: generated radial feeders (deterministic from n, K and a
 * seed) and the shared reference cases, read from `../shared/cases` beside the repository (or the
 * engine's copies under `chaincode/src/grid/test-cases` when that folder is absent).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import {
  generateRadialFeeder,
  parseCarbonSidecar,
  parseMatpowerCase,
  SeededRandom,
  type CarbonSidecar,
  type PowerCase,
} from '@carbontrace/chaincode';

/** A generated feeder, radial, or meshed by `tieCount` extra tie branches. */
export interface FeederSpec {
  readonly kind: 'feeder';
  readonly busCount: number;
  readonly dgCount: number;
  readonly seed: string;
  /** Tie branches added between random bus pairs (0 or absent: radial). */
  readonly tieCount?: number;
}

/** A MATPOWER file from the shared reference cases (with its carbon sidecar when one exists). */
export interface MatpowerSpec {
  readonly kind: 'matpower';
  /** File name inside the cases folder, e.g. `case33bw.m`. */
  readonly file: string;
}

/** Any benchmark case. */
export type CaseSpec = FeederSpec | MatpowerSpec;

/** A loaded case. */
export interface LoadedCase {
  readonly label: string;
  readonly powerCase: PowerCase;
  readonly sidecar: CarbonSidecar;
}

/** Seed of every generated feeder in the benchmarks. */
export const FEEDER_SEED = 'carbontrace-bench';

/** Repository root (bench/dist/engine → three levels up). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** The shared cases folder, `../shared/cases` relative to the repository root, or the engine's copies. */
export function casesFolder(): string {
  const shared = resolve(REPO_ROOT, '..', 'shared', 'cases');
  return existsSync(shared) ? shared : join(REPO_ROOT, 'chaincode', 'src', 'grid', 'test-cases');
}

/** A feeder spec (radial unless `tieCount` > 0). */
export function feeder(busCount: number, dgCount: number, tieCount = 0): FeederSpec {
  return tieCount > 0
    ? { kind: 'feeder', busCount, dgCount, seed: FEEDER_SEED, tieCount }
    : { kind: 'feeder', busCount, dgCount, seed: FEEDER_SEED };
}

/**
 * Meshes a radial feeder: `tieCount` tie branches between uniformly drawn bus pairs (deterministic
 * from the seed), each with the impedance of a randomly drawn existing branch times three (a
 * longer path than one feeder segment), so that a few loops carry parallel flow.
 */
function withTies(powerCase: PowerCase, tieCount: number, seed: string): PowerCase {
  const rng = new SeededRandom(seed, 'feeder-ties');
  const n = powerCase.buses.length;
  const branches = [...powerCase.branches];
  for (let t = 0; t < tieCount; t += 1) {
    const from = 1 + rng.nextInt(n);
    let to = 1 + rng.nextInt(n);
    if (to === from) to = (to % n) + 1;
    const model = powerCase.branches[rng.nextInt(powerCase.branches.length)];
    if (model === undefined) break;
    branches.push({
      ...model,
      row: branches.length,
      fromBusId: from,
      toBusId: to,
      rPu: 3 * model.rPu,
      xPu: 3 * model.xPu,
    });
  }
  return { ...powerCase, name: `${powerCase.name}-ties${tieCount}`, branches };
}

/** Human label of a case, e.g. `feeder n=1,000 K=20` or `case33bw`. */
export function caseLabel(spec: CaseSpec): string {
  if (spec.kind === 'matpower') return spec.file.replace(/\.m$/, '');
  const ties = spec.tieCount ?? 0;
  return `feeder n=${spec.busCount.toLocaleString('en-US')} DG=${spec.dgCount}${ties > 0 ? ` meshed (${ties} ties)` : ''}`;
}

/** Loads (or generates) a case. */
export function loadCase(spec: CaseSpec): LoadedCase {
  if (spec.kind === 'feeder') {
    const generated = generateRadialFeeder({
      busCount: spec.busCount,
      dgCount: spec.dgCount,
      seed: spec.seed,
    });
    const ties = spec.tieCount ?? 0;
    const powerCase = ties > 0 ? withTies(generated.powerCase, ties, spec.seed) : generated.powerCase;
    return { label: caseLabel(spec), powerCase, sidecar: generated.sidecar };
  }
  const folder = casesFolder();
  const path = join(folder, spec.file);
  const powerCase = parseMatpowerCase(readFileSync(path, 'utf8'), spec.file);
  const sidecarPath = path.replace(/\.m$/, '.carbon.json');
  const sidecar = existsSync(sidecarPath)
    ? parseCarbonSidecar(readFileSync(sidecarPath, 'utf8'), sidecarPath, powerCase)
    : { file: '(none: every unit zero-carbon)', units: [] };
  return { label: caseLabel(spec), powerCase, sidecar };
}
