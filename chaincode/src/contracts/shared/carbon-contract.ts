/**
 * The base of every carbontrace contract: maps thrown errors to the `CODE: message` wire format
 * (only `error.message` crosses the wire) so clients can parse them back into typed errors.
 */
import { Context, Contract } from 'fabric-contract-api';
import { CarbonTraceError, ERROR_CODES, formatWireError } from '../../common/errors';

/** Turns any thrown value into an Error whose message is `CODE: text`. */
export function toWireError(error: unknown): Error {
  if (error instanceof CarbonTraceError) return new Error(formatWireError(error));
  const message = error instanceof Error ? error.message : String(error);
  if (ERROR_CODES.some((code) => message.startsWith(`${code}: `))) return new Error(message);
  return new Error(`INTERNAL: ${message}`);
}

type RunTransaction = (ctx: Context, fn: unknown, parameters: unknown) => Promise<unknown>;

/** A named contract whose transactions fail with wire-format messages. */
export abstract class CarbonContract extends Contract {
  /** Runs the transaction function and rewrites its error (fabric-contract-api passes the function's name). */
  override async aroundTransaction(ctx: Context, fn: unknown, parameters: unknown): Promise<void> {
    // The typings say Promise<void>, but the runtime returns the transaction's result.
    const invoke = super.aroundTransaction.bind(this) as unknown as RunTransaction;
    try {
      return (await invoke(ctx, fn, parameters)) as undefined;
    } catch (error: unknown) {
      throw toWireError(error);
    }
  }
}
