/**
 * The part of an extended network (MATH.md §B) that depends on which buses and branches carry flow
 * and in which direction, not on how much: the node numbering, the sparsity pattern of A, the
 * branch ends, a topological order of the flow graph and the layout of A's rows in that order.
 *
 * Two solved flows of one feeder whose flows run the same way (the slots of a day, mostly) have the
 * same pattern, so a {@link TracingWorkspace} keeps the last one and a new extended network only
 * fills in its values. Everything here is a function of the {@link ExtendedNetworkKey}, so a reused
 * pattern is exactly the one that would be built afresh.
 */
import type { DistributionSystem } from './distribution-system';
import { flowGraphTopologicalOrder } from './flow-graph-order';
import { layOutOrderedRows, type OrderedRowsLayout } from './ordered-rows';

/** Which end of a kept branch sends (P_e > 0) or receives (P_e < 0); neither bit: P_e = 0. */
export const END_SIGN = { fromSends: 1, fromReceives: 2, toSends: 4, toReceives: 8 } as const;

/** What determines a pattern; all arrays are compared element by element. */
export interface ExtendedNetworkKey {
  /** Per `mpc.bus` row: its real node, or −1 when the bus carries no flow. */
  readonly nodeOfBus: Int32Array;
  /** Per real node: its external bus id. */
  readonly busIdOfNode: Float64Array;
  /** Per kept branch (virtual node n+k): its 0-based `mpc.branch` row. */
  readonly branchRow: Int32Array;
  /** Per kept branch: the real node of its from-bus and of its to-bus (−1 if it has none). */
  readonly fromNode: Int32Array;
  readonly toNode: Int32Array;
  /** Per kept branch: {@link END_SIGN} bits. */
  readonly endSigns: Uint8Array;
}

/** The real nodes at the ends of one kept branch and which of them send. */
type BranchEnds = DistributionSystem['branchEnds'][number];

/** The pattern of one extended network. */
export class ExtendedNetworkPattern {
  readonly key: ExtendedNetworkKey;
  /** n. */
  readonly busCount: number;
  /** N = n + m. */
  readonly size: number;
  /** External bus id of each real node. */
  readonly busIds: readonly number[];
  /** `mpc.branch` row of each virtual node. */
  readonly branchRows: readonly number[];
  readonly branchEnds: readonly BranchEnds[];
  /** Coordinates of A's off-diagonal entries, in the order their values are computed. */
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  readonly topologicalOrder: Int32Array | undefined;
  #layout: OrderedRowsLayout | undefined;

  constructor(key: ExtendedNetworkKey) {
    this.key = key;
    const busIds = Array.from(key.busIdOfNode);
    const n = busIds.length;
    const m = key.branchRow.length;
    this.busCount = n;
    this.size = n + m;
    this.busIds = busIds;
    this.branchRows = Array.from(key.branchRow);
    let count = 0;
    for (let b = 0; b < m; b += 1) {
      const signs = key.endSigns[b] as number;
      if ((signs & (END_SIGN.fromSends | END_SIGN.fromReceives)) !== 0) count += 1;
      if ((signs & (END_SIGN.toSends | END_SIGN.toReceives)) !== 0) count += 1;
    }
    const rows = new Int32Array(count);
    const cols = new Int32Array(count);
    const ends = new Array<BranchEnds>(m);
    let p = 0;
    for (let b = 0; b < m; b += 1) {
      const v = n + b;
      const signs = key.endSigns[b] as number;
      const from = key.fromNode[b] as number;
      const to = key.toNode[b] as number;
      // B3, in the order of the values: the from end, then the to end.
      if ((signs & END_SIGN.fromSends) !== 0) {
        rows[p] = v;
        cols[p] = from;
        p += 1;
      } else if ((signs & END_SIGN.fromReceives) !== 0) {
        rows[p] = from;
        cols[p] = v;
        p += 1;
      }
      if ((signs & END_SIGN.toSends) !== 0) {
        rows[p] = v;
        cols[p] = to;
        p += 1;
      } else if ((signs & END_SIGN.toReceives) !== 0) {
        rows[p] = to;
        cols[p] = v;
        p += 1;
      }
      ends[b] = {
        from,
        to,
        fromSends: (signs & END_SIGN.fromSends) !== 0,
        toSends: (signs & END_SIGN.toSends) !== 0,
      };
    }
    this.branchEnds = ends;
    this.rows = rows;
    this.cols = cols;
    this.topologicalOrder = flowGraphTopologicalOrder(this.size, {
      rows: this.rows,
      cols: this.cols,
      values: new Float64Array(this.rows.length),
    });
  }

  /** Where A's entries go in topological row order (built on first use); undefined if cyclic. */
  orderedLayout(): OrderedRowsLayout | undefined {
    if (this.#layout === undefined && this.topologicalOrder !== undefined) {
      this.#layout = layOutOrderedRows(this.size, this.rows, this.cols, this.topologicalOrder);
    }
    return this.#layout;
  }

  /** True when `key` describes this pattern. */
  matches(key: ExtendedNetworkKey): boolean {
    const own = this.key;
    return (
      sameInts(own.nodeOfBus, key.nodeOfBus) &&
      sameInts(own.busIdOfNode, key.busIdOfNode) &&
      sameInts(own.branchRow, key.branchRow) &&
      sameInts(own.fromNode, key.fromNode) &&
      sameInts(own.toNode, key.toNode) &&
      sameInts(own.endSigns, key.endSigns)
    );
  }
}

function sameInts(
  a: Int32Array | Uint8Array | Float64Array,
  b: Int32Array | Uint8Array | Float64Array,
): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
