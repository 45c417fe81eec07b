/**
 * Reads ledger facts through the peer's system chaincode `qscc` (as any channel member may):
 * chain info (height, current and previous block hash) and blocks by number, decoded with
 * @hyperledger/fabric-protos (the protobuf definitions fabric-gateway itself uses).
 */
import { common } from '@hyperledger/fabric-protos';
import type { Network } from '@hyperledger/fabric-gateway';

/** `qscc GetChainInfo` for a channel. */
export interface ChainInfo {
  /** Number of blocks (the last block is `height - 1`). */
  readonly height: bigint;
  /** Header hash of the last block. */
  readonly currentBlockHash: Uint8Array;
  /** Header hash of the block before it. */
  readonly previousBlockHash: Uint8Array;
}

/** The header of a block as stored on the ledger. */
export interface LedgerBlockHeader {
  readonly number: bigint;
  readonly previousHash: Uint8Array;
  readonly dataHash: Uint8Array;
}

/** Calls `qscc GetChainInfo` on the network's channel through the gateway's peer. */
export async function getChainInfo(network: Network): Promise<ChainInfo> {
  const bytes = await network.getContract('qscc').evaluateTransaction('GetChainInfo', network.getName());
  const info = common.BlockchainInfo.deserializeBinary(bytes);
  return {
    height: BigInt(info.getHeight()),
    currentBlockHash: info.getCurrentblockhash_asU8(),
    previousBlockHash: info.getPreviousblockhash_asU8(),
  };
}

/** Calls `qscc GetBlockByNumber` and returns the block's header. */
export async function getBlockHeader(network: Network, blockNumber: bigint): Promise<LedgerBlockHeader> {
  const bytes = await network
    .getContract('qscc')
    .evaluateTransaction('GetBlockByNumber', network.getName(), blockNumber.toString());
  const header = common.Block.deserializeBinary(bytes).getHeader();
  if (header === undefined) throw new Error(`block ${blockNumber} of ${network.getName()} has no header`);
  return {
    number: BigInt(header.getNumber()),
    previousHash: header.getPreviousHash_asU8(),
    dataHash: header.getDataHash_asU8(),
  };
}
