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

/** The slave channel of an HV substation: `Hv1` → `slave-hv1`. */
export function slaveChannelOf(hvOrgId: string): string {
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
