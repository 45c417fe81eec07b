/**
 * Provider settlement at the end of an arbitration (MATH.md F.3): what the task gave and took from
 * each assigned provider (fees earned, penalties paid, wrong and correct results) is written once
 * under the task's own key, and the standing (strikes, blacklist) only of a provider the task
 * struck, so that settling an honest task neither reads nor writes anything a concurrent condition
 * a reads (provider-ledger.ts).
 *
 * The strikes are added to the standing stored now, not to the snapshot the task's pool took at
 * condition a: tasks of two regions overlap, and a snapshot-based write would let one task's
 * settlement undo (or swallow) a strike another task committed in between. Two tasks that strike
 * the same provider both read and write its standing, so the later one MVCC-conflicts and its
 * retry adds its strike to the new value.
 * Key policy: the regulator plus one other organization.
 */
import type { Context } from 'fabric-contract-api';
import { afterStrikes } from '../../outsourcing/arbitration';
import type { ArbitrationState } from '../../outsourcing/arbitration';
import { readNetworkOrgs } from '../shared/network-orgs';
import { sharedMasterPolicy } from '../shared/trust-policies';
import { getRegistration, putSettlement, putStanding, readStanding } from './provider-ledger';

/** Applies a settled arbitration's transfers, strikes and blacklistings to the providers' records. */
export async function settleProviders(ctx: Context, state: ArbitrationState): Promise<void> {
  const policy = sharedMasterPolicy(await readNetworkOrgs(ctx));
  const assigned = new Set(Object.values(state.assignment).filter((v): v is string => v !== null));
  for (const id of [...assigned].sort()) {
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
    await putSettlement(
      ctx,
      {
        providerId: id,
        taskId: state.taskId,
        earned,
        penaltiesPaid: penalties,
        wrongResults: state.strikesThisTask[id] ?? 0,
        correctResults: paidFee ? 1 : 0,
      },
      policy,
    );
    const strikes = state.strikesThisTask[id] ?? 0;
    if (strikes <= 0) continue;
    const { standing: before, stored } = await readStanding(ctx, await getRegistration(ctx, id));
    const after = afterStrikes(
      { strikes: before.strikes, blacklistedUntil: before.blacklistedUntilCycle },
      strikes,
      state.cycle,
    );
    await putStanding(
      ctx,
      id,
      {
        strikes: after.strikes,
        blacklistedUntilCycle: after.blacklistedUntil,
        blacklistings:
          before.blacklistings + (after.blacklistedUntil !== before.blacklistedUntilCycle ? 1 : 0),
      },
      // the key's policy is set once, when the standing is first written
      stored ? undefined : policy,
    );
  }
}
