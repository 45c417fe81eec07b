import type { SubmittedTransaction, Transaction } from '@hyperledger/fabric-gateway';
import { ContractError, TransportError } from './client-errors';
import type { CommittedTransaction } from './submit-recovery';
import { recoverSubmit } from './submit-recovery';

const quorumLost = (): TransportError =>
  new TransportError('UNAVAILABLE', 'submit', { message: 'insufficient number of orderers' });

/** A fake endorsed transaction whose submit fails `failures` times, then succeeds. */
function fakeTransaction(failures: number): Transaction & { submits: number } {
  const submitted = { getTransactionId: () => 'tx-1' } as unknown as SubmittedTransaction;
  const fake = {
    submits: 0,
    getTransactionId: () => 'tx-1',
    submit: () => {
      fake.submits++;
      return fake.submits <= failures ? Promise.reject(quorumLost()) : Promise.resolve(submitted);
    },
  };
  return fake as unknown as Transaction & { submits: number };
}

const noSleep = (): Promise<void> => Promise.resolve();

describe('recoverSubmit', () => {
  it('returns the committed transaction when the ledger holds it, without resubmitting', async () => {
    const tx = fakeTransaction(99);
    const committed: CommittedTransaction = { code: 0, blockNumber: 15n };
    const lookedUp: string[] = [];
    const outcome = await recoverSubmit(tx, quorumLost(), {
      lookup: (id) => {
        lookedUp.push(id);
        return Promise.resolve(committed);
      },
      sleep: noSleep,
    });
    expect(outcome).toEqual({ kind: 'committed', committed });
    expect(lookedUp).toEqual(['tx-1']);
    expect(tx.submits).toBe(0);
  });

  it('resubmits the same transaction while the ledger does not hold it', async () => {
    const tx = fakeTransaction(2);
    const outcome = await recoverSubmit(tx, quorumLost(), {
      lookup: () => Promise.resolve(undefined),
      sleep: noSleep,
    });
    expect(outcome?.kind).toBe('submitted');
    expect(tx.submits).toBe(3);
  });

  it('gives up after its attempts, and leaves non-transient errors alone', async () => {
    const tx = fakeTransaction(99);
    const lookup = (): Promise<undefined> => Promise.resolve(undefined);
    expect(await recoverSubmit(tx, quorumLost(), { lookup, sleep: noSleep, attempts: 3 })).toBeUndefined();
    expect(tx.submits).toBe(3);
    const refusal = new ContractError('ALREADY_EXISTS', 'sealed', {});
    expect(await recoverSubmit(tx, refusal, { lookup, sleep: noSleep })).toBeUndefined();
    expect(tx.submits).toBe(3);
  });
});
