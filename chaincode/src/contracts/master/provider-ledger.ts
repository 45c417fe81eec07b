/**
 * Ledger helpers for the provider registry that other contracts use: the settlement cycle and
 * provider records (read, list, write).
 */
import type { Context } from 'fabric-contract-api';
import type { ProviderPool, ProviderStanding } from '../../outsourcing/arbitration';
import { getJson, listByPartialKey, mustGetJson, putJson } from '../shared/ledger-state';
import { MASTER_KEY, providerCycleKey, providerKey } from './master-keys';
import { assignProviders, isBlacklisted } from './provider-record';
import type { ProviderRecord } from './provider-record';

/** The current settlement cycle (0 before the first `AdvanceCycle`). */
export async function currentCycle(ctx: Context): Promise<number> {
  const stored = await getJson<{ cycle: number }>(ctx, providerCycleKey(ctx));
  return stored?.cycle ?? 0;
}

/** Every provider, ordered by id. */
export async function listProviders(ctx: Context): Promise<ProviderRecord[]> {
  return (await listByPartialKey<ProviderRecord>(ctx, MASTER_KEY.provider, [])).map((row) => row.value);
}

/** A provider's record. @throws NOT_FOUND. */
export async function getProvider(ctx: Context, id: string): Promise<ProviderRecord> {
  return mustGetJson<ProviderRecord>(ctx, providerKey(ctx, id), `provider ${id}`);
}

/** Writes a provider's record. */
export async function putProvider(ctx: Context, provider: ProviderRecord): Promise<void> {
  await putJson(ctx, providerKey(ctx, provider.id), provider);
}

/**
 * The provider pool of a new task in the current cycle (MATH.md F.3): the two to dispatch first
 * (the requested ones, or the cheapest eligible), then every other eligible provider by fee and
 * id, with each one's standing (strikes, blacklist) as the arbitration starts.
 * @throws BLACKLISTED, NOT_FOUND or INVALID_STATE from {@link assignProviders}.
 */
export async function providerPoolOf(
  ctx: Context,
  requested: readonly string[],
): Promise<{ cycle: number; pool: ProviderPool }> {
  const cycle = await currentCycle(ctx);
  const providers = await listProviders(ctx);
  const first = assignProviders(providers, cycle, 2, requested);
  const rest = providers
    .filter((p) => !first.some((f) => f.id === p.id) && !isBlacklisted(p, cycle))
    .sort((a, b) => (a.feePerTask !== b.feePerTask ? a.feePerTask - b.feePerTask : a.id < b.id ? -1 : 1));
  const ordered = [...first, ...rest];
  // null prototype: ids are data (defect #12), never object members
  const standing = Object.create(null) as Record<string, ProviderStanding>;
  for (const p of ordered) standing[p.id] = { strikes: p.strikes, blacklistedUntil: p.blacklistedUntilCycle };
  return { cycle, pool: { order: ordered.map((p) => p.id), standing } };
}
