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
  type CarbonSidecar,
  type PowerCase,
} from '@carbontrace/chaincode';

/** A generated feeder. */
export interface FeederSpec {
  readonly kind: 'feeder';
  readonly busCount: number;
  readonly dgCount: number;
  readonly seed: string;
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

/** A feeder spec. */
export function feeder(busCount: number, dgCount: number): FeederSpec {
  return { kind: 'feeder', busCount, dgCount, seed: FEEDER_SEED };
}

/** Human label of a case, e.g. `feeder n=1,000 K=20` or `case33bw`. */
export function caseLabel(spec: CaseSpec): string {
  if (spec.kind === 'matpower') return spec.file.replace(/\.m$/, '');
  return `feeder n=${spec.busCount.toLocaleString('en-US')} DG=${spec.dgCount}`;
}

/** Loads (or generates) a case. */
export function loadCase(spec: CaseSpec): LoadedCase {
  if (spec.kind === 'feeder') {
    const generated = generateRadialFeeder({
      busCount: spec.busCount,
      dgCount: spec.dgCount,
      seed: spec.seed,
    });
    return { label: caseLabel(spec), powerCase: generated.powerCase, sidecar: generated.sidecar };
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
