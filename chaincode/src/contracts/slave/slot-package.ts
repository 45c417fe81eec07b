/**
 * The canonical package of one slot on a slave channel (DESIGN.md §3): every LV substation's
 * current measurement (ordered by substation) and the topologies they reference. Its SHA-256 over
 * canonical JSON is what the master anchors and what condition a checks.
 */
import type { MeasurementRecord } from './measurement-record';
import type { TopologyRecord } from './topology-record';

/** Bound on a package's canonical JSON size. */
export const MAX_PACKAGE_BYTES = 4 * 1024 * 1024;

/** A slot package. */
export interface SlotPackage {
  readonly channel: string;
  readonly slot: number;
  /** Current measurements, ordered by substation id. */
  readonly measurements: readonly MeasurementRecord[];
  /** Referenced topologies, ordered by id. */
  readonly topologies: readonly TopologyRecord[];
  /** Submissions the seal left out, with the reason (present only when there are any). */
  readonly excluded?: readonly ExcludedSubmission[];
}

/** A submission `Index:Seal` left out of the package instead of failing the slot. */
export interface ExcludedSubmission {
  readonly substation: string;
  readonly version: number;
  /** Error code of the refusal, e.g. `ACCESS_DENIED`, `PAYLOAD_TOO_LARGE`. */
  readonly code: string;
  /** Why, naming field, bus and value. */
  readonly reason: string;
}

/** A sealed package as stored and returned by `Index`. */
export interface SealedSlotPackage {
  readonly slot: number;
  readonly channel: string;
  /** SHA-256 of the canonical JSON of `package`. */
  readonly sha256: string;
  readonly package: SlotPackage;
  readonly sealTxId: string;
  readonly sealerMsp: string;
}
