/**
 * The worker of one cloud provider (DESIGN.md §3 step 4): it follows the master chaincode's events,
 * and for every task assigned to its provider it fetches the masked task, computes on masked data
 * only, and submits the masked result.
 *
 * Restart safety. Events are read from a file checkpoint (Fabric's block + transaction position),
 * saved after each event is fully handled, so nothing is lost. Before computing, the worker asks the
 * ledger whether its result for that task and round is still owed, so a task handled just before
 * a crash (result committed, checkpoint not yet saved) is not done twice; a late duplicate that the
 * contract refuses as ALREADY_EXISTS or INVALID_STATE counts as done too.
 *
 * Endorsers behind the event. The event comes from the worker's gateway peer, but the answer is
 * endorsed on other organizations' peers (the task's HV and the verifier), which may not have
 * committed that block yet. Behind a condition b that asks for a recomputation, such a peer still
 * holds the first answer and refuses the new one as ALREADY_EXISTS (or, behind one that calls in a
 * third provider, as INVALID_STATE); the verifier's peer behind condition a has no masked task yet
 * (NOT_FOUND). So a refusal counts as a duplicate only once the ledger (the event's peer) no
 * longer owes the answer; while it still does, the work is asked for and submitted again, with
 * backoff, until the ledger answers one way or the other (an answer past its deadline is reported
 * as missed, and then is owed no more).
 *
 * The worker reaches Fabric only through the ports {@link TaskEventFeed} and {@link TaskBoard};
 * `fabric-worker-ports.ts` has the real ones.
 */
import { isContractError, TransportError } from '../sdk/client-errors';
import type { ContractError } from '../sdk/client-errors';
import { isRetryable } from '../sdk/retry-policy';
import type { Checkpointer } from '@hyperledger/fabric-gateway';
import { abortableSleep } from '../sdk/polling';

/** One chaincode event as the worker sees it. */
export interface TaskEvent {
  /** Block that committed the event's transaction. */
  readonly blockNumber: bigint;
  /** Transaction id. */
  readonly transactionId: string;
  /** Event name. */
  readonly eventName: string;
  /** Event payload (raw bytes, canonical JSON). */
  readonly payload: Uint8Array;
}

/** A stream of task events that can be closed. */
export interface TaskEventStream extends AsyncIterable<TaskEvent> {
  /** Ends the stream (idempotent). */
  close(): void;
}

/** Where the worker reads events from. */
export interface TaskEventFeed {
  /** Opens the event stream at the checkpoint's position (or the start of the chain). */
  open(checkpoint: Checkpointer): Promise<TaskEventStream>;
}

/** Work owed by this provider for one task. */
export interface OwedWork {
  /** Task id. */
  readonly taskId: string;
  /** Round of the result (0 first answer, 1 recomputation, ...). */
  readonly round: number;
  /** The provider's role in the task's arbitration (`I`, `II`, `III`). */
  readonly role: string;
  /** The masked task, as published (canonical JSON). */
  readonly maskedTaskJson: string;
}

/** The master ledger as the worker needs it. */
export interface TaskBoard {
  /**
   * The work this provider still owes for `taskId`, or undefined when nothing is owed (not
   * assigned to it, already answered, or the task is closed).
   */
  owed(taskId: string): Promise<OwedWork | undefined>;
  /**
   * Submits this provider's masked result for one round.
   * @throws {@link ContractError} when the contract refuses it.
   */
  submit(work: OwedWork, maskedResultJson: string): Promise<void>;
}

/** Computes a masked result (canonical JSON) from a masked task (canonical JSON). */
export type MaskedComputation = (maskedTaskJson: string, work: OwedWork) => string;

/** Progress reported by the worker. */
export type WorkerEvent =
  | { readonly kind: 'submitted'; readonly taskId: string; readonly round: number }
  | { readonly kind: 'skipped'; readonly taskId: string; readonly reason: string }
  | {
      readonly kind: 'endorsers-behind';
      readonly taskId: string;
      /** What a peer behind the event answered (see the file comment). */
      readonly error: Error;
      readonly delayMs: number;
    }
  | { readonly kind: 'reconnecting'; readonly error: Error; readonly delayMs: number };

/** Options of {@link newCloudWorker}. */
export interface CloudWorkerOptions {
  /** Names of the events that may create work (task published, recompute, third provider, ...). */
  readonly taskEventNames: readonly string[];
  /** Extracts the task id from an event payload, or undefined when the event is not for this provider. */
  readonly taskIdOf: (event: TaskEvent) => string | undefined;
  /** Event source. */
  readonly feed: TaskEventFeed;
  /** The master ledger. */
  readonly board: TaskBoard;
  /** The provider's computation. */
  readonly compute: MaskedComputation;
  /** Event checkpoint (a {@link FileCheckpointer} in production). */
  readonly checkpoint: Checkpointer;
  /**
   * Delay before reconnecting after a transport failure, ms (doubles up to 10 s).
   * @default 500
   */
  readonly reconnectDelayMs?: number;
  /** Progress callback. */
  readonly onEvent?: (event: WorkerEvent) => void;
  /** Sleep between reconnects. @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A cloud provider's worker. */
export interface CloudWorker {
  /**
   * Runs until `signal` fires (then resolves). Transport failures reconnect from the checkpoint.
   * @throws the first non-transient failure (a computation error, a refused result other than a duplicate).
   */
  run(signal: AbortSignal): Promise<void>;
}

/** Creates a cloud worker (nothing runs until {@link CloudWorker.run}). */
export function newCloudWorker(options: Readonly<CloudWorkerOptions>): CloudWorker {
  return new CloudWorkerImpl(options);
}

class CloudWorkerImpl implements CloudWorker {
  readonly #options: Readonly<CloudWorkerOptions>;
  readonly #names: ReadonlySet<string>;

  constructor(options: Readonly<CloudWorkerOptions>) {
    this.#options = options;
    this.#names = new Set(options.taskEventNames);
  }

  async run(signal: AbortSignal): Promise<void> {
    const { feed, checkpoint } = this.#options;
    const sleep = this.#options.sleep ?? ((ms: number) => abortableSleep(ms, signal).catch(() => undefined));
    let failures = 0;
    while (!isAborted(signal)) {
      let stream: TaskEventStream | undefined;
      const onAbort = () => stream?.close();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        stream = await feed.open(checkpoint);
        if (isAborted(signal)) return;
        for await (const event of stream) {
          await this.#handle(event, signal, sleep);
          await checkpoint.checkpointTransaction(event.blockNumber, event.transactionId);
          failures = 0;
          if (isAborted(signal)) return;
        }
        // A live event stream does not end by itself; if it did, wait a little before reopening.
        if (!isAborted(signal)) await sleep(this.#options.reconnectDelayMs ?? 500);
      } catch (error: unknown) {
        if (isAborted(signal)) return;
        if (!(error instanceof TransportError) && !isRetryable(error)) throw error;
        failures++;
        const delayMs = Math.min(
          10_000,
          (this.#options.reconnectDelayMs ?? 500) * 2 ** Math.min(failures - 1, 5),
        );
        this.#options.onEvent?.({ kind: 'reconnecting', error: error as Error, delayMs });
        await sleep(delayMs);
      } finally {
        signal.removeEventListener('abort', onAbort);
        stream?.close();
      }
    }
  }

  async #handle(event: TaskEvent, signal: AbortSignal, sleep: (ms: number) => Promise<void>): Promise<void> {
    if (!this.#names.has(event.eventName)) return;
    const taskId = this.#options.taskIdOf(event);
    if (taskId === undefined) return;
    const { board } = this.#options;
    let refusal: ContractError | undefined;
    let computed: { readonly of: string; readonly result: string } | undefined;
    for (let delayMs = this.#options.reconnectDelayMs ?? 500; ; delayMs = Math.min(10_000, delayMs * 2)) {
      try {
        const work = await board.owed(taskId);
        if (work === undefined) {
          const reason = refusal === undefined ? 'nothing owed' : `refused as duplicate (${refusal.code})`;
          this.#options.onEvent?.({ kind: 'skipped', taskId, reason });
          return;
        }
        // computed once per answer, however often it is submitted
        const of = `${work.role}/${work.round}`;
        if (computed?.of !== of) computed = { of, result: this.#options.compute(work.maskedTaskJson, work) };
        await board.submit(work, computed.result);
        this.#options.onEvent?.({ kind: 'submitted', taskId, round: work.round });
        return;
      } catch (error: unknown) {
        if (!isBehindTheEvent(error)) throw error;
        refusal = error;
        // not checkpointed: an abort here leaves the event to the next start
        if (isAborted(signal)) throw error;
        this.#options.onEvent?.({ kind: 'endorsers-behind', taskId, error, delayMs });
        await sleep(delayMs);
        if (isAborted(signal)) throw error;
      }
    }
  }
}

/**
 * A refusal that a peer behind the event's block gives for work the ledger owes: the masked task
 * not there yet (NOT_FOUND), the first answer still expected (ALREADY_EXISTS), or no answer
 * expected from the role yet, or no third provider called in yet (INVALID_STATE).
 */
function isBehindTheEvent(error: unknown): error is ContractError {
  return (
    isContractError(error, 'NOT_FOUND') ||
    isContractError(error, 'ALREADY_EXISTS') ||
    isContractError(error, 'INVALID_STATE')
  );
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
