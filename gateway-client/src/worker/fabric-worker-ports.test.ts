import { taskIdForProvider } from './fabric-worker-ports';

// Payload shapes of carbon-master's TraceConditionA / TraceConditionB events (trace-contract.ts).
const event = (eventName: string, payload: unknown) => ({
  blockNumber: 1n,
  transactionId: 't',
  eventName,
  payload: new TextEncoder().encode(JSON.stringify(payload)),
});

describe('taskIdForProvider', () => {
  const forCloudA = taskIdForProvider('CloudA');
  it('takes condition a events that assign the provider', () => {
    expect(
      forCloudA(
        event('TraceConditionA', { taskId: 'T1', assignment: { I: 'CloudC', II: 'CloudA', III: null } }),
      ),
    ).toBe('T1');
    expect(
      forCloudA(
        event('TraceConditionA', { taskId: 'T2', assignment: { I: 'CloudC', II: 'CloudB', III: null } }),
      ),
    ).toBeUndefined();
  });
  it('takes condition b events that expect an answer from the provider', () => {
    const expected = [{ type: 'recompute', role: 'II', provider: 'CloudA' }];
    expect(forCloudA(event('TraceConditionB', { taskId: 'T3', stage: 'S3', expected }))).toBe('T3');
    expect(forCloudA(event('TraceConditionB', { taskId: 'T4', stage: 'END', expected: [] }))).toBeUndefined();
  });
  it('ignores payloads that are not JSON objects with a task id', () => {
    expect(forCloudA({ ...event('x', {}), payload: new TextEncoder().encode('not json') })).toBeUndefined();
    expect(forCloudA(event('TraceConditionA', { assignment: { I: 'CloudA' } }))).toBeUndefined();
  });
});
