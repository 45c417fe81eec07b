/**
 * A fake stub that also records what a transaction reads (keys, and ranges as key predicates), and
 * transactions simulated on a harness's committed state: to show which transactions can
 * MVCC-conflict (one's writes inside the other's reads) without a network.
 */
import { Context } from 'fabric-contract-api';
import type { Iterators } from 'fabric-shim-api';
import type { ContractHarness } from './contract-harness';
import { FakeStub } from './fake-stub';

/** A fake stub that also records what the transaction reads (keys, and ranges as key predicates). */
export class ReadRecordingStub extends FakeStub {
  readonly keysRead: string[] = [];
  readonly rangesRead: ((key: string) => boolean)[] = [];

  override getState(key: string): Promise<Uint8Array> {
    this.keysRead.push(key);
    return super.getState(key);
  }
  override getStateByRange(
    startKey: string,
    endKey: string,
  ): Iterators.StateQueryIterator & AsyncIterable<Iterators.KV> {
    this.rangesRead.push((key) => key >= startKey && (endKey === '' || key < endKey));
    return super.getStateByRange(startKey, endKey);
  }
  override getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): Iterators.StateQueryIterator & AsyncIterable<Iterators.KV> {
    const prefix = this.createCompositeKey(objectType, attributes);
    this.rangesRead.push((key) => key.startsWith(prefix));
    return super.getStateByPartialCompositeKey(objectType, attributes);
  }
  /** Whether the transaction's read set (keys and range queries) covers `key`. */
  reads(key: string): boolean {
    return this.keysRead.includes(key) || this.rangesRead.some((inRange) => inRange(key));
  }
  /** The keys written. */
  keysWritten(): string[] {
    return this.writeSet().state.map((w) => w.key);
  }
}

/** A transaction context on the harness's committed state (simulated, not yet committed). */
export function transactionOn(
  h: ContractHarness,
  txId: string,
  seconds: number,
  mspId: string,
): { ctx: Context; stub: ReadRecordingStub } {
  const stub = new ReadRecordingStub({
    ledger: h.ledger,
    txId,
    channelId: 'master',
    mspId,
    timestampSeconds: seconds,
    functionName: 'test',
    args: [],
    transient: new Map(),
    chaincodes: new Map(),
  });
  const ctx = new Context();
  ctx.stub = stub.asStub();
  return { ctx, stub };
}

/** A composite key as the stub builds it. */
export const compositeKey = (objectType: string, attributes: readonly string[]): string =>
  `\u0000${objectType}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`;
