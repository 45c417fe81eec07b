/**
 * Decodes a Fabric block delivered by the peer (`common.Block`) into what the anchor relay
 * records: the three header fields and the slot packages sealed by the block's **valid**
 * transactions (from the `SlotSealed` chaincode events of carbon-slave's `Index:Seal`). A
 * transaction marked invalid in the block's TRANSACTIONS_FILTER metadata sealed nothing.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import type { SealedPackageDigest, SlaveBlockHeader } from './anchor-relay';

/** Name of the chaincode event that carries a sealed slot package (carbon-slave `Index:Seal`). */
export const SLOT_SEALED_EVENT = 'SlotSealed';

const VALID = 0;
const decoder = new TextDecoder();

/** One chaincode event found in a block. */
export interface BlockChaincodeEvent {
  /** Transaction id. */
  readonly transactionId: string;
  /** Chaincode name. */
  readonly chaincodeName: string;
  /** Event name. */
  readonly eventName: string;
  /** Event payload. */
  readonly payload: Uint8Array;
}

/** Header fields and sealed packages of a delivered block. @throws Error when the block has no header. */
export function decodeSlaveBlock(block: common.Block): SlaveBlockHeader {
  const header = block.getHeader();
  if (header === undefined) throw new Error('block has no header');
  const packages: SealedPackageDigest[] = [];
  for (const event of validChaincodeEvents(block)) {
    if (event.eventName !== SLOT_SEALED_EVENT) continue;
    const digest = parseSealedEvent(event.payload);
    if (digest !== undefined) packages.push(digest);
  }
  return {
    number: BigInt(header.getNumber()),
    previousHash: header.getPreviousHash_asU8(),
    dataHash: header.getDataHash_asU8(),
    packages,
  };
}

/** The chaincode events of the block's valid endorser transactions, in block order. */
export function validChaincodeEvents(block: common.Block): BlockChaincodeEvent[] {
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
  const events: BlockChaincodeEvent[] = [];
  envelopes.forEach((envelopeBytes, index) => {
    if (filter !== undefined && filter.length > index && filter[index] !== VALID) return;
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
    );
    const channelHeaderBytes = payload.getHeader()?.getChannelHeader_asU8();
    if (channelHeaderBytes === undefined) return;
    const channelHeader = common.ChannelHeader.deserializeBinary(channelHeaderBytes);
    if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return;
    const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
    for (const action of transaction.getActionsList()) {
      const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
      const responsePayloadBytes = actionPayload.getAction()?.getProposalResponsePayload_asU8();
      if (responsePayloadBytes === undefined) continue;
      const responsePayload = peer.ProposalResponsePayload.deserializeBinary(responsePayloadBytes);
      const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
      const eventBytes = chaincodeAction.getEvents_asU8();
      if (eventBytes.length === 0) continue;
      const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
      events.push({
        transactionId: channelHeader.getTxId(),
        chaincodeName: event.getChaincodeId(),
        eventName: event.getEventName(),
        payload: event.getPayload_asU8(),
      });
    }
  });
  return events;
}

/** `{slot, sha256}` of a `SlotSealed` payload, or undefined when it has another shape. */
export function parseSealedEvent(payload: Uint8Array): SealedPackageDigest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const slot = (value as Record<string, unknown>)['slot'];
  const sha256 = (value as Record<string, unknown>)['sha256'];
  if (
    typeof slot !== 'number' ||
    !Number.isInteger(slot) ||
    typeof sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(sha256)
  ) {
    return undefined;
  }
  return { slot, sha256 };
}
