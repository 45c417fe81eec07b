/**
 * @carbontrace/chaincode — public entry point.
 *
 * The deterministic engine (grid model, power flow, tracing, carbon, masking, verification,
 * governance scoring) and the Fabric contracts. Clients import the engine from here so that the
 * chaincode and the clients run one implementation.
 */
export {
  CarbonTraceError,
  ERROR_CODES,
  formatWireError,
  isCarbonTraceError,
  parseWireError,
} from './common/errors';
export type { ErrorCode, ErrorDetails } from './common/errors';
export { canonicalJson, canonicalJsonBytes } from './common/canonical-json';
export type { JsonValue } from './common/canonical-json';
export { SeededRandom } from './common/prng';
export { blockHeaderHash, encodeBlockHeader } from './anchor/block-header-hash';
export type { BlockHeaderFields } from './anchor/block-header-hash';
