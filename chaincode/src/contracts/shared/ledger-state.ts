/**
 * Canonical-JSON world-state helpers: every value written by the contracts goes through
 * {@link putJson}, so all endorsers write the same bytes; reads parse it back.
 */
import type { Context } from 'fabric-contract-api';
import { canonicalJson } from '../../common/canonical-json';
import { CarbonTraceError } from '../../common/errors';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** UTF-8 bytes of the canonical JSON of `value`. */
export function toBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value));
}

/** Parses bytes written by {@link toBytes}. @throws CarbonTraceError INTERNAL on corrupt state. */
export function fromBytes(bytes: Uint8Array, key: string): unknown {
  try {
    return JSON.parse(decoder.decode(bytes)) as unknown;
  } catch {
    throw new CarbonTraceError('INTERNAL', `state at ${key} is not JSON`, { key });
  }
}

/**
 * Reads a state value written by this chaincode, or undefined when absent. The type parameter is
 * trusted: only this chaincode writes these keys, always through {@link putJson}.
 */
export async function getJson<T>(ctx: Context, key: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(key);
  if (bytes.length === 0) return undefined;
  return fromBytes(bytes, key) as T;
}

/** Like {@link getJson} but absent state is an error. @throws CarbonTraceError NOT_FOUND naming `what`. */
export async function mustGetJson<T>(ctx: Context, key: string, what: string): Promise<T> {
  const value = await getJson<T>(ctx, key);
  if (value === undefined) {
    throw new CarbonTraceError('NOT_FOUND', `${what} does not exist`, { key });
  }
  return value;
}

/** Writes `value` as canonical JSON; returns the JSON text written (to hash it without a second pass). */
export async function putJson(ctx: Context, key: string, value: unknown): Promise<string> {
  const text = canonicalJson(value);
  await ctx.stub.putState(key, encoder.encode(text));
  return text;
}

/** True when the key holds a value. */
export async function exists(ctx: Context, key: string): Promise<boolean> {
  const bytes = await ctx.stub.getState(key);
  return bytes.length > 0;
}

/** All values under a composite-key prefix, in key order. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- typed read of our own state
export async function listByPartialKey<T>(
  ctx: Context,
  objectType: string,
  attributes: readonly string[],
): Promise<{ key: string; value: T }[]> {
  const out: { key: string; value: T }[] = [];
  const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, [...attributes]);
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      out.push({ key: next.value.key, value: fromBytes(next.value.value, next.value.key) as T });
    }
  } finally {
    await iterator.close();
  }
  return out;
}

/**
 * Every value a key has held, newest first, from the peer's history database (Fabric does not
 * re-check history reads at validation: use it in queries and in paths that write nothing).
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- typed read of our own state
export async function keyHistory<T>(ctx: Context, key: string): Promise<{ txId: string; value: T }[]> {
  const out: { txId: string; value: T }[] = [];
  const iterator = await ctx.stub.getHistoryForKey(key);
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      if (next.value.isDelete) continue;
      out.push({ txId: next.value.txId, value: fromBytes(next.value.value, key) as T });
    }
  } finally {
    await iterator.close();
  }
  return out;
}

/** Reads a private value written by this chaincode, or undefined. */
export async function getPrivateJson<T>(
  ctx: Context,
  collection: string,
  key: string,
): Promise<T | undefined> {
  const bytes = await ctx.stub.getPrivateData(collection, key);
  if (bytes.length === 0) return undefined;
  return fromBytes(bytes, key) as T;
}

/** Writes a private value as canonical JSON. */
export async function putPrivateJson(
  ctx: Context,
  collection: string,
  key: string,
  value: unknown,
): Promise<void> {
  await ctx.stub.putPrivateData(collection, key, toBytes(value));
}

/** A fixed-width decimal string so that composite keys sort numerically (12 digits). */
export function padNumber(value: number, width = 12): string {
  return String(value).padStart(width, '0');
}
