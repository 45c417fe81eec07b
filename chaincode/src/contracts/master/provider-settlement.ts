/**
 * Provider settlement at the end of an arbitration (MATH.md F.3): what the task gave and took from
 * each assigned provider (fees earned, penalties paid, wrong and correct results) is written once
 * under the task's own key, and the standing (strikes, blacklist) only when the task changed it,
 * so that settling an honest task writes nothing a concurrent condition a reads (provider-ledger.ts).
 * Key policy: the regulator plus one other organization.
 */
import type { Context } from 'fabric-contract-api';
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
    const after = state.pool.standing[id];
    if (after === undefined) continue;
    const { standing: before, stored } = await readStanding(ctx, await getRegistration(ctx, id));
    if (after.strikes === before.strikes && after.blacklistedUntil === before.blacklistedUntilCycle) continue;
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
