/**
 * Channel and chaincode names of a carbontrace network (DESIGN.md §2; the topology file of
 * `test-network-config/` generates the same names).
 */

/** The master channel. */
export const MASTER_CHANNEL = 'master';
/** Chaincode on the master channel. */
export const MASTER_CHAINCODE = 'carbon-master';
/** Chaincode on every slave channel. */
export const SLAVE_CHAINCODE = 'carbon-slave';

/**
 * HV organization ids: `Hv` and 1–30 lower-case letters or digits. The chaincode gives the HV role
 * only to such ids (chaincode `shared/roles.ts`), so that the id ↔ channel mapping is exact.
 */
export const HV_ORG_PATTERN = /^Hv[a-z0-9]{1,30}$/;

/**
 * The slave channel of an HV substation: `Hv1` → `slave-hv1`, the chaincode's rule.
 * @throws RangeError for an id outside {@link HV_ORG_PATTERN} (e.g. `HvNorth`, which the
 * chaincode refuses because it would share `slave-hvnorth` with `Hvnorth`).
 */
export function slaveChannelOf(hvOrgId: string): string {
  if (!HV_ORG_PATTERN.test(hvOrgId)) {
    throw new RangeError(
      `${hvOrgId} is not an HV organization id (Hv followed by lower-case letters or digits): it owns no slave channel`,
    );
  }
  return `slave-${hvOrgId.toLowerCase()}`;
}

/** The MSP id of an organization id: `Hv1` → `Hv1MSP`. */
export function mspIdOf(orgId: string): string {
  return `${orgId}MSP`;
}

/**
 * The organization whose peer independently co-endorses every record others rely on
 * (DESIGN.md §8): the regulator, which joins master and every slave channel.
 */
export const DEFAULT_VERIFIER_ORG = 'Regulator';
