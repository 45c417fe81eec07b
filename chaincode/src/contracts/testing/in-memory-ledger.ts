/**
 * An in-memory world state for UNIT tests of the contracts (never used on a peer): public state,
 * private data per collection, and key-level endorsement parameters. Transactions read the
 * committed state and their writes are applied only when they succeed (as on a peer, a failed
 * transaction writes nothing; a transaction does not read its own writes).
 */

/** One write of a transaction, in order. */
export interface StateWrite {
  readonly key: string;
  /** UTF-8 text of the value, or null for a delete. */
  readonly value: string | null;
}

/** One committed write of a key, as Fabric's history database returns it. */
export interface KeyModification {
  readonly txId: string;
  /** The value written, or null for a delete. */
  readonly value: Uint8Array | null;
}

/** Everything one transaction would write. */
export interface WriteSet {
  readonly state: readonly StateWrite[];
  /** Private writes, `collection` → writes. */
  readonly privateData: Readonly<Record<string, readonly StateWrite[]>>;
  /** Key-level endorsement policies set (key → base64 policy bytes). */
  readonly validationParameters: Readonly<Record<string, string>>;
}

const decoder = new TextDecoder();

/** Committed state shared by the transactions of one test. */
export class InMemoryLedger {
  readonly #state = new Map<string, Uint8Array>();
  readonly #private = new Map<string, Map<string, Uint8Array>>();
  readonly #validation = new Map<string, Uint8Array>();
  readonly #deployment = new Set<string>();
  readonly #keyHistory = new Map<string, KeyModification[]>();
  /** Committed transactions' write sets, in order. */
  readonly history: WriteSet[] = [];

  /** Committed value of `key` (empty when absent). */
  get(key: string): Uint8Array {
    return this.#state.get(key) ?? new Uint8Array(0);
  }

  /** Committed value of a key as text, or undefined. */
  getText(key: string): string | undefined {
    const bytes = this.#state.get(key);
    return bytes === undefined ? undefined : decoder.decode(bytes);
  }

  /** Committed private value (empty when absent). */
  getPrivate(collection: string, key: string): Uint8Array {
    return this.#private.get(collection)?.get(key) ?? new Uint8Array(0);
  }

  /** Every committed write of a public key, oldest first (Fabric's history database). */
  keyHistory(key: string): readonly KeyModification[] {
    return this.#keyHistory.get(key) ?? [];
  }

  /** Key-level endorsement policy bytes of a key (empty when none). */
  getValidationParameter(key: string): Uint8Array {
    return this.#validation.get(key) ?? new Uint8Array(0);
  }

  /** All committed public keys, sorted. */
  keys(): string[] {
    return [...this.#state.keys()].filter((k) => !this.#deployment.has(k)).sort();
  }

  /** All committed keys of a collection, sorted. */
  privateKeys(collection: string): string[] {
    return [...(this.#private.get(collection)?.keys() ?? [])].sort();
  }

  /** Committed entries whose keys start with `prefix`, sorted by key. */
  entriesWithPrefix(prefix: string): [string, Uint8Array][] {
    return [...this.#state.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Committed entries with start ≤ key < end (end '' = unbounded), sorted. */
  entriesInRange(start: string, end: string): [string, Uint8Array][] {
    return [...this.#state.entries()]
      .filter(([k]) => k >= start && (end === '' || k < end))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Sets a value directly (test setup or tampering). */
  seed(key: string, value: Uint8Array): void {
    this.#state.set(key, value);
  }

  /** Seeds a record that deployment writes (`Network:Configure`); {@link keys} leaves it out. */
  seedDeployment(key: string, value: Uint8Array): void {
    this.#state.set(key, value);
    this.#deployment.add(key);
  }

  /**
   * An independent copy of the committed state: public state, private data, key-level policies
   * and which keys deployment wrote (not the history of transactions or keys).
   */
  copy(): InMemoryLedger {
    const out = new InMemoryLedger();
    for (const [key, value] of this.#state) out.#state.set(key, value);
    for (const [collection, values] of this.#private) out.#private.set(collection, new Map(values));
    for (const [key, policy] of this.#validation) out.#validation.set(key, policy);
    for (const key of this.#deployment) out.#deployment.add(key);
    return out;
  }

  /** Applies a successful transaction's buffered writes. */
  commit(
    state: ReadonlyMap<string, Uint8Array | null>,
    privateData: ReadonlyMap<string, ReadonlyMap<string, Uint8Array | null>>,
    validation: ReadonlyMap<string, Uint8Array>,
    writeSet: WriteSet,
    txId: string,
  ): void {
    for (const [key, value] of state) {
      if (value === null) this.#state.delete(key);
      else this.#state.set(key, value);
      const modifications = this.#keyHistory.get(key) ?? [];
      modifications.push({ txId, value });
      this.#keyHistory.set(key, modifications);
    }
    for (const [collection, writes] of privateData) {
      let target = this.#private.get(collection);
      if (target === undefined) {
        target = new Map();
        this.#private.set(collection, target);
      }
      for (const [key, value] of writes) {
        if (value === null) target.delete(key);
        else target.set(key, value);
      }
    }
    for (const [key, policy] of validation) this.#validation.set(key, policy);
    this.history.push(writeSet);
  }
}
