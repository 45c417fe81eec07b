/**
 * @carbontrace/chaincode — main entry: the engine API and the wire types.
 *
 * For library users and the gateway clients: parse a case and its carbon sidecar, solve the power
 * flow, trace the flow and its carbon, account energy and carbon per interval, run the outsourcing
 * steps a client or provider runs, and the record types the contracts read and write (the wire
 * types the gateway clients speak). Clients import the engine from here so that the chaincode and
 * the clients run one implementation. Everything else stays exported from its own module, for use
 * inside this package only.
 *
 * The other entry points (package.json `exports`): `@carbontrace/chaincode/contracts/master` and
 * `@carbontrace/chaincode/contracts/slave`, the contract classes the chaincode servers load
 * (`contracts`); `@carbontrace/chaincode/testing`, the case4 slot fixture the network benchmark
 * submits, built apart from the deployed `dist/` (tsconfig.testing.json).
 */

// --- errors: every engine and contract error is a CarbonTraceError with a stable code ---
export { CarbonTraceError, ERROR_CODES, isCarbonTraceError } from './common/errors';
export type { ErrorCode, ErrorDetails } from './common/errors';

// --- grid model: MATPOWER cases, carbon sidecars, synthetic feeders ---
export type { Branch, Bus, Generator, PowerCase } from './grid/power-case';
export { parseMatpowerCase } from './grid/matpower-importer';
export { parseCarbonSidecar } from './grid/carbon-sidecar';
export type { CarbonSidecar } from './grid/carbon-sidecar';
export { generateRadialFeeder } from './grid/synthetic-feeder';

// --- power flow: AC power flow (Newton–Raphson or backward/forward sweep) ---
export { solvePowerFlow } from './powerflow/solve-power-flow';
export type { PowerFlowOptions } from './powerflow/solve-power-flow';
export { PowerFlowWorkspace } from './powerflow/power-flow-workspace';
export type {
  BranchFlow,
  BusResult,
  GeneratorOutput,
  PowerFlowMethod,
  PowerFlowResult,
} from './powerflow/power-flow-result';

// --- tracing: the extended network and the generator shares X ---
export type { DistributionSystem } from './tracing/distribution-system';
export { buildDistributionSystem } from './tracing/build-distribution-system';
export type { BuildDistributionSystemOptions } from './tracing/build-distribution-system';
export { TracingWorkspace } from './tracing/tracing-workspace';
export {
  solveSharesByDenseInverse,
  solveSharesByForwardSubstitution,
  solveSharesBySparseLu,
  traceGeneratorShares,
} from './tracing/generator-shares';
export type { GeneratorShares, ShareMethod } from './tracing/generator-shares';

// --- carbon: carbon flow rates and intensities, and energy/carbon per interval ---
export { traceCarbon } from './carbon/carbon-trace';
export type { CarbonTotals, CarbonTrace, CarbonTraceOptions } from './carbon/carbon-trace';
export type { CarbonFlowRates } from './carbon/carbon-flow-rates';
export { consumerIntervals, statementTotals } from './carbon/interval-accounting';
export type { ConsumerInterval, SlotRates, StatementTotals } from './carbon/interval-accounting';

// --- outsourcing: masking, the cloud provider's computation, verification, the local trace ---
export { buildOutsourcingProblem } from './outsourcing/outsourcing-problem';
export { MASK_PROFILES } from './outsourcing/mask-key';
export type { MaskProfile } from './outsourcing/mask-key';
export { MAX_PAYLOAD_BYTES, parseMaskedTask, serializeMaskedResult } from './outsourcing/masked-payloads';
export { computeMaskedResult } from './outsourcing/cloud-worker';
export { computeLocalTrace } from './outsourcing/local-trace';
export { isProviderBehaviour, runProvider } from './outsourcing/provider-behaviour';
export type { ProviderBehaviour } from './outsourcing/provider-behaviour';
export { runOutsourcing } from './outsourcing/outsourcing-run';
export type { OutsourcingRunReport } from './outsourcing/outsourcing-run';

// --- governance: the pieces a node runs off-chain (agent proof of work, PBFT approvals) ---
export { solvePow } from './governance/pow-agent';
export { honestApprovals } from './governance/voting';

// --- anchoring and determinism ---
export { blockHeaderHash } from './anchor/block-header-hash';
export { SeededRandom } from './common/prng';

// --- wire types: measurements and topologies (slave channels) ---
export type {
  BranchParameters,
  FirstVersion as FirstMeasurementVersion,
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
export type { SealedSlotPackage } from './contracts/slave/slot-package';
export type {
  BatchEntrySummary,
  MeasurementBatch,
  MeasurementBatchResult,
} from './contracts/slave/measurement-batch';
export { MAX_BATCH_MEASUREMENTS } from './contracts/slave/measurement-batch';
export type { LoadColumns } from './contracts/slave/load-columns';
export { loadColumnsOf } from './contracts/slave/load-columns';

// --- wire types: trace tasks, results and carbon-flow records (master channel) ---
export type {
  AcceptedRecord,
  ArbitrationSummary,
  BusIntensityRecord,
  CarbonFlowHeader,
  CarbonFlowRecord,
  ConditionARecord,
  ConditionBOutcome,
  MaskedTaskRecord,
  SlotCurrentRecord,
  TraceTask,
} from './contracts/master/trace-records';
export type { UnitCarbonSpec } from './contracts/master/slot-case';
export type { CarbonProposal } from './contracts/master/trace-engine';

// --- wire types: anchoring, providers and governance (master channel) ---
export type { AnchorHead as AnchoredHead, VerificationBlock } from './contracts/master/verification-block';
export type { ProviderRecord } from './contracts/master/provider-record';
export type { GovernanceState } from './contracts/master/governance-ledger';
