/**
 * carbon-slave: the chaincode of every slave channel. The chaincode-as-a-service server loads
 * `contracts` from this module (fabric-chaincode-node `server --chaincode-address … `).
 */
import { MeasurementContract } from './measurement-contract';

export { MeasurementContract } from './measurement-contract';

/** The contracts of carbon-slave, `Measurement` first (the default contract). */
export const contracts = [MeasurementContract];
