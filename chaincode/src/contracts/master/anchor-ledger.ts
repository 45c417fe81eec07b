/**
 * Ledger helpers for anchored data on master that other contracts read: the anchored package of a
 * slot, the anchored head of a slave channel, and the HV organization → slave channel mapping.
 */
import type { Context } from 'fabric-contract-api';
import { getJson } from '../shared/ledger-state';
import { slaveChannelOfHv } from '../shared/roles';
import { anchorHeadKey, anchorPackageKey } from './master-keys';
import type { AnchorHead } from './verification-block';

/** A slot package digest tied to the anchored slave block whose transaction sealed it. */
export interface AnchoredPackageRecord {
  readonly channel: string;
  readonly slot: number;
  readonly sha256: string;
  readonly blockNumber: number;
  readonly headerHash: string;
  readonly recorderMsp: string;
  /** Earlier digests replaced because they did not match the sealed package. */
  readonly corrections: readonly {
    readonly sha256: string;
    readonly blockNumber: number;
    readonly txId: string;
  }[];
}

/**
 * The slave channel an HV organization owns: `Hv1` → `slave-hv1` (the one exact mapping of
 * `shared/roles.ts`). @throws CarbonTraceError ACCESS_DENIED for an id that maps to no channel.
 */
export function slaveChannelOf(hvOrgId: string): string {
  return slaveChannelOfHv(hvOrgId);
}

/** The anchored package of a slot, or undefined. */
export async function readAnchoredPackage(
  ctx: Context,
  channel: string,
  slot: number,
): Promise<AnchoredPackageRecord | undefined> {
  return getJson<AnchoredPackageRecord>(ctx, anchorPackageKey(ctx, channel, slot));
}

/** The anchored head of a channel, or undefined. */
export async function readAnchorHead(ctx: Context, channel: string): Promise<AnchorHead | undefined> {
  return getJson<AnchorHead>(ctx, anchorHeadKey(ctx, channel));
}
