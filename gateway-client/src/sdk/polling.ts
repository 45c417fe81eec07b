/**
 * The SDK's one polling helper: an abortable sleep and "poll until a condition holds or a deadline
 * passes" with a growing interval. Every wait of the gateway client (commit heights, governance
 * phases, relay turns, reconnects) goes through these, so they all stop on an abort signal and
 * fail with an error naming what was awaited.
 */

/** Thrown by {@link abortableSleep} and {@link pollUntil} when their signal aborts. */
export class AbortedError extends Error {
  override readonly name = 'AbortedError';
  constructor() {
    super('aborted');
  }
}

/** Thrown by {@link pollUntil} when the deadline passes first. */
export class PollTimeoutError extends Error {
  override readonly name = 'PollTimeoutError';
  /** What was awaited, as given to {@link pollUntil}. */
  readonly what: string;
  readonly timeoutMs: number;
  constructor(what: string, timeoutMs: number) {
    super(`${what} did not happen within ${timeoutMs} ms`);
    this.what = what;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Waits `ms` milliseconds, or rejects with {@link AbortedError} as soon as `signal` aborts
 * (at once when it already has). The timer never outlives the wait.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new AbortedError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Options of {@link pollUntil}. */
export interface PollOptions {
  /** What is awaited, for the timeout error (e.g. `block 12 of master`). */
  readonly what: string;
  /** Give up after this long, ms. */
  readonly timeoutMs: number;
  /** First interval between checks, ms. @default 20 */
  readonly initialIntervalMs?: number;
  /** Largest interval, ms (the interval doubles up to it). @default 500 */
  readonly maxIntervalMs?: number;
  /** Stops the polling with {@link AbortedError}. */
  readonly signal?: AbortSignal;
  /** Clock, ms. @default Date.now */
  readonly now?: () => number;
  /** Sleep. @default {@link abortableSleep} */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Calls `check` until it returns something other than `undefined` and returns that; waits between
 * calls (never past the deadline).
 * @throws {@link PollTimeoutError} when the deadline passes; {@link AbortedError} on abort; whatever
 * `check` throws.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: Readonly<PollOptions>,
): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const deadline = now() + options.timeoutMs;
  const maxInterval = options.maxIntervalMs ?? 500;
  for (let interval = options.initialIntervalMs ?? 20; ; interval = Math.min(maxInterval, interval * 2)) {
    if (options.signal?.aborted === true) throw new AbortedError();
    const value = await check();
    if (value !== undefined) return value;
    const left = deadline - now();
    if (left <= 0) throw new PollTimeoutError(options.what, options.timeoutMs);
    await sleep(Math.min(interval, left), options.signal);
  }
}
