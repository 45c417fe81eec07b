/**
 * Chaincode events. Fabric keeps only the last `setEvent` of a transaction, so each transaction
 * emits exactly one event, at its end, with a canonical JSON payload.
 */
import type { Context } from 'fabric-contract-api';
import { toBytes } from './ledger-state';

/** Emits the transaction's single event. */
export function emitEvent(ctx: Context, name: string, payload: unknown): void {
  ctx.stub.setEvent(name, toBytes(payload));
}
