/**
 * A long-running process started in this Node process (an anchor relay or a cloud worker): it runs
 * until {@link RunningProcess.stop} (which aborts it and closes its connection) or a fatal error.
 */

/** Handle of a started long-running process. */
export interface RunningProcess {
  /** Human-readable name, e.g. `relay Hv1`. */
  readonly name: string;
  /** Settles when the process ends: resolves after `stop()`, rejects on a fatal error. */
  readonly done: Promise<void>;
  /** Stops the process and closes its connection; resolves when it has ended. Idempotent. */
  stop(): Promise<void>;
}

/** Wraps a run loop, its abort controller and the resources to release into a {@link RunningProcess}. */
export function runningProcess(
  name: string,
  run: (signal: AbortSignal) => Promise<void>,
  release: () => void,
): RunningProcess {
  const controller = new AbortController();
  const done = run(controller.signal).finally(release);
  // A rejection is reported through `done`; keep Node from flagging it as unhandled meanwhile.
  done.catch(() => undefined);
  return {
    name,
    done,
    async stop(): Promise<void> {
      controller.abort();
      await done.catch(() => undefined);
    },
  };
}
