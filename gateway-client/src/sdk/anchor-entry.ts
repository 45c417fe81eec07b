/**
 * One slave block header as the anchor relay reads it and as a verification block records it
 * (DESIGN.md §3 step 2), with its header hash computed as Fabric does. Shared by the relay and the
 * role clients, so neither imports the other.
 */
import { blockHeaderHash } from '@carbontrace/chaincode';

/** The header fields of one slave block, as the relay reads them. */
export interface SlaveBlockHeader {
  /** Block number. */
  readonly number: bigint;
  /** `previous_hash` field of the header. */
  readonly previousHash: Uint8Array;
  /** `data_hash` field of the header. */
  readonly dataHash: Uint8Array;
  /** Slot packages sealed by valid transactions of this block (from their `SlotSealed` events). */
  readonly packages?: readonly SealedPackageDigest[];
}

/** A slot package digest sealed in a slave block. */
export interface SealedPackageDigest {
  /** Slot number. */
  readonly slot: number;
  /** SHA-256 of the package's canonical JSON, hex. */
  readonly sha256: string;
}

/** One slave block header as recorded in a verification block. */
export interface AnchorEntry {
  /** Slave block number. */
  readonly blockNumber: number;
  /** SHA-256 header hash, lower-case hex. */
  readonly headerHash: string;
  /** The header's `previous_hash`, lower-case hex ('' for the genesis block). */
  readonly previousHash: string;
  /** The header's `data_hash`, lower-case hex. */
  readonly dataHash: string;
  /** Slot packages sealed in the block. */
  readonly packages: readonly SealedPackageDigest[];
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** The anchor entry of one block header (its hash computed as Fabric does). */
export function anchorEntryOf(header: SlaveBlockHeader): AnchorEntry {
  return {
    blockNumber: Number(header.number),
    headerHash: toHex(blockHeaderHash(header)),
    previousHash: toHex(header.previousHash),
    dataHash: toHex(header.dataHash),
    packages: header.packages ?? [],
  };
}
