/**
 * The epoch seed seed_t (MATH.md G.2) from data no single organization controls: the previous
 * epoch's state digest and the head of every anchored slave chain (channel, block number, header
 * hash). The heads are recorded by the HV organizations' relays from blocks their own channels'
 * orderers cut; GridCo, which opens the epoch, chooses neither them nor anything else in the seed
 * (an earlier version hashed GridCo's transaction id, which GridCo could grind by re-proposing).
 * GridCo can still choose when to end an epoch, which is bounded by how often the heads change.
 */
import type { Context } from 'fabric-contract-api';
import { listByPartialKey } from '../shared/ledger-state';
import { canonicalSha256 } from '../shared/hashing';
import { MASTER_KEY } from './master-keys';
import type { AnchorHead } from './verification-block';

/** seed_t = SHA-256 of canonical `{epoch, previous, heads}` with heads ordered by channel. */
export async function epochSeed(ctx: Context, previous: string, epoch: number): Promise<string> {
  const heads = (await listByPartialKey<AnchorHead>(ctx, MASTER_KEY.anchorHead, [])).map((row) => ({
    channel: row.value.channel,
    blockNumber: row.value.blockNumber,
    headerHash: row.value.headerHash,
  }));
  return canonicalSha256({ epoch, previous, heads });
}
