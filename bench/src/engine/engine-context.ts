/**
 * What every engine phase shares: the plan, the worker process runner, the case export (each case
 * is solved and exported once for the Python side) and the Python script runner.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { runChild, type ChildResult } from '../child-runner';
import { REPO_ROOT, type CaseSpec } from './bench-cases';
import { PF_TOLERANCE_PU, type EnginePlan } from './engine-plan';
import type { EngineTask } from './engine-worker';

/** Options of the engine phases (from the command line). */
export interface EngineSuiteOptions {
  readonly quick: boolean;
  /** Scratch folder for exported cases. */
  readonly outDir: string;
  /** Python interpreter with pandapower and lightsim2grid, or undefined to skip the Python columns. */
  readonly python: string | undefined;
  readonly log: (line: string) => void;
  /** Phases to run (default: all of ENGINE_PHASES). */
  readonly phases?: readonly string[];
}

/** The shared state of one engine run. */
export interface EngineContext {
  readonly plan: EnginePlan;
  readonly quick: boolean;
  readonly python: string | undefined;
  readonly log: (line: string) => void;
  /** Runs one engine measurement in its own process. */
  worker(task: EngineTask): Promise<ChildResult>;
  /** Solves and exports a case once (case.json and the extended system for the Python side). */
  exportCase(spec: CaseSpec): Promise<ChildResult>;
  /** The export folder of a case. */
  folderOf(spec: CaseSpec): string;
  /** Runs bench/python/<script> with the interpreter, or resolves undefined without one. */
  runPython(
    script: string,
    args: readonly string[],
    env?: Readonly<Record<string, string>>,
  ): Promise<ChildResult | undefined>;
}

const WORKER = join(__dirname, 'engine-worker.js');
const PYTHON_DIR = join(REPO_ROOT, 'bench', 'python');

function slug(spec: CaseSpec): string {
  if (spec.kind === 'matpower') return spec.file.replace(/\.m$/, '');
  const ties = spec.tieCount ?? 0;
  return `feeder-${spec.busCount}-${spec.dgCount}${ties > 0 ? `-ties${ties}` : ''}`;
}

/** Creates the context of one run. */
export function createEngineContext(options: EngineSuiteOptions, plan: EnginePlan): EngineContext {
  const exported = new Map<string, ChildResult>();
  const folderOf = (spec: CaseSpec): string => join(options.outDir, 'cases', slug(spec));
  const worker = (task: EngineTask): Promise<ChildResult> =>
    runChild(process.execPath, ['--max-old-space-size=12288', WORKER, JSON.stringify(task)], {
      timeoutSeconds: 1200,
    });
  return {
    plan,
    quick: options.quick,
    python: options.python,
    log: options.log,
    worker,
    folderOf,
    async exportCase(spec) {
      const key = slug(spec);
      const known = exported.get(key);
      if (known !== undefined) return known;
      const folder = folderOf(spec);
      mkdirSync(folder, { recursive: true });
      const result = await worker({ kind: 'export', caseSpec: spec, folder, tolerancePu: PF_TOLERANCE_PU });
      exported.set(key, result);
      return result;
    },
    async runPython(script, args, env) {
      if (options.python === undefined) return undefined;
      return runChild(options.python, [join(PYTHON_DIR, script), ...args], env === undefined ? {} : { env });
    },
  };
}
