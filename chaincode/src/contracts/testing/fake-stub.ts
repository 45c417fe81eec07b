/**
 * A ChaincodeStub fake for UNIT tests only: get/put/delete state, range and composite-key queries,
 * private data (including implicit collections), transient map, invokeChaincode through a
 * registry, setEvent (the last one wins, as in Fabric) and key-level endorsement calls recorded.
 */
import { createHash } from 'crypto';
import type { ChaincodeResponse, ChaincodeStub, Iterators } from 'fabric-shim-api';
import type { InMemoryLedger, StateWrite, WriteSet } from './in-memory-ledger';

const decoder = new TextDecoder();
const MIN_UNICODE = '\u0000';
const MAX_UNICODE = '\u{10FFFF}';

/** Handles a cross-chaincode call: (args, channel) → response. */
export type ChaincodeHandler = (args: readonly string[], channel: string) => Promise<ChaincodeResponse>;

/** Options of one fake transaction. */
export interface FakeStubOptions {
  readonly ledger: InMemoryLedger;
  readonly txId: string;
  readonly channelId: string;
  readonly mspId: string;
  /** Seconds since 1970 of the proposal. */
  readonly timestampSeconds: number;
  readonly functionName: string;
  readonly args: readonly string[];
  readonly transient: ReadonlyMap<string, Uint8Array>;
  /** `chaincodeName` → handler for invokeChaincode. */
  readonly chaincodes: ReadonlyMap<string, ChaincodeHandler>;
}

/** The emitted event. */
export interface FakeEvent {
  readonly name: string;
  readonly payload: string;
}

/** A shim iterator over `items`; `end` is the value a finished iterator returns with `done`. */
function iterateOver<T>(items: readonly T[], end: T): Iterators.CommonIterator<T> & AsyncIterable<T> {
  let index = 0;
  const next = (): Promise<Iterators.NextResult<T>> => {
    const item = items[index];
    index += 1;
    return Promise.resolve(item === undefined ? { done: true, value: end } : { done: false, value: item });
  };
  return {
    next,
    close: () => Promise.resolve(),
    [Symbol.asyncIterator]: async function* () {
      for (;;) {
        const r = await next();
        if (r.done) return;
        yield r.value;
      }
    },
  };
}

function iterate(
  entries: readonly [string, Uint8Array][],
): Iterators.StateQueryIterator & AsyncIterable<Iterators.KV> {
  return iterateOver(
    entries.map(([key, value]) => ({ namespace: 'fake', key, value })),
    { namespace: '', key: '', value: new Uint8Array(0) },
  );
}

/** The fake stub of one transaction. */
export class FakeStub {
  readonly #o: FakeStubOptions;
  readonly #writes = new Map<string, Uint8Array | null>();
  readonly #writeOrder: StateWrite[] = [];
  readonly #privateWrites = new Map<string, Map<string, Uint8Array | null>>();
  readonly #privateOrder = new Map<string, StateWrite[]>();
  readonly #validation = new Map<string, Uint8Array>();
  #event: FakeEvent | undefined;

  constructor(options: FakeStubOptions) {
    this.#o = options;
  }

  /** The last event set, if any. */
  get event(): FakeEvent | undefined {
    return this.#event;
  }

  /** The transaction's writes (not yet committed). */
  writeSet(): WriteSet {
    const privateData: Record<string, StateWrite[]> = {};
    for (const [c, w] of [...this.#privateOrder.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
      privateData[c] = w;
    const validationParameters: Record<string, string> = {};
    for (const [k, v] of [...this.#validation.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      validationParameters[k] = Buffer.from(v).toString('base64');
    }
    return { state: [...this.#writeOrder], privateData, validationParameters };
  }

  /** Applies the writes to the ledger. */
  commit(): void {
    this.#o.ledger.commit(this.#writes, this.#privateWrites, this.#validation, this.writeSet(), this.#o.txId);
  }

  getTxID(): string {
    return this.#o.txId;
  }
  getChannelID(): string {
    return this.#o.channelId;
  }
  getMspID(): string {
    return this.#o.mspId;
  }
  getTransient(): Map<string, Uint8Array> {
    return new Map(this.#o.transient);
  }
  getFunctionAndParameters(): { fcn: string; params: string[] } {
    return { fcn: this.#o.functionName, params: [...this.#o.args] };
  }
  getArgs(): string[] {
    return [this.#o.functionName, ...this.#o.args];
  }
  getStringArgs(): string[] {
    return this.getArgs();
  }
  getTxTimestamp(): { seconds: { toString(): string; toNumber(): number }; nanos: number } {
    const seconds = this.#o.timestampSeconds;
    return { seconds: { toString: () => String(seconds), toNumber: () => seconds }, nanos: 0 };
  }
  getDateTimestamp(): never {
    throw new Error('getDateTimestamp is not used by carbontrace (use getTxTimestamp)');
  }

  getState(key: string): Promise<Uint8Array> {
    return Promise.resolve(this.#o.ledger.get(key));
  }
  putState(key: string, value: Uint8Array): Promise<void> {
    if (key.length === 0) return Promise.reject(new Error('key must not be empty'));
    this.#writes.set(key, value);
    this.#writeOrder.push({ key, value: decoder.decode(value) });
    return Promise.resolve();
  }
  deleteState(key: string): Promise<void> {
    this.#writes.set(key, null);
    this.#writeOrder.push({ key, value: null });
    return Promise.resolve();
  }
  setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
    this.#validation.set(key, ep);
    return Promise.resolve();
  }
  getStateValidationParameter(key: string): Promise<Uint8Array> {
    return Promise.resolve(this.#o.ledger.getValidationParameter(key));
  }
  /** Private keys' policies are recorded under `<collection>/<key>`. */
  setPrivateDataValidationParameter(collection: string, key: string, ep: Uint8Array): Promise<void> {
    this.#validation.set(`${collection}/${key}`, ep);
    return Promise.resolve();
  }
  getPrivateDataValidationParameter(collection: string, key: string): Promise<Uint8Array> {
    return Promise.resolve(this.#o.ledger.getValidationParameter(`${collection}/${key}`));
  }
  /** The on-channel hash of a committed private value (SHA-256 of its bytes), as Fabric keeps it. */
  getPrivateDataHash(collection: string, key: string): Promise<Uint8Array> {
    const value = this.#o.ledger.getPrivate(collection, key);
    if (value.length === 0) return Promise.resolve(new Uint8Array(0));
    return Promise.resolve(new Uint8Array(createHash('sha256').update(value).digest()));
  }
  getStateByRange(
    startKey: string,
    endKey: string,
  ): Iterators.StateQueryIterator & AsyncIterable<Iterators.KV> {
    return iterate(
      this.#o.ledger.entriesInRange(startKey, endKey).filter(([k]) => !k.startsWith(MIN_UNICODE)),
    );
  }
  createCompositeKey(objectType: string, attributes: string[]): string {
    return `${MIN_UNICODE}${objectType}${MIN_UNICODE}${attributes.map((a) => `${a}${MIN_UNICODE}`).join('')}`;
  }
  splitCompositeKey(compositeKey: string): { objectType: string; attributes: string[] } {
    const parts = compositeKey.split(MIN_UNICODE).slice(1, -1);
    return { objectType: parts[0] ?? '', attributes: parts.slice(1) };
  }
  getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): Iterators.StateQueryIterator & AsyncIterable<Iterators.KV> {
    const prefix = this.createCompositeKey(objectType, attributes);
    return iterate(this.#o.ledger.entriesWithPrefix(prefix));
  }

  /** Committed writes of `key`, newest first, as Fabric 2.x and later return them. */
  getHistoryForKey(key: string): Iterators.HistoryQueryIterator & AsyncIterable<Iterators.KeyModification> {
    // the fake keeps no commit time per write; history readers here use only txId and value
    const timestamp = this.getTxTimestamp() as unknown as Iterators.KeyModification['timestamp'];
    const modifications = [...this.#o.ledger.keyHistory(key)]
      .reverse()
      .map((m): Iterators.KeyModification => ({
        txId: m.txId,
        isDelete: m.value === null,
        value: m.value ?? new Uint8Array(0),
        timestamp,
      }));
    return iterateOver(modifications, { txId: '', isDelete: false, value: new Uint8Array(0), timestamp });
  }

  getPrivateData(collection: string, key: string): Promise<Uint8Array> {
    return Promise.resolve(this.#o.ledger.getPrivate(collection, key));
  }
  putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    this.#private(collection).set(key, value);
    this.#privateLog(collection).push({ key, value: decoder.decode(value) });
    return Promise.resolve();
  }
  deletePrivateData(collection: string, key: string): Promise<void> {
    this.#private(collection).set(key, null);
    this.#privateLog(collection).push({ key, value: null });
    return Promise.resolve();
  }

  invokeChaincode(chaincodeName: string, args: string[], channel: string): Promise<ChaincodeResponse> {
    const handler = this.#o.chaincodes.get(chaincodeName);
    if (handler === undefined) {
      return Promise.resolve({
        status: 500,
        message: `chaincode ${chaincodeName} is not registered in the fake`,
      });
    }
    return handler(args, channel);
  }

  setEvent(name: string, payload: Uint8Array): void {
    this.#event = { name, payload: decoder.decode(payload) };
  }

  #private(collection: string): Map<string, Uint8Array | null> {
    let map = this.#privateWrites.get(collection);
    if (map === undefined) {
      map = new Map();
      this.#privateWrites.set(collection, map);
    }
    return map;
  }

  #privateLog(collection: string): StateWrite[] {
    let log = this.#privateOrder.get(collection);
    if (log === undefined) {
      log = [];
      this.#privateOrder.set(collection, log);
    }
    return log;
  }

  /** This fake as the shim's stub type (only the methods above are implemented). */
  asStub(): ChaincodeStub {
    return this as unknown as ChaincodeStub;
  }
}

export { MAX_UNICODE };
