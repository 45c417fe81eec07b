/**
 * @carbontrace/chaincode — public entry point.
 *
 * The deterministic engine (grid model, power flow, tracing, carbon, masking, verification,
 * governance scoring) and the record types the contracts write (the wire types the gateway
 * clients speak). Clients import the engine from here so that the chaincode and the clients run
 * one implementation. The package's other entry points (package.json `exports`):
 * `@carbontrace/chaincode/contracts/master` and `.../contracts/slave`, the contract classes the
 * chaincode servers load (`contracts`); `@carbontrace/chaincode/testing`, the case4 slot fixture
 * the network benchmark submits, built apart from the deployed `dist/` (tsconfig.testing.json).
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
export { generateTaskKey, maskTask } from './outsourcing/mask-task';
export type { MaskTaskOptions, TaskKeyRequest } from './outsourcing/mask-task';
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

// --- engine (issue 2): grid model, power flow, tracing, carbon ---
export type { Branch, Bus, BusType, Generator, PowerCase } from './grid/power-case';
export { InvalidCaseError, InvalidSidecarError } from './grid/invalid-case-error';
export { parseMatpowerCase } from './grid/matpower-importer';
export { parseCarbonSidecar } from './grid/carbon-sidecar';
export type {
  CarbonSidecar,
  CoalUnitCarbon,
  FixedIntensityUnitCarbon,
  PeccCoefficients,
  UnitCarbon,
  ZeroCarbonUnitCarbon,
} from './grid/carbon-sidecar';
export { generateRadialFeeder } from './grid/synthetic-feeder';
export type { GeneratedFeeder, RadialFeederOptions } from './grid/synthetic-feeder';
export { CsrMatrix, TripletBuilder } from './sparse/csr-matrix';
export { SparseLu } from './sparse/sparse-lu';
export { SparseLuSymbolic } from './sparse/lu-refactor';
export type { SparseLuOptions } from './sparse/sparse-lu';
export { minimumDegreeOrdering } from './sparse/minimum-degree-ordering';
export { solvePowerFlow } from './powerflow/solve-power-flow';
export { NewtonTopology, PowerFlowWorkspace } from './powerflow/power-flow-workspace';
export type { PowerFlowOptions } from './powerflow/solve-power-flow';
export type {
  BranchFlow,
  BusResult,
  GeneratorOutput,
  PowerFlowMethod,
  PowerFlowResult,
} from './powerflow/power-flow-result';
export {
  IslandedNetworkError,
  PowerFlowDivergedError,
  SweepNotApplicableError,
} from './powerflow/power-flow-errors';
export { preparePowerFlowNetwork } from './powerflow/power-flow-network';
export type { PowerFlowNetwork } from './powerflow/power-flow-network';
export { buildYbus } from './powerflow/ybus';
export type { Ybus } from './powerflow/ybus';
export { powerFlowResidual } from './powerflow/rectangular-residual';
export type { PowerFlowResidual } from './powerflow/rectangular-residual';
export type { DistributionSystem, SparseEntries, TracedGenerator } from './tracing/distribution-system';
export { buildDistributionSystem } from './tracing/build-distribution-system';
export type { BuildDistributionSystemOptions } from './tracing/build-distribution-system';
export { denseDistributionMatrix, distributionMatrix, generatorMatrix } from './tracing/distribution-matrix';
export {
  solveSharesByDenseInverse,
  solveSharesByForwardSubstitution,
  solveSharesBySparseLu,
  traceGeneratorShares,
} from './tracing/generator-shares';
export type { GeneratorShares, ShareMethod } from './tracing/generator-shares';
export { traceComponents } from './tracing/trace-components';
export type { TraceComponents } from './tracing/trace-components';
export { qunRealBusShares, qunReducedMatrix } from './tracing/qun-reduced-matrix';
export { shareResidual } from './tracing/share-residual';
export { coalConsumptionTPerH, unitCoalConsumptionTPerMwh } from './carbon/pecc';
export { CO2_PER_CARBON, coalEmissionCoefficient, generatorCarbon } from './carbon/generator-intensity';
export type { GeneratorCarbon } from './carbon/generator-intensity';
export { carbonFlowRates } from './carbon/carbon-flow-rates';
export type { CarbonFlowRates } from './carbon/carbon-flow-rates';
export { assertCarbonConservation, ConservationViolatedError } from './carbon/conservation-checks';
export type { ConservationReport, ConservationTolerance } from './carbon/conservation-checks';
export { traceCarbon } from './carbon/carbon-trace';
export type { CarbonTotals, CarbonTrace, CarbonTraceOptions } from './carbon/carbon-trace';
export {
  consumerIntervals,
  intervalCarbonT,
  intervalEnergyMwh,
  intervalHours,
  statementTotals,
} from './carbon/interval-accounting';
export type {
  ConsumerInterval,
  SlotRates,
  StatementShare,
  StatementTotals,
  UnitShare,
} from './carbon/interval-accounting';
// --- end engine ---

// --- contract record types (for the gateway clients, which speak them) ---
export type {
  BranchParameters,
  BusLoad,
  GeneratorOutput as MeasuredGeneratorOutput,
  MeasurementRecord,
  MeasurementSubmission,
  SwitchState,
  TopologyReference,
} from './contracts/slave/measurement-record';
export type {
  BusKind,
  TopologyBus,
  TopologyRecord,
  TopologySubmission,
} from './contracts/slave/topology-record';
export type { SealedSlotPackage, SlotPackage } from './contracts/slave/slot-package';
export type {
  AnchorHead as AnchoredHead,
  VerificationBlock,
  VerificationBlockSubmission,
} from './contracts/master/verification-block';
export type { ProviderRecord } from './contracts/master/provider-record';
export type {
  GovernanceParameters,
  GovernancePhase,
  GovernanceState,
  NodeStats,
} from './contracts/master/governance-ledger';
export type {
  AcceptedHeader,
  AcceptedRecord,
  AnswerVerdict,
  ArbitrationSummary,
  BusIntensityRecord,
  CarbonFlowHeader,
  CarbonFlowRecord,
  ConditionARecord,
  MaskedTaskDigest,
  MaskedTaskRecord,
  ResultDigest,
  ResultRecord,
  SlotCurrentRecord,
  TraceTask,
  TraceUnits,
} from './contracts/master/trace-records';
export type { NetworkOrgs, RegionOrgs } from './contracts/shared/network-orgs';
export type { EndorsementRule } from './contracts/shared/key-endorsement';
export { fewestOrganizations, isSatisfiedBy, policyText } from './contracts/shared/key-endorsement';
export type { CaseUnit, SlotCase, UnitCarbonSpec } from './contracts/master/slot-case';
export { caseFromPackage } from './contracts/master/slot-case';
export { carbonProposal, dataCenterTrace, problemOfPackage } from './contracts/master/trace-engine';
export type { CarbonProposal, SlotProblem } from './contracts/master/trace-engine';
// --- end contract record types ---

// --- governance (issue 5): EA-DPoS (G.1–G.4) and improved-PBFT points (G.5), pure ---
export {
  accuracyScore,
  applyCredit,
  blockScore,
  creditScore,
  DEFAULT_EVALUATION_WEIGHTS,
  evaluateNodes,
} from './governance/evaluation';
export type { AccuracySample, Evaluation, EvaluationInput, EvaluationWeights } from './governance/evaluation';
export { powDigest, powTarget, selectAgents, solvePow, verifyPow } from './governance/pow-agent';
export type { PowSolution, VerifiedPow } from './governance/pow-agent';
export { consensusSet, equityOf, honestApprovals, tallyVotes } from './governance/voting';
export type { Ballot, CandidateTally } from './governance/voting';
export { epochRewards, nextRewardScore, supervisorRights } from './governance/reward-score';
export { drawWithoutReplacement, finalityQuorum, topByWeight } from './governance/supervisor-draw';
export { nextSlotOf, scheduledProducer, slotAt } from './governance/slot-schedule';
export {
  applyPbftRound,
  initialPbftState,
  PBFT_POINTS,
  primaryOfView,
  settlePbft,
} from './governance/pbft-points';
export type { PbftEvent, PbftEventKind, PbftParameters, PbftState } from './governance/pbft-points';
// --- end governance ---
