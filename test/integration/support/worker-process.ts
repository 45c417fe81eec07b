/**
 * A cloud worker as its own process (`carbontrace worker`), for tests that run the main job with
 * `externalWorkers`: its stderr lines are kept, and a test can wait for a line. A worker of the
 * job's own would replay every earlier test's task from genesis; {@link checkpointAtChainEnd}
 * starts one at the chain's end, as a deployed worker would be after its first run;
 * {@link runJobWithExternalWorkers} runs the main job with such workers.
 */
import { spawn } from 'child_process';
import type { ChildProcess } from 'child_process';
import { writeFileSync } from 'fs';
import * as path from 'path';
import { runMainJob } from '../../../gateway-client/src/job/main-job';
import type { MainJobResult } from '../../../gateway-client/src/job/main-job';
import { SAMPLE_CASE } from './sample-job';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'gateway-client', 'dist', 'cli', 'main.js');

/** A running worker process. */
export interface WorkerLife {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Resolves at the first line matching `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
}

/** Starts `carbontrace worker` for `provider` (fee 1) from `checkpoint`. */
export function startWorker(provider: string, checkpoint: string): WorkerLife {
  const child = spawn(
    process.execPath,
    [cli, 'worker', '--provider', provider, '--fee', '1', '--checkpoint', checkpoint],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffered = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((x) => x.pattern.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  return {
    child,
    lines,
    waitFor: (pattern) =>
      new Promise((resolve) => {
        const seen = lines.find((l) => pattern.test(l));
        if (seen !== undefined) resolve(seen);
        else waiters.push({ pattern, resolve });
      }),
  };
}

/** Writes a worker checkpoint at `height` (the next block) and returns its path. */
export function checkpointAtChainEnd(dir: string, provider: string, height: bigint): string {
  const file = path.join(dir, `worker-${provider}.json`);
  writeFileSync(file, JSON.stringify({ blockNumber: String(height), transactionId: null }));
  return file;
}

/** The cloud providers of the test network. */
export const PROVIDERS = ['CloudA', 'CloudB', 'CloudC'] as const;

/**
 * Runs the main job for `slots` slots on the sample case, with every provider honest and its
 * worker an external process, the tasks assigned to `requested`.
 */
export function runJobWithExternalWorkers(
  dir: string,
  slots: number,
  requested: readonly [string, string],
): Promise<MainJobResult> {
  return runMainJob({
    slots,
    casePath: SAMPLE_CASE,
    workDir: path.join(dir, 'job'),
    providers: PROVIDERS.map((id) => ({ id, feePerTask: 1, conduct: { kind: 'honest' } as const })),
    externalWorkers: [...PROVIDERS],
    slotSeconds: 0,
    requestedProviders: requested,
    progress: () => undefined,
  });
}
