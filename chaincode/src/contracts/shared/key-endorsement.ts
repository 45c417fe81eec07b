/**
 * Key-level (state-based) endorsement (DESIGN.md §8): every key gets, when it is created, a policy
 * naming which organizations' peers must endorse any later write of it. Policies are trees of
 * `n out of` rules over `<MSP>.peer` principals, encoded as Fabric's `SignaturePolicyEnvelope`, so
 * they can say "the owner and one independent verifier" (`allOf(owner, anyOf(hv, regulator))`),
 * which the shim's own `KeyEndorsementPolicy` (an AND of organizations only) cannot.
 */
import { common, msp } from '@hyperledger/fabric-protos';
import type { Context } from 'fabric-contract-api';

/** A signature rule over organizations' peers. */
export type EndorsementRule =
  | { readonly kind: 'peer'; readonly mspId: string }
  | { readonly kind: 'outOf'; readonly n: number; readonly rules: readonly EndorsementRule[] };

/** A peer of `mspId`. */
export function peerOf(mspId: string): EndorsementRule {
  return { kind: 'peer', mspId };
}

/** At least `n` of `rules`. */
export function outOf(n: number, ...rules: readonly (EndorsementRule | string)[]): EndorsementRule {
  const list = rules.map((r) => (typeof r === 'string' ? peerOf(r) : r));
  if (!Number.isInteger(n) || n < 1 || n > list.length) {
    throw new RangeError(`outOf(${n}) over ${list.length} rules`);
  }
  return { kind: 'outOf', n, rules: list };
}

/** Every one of `rules` (organization MSP ids stand for their peers). */
export function allOf(...rules: readonly (EndorsementRule | string)[]): EndorsementRule {
  return outOf(rules.length, ...rules);
}

/** Any one of `rules`. */
export function anyOf(...rules: readonly (EndorsementRule | string)[]): EndorsementRule {
  return outOf(1, ...rules);
}

/** True when endorsements by peers of `mspIds` satisfy `rule`. */
export function isSatisfiedBy(rule: EndorsementRule, mspIds: readonly string[]): boolean {
  if (rule.kind === 'peer') return mspIds.includes(rule.mspId);
  return rule.rules.filter((r) => isSatisfiedBy(r, mspIds)).length >= rule.n;
}

/** Every organization the rule names, in first-use order. */
export function organizationsOf(rule: EndorsementRule): string[] {
  if (rule.kind === 'peer') return [rule.mspId];
  return [...new Set(rule.rules.flatMap(organizationsOf))];
}

/** The fewest distinct organizations whose peers satisfy `rule` (exact; for docs and tests). */
export function fewestOrganizations(rule: EndorsementRule): number {
  const orgs = organizationsOf(rule);
  let best = orgs.length;
  for (let mask = 1; mask < 1 << orgs.length; mask += 1) {
    const chosen = orgs.filter((_, i) => (mask & (1 << i)) !== 0);
    if (chosen.length < best && isSatisfiedBy(rule, chosen)) best = chosen.length;
  }
  return best;
}

/** The policy in Fabric's policy language, e.g. `AND('Lv1aMSP.peer', OR('Hv1MSP.peer', …))`. */
export function policyText(rule: EndorsementRule): string {
  if (rule.kind === 'peer') return `'${rule.mspId}.peer'`;
  const inner = rule.rules.map(policyText).join(', ');
  if (rule.n === rule.rules.length) return `AND(${inner})`;
  if (rule.n === 1) return `OR(${inner})`;
  return `OutOf(${rule.n}, ${inner})`;
}

/** Serialized `SignaturePolicyEnvelope` of `rule`, principals in first-use order. */
export function encodeEndorsementRule(rule: EndorsementRule): Uint8Array {
  const principals: string[] = [];
  const indexOf = (mspId: string): number => {
    const at = principals.indexOf(mspId);
    if (at >= 0) return at;
    principals.push(mspId);
    return principals.length - 1;
  };
  const build = (r: EndorsementRule): common.SignaturePolicy => {
    const policy = new common.SignaturePolicy();
    if (r.kind === 'peer') {
      policy.setSignedBy(indexOf(r.mspId));
      return policy;
    }
    const nOutOf = new common.SignaturePolicy.NOutOf();
    nOutOf.setN(r.n);
    nOutOf.setRulesList(r.rules.map(build));
    policy.setNOutOf(nOutOf);
    return policy;
  };
  const root = build(rule);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(root);
  envelope.setIdentitiesList(
    principals.map((mspId) => {
      const role = new msp.MSPRole();
      role.setMspIdentifier(mspId);
      role.setRole(msp.MSPRole.MSPRoleType.PEER);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(role.serializeBinary());
      return principal;
    }),
  );
  return envelope.serializeBinary();
}

/** Sets the key-level policy of a public key (call once, in the transaction that creates it). */
export async function setKeyPolicy(ctx: Context, key: string, rule: EndorsementRule): Promise<void> {
  await ctx.stub.setStateValidationParameter(key, encodeEndorsementRule(rule));
}

/** Sets the key-level policy of a private key (call once, in the transaction that creates it). */
export async function setPrivateKeyPolicy(
  ctx: Context,
  collection: string,
  key: string,
  rule: EndorsementRule,
): Promise<void> {
  await ctx.stub.setPrivateDataValidationParameter(collection, key, encodeEndorsementRule(rule));
}

/** Requires a peer of every one of `mspIds` to endorse future writes of `key`. */
export async function restrictKeyToOrgs(
  ctx: Context,
  key: string,
  ...mspIds: readonly string[]
): Promise<void> {
  await setKeyPolicy(ctx, key, allOf(...mspIds));
}
