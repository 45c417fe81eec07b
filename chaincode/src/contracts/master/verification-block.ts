/**
 * Verification blocks (DESIGN.md §3 step 2): a master-channel record of one slave block's header,
 * chained per slave channel by previous hashes. Pure checks; the contract stores the records.
 */
import { blockHeaderHash } from '../../anchor/block-header-hash';
import { CarbonTraceError } from '../../common/errors';
import { asInteger, asRecord, asString, invalid, onlyKeys, optional } from '../shared/arguments';

/** What an anchor relay submits for one slave block (the relay's `AnchorEntry` plus the channel). */
export interface VerificationBlockSubmission {
  readonly channel: string;
  readonly blockNumber: number;
  /** Hex; empty for the genesis block. */
  readonly previousHash: string;
  /** Hex SHA-256 of the block data. */
  readonly dataHash: string;
  /** Hex header hash as the relay computed it (optional; recomputed and compared). */
  readonly headerHash?: string;
}

/** A stored verification block. */
export interface VerificationBlock {
  readonly channel: string;
  readonly blockNumber: number;
  readonly previousHash: string;
  readonly dataHash: string;
  readonly headerHash: string;
  readonly recorderMsp: string;
  readonly txId: string;
}

/** The head of a slave channel's anchored chain. */
export interface AnchorHead {
  readonly channel: string;
  readonly blockNumber: number;
  readonly headerHash: string;
}

const HEX = /^([0-9a-f]{2}){0,64}$/;

/** Slave channel names: `slave-<hv id>` in lower case. */
export const SLAVE_CHANNEL_PATTERN = /^slave-[a-z0-9]{1,32}$/;

/** Validates a verification-block submission. @throws INVALID_ARGUMENT naming the field. */
export function parseVerificationBlock(
  value: unknown,
  channel: string,
  field = 'block',
): VerificationBlockSubmission {
  const r = asRecord(value, field);
  onlyKeys(r, field, ['blockNumber', 'previousHash', 'dataHash', 'headerHash']);
  const blockNumber = asInteger(r['blockNumber'], `${field}.blockNumber`, 0);
  const previousHash = asString(r['previousHash'] ?? '', `${field}.previousHash`, HEX);
  if (blockNumber > 0 && previousHash.length === 0) {
    invalid(`${field}.previousHash`, 'is required after block 0', '');
  }
  const headerHash = optional(r['headerHash'], (v) => asString(v, `${field}.headerHash`, /^[0-9a-f]{64}$/));
  const out = {
    channel: asString(channel, 'channel', SLAVE_CHANNEL_PATTERN),
    blockNumber,
    previousHash,
    dataHash: asString(r['dataHash'], `${field}.dataHash`, /^[0-9a-f]{64}$/),
  };
  return headerHash === undefined ? out : { ...out, headerHash };
}

/** The header hash (hex) of a slave block from its three header fields. */
export function computeHeaderHash(number: number, previousHashHex: string, dataHashHex: string): string {
  return Buffer.from(
    blockHeaderHash({
      number,
      previousHash: Buffer.from(previousHashHex, 'hex'),
      dataHash: Buffer.from(dataHashHex, 'hex'),
    }),
  ).toString('hex');
}

/**
 * Checks that `block` extends `head` (or starts the chain at block 0) and returns its header hash.
 * @throws CarbonTraceError ANCHOR_GAP when blocks are missing, ANCHOR_FORK when the block does not
 * extend the anchored chain, HASH_MISMATCH when the relay's header hash is wrong.
 */
export function checkExtendsChain(head: AnchorHead | undefined, block: VerificationBlockSubmission): string {
  const number = block.blockNumber;
  const headerHash = computeHeaderHash(number, block.previousHash, block.dataHash);
  if (block.headerHash !== undefined && block.headerHash !== headerHash) {
    throw new CarbonTraceError(
      'HASH_MISMATCH',
      `header hash of ${block.channel} block ${number} is ${headerHash}`,
      {
        channel: block.channel,
        number,
        value: block.headerHash,
      },
    );
  }
  const expected = head === undefined ? 0 : head.blockNumber + 1;
  if (number > expected) {
    throw new CarbonTraceError(
      'ANCHOR_GAP',
      `${block.channel} block ${number} skips blocks: the next block to anchor is ${expected}`,
      { channel: block.channel, number, expected },
    );
  }
  if (number < expected) {
    throw new CarbonTraceError(
      'ANCHOR_FORK',
      `${block.channel} block ${number} is already anchored (head is ${expected - 1})`,
      { channel: block.channel, number, expected },
    );
  }
  const expectedPrevious = head === undefined ? '' : head.headerHash;
  if (block.previousHash !== expectedPrevious) {
    throw new CarbonTraceError(
      'ANCHOR_FORK',
      `${block.channel} block ${number} does not extend the anchored chain (previous hash differs)`,
      { channel: block.channel, number, value: block.previousHash },
    );
  }
  return headerHash;
}
