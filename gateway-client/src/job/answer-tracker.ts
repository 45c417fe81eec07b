/**
 * Follows carbon-master's `TraceResultSubmitted` events so that the HV substation calls condition b
 * once the answers the arbitration expects have arrived (rather than polling the ledger). Runs in
 * the background from a given block; {@link AnswerTracker.waitFor} resolves when every listed
 * answer has been seen.
 */
import type { Network } from '@hyperledger/fabric-gateway';
import { parseGatewayError } from '../sdk/error-parser';
import { abortableSleep } from '../sdk/polling';

/** One expected answer of a task. */
export interface ExpectedAnswer {
  readonly taskId: string;
  readonly role: string;
  readonly kind: 'first' | 'recompute';
}

/** Tracks submitted answers. */
export interface AnswerTracker {
  /**
   * Resolves when every answer in `answers` has been submitted.
   * @throws Error after `timeoutMs` without them (naming the missing ones).
   */
  waitFor(answers: readonly ExpectedAnswer[], timeoutMs: number): Promise<void>;
  /** Number of `TraceResultSubmitted` events seen per `taskId/role/kind` (duplicates would show as > 1). */
  readonly counts: ReadonlyMap<string, number>;
  /** Stops following events. */
  close(): void;
}

const keyOf = (a: ExpectedAnswer): string => `${a.taskId}/${a.role}/${a.kind}`;

/** Starts following `chaincode` events on `network` from `startBlock`. */
export function startAnswerTracker(network: Network, chaincode: string, startBlock: bigint): AnswerTracker {
  const counts = new Map<string, number>();
  const seenTransactions = new Set<string>();
  let waiters: (() => void)[] = [];
  const state = { closed: false };
  const isClosed = (): boolean => state.closed;
  let stream: { close(): void } | undefined;
  let nextBlock = startBlock;

  const notify = (): void => {
    const current = waiters;
    waiters = [];
    for (const wake of current) wake();
  };

  const follow = async (): Promise<void> => {
    while (!state.closed) {
      try {
        const events = await network.getChaincodeEvents(chaincode, { startBlock: nextBlock });
        stream = events;
        for await (const event of events) {
          nextBlock = event.blockNumber;
          // After a reconnect the last block is delivered again: count each transaction once.
          if (seenTransactions.has(event.transactionId)) continue;
          seenTransactions.add(event.transactionId);
          if (event.eventName !== 'TraceResultSubmitted') continue;
          const payload = JSON.parse(new TextDecoder().decode(event.payload)) as Partial<ExpectedAnswer>;
          if (typeof payload.taskId !== 'string' || typeof payload.role !== 'string') continue;
          const kind = payload.kind === 'recompute' ? 'recompute' : 'first';
          const key = keyOf({ taskId: payload.taskId, role: payload.role, kind });
          counts.set(key, (counts.get(key) ?? 0) + 1);
          notify();
        }
      } catch (error: unknown) {
        if (isClosed()) return;
        // Reconnect after a transport failure (transactions already seen are skipped).
        parseGatewayError(error, {
          site: { channel: network.getName(), chaincode, transaction: 'events' },
          step: 'events',
        });
        await abortableSleep(500);
      }
    }
  };
  void follow();

  return {
    counts,
    async waitFor(answers: readonly ExpectedAnswer[], timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const missing = answers.filter((a) => !counts.has(keyOf(a)));
        if (missing.length === 0) return;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no answer within ${timeoutMs} ms from: ${missing.map(keyOf).join(', ')}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 2000));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close(): void {
      state.closed = true;
      stream?.close();
      notify();
    },
  };
}
