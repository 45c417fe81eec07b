/**
 * Ledger helpers for the provider registry that other contracts use: the settlement cycle and
 * provider records (read, list, write).
 */
import type { Context } from 'fabric-contract-api';
import { getJson, listByPartialKey, mustGetJson, putJson } from '../shared/ledger-state';
import { MASTER_KEY, providerCycleKey, providerKey } from './master-keys';
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
