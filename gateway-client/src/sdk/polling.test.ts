import { AbortedError, abortableSleep, pollUntil, PollTimeoutError } from './polling';

describe('abortableSleep', () => {
  it('resolves after the delay and rejects at once on abort', async () => {
    const started = Date.now();
    await abortableSleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const controller = new AbortController();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toBeInstanceOf(AbortedError);
    await expect(abortableSleep(10, controller.signal)).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('pollUntil', () => {
  // a fake clock: each sleep advances it by the requested interval
  const clock = (): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } => {
    let t = 0;
    const slept: number[] = [];
    return {
      now: () => t,
      sleep: (ms: number) => {
        slept.push(ms);
        t += ms;
        return Promise.resolve();
      },
      slept,
    };
  };

  it('returns the first defined value, doubling the interval up to the maximum', async () => {
    const c = clock();
    let calls = 0;
    const value = await pollUntil(() => Promise.resolve(++calls === 6 ? 'done' : undefined), {
      what: 'x',
      timeoutMs: 10_000,
      initialIntervalMs: 10,
      maxIntervalMs: 50,
      now: c.now,
      sleep: c.sleep,
    });
    expect(value).toBe('done');
    expect(c.slept).toEqual([10, 20, 40, 50, 50]);
  });

  it('gives up at the deadline with an error naming what was awaited, never sleeping past it', async () => {
    const c = clock();
    const error = await pollUntil(() => Promise.resolve(undefined), {
      what: 'block 12 of master',
      timeoutMs: 100,
      initialIntervalMs: 30,
      now: c.now,
      sleep: c.sleep,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PollTimeoutError);
    expect((error as Error).message).toBe('block 12 of master did not happen within 100 ms');
    expect(c.slept.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      pollUntil(() => Promise.resolve(undefined), { what: 'x', timeoutMs: 1000, signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortedError);
  });
});
