/**
 * Shared helpers for integration tests against the real test network (started and stopped by
 * `network/scripts/with-network.sh`, i.e. `npm run test:integration`):
 * - {@link loadTestNetwork}, {@link getOrg}, {@link getChannel}, {@link masterChannel},
 *   {@link slaveChannels}, {@link slaveChannelOf}, {@link orgsWithRole}: names from the generated config;
 * - {@link connectGateway} / {@link withGateway}: a Fabric Gateway as an org's user on a peer;
 * - {@link getChainInfo}, {@link getBlockHeader}: `qscc` ledger queries.
 */
export {
  getChannel,
  getOrg,
  loadTestNetwork,
  masterChannel,
  networkConfigDir,
  orgsWithRole,
  slaveChannelOf,
  slaveChannels,
} from './network-config';
export type {
  ChaincodeServer,
  IdentityFiles,
  NetworkChannel,
  NetworkOrg,
  OrdererNode,
  OrgRole,
  PeerNode,
  TestNetwork,
} from './network-config';
export { connectGateway, defaultPeerOf, newPeerGrpcClient, withGateway } from './gateway-connection';
export type { ConnectGatewayOptions, OrgGateway } from './gateway-connection';
export { getBlockHeader, getChainInfo } from './ledger-queries';
export type { ChainInfo, LedgerBlockHeader } from './ledger-queries';
