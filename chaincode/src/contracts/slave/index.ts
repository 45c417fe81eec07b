/**
 * carbon-slave: the chaincode of every slave channel. The chaincode-as-a-service server loads
 * `contracts` from this module.
 */
import { NetworkContract } from '../shared/network-contract';
import { ConsensusContract } from './consensus-contract';
import { IndexContract } from './index-contract';
import { MeasurementContract } from './measurement-contract';

export { NetworkContract } from '../shared/network-contract';
export { ConsensusContract } from './consensus-contract';
export { IndexContract } from './index-contract';
export { MeasurementContract } from './measurement-contract';

/** The contracts of carbon-slave, `Measurement` first (the default contract). */
export const contracts = [MeasurementContract, IndexContract, ConsensusContract, NetworkContract];
