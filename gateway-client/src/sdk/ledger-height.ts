/**
 * Waits until a peer has committed a given block. A transaction submitted through one org's
 * gateway peer is committed there when `submit` returns, but another org's peer may still be a
 * block behind; a step that must read the result through *its own* peer (the HV substation
 * sealing the LV measurements, condition a reading GridCo's request) waits for it first.
 * Uses `qscc GetChainInfo`, which any channel member may call.
 */
import { common } from '@hyperledger/fabric-protos';
import type { Network } from '@hyperledger/fabric-gateway';
import { parseGatewayError } from './error-parser';
import { pollUntil } from './polling';
import { DEFAULT_RETRY_POLICY, withRetry } from './retry-policy';

/** Waits for blocks on the peer behind a gateway connection. */
export interface LedgerWaiter {
  /** The channel's height on the peer (number of blocks). */
  height(channel: string): Promise<bigint>;
  /**
   * Resolves once block `blockNumber` of `channel` is committed on the peer.
   * @throws Error after `timeoutMs` (default 60 s).
   */
  waitForBlock(channel: string, blockNumber: bigint, timeoutMs?: number): Promise<void>;
}

/**
 * A {@link LedgerWaiter} for the peers of `organizations` (normally the caller's own org; without
 * it the gateway answers from its own organization's peer, or from another organization's peer
 * when that one fails).
 */
export function newLedgerWaiter(
  networkOf: (channel: string) => Network,
  organizations?: readonly string[],
): LedgerWaiter {
  // the peer may be restarting (a crash, a rolling upgrade): a transient transport failure is
  // asked again within the SDK's default retry budget (≈ 48–96 s), like every other call
  const height = (channel: string): Promise<bigint> =>
    withRetry(() => heightOnce(channel), DEFAULT_RETRY_POLICY);
  const heightOnce = async (channel: string): Promise<bigint> => {
    try {
      const bytes = await networkOf(channel)
        .getContract('qscc')
        .evaluate('GetChainInfo', {
          arguments: [channel],
          ...(organizations === undefined ? {} : { endorsingOrganizations: [...organizations] }),
        });
      return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
    } catch (error: unknown) {
      throw parseGatewayError(error, {
        site: { channel, chaincode: 'qscc', transaction: 'GetChainInfo' },
        step: 'evaluate',
      });
    }
  };
  return {
    height,
    async waitForBlock(channel: string, blockNumber: bigint, timeoutMs = 60_000): Promise<void> {
      await pollUntil(async () => ((await height(channel)) > blockNumber ? true : undefined), {
        what: `the commit of block ${blockNumber} of ${channel}`,
        timeoutMs,
      });
    },
  };
}
