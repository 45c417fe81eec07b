/**
 * The first failure of a set of long-running tasks (the main job's anchor relays and cloud
 * workers), for the job to race each slot against.
 *
 * Racing every slot with `Promise.race([failed, work])` against one promise that settles only on a
 * failure leaves one reaction on that promise per slot, and each reaction holds the slot's race and
 * so its result for as long as the job runs: the main job's heap grew by every slot's outcome that
 * way (heap snapshots: the outcomes retained through a chain of PromiseReactions). A watch hands
 * each race its own promise and forgets it when the race ends.
 */
export class FailureWatch {
  #failure: { readonly error: unknown } | undefined;
  readonly #listeners = new Set<(error: unknown) => void>();

  /** Watches `tasks`: the first one that rejects is the failure. Tasks that resolve are ignored. */
  constructor(tasks: readonly Promise<unknown>[]) {
    for (const task of tasks) {
      task.catch((error: unknown) => {
        if (this.#failure !== undefined) return;
        this.#failure = { error };
        for (const listener of this.#listeners) listener(error);
        this.#listeners.clear();
      });
    }
  }

  /** How many races are listening (0 once every race has ended). */
  get listening(): number {
    return this.#listeners.size;
  }

  /**
   * `work`'s value, unless a watched task fails first (its error) or one of `also` rejects first.
   * @throws the first failure of a watched task, or `work`'s or `also`'s rejection.
   */
  async race<T>(work: Promise<T>, ...also: readonly Promise<never>[]): Promise<T> {
    if (this.#failure !== undefined) throw this.#failure.error;
    let listener: ((error: unknown) => void) | undefined;
    const failed = new Promise<never>((_, reject) => {
      listener = reject;
    });
    if (listener !== undefined) this.#listeners.add(listener);
    try {
      return await Promise.race([work, failed, ...also]);
    } finally {
      if (listener !== undefined) this.#listeners.delete(listener);
    }
  }
}
