/**
 * Ledger helpers for the provider registry that other contracts use: the settlement cycle and the
 * provider records. A provider's record is kept in three kinds of key so that independent
 * transactions do not conflict (issue 12 #13):
 *
 * - `provider~id`, the registration (`id`, `mspId`, `feePerTask`): written by `Register` and
 *   `SetFee` only. Condition a reads the range of these to build a task's provider pool.
 * - `providerStanding~id` (`strikes`, `blacklistedUntilCycle`, `blacklistings`): written by a
 *   settlement only when it changes them (a wrong result). Condition a reads it per provider.
 * - `providerSettlement~id~task` (fees earned, penalties, wrong and correct results of one task):
 *   written once, blind, by that task's settlement; the running totals are their sum.
 *
 * So a settlement of an honest task writes no key that a concurrent condition a reads, and two
 * settlements never write the same key unless both strike the same provider. Records written
 * before this layout carried the standing and totals in the registration; they are read as the
 * starting values.
 */
import type { Context } from 'fabric-contract-api';
import type { ProviderPool, ProviderStanding } from '../../outsourcing/arbitration';
import type { EndorsementRule } from '../shared/key-endorsement';
import { setKeyPolicy } from '../shared/key-endorsement';
import { getJson, listByPartialKey, mustGetJson, putJson } from '../shared/ledger-state';
import {
  MASTER_KEY,
  providerCycleKey,
  providerKey,
  providerSettlementKey,
  providerStandingKey,
} from './master-keys';
import { assignProviders, isBlacklisted } from './provider-record';
import type { ProviderEligibility, ProviderRecord } from './provider-record';

/** A provider's registration as stored (older records also carry the standing and the totals). */
export type ProviderRegistration = Pick<ProviderRecord, 'id' | 'mspId' | 'feePerTask'> &
  Partial<ProviderRecord>;

/** A provider's standing as stored under `providerStanding~id`. */
export type ProviderStandingRecord = Pick<
  ProviderRecord,
  'strikes' | 'blacklistedUntilCycle' | 'blacklistings'
>;

/** What one task's settlement gave and took from one provider, under `providerSettlement~id~task`. */
export interface ProviderSettlementRecord {
  readonly providerId: string;
  readonly taskId: string;
  readonly earned: number;
  readonly penaltiesPaid: number;
  readonly wrongResults: number;
  readonly correctResults: number;
}

/** The current settlement cycle (0 before the first `AdvanceCycle`). */
export async function currentCycle(ctx: Context): Promise<number> {
  const stored = await getJson<{ cycle: number }>(ctx, providerCycleKey(ctx));
  return stored?.cycle ?? 0;
}

/** A provider's registration, or undefined when it is not registered. */
export async function findRegistration(ctx: Context, id: string): Promise<ProviderRegistration | undefined> {
  return getJson<ProviderRegistration>(ctx, providerKey(ctx, id));
}

/** A provider's registration. @throws NOT_FOUND. */
export async function getRegistration(ctx: Context, id: string): Promise<ProviderRegistration> {
  return mustGetJson<ProviderRegistration>(ctx, providerKey(ctx, id), `provider ${id}`);
}

/** Writes a provider's registration; `created` gives the key-level policy of a new registration. */
export async function putRegistration(
  ctx: Context,
  registration: ProviderRegistration,
  created?: EndorsementRule,
): Promise<void> {
  await putJson(ctx, providerKey(ctx, registration.id), registration);
  if (created !== undefined) await setKeyPolicy(ctx, providerKey(ctx, registration.id), created);
}

/**
 * A provider's standing: its own key (`stored`), else the registration's legacy fields, else a
 * clean start.
 */
export async function readStanding(
  ctx: Context,
  registration: ProviderRegistration,
): Promise<{ readonly standing: ProviderStandingRecord; readonly stored: boolean }> {
  const stored = await getJson<ProviderStandingRecord>(ctx, providerStandingKey(ctx, registration.id));
  if (stored !== undefined) return { standing: stored, stored: true };
  return {
    standing: {
      strikes: registration.strikes ?? 0,
      blacklistedUntilCycle: registration.blacklistedUntilCycle ?? null,
      blacklistings: registration.blacklistings ?? 0,
    },
    stored: false,
  };
}

/** A provider's standing (see {@link readStanding}). */
export async function getStanding(
  ctx: Context,
  registration: ProviderRegistration,
): Promise<ProviderStandingRecord> {
  return (await readStanding(ctx, registration)).standing;
}

/**
 * Writes a provider's standing; `created` gives the policy of a key written for the first time (the
 * provider record's: strikes and the blacklist never change without the regulator).
 */
export async function putStanding(
  ctx: Context,
  id: string,
  standing: ProviderStandingRecord,
  created?: EndorsementRule,
): Promise<void> {
  const key = providerStandingKey(ctx, id);
  await putJson(ctx, key, standing);
  if (created !== undefined) await setKeyPolicy(ctx, key, created);
}

/** Writes one task's settlement of one provider (once per task and provider) with its policy. */
export async function putSettlement(
  ctx: Context,
  settlement: ProviderSettlementRecord,
  policy: EndorsementRule,
): Promise<void> {
  const key = providerSettlementKey(ctx, settlement.providerId, settlement.taskId);
  await putJson(ctx, key, settlement);
  await setKeyPolicy(ctx, key, policy);
}

/** A provider's full record: registration, standing and the totals of every settlement. */
async function assemble(ctx: Context, registration: ProviderRegistration): Promise<ProviderRecord> {
  const standing = await getStanding(ctx, registration);
  const totals = {
    earned: registration.earned ?? 0,
    penaltiesPaid: registration.penaltiesPaid ?? 0,
    wrongResults: registration.wrongResults ?? 0,
    correctResults: registration.correctResults ?? 0,
  };
  const settled = await listByPartialKey<ProviderSettlementRecord>(ctx, MASTER_KEY.providerSettlement, [
    registration.id,
  ]);
  for (const { value } of settled) {
    totals.earned += value.earned;
    totals.penaltiesPaid += value.penaltiesPaid;
    totals.wrongResults += value.wrongResults;
    totals.correctResults += value.correctResults;
  }
  return {
    id: registration.id,
    mspId: registration.mspId,
    feePerTask: registration.feePerTask,
    ...standing,
    ...totals,
  };
}

/** Every provider's full record, ordered by id (queries: reads every provider key). */
export async function listProviders(ctx: Context): Promise<ProviderRecord[]> {
  const registrations = await listByPartialKey<ProviderRegistration>(ctx, MASTER_KEY.provider, []);
  const out: ProviderRecord[] = [];
  for (const { value } of registrations) out.push(await assemble(ctx, value));
  return out;
}

/** A provider's full record. @throws NOT_FOUND. */
export async function getProvider(ctx: Context, id: string): Promise<ProviderRecord> {
  return assemble(ctx, await getRegistration(ctx, id));
}

/**
 * The provider pool of a new task in the current cycle (MATH.md F.3): the two to dispatch first
 * (the requested ones, or the cheapest eligible), then every other eligible provider by fee and
 * id, with each one's standing (strikes, blacklist) as the arbitration starts. Reads the
 * registrations and standings only, never the settlements.
 * @throws BLACKLISTED, NOT_FOUND or INVALID_STATE from {@link assignProviders}.
 */
export async function providerPoolOf(
  ctx: Context,
  requested: readonly string[],
): Promise<{ cycle: number; pool: ProviderPool }> {
  const cycle = await currentCycle(ctx);
  const registrations = await listByPartialKey<ProviderRegistration>(ctx, MASTER_KEY.provider, []);
  const providers: ProviderEligibility[] = [];
  for (const { value } of registrations) {
    const standing = await getStanding(ctx, value);
    providers.push({
      id: value.id,
      feePerTask: value.feePerTask,
      strikes: standing.strikes,
      blacklistedUntilCycle: standing.blacklistedUntilCycle,
    });
  }
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
