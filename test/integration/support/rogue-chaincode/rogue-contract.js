/*
 * An ATTACKER's chaincode for the rogue-endorser integration tests (never deployed by the
 * project's scripts): the honest contracts plus `Rogue`, whose transactions write whatever key,
 * private value or key-level policy the caller names, with every check switched off. It stands
 * for an organization that runs modified code on its own chaincode server (DESIGN.md §8).
 * Plain JavaScript: the chaincode server loads it directly.
 */
'use strict';
const { Contract } = require('fabric-contract-api');

class RogueContract extends Contract {
  constructor() {
    super('Rogue');
  }

  /** Writes `value` (UTF-8) at `key` on the channel. */
  async PutState(ctx, key, value) {
    await ctx.stub.putState(key, Buffer.from(value, 'utf8'));
    return 'forged';
  }

  /** Writes `value` (UTF-8) at `key` in a private collection. */
  async PutPrivate(ctx, collection, key, value) {
    await ctx.stub.putPrivateData(collection, key, Buffer.from(value, 'utf8'));
    return 'forged';
  }

  /** Replaces the key-level policy of `key` (base64 SignaturePolicyEnvelope). */
  async SetPolicy(ctx, key, policyBase64) {
    await ctx.stub.setStateValidationParameter(key, Buffer.from(policyBase64, 'base64'));
    return 'forged';
  }

  /** Reads a key as this peer's committed state holds it. */
  async GetRaw(ctx, key) {
    const bytes = await ctx.stub.getState(key);
    return Buffer.from(bytes).toString('utf8');
  }
}

/** Builds the module the chaincode server loads: the honest contracts of `honestEntry` + Rogue. */
function rogueContracts(honestEntry) {
  // eslint-disable-next-line global-require
  const honest = require(honestEntry);
  return [...honest.contracts, RogueContract];
}

module.exports = { RogueContract, rogueContracts };
