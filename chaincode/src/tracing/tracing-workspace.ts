/**
 * What tracing keeps per feeder between solved flows (the slots of a day): the bus numbering of
 * the case, the {@link ExtendedNetworkPattern} of the last extended network (node numbering, A's
 * pattern, topological order, row layout), and the N×K matrices of the last trace.
 *
 * A caller that traces the same feeder again passes one workspace to every `traceCarbon` (or
 * `buildDistributionSystem`) call. Answers never depend on the cache: a pattern is reused only when
 * its key (which buses and branches carry flow, and in which direction) is equal element by
 * element, and everything reused is a function of that key. A changed topology or flow direction
 * builds and keeps a new pattern.
 *
 * The N×K matrices (X, the components, the per-unit carbon flow rates) of a trace made with a
 * workspace are the workspace's buffers: they are overwritten by its next trace. Copy what you keep
 * beyond that, or trace without a workspace.
 */
import type { Bus } from '../grid/power-case';
import { ExtendedNetworkPattern, type ExtendedNetworkKey } from './extended-network-pattern';

/** The N×K (or n×K, m×K) matrices a workspace lends to one trace. */
export type TraceMatrixName =
  | 'shares'
  | 'loadComponent'
  | 'lossComponent'
  | 'receivingComponent'
  | 'loadRate'
  | 'sendingRate'
  | 'receivingRate'
  | 'lossRate';

/** A per-feeder cache of tracing work; keep one per feeder (not thread-safe, not shared). */
export class TracingWorkspace {
  #busIds: Float64Array | undefined;
  #busIndex: Map<number, number> | undefined;
  #pattern: ExtendedNetworkPattern | undefined;
  readonly #matrices = new Map<TraceMatrixName, Float64Array>();
  /** Patterns built and reused so far (for benchmarks and tests). */
  readonly counts = { patternsBuilt: 0, patternsReused: 0 };

  /** Bus id → 0-based `mpc.bus` row, rebuilt only when the list of bus ids changes. */
  busIndex(buses: readonly Bus[]): Map<number, number> {
    const known = this.#busIds;
    const knownIndex = this.#busIndex;
    if (
      knownIndex !== undefined &&
      known?.length === buses.length &&
      buses.every((bus, i) => bus.id === known[i])
    ) {
      return knownIndex;
    }
    const index = new Map<number, number>();
    buses.forEach((bus, i) => index.set(bus.id, i));
    this.#busIds = Float64Array.from(buses, (bus) => bus.id);
    this.#busIndex = index;
    return index;
  }

  /** The pattern of `key`: the kept one when its key is equal, else a new one (which is kept). */
  pattern(key: ExtendedNetworkKey): ExtendedNetworkPattern {
    const known = this.#pattern;
    if (known?.matches(key) === true) {
      this.counts.patternsReused += 1;
      return known;
    }
    const pattern = new ExtendedNetworkPattern(key);
    this.#pattern = pattern;
    this.counts.patternsBuilt += 1;
    return pattern;
  }

  /**
   * A matrix of `length` entries (not cleared: the caller writes every entry), backed by a buffer
   * that grows to the largest length asked for and is lent again to the next trace.
   */
  matrix(name: TraceMatrixName, length: number): Float64Array {
    let buffer = this.#matrices.get(name);
    if (buffer === undefined || buffer.length < length) {
      buffer = new Float64Array(length);
      this.#matrices.set(name, buffer);
    }
    return buffer.subarray(0, length);
  }
}
