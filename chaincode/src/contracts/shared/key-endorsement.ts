/**
 * Key-level (state-based) endorsement (DESIGN.md §7): a key written by one organization's decision
 * gets a policy that requires that organization's peer, so no other organization can rewrite it.
 */
import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';

/** Requires a peer of every one of `mspIds` to endorse future writes of `key`. */
export async function restrictKeyToOrgs(
  ctx: Context,
  key: string,
  ...mspIds: readonly string[]
): Promise<void> {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', ...mspIds);
  await ctx.stub.setStateValidationParameter(key, policy.getPolicy());
}
