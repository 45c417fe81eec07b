/**
 * Fabric block header hash, computed the way peers compute it: SHA-256 over the DER encoding of
 * `SEQUENCE { number INTEGER, previous_hash OCTET STRING, data_hash OCTET STRING }`.
 *
 * A block's `previous_hash` is the header hash of the block before it, so anchoring these hashes on
 * the master channel chains the slave channel's blocks. Pure: no ledger, no clock, no network.
 */
import { createHash } from 'crypto';

/** The three fields of a Fabric `common.BlockHeader`. */
export interface BlockHeaderFields {
  /** Block number (0 for the genesis block); a non-negative integer. */
  readonly number: bigint | number;
  /** Header hash of the previous block (empty for the genesis block). */
  readonly previousHash: Uint8Array;
  /** SHA-256 of the block's data (the concatenated envelopes). */
  readonly dataHash: Uint8Array;
}

/** DER tag bytes used in the header encoding. */
const TAG_INTEGER = 0x02;
const TAG_OCTET_STRING = 0x04;
const TAG_SEQUENCE = 0x30;

/** DER length octets: short form below 128, long form (big-endian, minimal) otherwise. */
function encodeLength(length: number): number[] {
  if (length < 0x80) {
    return [length];
  }
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) {
    octets.unshift(rest % 256);
  }
  return [0x80 | octets.length, ...octets];
}

/** DER INTEGER content octets of a non-negative integer: minimal big-endian two's complement. */
function encodeUnsignedIntegerContent(value: bigint): number[] {
  const octets: number[] = [];
  for (let rest = value; rest > 0n; rest >>= 8n) {
    octets.unshift(Number(rest & 0xffn));
  }
  if (octets.length === 0 || (octets[0] ?? 0) >= 0x80) {
    octets.unshift(0x00);
  }
  return octets;
}

/** One DER TLV (tag, length, value). */
function encodeTlv(tag: number, content: ArrayLike<number>): Uint8Array {
  const length = encodeLength(content.length);
  const out = new Uint8Array(1 + length.length + content.length);
  out[0] = tag;
  out.set(length, 1);
  out.set(Array.from(content), 1 + length.length);
  return out;
}

/** Normalises a block number and refuses anything that is not a non-negative integer. */
function toBlockNumber(value: bigint | number): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`block number must be a non-negative safe integer, got ${value}`);
    }
    return BigInt(value);
  }
  if (value < 0n || value > 0xffffffffffffffffn) {
    throw new RangeError(`block number must fit an unsigned 64-bit integer, got ${value.toString()}`);
  }
  return value;
}

/**
 * The DER bytes Fabric hashes for a block header.
 *
 * @throws RangeError when `number` is negative, fractional or above 2^64 − 1.
 */
export function encodeBlockHeader(header: BlockHeaderFields): Uint8Array {
  const parts = [
    encodeTlv(TAG_INTEGER, encodeUnsignedIntegerContent(toBlockNumber(header.number))),
    encodeTlv(TAG_OCTET_STRING, header.previousHash),
    encodeTlv(TAG_OCTET_STRING, header.dataHash),
  ];
  const body = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.length;
  }
  return encodeTlv(TAG_SEQUENCE, body);
}

/**
 * SHA-256 of {@link encodeBlockHeader}: the value a peer reports as the block's hash (for example
 * `qscc GetChainInfo`'s `currentBlockHash`) and the next block's `previous_hash`.
 *
 * @throws RangeError when `number` is out of range (see {@link encodeBlockHeader}).
 */
export function blockHeaderHash(header: BlockHeaderFields): Uint8Array {
  return new Uint8Array(createHash('sha256').update(encodeBlockHeader(header)).digest());
}
