/**
 * The ledger reads that validating a measurement needs (slot seal, referenced topology, bus
 * owners), each done once per transaction: a batch of slots refers to the same topology and
 * buses in every entry. The read set is what the single reads would record; only repeated
 * requests to the peer are saved.
 */
import type { Context } from 'fabric-contract-api';
import { exists, getJson } from '../shared/ledger-state';
import { memoizedBusOwners } from './bus-ownership';
import type { BusOwnerLookup } from './bus-ownership';
import { slotPackageKey, topologyKey } from './slave-keys';
import type { TopologyRecord } from './topology-record';

/** Memoized reads of one transaction. */
export class SubmissionReads {
  readonly owners: BusOwnerLookup;
  readonly #ctx: Context;
  readonly #sealed = new Map<number, Promise<boolean>>();
  readonly #topologies = new Map<string, Promise<TopologyRecord | undefined>>();

  constructor(ctx: Context) {
    this.#ctx = ctx;
    this.owners = memoizedBusOwners(ctx);
  }

  /** True when `slot` is sealed by `Index:Seal`. */
  sealed(slot: number): Promise<boolean> {
    let value = this.#sealed.get(slot);
    if (value === undefined) {
      value = exists(this.#ctx, slotPackageKey(this.#ctx, slot));
      this.#sealed.set(slot, value);
    }
    return value;
  }

  /** The registered topology `id`, or undefined. */
  topology(id: string): Promise<TopologyRecord | undefined> {
    let value = this.#topologies.get(id);
    if (value === undefined) {
      value = getJson<TopologyRecord>(this.#ctx, topologyKey(this.#ctx, id));
      this.#topologies.set(id, value);
    }
    return value;
  }
}
