/**
 * carbon-master: the chaincode of the master channel. The chaincode-as-a-service server loads
 * `contracts` from this module.
 */
import { NetworkContract } from '../shared/network-contract';
import { AnchorContract } from './anchor-contract';
import { AuditContract } from './audit-contract';
import { GovernanceContract } from './governance-contract';
import { ProvidersContract } from './providers-contract';
import { TraceContract } from './trace-contract';

export { NetworkContract } from '../shared/network-contract';
export { AnchorContract } from './anchor-contract';
export { AuditContract } from './audit-contract';
export { GovernanceContract } from './governance-contract';
export { ProvidersContract } from './providers-contract';
export { TraceContract } from './trace-contract';

/** The contracts of carbon-master, `Anchor` first (the default contract). */
export const contracts = [
  AnchorContract,
  ProvidersContract,
  GovernanceContract,
  TraceContract,
  AuditContract,
  NetworkContract,
];
