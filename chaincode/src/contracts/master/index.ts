/**
 * carbon-master: the chaincode of the master channel. The chaincode-as-a-service server loads
 * `contracts` from this module.
 */
import { AnchorContract } from './anchor-contract';
import { GovernanceContract } from './governance-contract';
import { ProvidersContract } from './providers-contract';

export { AnchorContract } from './anchor-contract';
export { GovernanceContract } from './governance-contract';
export { ProvidersContract } from './providers-contract';

/** The contracts of carbon-master, `Anchor` first (the default contract). */
export const contracts = [AnchorContract, ProvidersContract, GovernanceContract];
