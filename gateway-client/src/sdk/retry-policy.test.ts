import { ConflictError, ContractError, TransportError } from './client-errors';
import { isRetryable, resolveRetryPolicy, retryDelayMs, withRetry } from './retry-policy';

const conflict = () => new ConflictError('MVCC_READ_CONFLICT', { message: 'conflict' });
const phantom = () => new ConflictError('PHANTOM_READ_CONFLICT', { message: 'phantom' });
const unavailable = () => new TransportError('UNAVAILABLE', 'endorse', { message: 'down' });
const deadline = () => new TransportError('DEADLINE_EXCEEDED', 'commit-status', { message: 'late' });
const denied = () => new TransportError('PERMISSION_DENIED', 'endorse', { message: 'denied' });
const refused = () => new ContractError('INVALID_ARGUMENT', 'bad slot', {});

describe('isRetryable', () => {
  it('retries read conflicts and transient transport failures only', () => {
    expect(isRetryable(conflict())).toBe(true);
    expect(isRetryable(phantom())).toBe(true);
    expect(isRetryable(unavailable())).toBe(true);
    expect(isRetryable(deadline())).toBe(true);
    expect(isRetryable(denied())).toBe(false);
    expect(isRetryable(refused())).toBe(false);
    expect(isRetryable(new Error('plain'))).toBe(false);
  });
});

describe('retryDelayMs', () => {
  const policy = resolveRetryPolicy({ initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2 });
  it('doubles from the initial delay and caps at the maximum (jitter at its bounds)', () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(50);
    expect(retryDelayMs(1, policy, () => 0.999999)).toBeCloseTo(100, 3);
    expect(retryDelayMs(3, policy, () => 0)).toBe(200);
    expect(retryDelayMs(10, policy, () => 0)).toBe(500);
  });
});

describe('resolveRetryPolicy', () => {
  it('rejects impossible settings', () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => resolveRetryPolicy({ initialDelayMs: 10, maxDelayMs: 5 })).toThrow(RangeError);
    expect(() => resolveRetryPolicy({ multiplier: 0.5 })).toThrow(RangeError);
  });
});

describe('withRetry', () => {
  const sleeps: number[] = [];
  const hooks = {
    sleep: (ms: number) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0,
  };
  beforeEach(() => sleeps.splice(0));

  it('retries a conflict, then returns the successful result', async () => {
    const failures = [conflict(), unavailable()];
    const attempts: number[] = [];
    const result = await withRetry(
      (attempt) => {
        attempts.push(attempt);
        const failure = failures.shift();
        return failure === undefined ? Promise.resolve('ok') : Promise.reject(failure);
      },
      resolveRetryPolicy({ maxAttempts: 5, initialDelayMs: 10 }),
      hooks,
    );
    expect(result).toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
    expect(sleeps).toEqual([5, 10]);
  });

  it('does not retry a chaincode refusal', async () => {
    let calls = 0;
    await expect(
      withRetry(
        () => {
          calls++;
          return Promise.reject(refused());
        },
        resolveRetryPolicy(),
        hooks,
      ),
    ).rejects.toBeInstanceOf(ContractError);
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts and throws the last error', async () => {
    let calls = 0;
    const error = await withRetry(
      () => {
        calls++;
        return Promise.reject(deadline());
      },
      resolveRetryPolicy({ maxAttempts: 3 }),
      hooks,
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(error).toBeInstanceOf(TransportError);
  });
});
