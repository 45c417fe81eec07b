/**
 * When and how often the SDK retries a call. Only two kinds of failure are retried:
 * read conflicts (`MVCC_READ_CONFLICT`, `PHANTOM_READ_CONFLICT`: another transaction won the race,
 * re-endorsing reads the new state) and transient transport failures (`UNAVAILABLE`,
 * `DEADLINE_EXCEEDED`). A chaincode refusal (`CODE: message`) is never retried: asking again
 * gets the same answer.
 */
import { ConflictError, TransportError } from './client-errors';
import { abortableSleep } from './polling';

/** Retry settings; every field has a default. */
export interface RetryOptions {
  /**
   * Total attempts including the first.
   * @default 5
   */
  readonly maxAttempts?: number;
  /**
   * Delay before the second attempt, in milliseconds.
   * @default 200
   */
  readonly initialDelayMs?: number;
  /**
   * Upper bound of any delay, in milliseconds.
   * @default 5000
   */
  readonly maxDelayMs?: number;
  /**
   * Growth factor of the delay per attempt.
   * @default 2
   */
  readonly multiplier?: number;
}

/** A resolved retry policy. */
export interface RetryPolicy {
  /** Total attempts including the first (≥ 1). */
  readonly maxAttempts: number;
  /** Delay before the second attempt, ms. */
  readonly initialDelayMs: number;
  /** Upper bound of any delay, ms. */
  readonly maxDelayMs: number;
  /** Growth factor per attempt (≥ 1). */
  readonly multiplier: number;
}

/**
 * The default policy: 24 attempts, 200 ms doubling to at most 5 s, equal jitter: they span
 * ≈ 48–96 s. That covers a peer SIGKILLed and restarted 10 s later *and* the seconds its gossip
 * needs to learn the other organizations' peers again, during which its gateway refuses proposals
 * that name them (`failed to find any endorsing peers`): up to 30 s measured, since gossip
 * reconnects every 25 s. 14 attempts (≈ 26–51 s) failed the 60-slot soak's GridCo restart that
 * way, 10 (≈ 13–26 s) the LV peer restart, 5 (≈ 3 s) every peer restart (docs/reliability.md).
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 24,
  initialDelayMs: 200,
  maxDelayMs: 5000,
  multiplier: 2,
});

/** No retries at all. */
export const NO_RETRY: RetryPolicy = Object.freeze({ ...DEFAULT_RETRY_POLICY, maxAttempts: 1 });

/**
 * Fills in defaults and checks the ranges.
 * @throws RangeError when a value is out of range (attempts < 1, negative delays, multiplier < 1).
 */
export function resolveRetryPolicy(options: Readonly<RetryOptions> = {}): RetryPolicy {
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    initialDelayMs: options.initialDelayMs ?? DEFAULT_RETRY_POLICY.initialDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    multiplier: options.multiplier ?? DEFAULT_RETRY_POLICY.multiplier,
  };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be an integer ≥ 1, got ${policy.maxAttempts}`);
  }
  if (!(policy.initialDelayMs >= 0) || !(policy.maxDelayMs >= policy.initialDelayMs)) {
    throw new RangeError(
      `need 0 ≤ initialDelayMs ≤ maxDelayMs, got ${policy.initialDelayMs}, ${policy.maxDelayMs}`,
    );
  }
  if (!(policy.multiplier >= 1)) throw new RangeError(`multiplier must be ≥ 1, got ${policy.multiplier}`);
  return Object.freeze(policy);
}

/** True for the failures worth another attempt: read conflicts and transient transport errors. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ConflictError) return true;
  if (error instanceof TransportError) return error.transient;
  return false;
}

/**
 * The delay before attempt `attempt + 1` (attempt counts from 1), with "equal jitter": half the
 * exponential delay fixed, the other half scaled by `random()` ∈ [0, 1).
 */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1));
  return exponential / 2 + (exponential / 2) * random();
}

/** Hooks for {@link withRetry}. */
export interface RetryHooks {
  /** Waits the given number of milliseconds. @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Called before each retry with the failed attempt's number and error. */
  readonly onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
  /** Which failures get another attempt. @default {@link isRetryable} */
  readonly isRetryable?: (error: unknown) => boolean;
}

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error, or runs out of attempts.
 * @returns the operation's result.
 * @throws the last error when it is not retryable or the attempts are used up.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  hooks: Readonly<RetryHooks> = {},
): Promise<T> {
  const sleep = hooks.sleep ?? abortableSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error: unknown) {
      if (attempt >= policy.maxAttempts || !(hooks.isRetryable ?? isRetryable)(error)) throw error;
      const delayMs = retryDelayMs(attempt, policy, hooks.random);
      hooks.onRetry?.(attempt, error, delayMs);
      await sleep(delayMs);
    }
  }
}
