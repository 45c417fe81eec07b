/**
 * The cross-channel read of a sealed slot package (DESIGN.md §7: only on a peer of both channels,
 * read-only, not MVCC-checked) with its integrity checks in the same transaction: the package
 * matches its own digest, names the slot and channel asked for, and (for condition a/b) matches
 * the digest anchored on master.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import { canonicalSha256 } from '../shared/hashing';
import type { SealedSlotPackage } from '../slave/slot-package';
import { readAnchoredPackage } from './anchor-ledger';

/** The slave chaincode read across channels. */
export const SLAVE_CHAINCODE = 'carbon-slave';

/**
 * The sealed package of `slot` on `channel`, checked against its own digest.
 * @throws NOT_FOUND when the slot is not sealed (or this peer does not join `channel`);
 *   HASH_MISMATCH when the package does not match its digest, slot or channel.
 */
export async function readSealedPackage(
  ctx: Context,
  channel: string,
  slot: number,
): Promise<SealedSlotPackage> {
  const response = await ctx.stub.invokeChaincode(
    SLAVE_CHAINCODE,
    ['Index:GetPackage', String(slot)],
    channel,
  );
  if (response.status !== 200 || response.payload === undefined) {
    throw new CarbonTraceError(
      'NOT_FOUND',
      `slot ${slot} package of ${channel} is not readable on this peer (not sealed, or the peer does not join ${channel})`,
      { channel, slot },
    );
  }
  let sealed: SealedSlotPackage;
  try {
    sealed = JSON.parse(Buffer.from(response.payload).toString('utf8')) as SealedSlotPackage;
  } catch {
    throw new CarbonTraceError('HASH_MISMATCH', `slot ${slot} package of ${channel} is not JSON`, {
      channel,
      slot,
    });
  }
  const digest = canonicalSha256(sealed.package);
  if (digest !== sealed.sha256 || sealed.package.slot !== slot || sealed.package.channel !== channel) {
    throw new CarbonTraceError(
      'HASH_MISMATCH',
      `slot ${slot} package of ${channel} does not match its own digest`,
      {
        channel,
        slot,
        value: digest,
      },
    );
  }
  return sealed;
}

/** A package checked against the digest anchored on master, with the anchoring block. */
export interface AnchoredSlotPackage {
  readonly sealed: SealedSlotPackage;
  readonly anchored: { readonly blockNumber: number; readonly headerHash: string };
}

/**
 * The sealed package of a slot, checked against its own digest and its anchor on master.
 * @throws NOT_FOUND (not sealed or not anchored); HASH_MISMATCH (differs from the anchor).
 */
export async function readAnchoredSlotPackage(
  ctx: Context,
  channel: string,
  slot: number,
): Promise<AnchoredSlotPackage> {
  const sealed = await readSealedPackage(ctx, channel, slot);
  const anchored = await readAnchoredPackage(ctx, channel, slot);
  if (anchored === undefined) {
    throw new CarbonTraceError('NOT_FOUND', `slot ${slot} package of ${channel} is not anchored on master`, {
      channel,
      slot,
    });
  }
  if (anchored.sha256 !== sealed.sha256) {
    throw new CarbonTraceError(
      'HASH_MISMATCH',
      `slot ${slot} package of ${channel} differs from its anchor (block ${anchored.blockNumber})`,
      { channel, slot, value: sealed.sha256 },
    );
  }
  return { sealed, anchored: { blockNumber: anchored.blockNumber, headerHash: anchored.headerHash } };
}
