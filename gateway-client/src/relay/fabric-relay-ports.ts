/**
 * The anchor relay's ports over Fabric: slave blocks from the HV peer's block events, and the
 * master ledger through the HV substation client (anchor head, EA-DPoS schedule, idempotent
 * recording of verification blocks and package digests).
 */
import type { Network } from '@hyperledger/fabric-gateway';
import { CarbonTraceError } from '@carbontrace/chaincode';
import type { HvSubstationClient, VerificationSchedule } from '../clients/hv-substation-client';
import { isContractError } from '../sdk/client-errors';
import { parseGatewayError } from '../sdk/error-parser';
import { TransportError } from '../sdk/client-errors';
import type { CallSite } from '../sdk/client-errors';
import type { AnchorEntry, AnchorHead, AnchorLedger, BlockStream, SlaveBlockSource } from './anchor-relay';
import { decodeSlaveBlock } from './slave-block';
import { abortableSleep } from '../sdk/polling';

/** Slave blocks from a peer's block event service (full blocks, so their events can be read). */
export function newPeerBlockSource(network: Network): SlaveBlockSource {
  return {
    async open(startBlock: bigint): Promise<BlockStream> {
      const site = { channel: network.getName(), chaincode: '-', transaction: 'BlockEvents' };
      let events;
      try {
        events = await network.getBlockEvents({ startBlock });
      } catch (error: unknown) {
        throw parseGatewayError(error, { site, step: 'events' });
      }
      const source = events;
      async function* headers(): AsyncGenerator<ReturnType<typeof decodeSlaveBlock>> {
        try {
          for await (const block of source) yield decodeSlaveBlock(block);
        } catch (error: unknown) {
          throw streamError(error, site);
        }
      }
      const iterable = headers();
      return {
        [Symbol.asyncIterator]: () => iterable,
        close: () => {
          source.close();
        },
      };
    },
  };
}

/** Options of {@link newMasterAnchorLedger}. */
export interface MasterAnchorLedgerOptions {
  /** The HV substation's client. */
  readonly hv: HvSubstationClient;
  /**
   * Longest wait between schedule polls, ms.
   * @default 1000
   */
  readonly pollMs?: number;
  /** Clock in seconds since 1970 (tests pass a fake). @default Date.now()/1000 */
  readonly nowSeconds?: () => number;
  /** Abortable sleep. @default a timer */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The master ledger as the relay needs it, through an {@link HvSubstationClient}. */
export function newMasterAnchorLedger(options: Readonly<MasterAnchorLedgerOptions>): AnchorLedger {
  const { hv } = options;
  const pollMs = options.pollMs ?? 1000;
  const nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000);
  const sleep = options.sleep ?? abortableSleep;

  const waitMs = (schedule: VerificationSchedule): number | undefined => {
    switch (schedule.mode) {
      case 'open':
        return undefined;
      case 'consensus':
        return schedule.producers.includes(hv.nodeId) ? undefined : pollMs;
      case 'slots': {
        if (schedule.producer === hv.nodeId) return undefined;
        const index = schedule.producers.indexOf(hv.nodeId);
        const { slot, slotSeconds, activeSinceSeconds } = schedule;
        if (index < 0 || slot === null || slotSeconds === undefined || activeSinceSeconds === undefined)
          return pollMs;
        const n = schedule.producers.length;
        const nextSlot = slot + ((((index - slot) % n) + n) % n);
        const untilMs = (activeSinceSeconds + nextSlot * slotSeconds - nowSeconds()) * 1000;
        return Math.max(50, Math.min(pollMs, untilMs));
      }
    }
  };

  const awaitTurn = async (signal: AbortSignal): Promise<void> => {
    for (;;) {
      const wait = waitMs(await hv.schedule());
      if (wait === undefined) return;
      await sleep(wait, signal);
    }
  };

  return {
    async head(channel: string): Promise<AnchorHead | undefined> {
      const head = await hv.anchorHead(channel);
      return head === undefined ? undefined : { blockNumber: head.blockNumber, headerHash: head.headerHash };
    },
    awaitTurn,
    async record(channel: string, entries: readonly AnchorEntry[]): Promise<AnchorHead> {
      let head = await hv.anchorHead(channel);
      for (let attempt = 0; ; attempt++) {
        const held = head;
        const alreadyHeld = entries.find((e) => held !== undefined && e.blockNumber === held.blockNumber);
        if (held !== undefined && alreadyHeld !== undefined && alreadyHeld.headerHash !== held.headerHash) {
          throw new CarbonTraceError(
            'ANCHOR_FORK',
            `${channel} block ${held.blockNumber} is anchored with another hash`,
            {
              channel,
              blockNumber: held.blockNumber,
            },
          );
        }
        const fresh = entries.filter((e) => held === undefined || e.blockNumber > held.blockNumber);
        if (fresh.length === 0) break;
        try {
          head = await hv.recordAnchors(channel, fresh);
          break;
        } catch (error: unknown) {
          if (attempt >= 20) throw error;
          if (isContractError(error, 'INVALID_STATE')) {
            // The slot passed between the schedule query and endorsement: wait for the next turn.
            await awaitTurn(new AbortController().signal);
          } else if (isContractError(error, 'ANCHOR_GAP')) {
            // The entries continue the head our own peer holds, so a gap is the co-endorser (the
            // regulator's peer) not having committed our previous anchor yet: let it catch up.
            await sleep(Math.min(1_000, 100 * 2 ** attempt), new AbortController().signal);
          } else if (!isContractError(error, 'ANCHOR_FORK')) {
            throw error;
          }
          // ANCHOR_FORK "already anchored": another recorder got there first; re-read the head
          // (a real fork, a different hash at the same height, is refused above).
          head = await hv.anchorHead(channel);
        }
      }
      for (const entry of entries) {
        for (const pkg of entry.packages) {
          await hv.recordPackage(channel, {
            slot: pkg.slot,
            sha256: pkg.sha256,
            blockNumber: entry.blockNumber,
          });
        }
      }
      if (head === undefined) {
        throw new CarbonTraceError('INTERNAL', `${channel} has no anchor head after recording`, { channel });
      }
      return { blockNumber: head.blockNumber, headerHash: head.headerHash };
    },
  };
}

/**
 * A failure of an event stream as a {@link TransportError}: the long-running loops reconnect on
 * those. Errors the gateway client raises itself (e.g. an unexpected deliver status such as a
 * block beyond the chain's end) are transport failures of the stream too.
 */
function streamError(error: unknown, site: CallSite): TransportError {
  const parsed = parseGatewayError(error, { site, step: 'events' });
  if (parsed instanceof TransportError) return parsed;
  return new TransportError('OTHER', 'events', { message: parsed.message, site, cause: error });
}
