/** @carbontrace/gateway-client — public entry point. */

// --- gateway SDK (issue 6): connection, typed errors, retries, deadlines, checkpoints ---
export {
  CommitRejectedError,
  ConflictError,
  ContractError,
  GatewayClientError,
  isContractError,
  TransportError,
} from './sdk/client-errors';
export type {
  CallSite,
  ConflictKind,
  GatewayClientErrorOptions,
  GrpcStatusName,
  NodeErrorDetail,
  TransactionStep,
} from './sdk/client-errors';
export { findChaincodeFailure, parseGatewayError } from './sdk/error-parser';
export type { ChaincodeFailure, ParseContext } from './sdk/error-parser';
export {
  DEFAULT_RETRY_POLICY,
  isRetryable,
  NO_RETRY,
  resolveRetryPolicy,
  withRetry,
} from './sdk/retry-policy';
export type { RetryHooks, RetryOptions, RetryPolicy } from './sdk/retry-policy';
export { DEFAULT_DEADLINES, resolveDeadlines } from './sdk/deadlines';
export type { CallDeadlines } from './sdk/deadlines';
export { connectOrg } from './sdk/org-connection';
export type { ConnectOrgOptions, OrgConnection, OrgConnectionConfig } from './sdk/org-connection';
export { defaultNetworkConfigDir, loadConnectionProfile } from './sdk/connection-profile';
export type { LoadConnectionProfileOptions } from './sdk/connection-profile';
export { newContractClient } from './sdk/contract-client';
export type {
  CallOptions,
  ContractClient,
  ContractClientOptions,
  Decoder,
  Submitted,
} from './sdk/contract-client';
export { FileCheckpointer, openCheckpointFile } from './sdk/checkpoint-file';
export type { CheckpointFile, EventCheckpointState } from './sdk/checkpoint-file';
export { newLedgerWaiter } from './sdk/ledger-height';
export type { LedgerWaiter } from './sdk/ledger-height';
export { MASTER_CHAINCODE, MASTER_CHANNEL, SLAVE_CHAINCODE, slaveChannelOf } from './sdk/network-names';

// --- role clients ---
export { newGridCompanyClient } from './clients/grid-company-client';
export type {
  GovernanceSetup,
  GridCompanyClient,
  MaskProfileName,
  TraceRequest,
} from './clients/grid-company-client';
export { newHvSubstationClient } from './clients/hv-substation-client';
export type {
  AnchoredPackageDigest,
  ConditionAOutcome,
  HvSubstationClient,
  VerificationSchedule,
} from './clients/hv-substation-client';
export { newLvSubstationClient } from './clients/lv-substation-client';
export type { LvSubstationClient } from './clients/lv-substation-client';
export { newCloudProviderClient } from './clients/cloud-provider-client';
export type { CloudProviderClient, OwedAnswer, SubmittedAnswer } from './clients/cloud-provider-client';
export { newQsccBlockReader, newRegulatorClient } from './clients/regulator-client';
export type {
  AnchorVerification,
  BlockReader,
  ProviderView,
  RegulatorClient,
} from './clients/regulator-client';
export {
  openCloudProvider,
  openGridCompany,
  openHvSubstation,
  openLvSubstation,
  openRegulator,
} from './clients/open-clients';
export type { OpenClientOptions, OpenedClient } from './clients/open-clients';

// --- long-running processes: anchor relay, cloud worker ---
export { anchorEntryOf, newAnchorRelay } from './relay/anchor-relay';
export type {
  AnchorEntry,
  AnchorHead,
  AnchorLedger,
  AnchorRelay,
  AnchorRelayOptions,
  RelayEvent,
  SlaveBlockHeader,
  SlaveBlockSource,
} from './relay/anchor-relay';
export { newMasterAnchorLedger, newPeerBlockSource } from './relay/fabric-relay-ports';
export { decodeSlaveBlock } from './relay/slave-block';
export { newCloudWorker } from './worker/cloud-worker';
export type {
  CloudWorker,
  CloudWorkerOptions,
  MaskedComputation,
  OwedWork,
  TaskBoard,
  TaskEventFeed,
  WorkerEvent,
} from './worker/cloud-worker';
export { newChaincodeEventFeed, newTraceTaskBoard, taskIdForProvider } from './worker/fabric-worker-ports';
export { newProviderComputation } from './worker/provider-computation';
export type { ProviderConduct } from './worker/provider-computation';
export { startAnchorRelay } from './process/start-anchor-relay';
export { startCloudWorker } from './process/start-cloud-worker';
export type { RunningProcess } from './process/running-process';

// --- the main job ---
export { DEFAULT_PROVIDERS, runMainJob } from './job/main-job';
export type { JobProvider, MainJobOptions, MainJobResult } from './job/main-job';
export { summarize, writeReports } from './job/job-report';
export type { JobSummary } from './job/job-report';
export { splitCase33bw } from './job/feeder-split';
// one slot of one region at a time (the bench's trace phase drives the job this way)
export { regionSlot } from './job/slot-data';
export type { RegionSlot } from './job/slot-data';
export { traceRegionSlot } from './job/slot-trace';
export { startAnswerTracker } from './job/answer-tracker';
export type { AnswerTracker } from './job/answer-tracker';
export type { SplitFeeder } from './job/feeder-split';

// --- measured data, wall-clock intervals, statements, dashboard ---
/** Reads and checks a measured data set (loads.csv, generation.csv, grid-intensity.csv) for `runMainJob({ data })`. */
export { DATA_FILES, readMeasuredData } from './job/data/measured-data';
export type { MeasuredData, MeasuredInterval } from './job/data/measured-data';
export { DataFileError, isDataFileError } from './job/data/data-file-error';
export type { DataProblem } from './job/data/data-file-error';
export { formatWithOffset, intervalAt, parseOffsetTimestamp, slotOfMs } from './job/data/wall-clock';
export type { OffsetTimestamp, SlotInterval } from './job/data/wall-clock';
/** A consumer's statement for a period, read through a RegulatorClient. */
export { consumerStatement } from './job/consumer-statement';
export type { ConsumerStatement, StatementOptions } from './job/consumer-statement';
export { DashboardData, feederGraph, readIndex } from './dashboard/dashboard-data';
export { startDashboardServer } from './dashboard/dashboard-server';
export type { DashboardServer, DashboardServerOptions } from './dashboard/dashboard-server';
// --- end gateway SDK ---
