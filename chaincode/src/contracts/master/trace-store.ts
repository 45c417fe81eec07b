/**
 * Where the Trace contract's records live (trace-records.ts): public keys and the two kinds of
 * private collection, each written with its key-level policy when the key is created.
 */
import type { Context } from 'fabric-contract-api';
import { CarbonTraceError } from '../../common/errors';
import { canonicalSha256 } from '../shared/hashing';
import type { EndorsementRule } from '../shared/key-endorsement';
import { setKeyPolicy, setPrivateKeyPolicy } from '../shared/key-endorsement';
import { getPrivateJson, putJson, putPrivateJson } from '../shared/ledger-state';
import { providerCollection, regionCollection } from '../shared/network-orgs';

/** Writes a public key; `created` gives the policy of a key written for the first time. */
export async function putPublic(
  ctx: Context,
  key: string,
  value: unknown,
  created?: EndorsementRule,
): Promise<void> {
  await putJson(ctx, key, value);
  if (created !== undefined) await setKeyPolicy(ctx, key, created);
}

/** A private record of a region (`region-<hv>`), or undefined. */
export async function getRegionRecord<T>(ctx: Context, channel: string, key: string): Promise<T | undefined> {
  return getPrivateJson<T>(ctx, regionCollection(channel), key);
}

/** A private record of a region. @throws NOT_FOUND naming `what`. */
export async function mustGetRegionRecord<T>(
  ctx: Context,
  channel: string,
  key: string,
  what: string,
): Promise<T> {
  const value = await getRegionRecord<T>(ctx, channel, key);
  if (value === undefined) throw new CarbonTraceError('NOT_FOUND', `${what} does not exist`, { channel });
  return value;
}

/** Writes a region's private record; `created` gives the key policy of a new key. */
export async function putRegionRecord(
  ctx: Context,
  channel: string,
  key: string,
  value: unknown,
  created?: EndorsementRule,
): Promise<void> {
  const collection = regionCollection(channel);
  await putPrivateJson(ctx, collection, key, value);
  if (created !== undefined) await setPrivateKeyPolicy(ctx, collection, key, created);
}

/** A provider's private record (`tasks-<provider>`), or undefined. */
export async function getProviderRecord<T>(
  ctx: Context,
  providerId: string,
  key: string,
): Promise<T | undefined> {
  return getPrivateJson<T>(ctx, providerCollection(providerId), key);
}

/** Writes a provider's private record with the key policy of a new key. */
export async function putProviderRecord(
  ctx: Context,
  providerId: string,
  key: string,
  value: unknown,
  created: EndorsementRule,
): Promise<void> {
  const collection = providerCollection(providerId);
  await putPrivateJson(ctx, collection, key, value);
  await setPrivateKeyPolicy(ctx, collection, key, created);
}

/**
 * Checks a private value against the digest its public record carries (the on-channel hash any
 * endorser and the regulator can compare with the private data they hold).
 * @throws HASH_MISMATCH naming `what` and the task.
 */
export function assertMatchesDigest(value: unknown, sha256: string, what: string, taskId: string): void {
  if (canonicalSha256(value) !== sha256) {
    throw new CarbonTraceError(
      'HASH_MISMATCH',
      `${what} of task ${taskId} do not match their public digest`,
      { taskId },
    );
  }
}
