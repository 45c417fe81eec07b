import { ConflictError, TransportError } from '../sdk/client-errors';
import { newRetryTally } from './retry-tally';

const site = (transaction: string) => ({ channel: 'master', chaincode: 'carbontrace-master', transaction });

describe('retry tally', () => {
  it('counts retries by reason and read conflicts by the transaction that lost the race', () => {
    const tally = newRetryTally();
    const retry = tally.hooks.onRetry;
    if (retry === undefined) throw new Error('the tally has no onRetry hook');
    retry(1, new ConflictError('MVCC_READ_CONFLICT', { message: 'lost', site: site('Trace:ConditionA') }), 0);
    retry(
      2,
      new ConflictError('PHANTOM_READ_CONFLICT', { message: 'lost', site: site('Trace:ConditionA') }),
      0,
    );
    retry(1, new ConflictError('MVCC_READ_CONFLICT', { message: 'lost', site: site('Anchor:Record') }), 0);
    retry(
      1,
      new TransportError('UNAVAILABLE', 'submit', { message: 'peer down', site: site('Trace:ConditionB') }),
      0,
    );
    expect(tally.counts()).toEqual({ MVCC_READ_CONFLICT: 2, PHANTOM_READ_CONFLICT: 1, TRANSPORT: 1 });
    expect(Object.keys(tally.conflictsByTransaction())).toEqual(['Anchor:Record', 'Trace:ConditionA']);
    expect(tally.conflictsByTransaction()['Trace:ConditionA']).toBe(2);
    expect(tally.lastFailure()).toEqual({ reason: 'TRANSPORT', message: 'peer down' });
  });
});
