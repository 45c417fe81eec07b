/**
 * Endorsers behind the caller's own peer. A transaction endorsed by several organizations is
 * simulated on each of their peers, and a peer that has not committed the latest blocks yet
 * answers from older state: it refuses what the newer state allows (the step before is "not
 * found", the answer already there is the first one, the phase has not begun) although the
 * caller's own peer, the one whose commit or event announced the step, holds it already.
 *
 * A refusal at endorsement is therefore trusted only when no endorser was behind the caller's
 * peer. {@link EndorserCatchUp} compares the chain heights (`qscc GetChainInfo`) and waits for an
 * endorser that is behind. A peer's height counts a block once it is stored, a moment before its
 * state database holds it, so a refusal by another organization's peer while the caller's own
 * peer endorsed is also worth asking again after a pause, even when the heights agree. The
 * contract client then proposes the same call afresh (nothing was ordered), a bounded number of
 * times. Nothing is asked while every call succeeds.
 */
import type { Network } from '@hyperledger/fabric-gateway';
import { newLedgerWaiter } from './ledger-height';
import { abortableSleep, PollTimeoutError } from './polling';

/** A chaincode refusal at endorsement. */
export interface EndorsementRefusal {
  /** The organizations named to endorse. */
  readonly endorsers: readonly string[];
  /** The organizations whose peers refused (from the gateway's details). */
  readonly refusers: readonly string[];
  /** How many times this call was proposed again already (0 at the first refusal). */
  readonly round: number;
}

/**
 * Waits for the endorsers of a refused call to hold what the caller's peer holds.
 * @returns true when asking again is worthwhile (an endorser was behind and has caught up, or
 * only other organizations' peers refused while the caller's endorsed); false when the refusal
 * stands (the caller's own peer refused too and none was behind, or one stayed behind past the
 * time limit).
 */
export type EndorserCatchUp = (refusal: EndorsementRefusal) => Promise<boolean>;

/** Options of {@link newEndorserCatchUp}. */
export interface EndorserCatchUpOptions {
  /** The caller's own organization, whose peer is the reference. @default the gateway's own peer */
  readonly own?: string;
  /** How long an endorser may take to catch up, ms. @default 60 000 */
  readonly timeoutMs?: number;
  /** Pause before asking again when the heights agree, ms, doubled each round up to 4 s. @default 250 */
  readonly settleMs?: number;
  /** Waits (tests). @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** An {@link EndorserCatchUp} on `network`'s channel. */
export function newEndorserCatchUp(network: Network, options: EndorserCatchUpOptions = {}): EndorserCatchUp {
  const channel = network.getName();
  const own = options.own;
  const reference = newLedgerWaiter(() => network, own === undefined ? undefined : [own]);
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms));
  return async ({ endorsers, refusers, round }) => {
    const height = await reference.height(channel);
    let behind = false;
    for (const organization of endorsers) {
      if (organization === own) continue;
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
    if (behind) return true;
    const ownEndorsed = own !== undefined && endorsers.includes(own) && !refusers.includes(own);
    if (!ownEndorsed || refusers.length === 0) return false;
    await sleep(Math.min(4_000, (options.settleMs ?? 250) * 2 ** round));
    return true;
  };
}
