import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import type { Checkpointer } from '@hyperledger/fabric-gateway';
import { FileCheckpointer } from '../sdk/checkpoint-file';
import { ContractError, TransportError } from '../sdk/client-errors';
import { newCloudWorker } from './cloud-worker';
import type {
  CloudWorkerOptions,
  OwedWork,
  TaskBoard,
  TaskEvent,
  TaskEventFeed,
  TaskEventStream,
} from './cloud-worker';

// Fakes of the ports (unit tests only). The feed replays events after a checkpoint the way the
// Fabric gateway does: skip blocks before the checkpoint's block, and within it everything up to
// and including the checkpointed transaction.
const encoder = new TextEncoder();
function event(block: number, tx: string, name: string, payload: object): TaskEvent {
  return {
    blockNumber: BigInt(block),
    transactionId: tx,
    eventName: name,
    payload: encoder.encode(JSON.stringify(payload)),
  };
}

class FakeFeed implements TaskEventFeed {
  readonly opens: string[] = [];
  failAfter: number | undefined;
  constructor(readonly events: TaskEvent[]) {}

  open(checkpoint: Checkpointer): Promise<TaskEventStream> {
    const block = checkpoint.getBlockNumber();
    const tx = checkpoint.getTransactionId();
    this.opens.push(`${block ?? '-'}/${tx ?? '-'}`);
    let start = 0;
    if (block !== undefined) {
      start = this.events.findIndex((e) => e.blockNumber >= block);
      if (start < 0) start = this.events.length;
      if (tx !== undefined) {
        const at = this.events.findIndex((e) => e.blockNumber === block && e.transactionId === tx);
        if (at >= 0) start = at + 1;
      }
    }
    const slice = this.events.slice(start);
    const failAfter = this.failAfter;
    this.failAfter = undefined;
    let closed = false;
    async function* iterate(): AsyncGenerator<TaskEvent> {
      for (const [i, e] of slice.entries()) {
        await Promise.resolve();
        if (closed) return;
        if (i === failAfter)
          throw new TransportError('UNAVAILABLE', 'events', { message: 'gateway peer restarted' });
        yield e;
      }
    }
    const iterable = iterate();
    return Promise.resolve({
      [Symbol.asyncIterator]: () => iterable,
      close: () => {
        closed = true;
      },
    });
  }
}

class FakeBoard implements TaskBoard {
  readonly submitted: string[] = [];
  readonly owedTo = new Map<string, OwedWork>();
  killAfterSubmit = false;
  refuseAsDuplicate = new Set<string>();
  /** Refusals left per task from endorsers that have not committed the event's block yet. */
  readonly behind = new Map<string, number>();

  /** NOT_FOUND answers left per task from a verifier's peer that has no masked task yet. */
  readonly maskedTaskMissing = new Map<string, number>();

  owed(taskId: string): Promise<OwedWork | undefined> {
    const missing = this.maskedTaskMissing.get(taskId) ?? 0;
    if (missing > 0 && this.owedTo.has(taskId)) {
      this.maskedTaskMissing.set(taskId, missing - 1);
      return Promise.reject(new ContractError('NOT_FOUND', `masked task of ${taskId} does not exist`, {}));
    }
    return Promise.resolve(this.owedTo.get(taskId));
  }

  submit(work: OwedWork, resultJson: string): Promise<void> {
    if (this.refuseAsDuplicate.has(work.taskId)) {
      // another instance's answer was committed first: the ledger owes nothing any more
      this.owedTo.delete(work.taskId);
      return Promise.reject(new ContractError('ALREADY_EXISTS', `result of ${work.taskId} exists`, {}));
    }
    const behind = this.behind.get(work.taskId) ?? 0;
    if (behind > 0) {
      // a peer still at the block before condition b asked for this round: it sees the old answer
      this.behind.set(work.taskId, behind - 1);
      return Promise.reject(
        new ContractError('ALREADY_EXISTS', `role I already submitted its first answer`, {}),
      );
    }
    this.submitted.push(`${work.taskId}#${work.round}:${resultJson}`);
    this.owedTo.delete(work.taskId);
    if (this.killAfterSubmit) {
      this.killAfterSubmit = false;
      return Promise.reject(new Error('SIGKILL'));
    }
    return Promise.resolve();
  }
}

const taskIdOf = (e: TaskEvent): string | undefined => {
  const payload = JSON.parse(new TextDecoder().decode(e.payload)) as { taskId?: string; provider?: string };
  return payload.provider === 'CloudA' ? payload.taskId : undefined;
};
const compute = (json: string) => `done(${json})`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ct-worker-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function setup(): { feed: FakeFeed; board: FakeBoard } {
  const events = [
    event(5, 't1', 'TaskPublished', { taskId: 'A', provider: 'CloudA' }),
    event(5, 't2', 'TaskPublished', { taskId: 'B', provider: 'CloudB' }),
    event(6, 't3', 'AnchorRecorded', { taskId: 'X', provider: 'CloudA' }),
    event(7, 't4', 'TaskPublished', { taskId: 'C', provider: 'CloudA' }),
    event(7, 't5', 'RecomputeRequested', { taskId: 'A', provider: 'CloudA' }),
  ];
  const board = new FakeBoard();
  board.owedTo.set('A', { taskId: 'A', round: 0, role: 'I', maskedTaskJson: 'a' });
  board.owedTo.set('B', { taskId: 'B', round: 0, role: 'I', maskedTaskJson: 'b' });
  board.owedTo.set('C', { taskId: 'C', round: 0, role: 'I', maskedTaskJson: 'c' });
  return { feed: new FakeFeed(events), board };
}

async function runToEnd(worker: ReturnType<typeof newCloudWorker>, done: () => boolean): Promise<void> {
  const controller = new AbortController();
  const running = worker.run(controller.signal);
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  controller.abort();
  await running;
}

const names = ['TaskPublished', 'RecomputeRequested'];

/** A worker over the fakes that retries after 5 ms, with `extra` options. */
function quickWorker(
  feed: FakeFeed,
  board: FakeBoard,
  checkpoint: Checkpointer,
  extra: Partial<CloudWorkerOptions> = {},
): ReturnType<typeof newCloudWorker> {
  return newCloudWorker({
    taskEventNames: names,
    taskIdOf,
    feed,
    board,
    compute,
    checkpoint,
    reconnectDelayMs: 5,
    ...extra,
  });
}

describe('CloudWorker', () => {
  it('computes and submits exactly the tasks owed to its provider, then checkpoints the last event', async () => {
    const { feed, board } = setup();
    const checkpoint = await FileCheckpointer.open(path.join(dir, 'w.json'));
    const worker = newCloudWorker({ taskEventNames: names, taskIdOf, feed, board, compute, checkpoint });
    await runToEnd(worker, () => checkpoint.getTransactionId() === 't5');
    expect(board.submitted).toEqual(['A#0:done(a)', 'C#0:done(c)']);
    expect(checkpoint.getBlockNumber()).toBe(7n);
  });

  it('after a kill between commit and checkpoint, a restarted worker neither loses nor repeats a task', async () => {
    const { feed, board } = setup();
    board.killAfterSubmit = true;
    const file = path.join(dir, 'w.json');
    const first = newCloudWorker({
      taskEventNames: names,
      taskIdOf,
      feed,
      board,
      compute,
      checkpoint: await FileCheckpointer.open(file),
    });
    await expect(first.run(new AbortController().signal)).rejects.toThrow('SIGKILL');
    expect(board.submitted).toEqual(['A#0:done(a)']);
    const reopened = await FileCheckpointer.open(file);
    expect(reopened.getBlockNumber()).toBeUndefined();
    const events: string[] = [];
    const second = newCloudWorker({
      taskEventNames: names,
      taskIdOf,
      feed,
      board,
      compute,
      checkpoint: reopened,
      onEvent: (e) => events.push(e.kind === 'reconnecting' ? e.kind : `${e.kind}:${e.taskId}`),
    });
    await runToEnd(second, () => reopened.getTransactionId() === 't5');
    expect(board.submitted).toEqual(['A#0:done(a)', 'C#0:done(c)']);
    expect(events).toEqual(['skipped:A', 'submitted:C', 'skipped:A']);
  });

  it('reconnects from the checkpoint after a transport failure', async () => {
    const { feed, board } = setup();
    feed.failAfter = 2;
    const checkpoint = await FileCheckpointer.open(path.join(dir, 'w.json'));
    // A real (short) timer: a sleep that only yields microtasks would let the worker reopen the
    // exhausted fake feed forever without ever letting runToEnd's timer poll run.
    const worker = quickWorker(feed, board, checkpoint, { reconnectDelayMs: 50 });
    await runToEnd(worker, () => checkpoint.getTransactionId() === 't5');
    expect(feed.opens).toEqual(['-/-', '5/t2']);
    expect(board.submitted).toEqual(['A#0:done(a)', 'C#0:done(c)']);
  });

  it('counts a result the contract refuses as a duplicate as done', async () => {
    const { feed, board } = setup();
    board.refuseAsDuplicate.add('C');
    const checkpoint = await FileCheckpointer.open(path.join(dir, 'w.json'));
    const worker = newCloudWorker({ taskEventNames: names, taskIdOf, feed, board, compute, checkpoint });
    await runToEnd(worker, () => checkpoint.getTransactionId() === 't5');
    expect(board.submitted).toEqual(['A#0:done(a)']);
  });

  it('asks again when endorsers behind the event refuse an answer the ledger still owes', async () => {
    const { feed, board } = setup();
    board.behind.set('C', 2);
    const checkpoint = await FileCheckpointer.open(path.join(dir, 'w.json'));
    const events: string[] = [];
    const worker = quickWorker(feed, board, checkpoint, {
      onEvent: (e) => events.push(e.kind === 'reconnecting' ? e.kind : `${e.kind}:${e.taskId}`),
    });
    await runToEnd(worker, () => checkpoint.getTransactionId() === 't5');
    expect(board.submitted).toEqual(['A#0:done(a)', 'C#0:done(c)']);
    expect(board.behind.get('C')).toBe(0);
    expect(events).toEqual([
      'submitted:A',
      'endorsers-behind:C',
      'endorsers-behind:C',
      'submitted:C',
      'skipped:A',
    ]);
  });

  it('waits for a verifier that has no masked task yet, and computes each answer once', async () => {
    const { feed, board } = setup();
    board.maskedTaskMissing.set('A', 2);
    board.behind.set('A', 1);
    const checkpoint = await FileCheckpointer.open(path.join(dir, 'w.json'));
    let computations = 0;
    const worker = quickWorker(feed, board, checkpoint, {
      compute: (json) => {
        computations++;
        return compute(json);
      },
    });
    await runToEnd(worker, () => checkpoint.getTransactionId() === 't5');
    expect(board.submitted).toEqual(['A#0:done(a)', 'C#0:done(c)']);
    expect(computations).toBe(2);
  });

  it('leaves an event it was still retrying unhandled when stopped, so the next start takes it up', async () => {
    const { feed, board } = setup();
    board.behind.set('A', 1_000);
    const checkpoint = await FileCheckpointer.open(path.join(dir, 'w.json'));
    let refusals = 0;
    const worker = quickWorker(feed, board, checkpoint, {
      onEvent: (e) => {
        if (e.kind === 'endorsers-behind') refusals++;
      },
    });
    await runToEnd(worker, () => refusals >= 3);
    expect(board.submitted).toEqual([]);
    expect(checkpoint.getBlockNumber()).toBeUndefined();
  });

  it('stops on a refusal that is not a duplicate', async () => {
    const { feed } = setup();
    const board = new FakeBoard();
    board.owedTo.set('A', { taskId: 'A', round: 0, role: 'I', maskedTaskJson: 'a' });
    board.submit = () => Promise.reject(new ContractError('ACCESS_DENIED', 'not assigned', {}));
    const checkpoint = await FileCheckpointer.open(path.join(dir, 'w.json'));
    const worker = newCloudWorker({ taskEventNames: names, taskIdOf, feed, board, compute, checkpoint });
    await expect(worker.run(new AbortController().signal)).rejects.toBeInstanceOf(ContractError);
    expect(checkpoint.getBlockNumber()).toBeUndefined();
  });
});
