/**
 * Starts the worker of one cloud provider: registers the provider (if needed), then follows
 * carbon-master's Trace events from its file checkpoint and answers every task it owes.
 */
import { openCloudProvider } from '../clients/open-clients';
import { FileCheckpointer } from '../sdk/checkpoint-file';
import { MASTER_CHAINCODE, MASTER_CHANNEL } from '../sdk/network-names';
import type { WorkerEvent } from '../worker/cloud-worker';
import { newCloudWorker } from '../worker/cloud-worker';
import {
  newChaincodeEventFeed,
  newTraceTaskBoard,
  TASK_EVENT_NAMES,
  taskIdForProvider,
} from '../worker/fabric-worker-ports';
import type { ProviderConduct } from '../worker/provider-computation';
import { newProviderComputation } from '../worker/provider-computation';
import { runningProcess } from './running-process';
import type { RunningProcess } from './running-process';
import type { RetryHooks } from '../sdk/retry-policy';

/** Options of {@link startCloudWorker}. */
export interface StartCloudWorkerOptions {
  /** Cloud organization id, e.g. `CloudA`. */
  readonly provider: string;
  /** Checkpoint file. */
  readonly checkpointPath: string;
  /** Fee per task to register with (skipped when already registered). */
  readonly feePerTask: number;
  /** Honest or cheating now and then. @default honest */
  readonly conduct?: ProviderConduct;
  /** Network configuration directory. @default `.run/network/config` */
  readonly configDir?: string;
  /** Retry hooks of its client (e.g. the main job's retry tally). */
  readonly retryHooks?: RetryHooks;
  /** Progress callback. */
  readonly onEvent?: (event: WorkerEvent) => void;
  /** Called when the checkpoint was beyond the chain's end (another network's) and was reset. */
  readonly onStale?: (savedBlock: bigint, height: bigint) => void;
  /** Called with each task's cheating decision. */
  readonly onDecision?: (taskId: string, round: number, cheated: boolean) => void;
}

/**
 * Connects, registers and starts the worker.
 * @throws {@link GatewayClientError} when the provider cannot connect or register.
 */
export async function startCloudWorker(options: Readonly<StartCloudWorkerOptions>): Promise<RunningProcess> {
  const cloud = await openCloudProvider({
    org: options.provider,
    ...(options.configDir === undefined ? {} : { configDir: options.configDir }),
    ...(options.retryHooks === undefined ? {} : { retryHooks: options.retryHooks }),
  });
  try {
    await cloud.client.register(options.feePerTask);
  } catch (error: unknown) {
    cloud.close();
    throw error;
  }
  const checkpoint = await FileCheckpointer.open(options.checkpointPath);
  const saved = checkpoint.getBlockNumber();
  const height = await cloud.connection.ledger().height(MASTER_CHANNEL);
  if (saved !== undefined && saved > height) {
    // A position beyond the chain's end was saved against another network: start over.
    options.onStale?.(saved, height);
    await checkpoint.reset();
  }
  const worker = newCloudWorker({
    taskEventNames: TASK_EVENT_NAMES,
    taskIdOf: taskIdForProvider(options.provider),
    feed: newChaincodeEventFeed(cloud.connection.network(MASTER_CHANNEL), MASTER_CHAINCODE),
    board: newTraceTaskBoard(cloud.client),
    compute: newProviderComputation({
      providerId: options.provider,
      conduct: options.conduct ?? { kind: 'honest' },
      onDecision: (work, cheated) => options.onDecision?.(work.taskId, work.round, cheated),
    }),
    checkpoint,
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  });
  return runningProcess(
    `worker ${options.provider}`,
    (signal) => worker.run(signal),
    () => {
      cloud.close();
    },
  );
}
