/**
 * Endorsers behind the caller's own peer. A transaction endorsed by several organizations is
 * simulated on each of their peers, and a peer that has not committed the latest blocks yet
 * answers from older state: it refuses what the newer state allows (the step before is "not
 * found", the answer already there is the first one, the phase has not begun) although the
 * caller's own peer, the one whose commit or event announced the step, holds it already.
 *
 * A refusal at endorsement is therefore trusted only when no endorser was behind the caller's
 * peer. {@link EndorserCatchUp} compares the chain heights (`qscc GetChainInfo`) and, when an
 * endorser is behind, waits until it has caught up, so that the contract client can propose the
 * same call afresh (nothing was ordered). Nothing is asked while every call succeeds.
 */
import type { Network } from '@hyperledger/fabric-gateway';
import { newLedgerWaiter } from './ledger-height';
import { PollTimeoutError } from './polling';

/**
 * Waits until the peers of `organizations` hold every block the caller's peer holds.
 * @returns true when one of them was behind and has caught up (asking again is worthwhile);
 * false when none was behind, or one stayed behind past the time limit (the refusal stands).
 */
export type EndorserCatchUp = (organizations: readonly string[]) => Promise<boolean>;

/** Options of {@link newEndorserCatchUp}. */
export interface EndorserCatchUpOptions {
  /** Organizations whose peer is the caller's own. @default the gateway's own peer */
  readonly reference?: readonly string[];
  /** How long an endorser may take to catch up, ms. @default 60 000 */
  readonly timeoutMs?: number;
}

/** An {@link EndorserCatchUp} on `network`'s channel. */
export function newEndorserCatchUp(network: Network, options: EndorserCatchUpOptions = {}): EndorserCatchUp {
  const channel = network.getName();
  const own = newLedgerWaiter(() => network, options.reference);
  return async (organizations) => {
    const height = await own.height(channel);
    let behind = false;
    for (const organization of organizations) {
      const peer = newLedgerWaiter(() => network, [organization]);
      if ((await peer.height(channel)) >= height) continue;
      behind = true;
      try {
        await peer.waitForBlock(channel, height - 1n, options.timeoutMs ?? 60_000);
      } catch (error: unknown) {
        if (error instanceof PollTimeoutError) return false;
        throw error;
      }
    }
    return behind;
  };
}
