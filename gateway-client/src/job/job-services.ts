/**
 * The main job's helper processes: one anchor relay per HV substation (slave blocks → master
 * anchors) and one cloud worker per provider, each with its checkpoint in the job's work
 * directory, except those the caller runs elsewhere (`carbontrace relay`, `carbontrace worker`).
 */
import * as path from 'path';
import type { RunningProcess } from '../process/running-process';
import { startAnchorRelay } from '../process/start-anchor-relay';
import { startCloudWorker } from '../process/start-cloud-worker';
import type { RetryHooks } from '../sdk/retry-policy';
import type { JobProvider } from './main-job';

/** A cheating answer a job's provider gave (by its conduct). */
export interface JobCheat {
  readonly provider: string;
  readonly taskId: string;
  readonly round: number;
}

/** What {@link startJobServices} starts, and where its progress goes. */
export interface JobServicesOptions {
  readonly hvs: readonly string[];
  readonly providers: readonly JobProvider[];
  /** The job's work directory of this network (checkpoints). */
  readonly workDir: string;
  readonly configDir: string | undefined;
  readonly externalRelays: readonly string[];
  readonly externalWorkers: readonly string[];
  readonly retryHooks: RetryHooks;
  readonly say: (line: string) => void;
  readonly onCheat: (cheat: JobCheat) => void;
}

/**
 * Starts the relays and workers, appending each to `started` as soon as it runs (so the caller
 * stops every one already started when a later one fails to start).
 */
export async function startJobServices(
  started: RunningProcess[],
  options: Readonly<JobServicesOptions>,
): Promise<void> {
  const { say, retryHooks } = options;
  const configDir = options.configDir === undefined ? {} : { configDir: options.configDir };
  for (const hv of options.hvs) {
    if (options.externalRelays.includes(hv)) continue;
    started.push(
      await startAnchorRelay({
        hv,
        checkpointPath: path.join(options.workDir, `relay-${hv}.json`),
        ...configDir,
        retryHooks,
        onEvent: (e) => {
          if (e.kind === 'reconnecting') say(`relay ${hv}: reconnecting (${e.error.message})`);
        },
      }),
    );
  }
  for (const provider of options.providers) {
    if (options.externalWorkers.includes(provider.id)) continue;
    started.push(
      await startCloudWorker({
        provider: provider.id,
        feePerTask: provider.feePerTask,
        conduct: provider.conduct,
        checkpointPath: path.join(options.workDir, `worker-${provider.id}.json`),
        ...configDir,
        retryHooks,
        onDecision: (taskId, round, cheated) => {
          if (cheated) options.onCheat({ provider: provider.id, taskId, round });
        },
        onEvent: (e) => {
          if (e.kind === 'reconnecting') say(`worker ${provider.id}: reconnecting (${e.error.message})`);
          else if (e.kind === 'endorsers-behind')
            say(
              `worker ${provider.id}: ${e.taskId} refused by endorsers behind the ledger, again in ${e.delayMs} ms (${e.error.message})`,
            );
          else if (e.kind === 'skipped' && e.reason !== 'nothing owed')
            say(`worker ${provider.id}: skipped ${e.taskId} (${e.reason})`);
        },
      }),
    );
  }
}
