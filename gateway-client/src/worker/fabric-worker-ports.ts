/**
 * The cloud worker's ports over Fabric: carbon-master chaincode events (from a checkpoint), and
 * the task board through the {@link CloudProviderClient}.
 */
import type { Checkpointer, Network } from '@hyperledger/fabric-gateway';
import type { CloudProviderClient } from '../clients/cloud-provider-client';
import { parseGatewayError } from '../sdk/error-parser';
import { TransportError } from '../sdk/client-errors';
import type { CallSite } from '../sdk/client-errors';
import type { OwedWork, TaskBoard, TaskEvent, TaskEventFeed, TaskEventStream } from './cloud-worker';
import { abortableSleep } from '../sdk/polling';

/** Events of carbon-master's `Trace` that can create work for a provider. */
export const TASK_EVENT_NAMES: readonly string[] = ['TraceConditionA', 'TraceConditionB'];

/**
 * The task id of a Trace event that names `providerId` as owing an answer — condition a's
 * assignment, or condition b's expected answers — or undefined for any other event.
 */
export function taskIdForProvider(providerId: string): (event: TaskEvent) => string | undefined {
  return (event) => {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(event.payload));
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null) return undefined;
    const payload = value as Record<string, unknown>;
    const taskId = payload['taskId'];
    if (typeof taskId !== 'string') return undefined;
    const assignment = payload['assignment'];
    const named =
      (typeof assignment === 'object' &&
        assignment !== null &&
        Object.values(assignment).includes(providerId)) ||
      (Array.isArray(payload['expected']) &&
        payload['expected'].some(
          (e: unknown) =>
            typeof e === 'object' && e !== null && (e as Record<string, unknown>)['provider'] === providerId,
        ));
    return named ? taskId : undefined;
  };
}

/**
 * Chaincode events of `chaincode` on a channel, resumed from the checkpoint (or from `startBlock`
 * when it is empty, default block 0 so a fresh worker sees every task ever published).
 */
export function newChaincodeEventFeed(network: Network, chaincode: string, startBlock = 0n): TaskEventFeed {
  return {
    async open(checkpoint: Checkpointer): Promise<TaskEventStream> {
      const site = { channel: network.getName(), chaincode, transaction: 'ChaincodeEvents' };
      let events;
      try {
        events = await network.getChaincodeEvents(chaincode, { checkpoint, startBlock });
      } catch (error: unknown) {
        throw parseGatewayError(error, { site, step: 'events' });
      }
      const source = events;
      async function* mapped(): AsyncGenerator<TaskEvent> {
        try {
          for await (const e of source) {
            yield {
              blockNumber: e.blockNumber,
              transactionId: e.transactionId,
              eventName: e.eventName,
              payload: e.payload,
            };
          }
        } catch (error: unknown) {
          throw streamError(error, site);
        }
      }
      const iterable = mapped();
      return {
        [Symbol.asyncIterator]: () => iterable,
        close: () => {
          source.close();
        },
      };
    },
  };
}

/**
 * The task board over a cloud provider's client. The events that reach it name the provider, so
 * "nothing owed" right after an event can also mean the gateway peer's state database has not
 * caught up with the block yet: it asks again a few times (about 3 s in all) before concluding
 * that the answer was already given.
 */
export function newTraceTaskBoard(cloud: CloudProviderClient, lagRetries = 5): TaskBoard {
  return {
    async owed(taskId: string): Promise<OwedWork | undefined> {
      let [answer] = await cloud.owed(taskId);
      for (let i = 0; answer === undefined && i < lagRetries; i++) {
        await abortableSleep(100 * 2 ** i);
        [answer] = await cloud.owed(taskId);
      }
      if (answer === undefined) return undefined;
      const masked = await cloud.maskedTask(taskId, answer.role);
      return {
        taskId,
        role: answer.role,
        round: answer.kind === 'recompute' ? 1 : 0,
        maskedTaskJson: masked.taskJson,
      };
    },
    async submit(work: OwedWork, maskedResultJson: string): Promise<void> {
      const role = work.role;
      if (role !== 'I' && role !== 'II' && role !== 'III') throw new Error(`unknown role ${role}`);
      await cloud.submitResult(work.taskId, role, maskedResultJson);
    },
  };
}

/**
 * A failure of an event stream as a {@link TransportError}: the long-running loops reconnect on
 * those. Errors the gateway client raises itself (e.g. an unexpected deliver status such as a
 * block beyond the chain's end) are transport failures of the stream too.
 */
function streamError(error: unknown, site: CallSite): TransportError {
  const parsed = parseGatewayError(error, { site, step: 'events' });
  if (parsed instanceof TransportError) return parsed;
  return new TransportError('OTHER', 'events', { message: parsed.message, site, cause: error });
}
