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

// --- outsourcing (issue 4): masking, cloud worker, unmasking, verification, arbitration ---
export { buildOutsourcingProblem, coalIntensityCoefficient } from './outsourcing/outsourcing-problem';
export type { OutsourcingProblem } from './outsourcing/outsourcing-problem';
export {
  generateMaskKey,
  maskKeyFromParts,
  maskKeyLabel,
  MASK_PROFILES,
  MAX_MASK_CONDITION,
} from './outsourcing/mask-key';
export type { MaskKey, MaskKeyParts, MaskKeyRequest, MaskProfile } from './outsourcing/mask-key';
export { maskTask } from './outsourcing/mask-task';
export type { MaskTaskOptions } from './outsourcing/mask-task';
export {
  MAX_PAYLOAD_BYTES,
  parseMaskedResult,
  parseMaskedTask,
  serializeMaskedResult,
  serializeMaskedTask,
} from './outsourcing/masked-payloads';
export type { MaskedResult, MaskedTask } from './outsourcing/masked-payloads';
export { computeMaskedResult } from './outsourcing/cloud-worker';
export { unmaskInverse, unmaskResult } from './outsourcing/unmask-result';
export { COMPARED_GROUPS, toComparable } from './outsourcing/trace-groups';
export type { ComparableResult, TraceGroups } from './outsourcing/trace-groups';
export {
  compareResults,
  DEFAULT_MATCH_TOLERANCE,
  freivaldsCheck,
  RESIDUAL_TOLERANCE,
  verifyResult,
} from './outsourcing/verify-result';
export type { ComparisonOutcome, MatchTolerance, VerificationOutcome } from './outsourcing/verify-result';
export { computeLocalTrace } from './outsourcing/local-trace';
export {
  BLACKLIST_CYCLES,
  DATA_CENTER,
  expectedEvents,
  feeBalances,
  GRID_COMPANY,
  isEligible,
  parseArbitrationState,
  serializeArbitrationState,
  startArbitration,
  stepArbitration,
} from './outsourcing/arbitration';
export type {
  ArbitrationEvent,
  ArbitrationStage,
  ArbitrationState,
  FeeSchedule,
  FeeTransfer,
  ProviderPool,
  ProviderRole,
  ProviderStanding,
  Submission,
} from './outsourcing/arbitration';
export { isProviderBehaviour, PROVIDER_BEHAVIOURS, runProvider } from './outsourcing/provider-behaviour';
export type { ProviderBehaviour } from './outsourcing/provider-behaviour';
export { maxRelativeError, runOutsourcing } from './outsourcing/outsourcing-run';
export type { OutsourcingRunOptions, OutsourcingRunReport } from './outsourcing/outsourcing-run';
// --- end outsourcing ---
