/**
 * Internal index of each external bus id. Case files number their buses with small integers
 * (usually 1..n), so the lookup is a dense Int32Array when every id is an integer in [0, 4n + 64);
 * any other numbering falls back to a Map. Duplicate ids keep the last row, like a Map would.
 */
import type { Bus } from '../grid/power-case';

/** Looks up the row of an external bus id. */
export class BusIndex {
  readonly #dense: Int32Array | undefined;
  readonly #sparse: Map<number, number> | undefined;

  private constructor(dense: Int32Array | undefined, sparse: Map<number, number> | undefined) {
    this.#dense = dense;
    this.#sparse = sparse;
  }

  /** The index of `mpc.bus` rows by id. */
  static of(buses: readonly Bus[]): BusIndex {
    const n = buses.length;
    const limit = 4 * n + 64;
    let dense = true;
    for (const bus of buses) {
      const id = bus.id;
      if (!(Number.isInteger(id) && id >= 0 && id < limit)) {
        dense = false;
        break;
      }
    }
    if (dense) {
      let largest = 0;
      for (const bus of buses) if (bus.id > largest) largest = bus.id;
      const rows = new Int32Array(largest + 1).fill(-1);
      for (let i = 0; i < n; i += 1) rows[(buses[i] as Bus).id] = i;
      return new BusIndex(rows, undefined);
    }
    const map = new Map<number, number>();
    for (let i = 0; i < n; i += 1) map.set((buses[i] as Bus).id, i);
    return new BusIndex(undefined, map);
  }

  /** The 0-based row of bus `id`, or −1 when there is none. */
  indexOf(id: number): number {
    const dense = this.#dense;
    if (dense !== undefined) {
      if (!(Number.isInteger(id) && id >= 0 && id < dense.length)) return -1;
      return dense[id] as number;
    }
    return this.#sparse?.get(id) ?? -1;
  }
}
