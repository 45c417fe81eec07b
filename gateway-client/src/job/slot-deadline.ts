/**
 * A slot's deadline in the main job: past it the job stops with an error that says why the slot
 * is stuck (a lost BFT ordering quorum, unreachable peers, or the last retried failure) instead
 * of retrying for ever.
 */
import type { RetryTally } from './retry-tally';

/** Default of `MainJobOptions.slotDeadlineMs`: 3 minutes (a slot takes seconds; a peer restart, 30 s). */
export const DEFAULT_SLOT_DEADLINE_MS = 180_000;

/** What the clients' last retried failure says of a lost ordering quorum, or undefined. */
function quorumLoss(tally: RetryTally): string | undefined {
  const last = tally.lastFailure();
  if (last === undefined || !/quorum/i.test(last.message)) return undefined;
  return `the ordering service lost its BFT quorum: too few orderers answer to order a transaction (${last.reason}: ${last.message.slice(0, 300)}); bring the orderers back and run the job again`;
}

/** A slot's failure, with the lost ordering quorum named when that is why it failed. */
export function withQuorumDiagnosis(error: unknown, tally: RetryTally): unknown {
  const quorum = quorumLoss(tally);
  if (quorum === undefined || !(error instanceof Error) || error.message.includes('BFT quorum')) return error;
  return new Error(`${error.message}: ${quorum}`, { cause: error });
}

/**
 * Rejects after `ms` with an error naming the stuck slot and, from the clients' last retried
 * failure, why: a lost ordering quorum (BFT needs 3 of 4 orderers), unreachable peers, or other.
 * The timer does not keep the process alive.
 */
export function slotDeadline(
  ms: number,
  label: string,
  tally: RetryTally,
): { expired: Promise<never>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const last = tally.lastFailure();
      const why =
        quorumLoss(tally) ??
        (last === undefined
          ? 'no client call failed meanwhile'
          : `the last retried failure was ${last.reason}: ${last.message.slice(0, 300)}`);
      reject(new Error(`slot ${label} did not finish within ${Math.round(ms / 1000)} s: ${why}`));
    }, ms);
    timer.unref();
  });
  return {
    expired,
    clear: () => {
      clearTimeout(timer);
    },
  };
}
