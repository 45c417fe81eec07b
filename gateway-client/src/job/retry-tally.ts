/**
 * Counts the SDK's retries during a run, by why the attempt failed: `MVCC_READ_CONFLICT` and
 * `PHANTOM_READ_CONFLICT` (another transaction changed what this one read), `TRANSPORT` (a peer
 * or orderer was unreachable), or the error's code. Handed to every client of the main job as its
 * retry hooks, so the report says how often the ledger's key layout made transactions collide.
 */
import { ConflictError, GatewayClientError, TransportError } from '../sdk/client-errors';
import type { RetryHooks } from '../sdk/retry-policy';

/** A retry counter whose hooks are shared by the job's clients. */
export interface RetryTally {
  /** Hooks to pass as `retryHooks` when opening a client. */
  readonly hooks: RetryHooks;
  /** Retries so far by reason (a null-prototype record, sorted keys). */
  counts(): Record<string, number>;
  /**
   * Read conflicts (MVCC and phantom reads) so far by the transaction that lost the race, e.g.
   * `Trace:ConditionA` (sorted keys): which dependency of the key layout made them collide.
   */
  conflictsByTransaction(): Record<string, number>;
  /** The most recent retried failure, or undefined. */
  lastFailure(): { readonly reason: string; readonly message: string } | undefined;
}

function reasonOf(error: unknown): string {
  if (error instanceof ConflictError) return error.kind;
  if (error instanceof TransportError) return 'TRANSPORT';
  if (error instanceof GatewayClientError) return error.code;
  return 'OTHER';
}

function sortedRecord(counts: ReadonlyMap<string, number>): Record<string, number> {
  const out = Object.create(null) as Record<string, number>;
  for (const key of [...counts.keys()].sort()) out[key] = counts.get(key) ?? 0;
  return out;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** A new, empty tally. */
export function newRetryTally(): RetryTally {
  const counts = new Map<string, number>();
  const conflicts = new Map<string, number>();
  let last: { reason: string; message: string } | undefined;
  return {
    hooks: {
      onRetry: (_attempt, error) => {
        const reason = reasonOf(error);
        increment(counts, reason);
        if (error instanceof ConflictError) increment(conflicts, error.site?.transaction ?? 'unknown');
        last = { reason, message: error instanceof Error ? error.message : String(error) };
      },
    },
    lastFailure: () => last,
    counts: () => sortedRecord(counts),
    conflictsByTransaction: () => sortedRecord(conflicts),
  };
}
