/**
 * The off-diagonal rows of A regrouped in a topological order of the flow graph (row t of the
 * table is row order[t] of A, its entries sorted by column, duplicate coordinates summed in entry
 * order), so that forward substitution reads its entries sequentially.
 *
 * The layout (where each coordinate entry lands) depends only on the pattern of A and the order,
 * so it is computed once per pattern ({@link layOutOrderedRows}, O(N + nnz) by counting sort) and
 * refilled with each slot's values ({@link fillOrderedRows}, O(nnz)). The values equal, bit for
 * bit, those of A's CSR form (`distributionMatrix`) read row by row in the order.
 */
import { CarbonTraceError } from '../common/errors';
import { bucketEntries, checkEntries } from './entry-buckets';

/** A's off-diagonal rows in a topological order. */
export interface OrderedRows {
  readonly order: Int32Array;
  /** Entries of the t-th row in the order are at pointers[t] .. pointers[t+1]−1. */
  readonly pointers: Int32Array;
  readonly columns: Int32Array;
  readonly values: Float64Array;
}

/** Where the coordinate entries of A go in {@link OrderedRows}: the part that depends on the pattern only. */
export interface OrderedRowsLayout {
  readonly order: Int32Array;
  readonly pointers: Int32Array;
  readonly columns: Int32Array;
  /** Slot of coordinate entry p in `columns` / `values` (entries with equal coordinates share one). */
  readonly slotOfEntry: Int32Array;
}

/**
 * Groups the coordinate entries (`rows`, `cols`) of an N×N matrix by row in `order`.
 * @throws CarbonTraceError DIMENSION_MISMATCH when `order` is not a list of N node indices or an
 * entry lies outside the matrix.
 */
export function layOutOrderedRows(
  size: number,
  rows: Int32Array,
  cols: Int32Array,
  order: Int32Array,
): OrderedRowsLayout {
  if (order.length !== size || !order.every((x) => x >= 0 && x < size)) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'the order does not list the nodes of the system', {
      size,
      order: order.length,
    });
  }
  const count = rows.length;
  checkEntries(size, rows, cols);
  const rankOf = new Int32Array(size);
  for (let t = 0; t < size; t += 1) rankOf[order[t] as number] = t;
  // The entries by the rank of their row (stable: entry order within a row).
  const rowRank = new Int32Array(count);
  for (let p = 0; p < count; p += 1) rowRank[p] = rankOf[rows[p] as number] as number;
  const { start, entries: entryAt } = bucketEntries(size, rowRank);
  // Within a row: stable insertion sort by column (rows hold one to a few entries), then one slot
  // per distinct column.
  const pointers = new Int32Array(size + 1);
  const columnOfSlot = new Int32Array(count);
  const slotOfEntry = new Int32Array(count);
  let out = 0;
  for (let t = 0; t < size; t += 1) {
    const begin = start[t] as number;
    const end = start[t + 1] as number;
    for (let i = begin + 1; i < end; i += 1) {
      const p = entryAt[i] as number;
      const c = cols[p] as number;
      let j = i - 1;
      while (j >= begin && (cols[entryAt[j] as number] as number) > c) {
        entryAt[j + 1] = entryAt[j] as number;
        j -= 1;
      }
      entryAt[j + 1] = p;
    }
    const first = out;
    for (let i = begin; i < end; i += 1) {
      const p = entryAt[i] as number;
      const c = cols[p] as number;
      if (out === first || (columnOfSlot[out - 1] as number) !== c) {
        columnOfSlot[out] = c;
        out += 1;
      }
      slotOfEntry[p] = out - 1;
    }
    pointers[t + 1] = out;
  }
  return { order, pointers, columns: columnOfSlot.slice(0, out), slotOfEntry };
}

/**
 * The ordered rows of one matrix with the layout's pattern: entry values summed into their slots in
 * entry order (as the CSR builder merges duplicates).
 */
export function fillOrderedRows(layout: OrderedRowsLayout, values: Float64Array): OrderedRows {
  const { slotOfEntry } = layout;
  if (values.length !== slotOfEntry.length) {
    throw new CarbonTraceError('DIMENSION_MISMATCH', 'the values do not fit the layout of A', {
      expected: slotOfEntry.length,
      actual: values.length,
    });
  }
  const ordered = new Float64Array(layout.columns.length);
  const seen = new Uint8Array(ordered.length);
  for (let p = 0; p < values.length; p += 1) {
    const q = slotOfEntry[p] as number;
    // The first entry of a slot is stored as is, later duplicates are added (CSR builder order).
    if (seen[q] === 0) {
      ordered[q] = values[p] as number;
      seen[q] = 1;
    } else ordered[q] = (ordered[q] as number) + (values[p] as number);
  }
  return { order: layout.order, pointers: layout.pointers, columns: layout.columns, values: ordered };
}
