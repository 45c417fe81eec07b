/**
 * Runs contract transactions in memory for UNIT tests, the way fabric-chaincode-node does:
 * a fresh Context per transaction, `aroundTransaction(ctx, name, args)` (so errors come out in the
 * wire format), and the write set committed only when the transaction succeeds and is a submit.
 */
import { Context } from 'fabric-contract-api';
import type { Contract } from 'fabric-contract-api';
import type { ChaincodeResponse, ClientIdentity } from 'fabric-shim-api';
import { toBytes } from '../shared/ledger-state';
import { NETWORK_ORGS_KEY, TEST_NETWORK_ORGS } from '../shared/network-orgs';
import type { NetworkOrgs } from '../shared/network-orgs';
import { FakeStub } from './fake-stub';
import type { ChaincodeHandler, FakeEvent } from './fake-stub';
import { InMemoryLedger } from './in-memory-ledger';
import type { WriteSet } from './in-memory-ledger';

/** The calling identity. */
export interface FakeIdentity {
  readonly mspId: string;
  /** Distinguished name; defaults to one derived from the MSP id. */
  readonly id?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** Per-transaction options. */
export interface InvokeOptions {
  readonly transient?: Readonly<Record<string, string | Uint8Array>>;
  readonly txId?: string;
  readonly timestampSeconds?: number;
  /** Commit the writes on success. @default true for `submit`, false for `evaluate` */
  readonly commit?: boolean;
}

/** The outcome of one transaction. */
export interface TxOutcome {
  readonly ok: boolean;
  /** The returned string on success. */
  readonly result: string | undefined;
  /** The error message (wire format) on failure. */
  readonly error: string | undefined;
  readonly writeSet: WriteSet;
  readonly event: FakeEvent | undefined;
}

class FakeClientIdentity implements ClientIdentity {
  readonly #identity: FakeIdentity;
  constructor(identity: FakeIdentity) {
    this.#identity = identity;
  }
  assertAttributeValue(name: string, value: string): boolean {
    return this.#identity.attributes?.[name] === value;
  }
  getAttributeValue(name: string): string | null {
    return this.#identity.attributes?.[name] ?? null;
  }
  getID(): string {
    return this.#identity.id ?? `x509::CN=user1@${this.#identity.mspId}::CN=ca.${this.#identity.mspId}`;
  }
  getIDBytes(): Uint8Array {
    return new TextEncoder().encode(this.getID());
  }
  getMSPID(): string {
    return this.#identity.mspId;
  }
}

type ContractClass = new () => Contract;

/** A chaincode (set of contracts) on one channel, over an in-memory ledger. */
export class ContractHarness {
  readonly ledger: InMemoryLedger;
  readonly channel: string;
  readonly #contracts = new Map<string, Contract>();
  readonly #chaincodes = new Map<string, ChaincodeHandler>();
  #txCounter = 0;
  /** Timestamp of the next transaction (seconds); tests may move it. */
  nowSeconds = 1_700_000_000;

  /**
   * `networkOrgs`: the channel's `Network:Configure` record, seeded as deployment writes it
   * (default: the test topology's organizations; `null` leaves the channel unconfigured).
   */
  constructor(
    contracts: readonly ContractClass[],
    channel: string,
    ledger = new InMemoryLedger(),
    networkOrgs: NetworkOrgs | null = TEST_NETWORK_ORGS,
  ) {
    for (const C of contracts) {
      const contract = new C();
      this.#contracts.set(contract.getName(), contract);
    }
    this.channel = channel;
    this.ledger = ledger;
    if (networkOrgs !== null && ledger.get(NETWORK_ORGS_KEY).length === 0) {
      ledger.seedDeployment(NETWORK_ORGS_KEY, toBytes(networkOrgs));
    }
  }

  /** Makes `invokeChaincode(name, …)` reach `target` (as `identity`, read-only). */
  link(name: string, target: ContractHarness, identity?: FakeIdentity): void {
    this.#chaincodes.set(name, async (args, channel): Promise<ChaincodeResponse> => {
      if (channel !== target.channel) return { status: 500, message: `channel ${channel} not found` };
      const [qualified = '', ...rest] = args;
      const [contractName = '', fn = ''] = qualified.split(':');
      const outcome = await target.invoke(contractName, fn, identity ?? { mspId: 'unknown' }, rest, {
        commit: false,
      });
      return outcome.ok
        ? { status: 200, payload: new TextEncoder().encode(outcome.result ?? '') }
        : { status: 500, message: outcome.error ?? 'error' };
    });
  }

  /** Makes `invokeChaincode(name, …)` reach a custom handler (e.g. a tampering one). */
  linkHandler(name: string, handler: ChaincodeHandler): void {
    this.#chaincodes.set(name, handler);
  }

  /**
   * The parameter names of a transaction (after the context) as its `@Transaction` metadata
   * records them, e.g. `['channel', 'entriesJson']`.
   */
  parameterNames(contractName: string, fn: string): string[] {
    const contract = this.#contracts.get(contractName);
    if (contract === undefined) throw new Error(`no contract ${contractName}`);
    const metadata = Reflect as unknown as { getMetadata(key: string, target: object): unknown };
    const transactions = metadata.getMetadata(
      'fabric:transactions',
      Object.getPrototypeOf(contract) as object,
    );
    const tx = (transactions as { name: string; parameters?: { name: string }[] }[] | undefined)?.find(
      (t) => t.name === fn,
    );
    if (tx === undefined) throw new Error(`no transaction ${contractName}:${fn}`);
    return (tx.parameters ?? []).map((p) => p.name);
  }

  /** Runs one transaction. */
  async invoke(
    contractName: string,
    fn: string,
    identity: FakeIdentity,
    args: readonly string[],
    options: InvokeOptions = {},
  ): Promise<TxOutcome> {
    const contract = this.#contracts.get(contractName);
    if (contract === undefined) throw new Error(`no contract ${contractName}`);
    this.#txCounter += 1;
    const transient = new Map<string, Uint8Array>();
    for (const [k, v] of Object.entries(options.transient ?? {})) {
      transient.set(k, typeof v === 'string' ? new TextEncoder().encode(v) : v);
    }
    const stub = new FakeStub({
      ledger: this.ledger,
      txId: options.txId ?? `tx${String(this.#txCounter).padStart(6, '0')}`,
      channelId: this.channel,
      mspId: identity.mspId,
      timestampSeconds: options.timestampSeconds ?? this.nowSeconds,
      functionName: `${contractName}:${fn}`,
      args,
      transient,
      chaincodes: this.#chaincodes,
    });
    const ctx = new Context();
    ctx.stub = stub.asStub();
    ctx.clientIdentity = new FakeClientIdentity(identity);
    try {
      await contract.beforeTransaction(ctx);
      // The typings say Promise<void>; the runtime returns the transaction's result.
      const run = contract.aroundTransaction.bind(contract) as unknown as (
        c: Context,
        f: string,
        p: readonly string[],
      ) => Promise<unknown>;
      const result = await run(ctx, fn, args);
      if (options.commit ?? true) stub.commit();
      return {
        ok: true,
        result: typeof result === 'string' ? result : undefined,
        error: undefined,
        writeSet: stub.writeSet(),
        event: stub.event,
      };
    } catch (error: unknown) {
      return {
        ok: false,
        result: undefined,
        error: error instanceof Error ? error.message : String(error),
        writeSet: stub.writeSet(),
        event: stub.event,
      };
    }
  }

  /** Submits and returns the parsed JSON result. @throws Error with the wire message on failure. */
  async submit(
    contractName: string,
    fn: string,
    identity: FakeIdentity,
    args: readonly string[],
    options: InvokeOptions = {},
  ): Promise<unknown> {
    const outcome = await this.invoke(contractName, fn, identity, args, options);
    if (!outcome.ok) throw new Error(outcome.error);
    return JSON.parse(outcome.result ?? 'null') as unknown;
  }

  /** Evaluates (never commits) and returns the parsed JSON result. @throws Error with the wire message. */
  async evaluate(
    contractName: string,
    fn: string,
    identity: FakeIdentity,
    args: readonly string[],
    options: InvokeOptions = {},
  ): Promise<unknown> {
    return this.submit(contractName, fn, identity, args, { ...options, commit: false });
  }
}
