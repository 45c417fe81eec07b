/**
 * Cloud providers' records and the rules of MATH.md F.3 that touch them: fees, penalties, strikes,
 * and the blacklist (two wrong results ⇒ excluded for the next three cycles). Pure functions.
 */
import { CarbonTraceError } from '../../common/errors';

/** Strikes that trigger the blacklist. */
export const STRIKES_TO_BLACKLIST = 2;
/** Cycles a provider stays excluded after the offending cycle. */
export const BLACKLIST_CYCLES = 3;

/** A provider as stored. */
export interface ProviderRecord {
  /** Organization id, e.g. `CloudA`. */
  readonly id: string;
  readonly mspId: string;
  /** Fee per task. */
  readonly feePerTask: number;
  /** Strikes since the last blacklisting. */
  readonly strikes: number;
  /** Wrong results ever. */
  readonly wrongResults: number;
  /** Accepted (correct) results ever. */
  readonly correctResults: number;
  /** Last cycle of exclusion, or null when never blacklisted. */
  readonly blacklistedUntilCycle: number | null;
  /** Times blacklisted. */
  readonly blacklistings: number;
  /** Fees received. */
  readonly earned: number;
  /** Penalties paid. */
  readonly penaltiesPaid: number;
}

/** What assignment needs of a provider: its id, fee and standing (not its running totals). */
export type ProviderEligibility = Pick<
  ProviderRecord,
  'id' | 'feePerTask' | 'strikes' | 'blacklistedUntilCycle'
>;

/** A new provider. */
export function newProvider(id: string, mspId: string, feePerTask: number): ProviderRecord {
  return {
    id,
    mspId,
    feePerTask,
    strikes: 0,
    wrongResults: 0,
    correctResults: 0,
    blacklistedUntilCycle: null,
    blacklistings: 0,
    earned: 0,
    penaltiesPaid: 0,
  };
}

/** True when the provider is excluded in `cycle`. */
export function isBlacklisted(
  provider: Pick<ProviderRecord, 'blacklistedUntilCycle'>,
  cycle: number,
): boolean {
  return provider.blacklistedUntilCycle !== null && cycle <= provider.blacklistedUntilCycle;
}

/** A wrong result in `cycle`: strike += 1; at two strikes, blacklisted until cycle + 3 and strikes reset. */
export function strikeProvider(provider: ProviderRecord, cycle: number): ProviderRecord {
  const strikes = provider.strikes + 1;
  const base = { ...provider, wrongResults: provider.wrongResults + 1 };
  if (strikes >= STRIKES_TO_BLACKLIST) {
    return {
      ...base,
      strikes: 0,
      blacklistedUntilCycle: cycle + BLACKLIST_CYCLES,
      blacklistings: provider.blacklistings + 1,
    };
  }
  return { ...base, strikes };
}

/** A correct result paid `fee`. */
export function payProvider(provider: ProviderRecord, fee: number): ProviderRecord {
  return { ...provider, correctResults: provider.correctResults + 1, earned: provider.earned + fee };
}

/** A penalty of `amount` charged. */
export function chargeProvider(provider: ProviderRecord, amount: number): ProviderRecord {
  return { ...provider, penaltiesPaid: provider.penaltiesPaid + amount };
}

/**
 * Picks `count` distinct providers not blacklisted in `cycle`: the requested ids in order, or the
 * cheapest (ties: lower id) when none are requested.
 * @throws CarbonTraceError BLACKLISTED for a requested blacklisted provider, NOT_FOUND for an
 * unknown one, INVALID_STATE when too few providers are eligible.
 */
export function assignProviders<P extends ProviderEligibility>(
  providers: readonly P[],
  cycle: number,
  count: number,
  requested: readonly string[] = [],
  exclude: readonly string[] = [],
): P[] {
  if (requested.length > 0) {
    if (new Set(requested).size !== requested.length || requested.length !== count) {
      throw new CarbonTraceError(
        'INVALID_ARGUMENT',
        `exactly ${count} distinct providers must be requested`,
        {
          field: 'providers',
        },
      );
    }
    return requested.map((id) => {
      const p = providers.find((x) => x.id === id);
      if (p === undefined)
        throw new CarbonTraceError('NOT_FOUND', `provider ${id} is not registered`, { provider: id });
      if (isBlacklisted(p, cycle)) {
        throw new CarbonTraceError(
          'BLACKLISTED',
          `provider ${id} is blacklisted until cycle ${p.blacklistedUntilCycle ?? 0}`,
          {
            provider: id,
            cycle,
          },
        );
      }
      if (exclude.includes(id)) {
        throw new CarbonTraceError('INVALID_ARGUMENT', `provider ${id} already works on this task`, {
          provider: id,
        });
      }
      return p;
    });
  }
  const eligible = providers
    .filter((p) => !isBlacklisted(p, cycle) && !exclude.includes(p.id))
    .sort((a, b) => (a.feePerTask !== b.feePerTask ? a.feePerTask - b.feePerTask : a.id < b.id ? -1 : 1));
  if (eligible.length < count) {
    throw new CarbonTraceError(
      'INVALID_STATE',
      `only ${eligible.length} eligible providers, ${count} needed`,
      {
        eligible: eligible.length,
        needed: count,
      },
    );
  }
  return eligible.slice(0, count);
}
