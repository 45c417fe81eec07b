/**
 * Provider settlement at the end of an arbitration (MATH.md F.3): each assigned provider's fees
 * earned, penalties paid, strikes, wrong and correct results and blacklisting, written to the
 * public provider records (key policy: the regulator plus one other organization).
 */
import type { Context } from 'fabric-contract-api';
import type { ArbitrationState } from '../../outsourcing/arbitration';
import { getProvider, putProvider } from './provider-ledger';
import type { ProviderRecord } from './provider-record';

/** Applies a settled arbitration's transfers, strikes and blacklistings to the provider records. */
export async function settleProviders(ctx: Context, state: ArbitrationState): Promise<void> {
  const assigned = new Set(Object.values(state.assignment).filter((v): v is string => v !== null));
  for (const id of [...assigned].sort()) {
    const before: ProviderRecord = await getProvider(ctx, id);
    const standing = state.pool.standing[id];
    let earned = 0;
    let penalties = 0;
    let paidFee = false;
    for (const t of state.transfers) {
      if (t.to === id) {
        earned += t.amount;
        if (t.reason === 'fee') paidFee = true;
      }
      if (t.from === id) penalties += t.amount;
    }
    const wrong = state.strikesThisTask[id] ?? 0;
    const blacklistedUntil = standing?.blacklistedUntil ?? before.blacklistedUntilCycle;
    await putProvider(ctx, {
      ...before,
      strikes: standing?.strikes ?? before.strikes,
      blacklistedUntilCycle: blacklistedUntil,
      blacklistings: before.blacklistings + (blacklistedUntil !== before.blacklistedUntilCycle ? 1 : 0),
      wrongResults: before.wrongResults + wrong,
      correctResults: before.correctResults + (paidFee ? 1 : 0),
      earned: before.earned + earned,
      penaltiesPaid: before.penaltiesPaid + penalties,
    });
  }
}
