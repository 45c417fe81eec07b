/**
 * Per-call deadlines. Every unary gateway call gets one; event streams get none (they are meant to
 * stay open) but their reconnect loops use {@link CallDeadlines.connectMs}.
 */

/** Deadlines in milliseconds for each kind of gateway call. */
export interface CallDeadlines {
  /** Waiting for the gRPC channel to become ready. */
  readonly connectMs: number;
  /** Evaluate (query) calls. */
  readonly evaluateMs: number;
  /** Endorsement (chaincode execution on the endorsing peers). */
  readonly endorseMs: number;
  /** Handing the endorsed transaction to the orderers. */
  readonly submitMs: number;
  /** Waiting for the commit status of one transaction. */
  readonly commitStatusMs: number;
}

/** Defaults sized for the single-machine test network, where condition a and b run the engine. */
export const DEFAULT_DEADLINES: CallDeadlines = Object.freeze({
  connectMs: 10_000,
  evaluateMs: 30_000,
  endorseMs: 60_000,
  submitMs: 15_000,
  commitStatusMs: 30_000,
});

/** Overrides on top of {@link DEFAULT_DEADLINES}. @throws RangeError on a non-positive value. */
export function resolveDeadlines(overrides: Readonly<Partial<CallDeadlines>> = {}): CallDeadlines {
  const resolved: CallDeadlines = { ...DEFAULT_DEADLINES, ...overrides };
  for (const [name, value] of Object.entries(resolved)) {
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new RangeError(
        `deadline ${name} must be a positive number of milliseconds, got ${String(value)}`,
      );
    }
  }
  return Object.freeze(resolved);
}
