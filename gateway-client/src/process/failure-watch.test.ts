import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { FailureWatch } from './failure-watch';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Whether the value a race returned is still reachable after the race and one full collection. */
async function retainedAfter(race: (work: Promise<object>) => Promise<object>): Promise<boolean> {
  let ref: WeakRef<object> | undefined;
  await (async () => {
    const result = await race(Promise.resolve({ outcome: new Array(1000).fill(1) }));
    ref = new WeakRef(result);
  })();
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  return ref?.deref() !== undefined;
}

/** A promise with its settle functions. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve: (v: T) => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('FailureWatch', () => {
  it('returns the work and keeps no listener once each race has ended, however many races ran', async () => {
    const task = deferred<undefined>();
    const watch = new FailureWatch([task.promise]);
    for (let slot = 0; slot < 1000; slot += 1) {
      await expect(watch.race(Promise.resolve(slot))).resolves.toBe(slot);
    }
    await expect(watch.race(Promise.reject(new Error('slot failed')))).rejects.toThrow('slot failed');
    expect(watch.listening).toBe(0);
  });

  it("does not keep a race's result alive (racing against the long-lived promise itself did)", async () => {
    const never = new Promise<never>(() => undefined);
    const watch = new FailureWatch([never]);
    expect(await retainedAfter((work) => watch.race(work))).toBe(false);
    // the pattern it replaces: one reaction per race on a promise that never settles
    expect(await retainedAfter((work) => Promise.race([never, work]))).toBe(true);
  });

  it('rejects a running race with the first failure, and every later race at once', async () => {
    const relay = deferred<undefined>();
    const worker = deferred<undefined>();
    const watch = new FailureWatch([relay.promise, worker.promise]);
    const slow = deferred<number>();
    const running = watch.race(slow.promise);
    expect(watch.listening).toBe(1);
    worker.reject(new Error('worker CloudA stopped'));
    relay.reject(new Error('relay Hv1 stopped'));
    await expect(running).rejects.toThrow('worker CloudA stopped');
    expect(watch.listening).toBe(0);
    await expect(watch.race(Promise.resolve(1))).rejects.toThrow('worker CloudA stopped');
  });

  it('ignores a task that ends without failing, and lets another promise of the race (a deadline) win', async () => {
    const watch = new FailureWatch([Promise.resolve()]);
    await new Promise((resolve) => setImmediate(resolve));
    const never = new Promise<number>(() => undefined);
    await expect(watch.race(never, Promise.reject(new Error('slot deadline')))).rejects.toThrow(
      'slot deadline',
    );
    await expect(watch.race(Promise.resolve('ok'))).resolves.toBe('ok');
    expect(watch.listening).toBe(0);
  });
});
