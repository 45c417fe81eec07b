/**
 * The grid company's client: requests traces (`Trace:Request`, whose event is the master's index
 * instruction to the HV substation), records the accepted carbon flow (`Trace:RecordCarbonFlow`),
 * advances the settlement cycle (`Providers:AdvanceCycle`), runs the EA-DPoS epoch steps that are
 * GridCo's (`Governance:Initialize`, `CloseAgentSelection`, `CloseVoting`) and reads tasks and results.
 */
import { allowingVerifierLag } from './verifier-lag';
import type {
  ArbitrationSummary,
  CarbonFlowHeader,
  CarbonFlowRecord,
  GovernanceState,
  TraceTask,
  UnitCarbonSpec,
} from '@carbontrace/chaincode';
import { isContractError } from '../sdk/client-errors';
import type { ContractClient, Submitted } from '../sdk/contract-client';
import { asObject, numberField, recordWith } from './result-decoders';

/** Masking profile of a task (MATH.md E.1, E.7a). */
export type MaskProfileName = 'monomial' | 'dense' | 'hardened';

/** A trace request. */
export interface TraceRequest {
  /** Unique task id, `[A-Za-z0-9._:-]{1,64}`. */
  readonly taskId: string;
  /** Slave channel of the HV substation whose slot is traced. */
  readonly channel: string;
  /** Slot number. */
  readonly slot: number;
  /** Carbon parameters of the slot's units, named by bus and unit id (unlisted: zero-carbon). */
  readonly units: readonly UnitCarbonSpec[];
  /** @default 'monomial' */
  readonly profile?: MaskProfileName;
  /** Providers I and II to use (default: the cheapest eligible). */
  readonly providers?: readonly [string, string];
  /** Length of the traced interval, minutes: the ledger records energy and carbon over it. @default 60 */
  readonly intervalMinutes?: number;
  /** Fees of the task. @default contract default */
  readonly fees?: { readonly providerFee: number; readonly dataCenterCost: number };
  /** Seconds each provider has to answer, measured from transaction timestamps. @default 300 */
  readonly answerDeadlineSeconds?: number;
  /** The task whose result for this slot this one replaces once recorded, and why. */
  readonly supersedes?: { readonly taskId: string; readonly reason: string };
  /**
   * Let the condition b that accepts a result record its carbon flow in the same transaction (one
   * commit fewer per trace; the record names the HV as recorder). Not with `supersedes`.
   * @default false: GridCo records it with {@link GridCompanyClient.recordCarbonFlow}
   */
  readonly recordOnAccept?: boolean;
}

/** Operations of the grid company. */
export interface GridCompanyClient {
  /**
   * Requests a trace of one slot.
   * @throws {@link ContractError} ALREADY_EXISTS for a reused task id; INVALID_ARGUMENT naming the field.
   */
  requestTrace(request: Readonly<TraceRequest>): Promise<Submitted<TraceTask>>;
  /**
   * Records the accepted carbon flow of a settled task (conservation re-checked on chain).
   * @throws {@link ContractError} NOT_FOUND before the task is settled; ALREADY_EXISTS when recorded.
   */
  recordCarbonFlow(taskId: string): Promise<Submitted<CarbonFlowRecord>>;
  /**
   * Reports that `role` did not answer by its deadline (a wrong result, MATH.md F.3).
   * @throws {@link ContractError} INVALID_STATE before the deadline (transaction time) has passed.
   */
  reportTimeout(taskId: string, role: 'I' | 'II' | 'III'): Promise<Submitted<unknown>>;
  /** The recorded carbon flow of a task. @throws {@link ContractError} NOT_FOUND. */
  carbonFlow(taskId: string): Promise<CarbonFlowRecord>;
  /** The public arbitration summary of a task. */
  arbitration(taskId: string): Promise<ArbitrationSummary>;
  /** True when this peer holds the accepted result of a settled task (`Trace:GetAccepted`). */
  hasAccepted(taskId: string): Promise<boolean>;
  /** Starts the next settlement cycle (blacklists count down per cycle); returns the new cycle. */
  advanceCycle(): Promise<number>;
  /**
   * Starts EA-DPoS governance (epoch 1, PoW phase) with the HV candidates.
   * @returns the committing block, or undefined when governance was initialized before.
   */
  initializeGovernance(setup: Readonly<GovernanceSetup>): Promise<bigint | undefined>;
  /** Closes the PoW window: the best solutions become agents (voting phase). */
  closeAgentSelection(): Promise<Submitted<GovernanceState>>;
  /** Closes the vote: consensus set, supervisors, slot schedule (active phase). */
  closeVoting(): Promise<Submitted<GovernanceState>>;
  /** The governance state, or null before initialization. */
  governanceState(): Promise<GovernanceState | null>;
}

/** Setup of EA-DPoS governance (MATH.md G.1–G.4). */
export interface GovernanceSetup {
  /** HV substation ids, e.g. `["Hv1", "Hv2"]`. */
  readonly candidates: readonly string[];
  /** Parameter overrides; `slotSeconds` > 0 gives the verification-block schedule time slots. */
  readonly parameters?: {
    readonly slotSeconds?: number;
    readonly consensusSize?: number;
    readonly agentCount?: number;
  };
}

/** Options of {@link newGridCompanyClient}. */
export interface GridCompanyClientOptions {
  /** GridCo's MSP id, e.g. `GridCoMSP`. */
  readonly mspId: string;
  /** The verifier that co-endorses GridCo's records (DESIGN.md §8), e.g. `RegulatorMSP`. */
  readonly verifierMsp: string;
  /** carbon-master `Trace`. */
  readonly trace: ContractClient;
  /** carbon-master `Providers`. */
  readonly providers: ContractClient;
  /** carbon-master `Governance`. */
  readonly governance: ContractClient;
}

/** Creates a {@link GridCompanyClient}. */
export function newGridCompanyClient(options: Readonly<GridCompanyClientOptions>): GridCompanyClient {
  return new GridCompanyClientImpl(options);
}

const decodeCarbonFlow = recordWith<CarbonFlowRecord>('carbon flow', 'taskId', 'proposal', 'acceptedFrom');

const decodeGovernance = recordWith<GovernanceState>('governance', 'epoch', 'phase');

class GridCompanyClientImpl implements GridCompanyClient {
  readonly #trace: ContractClient;
  readonly #providers: ContractClient;
  readonly #governance: ContractClient;
  readonly #endorsers: readonly string[];

  constructor(options: Readonly<GridCompanyClientOptions>) {
    this.#endorsers = [options.mspId, options.verifierMsp];
    this.#trace = options.trace;
    this.#providers = options.providers;
    this.#governance = options.governance;
  }

  async initializeGovernance(setup: Readonly<GovernanceSetup>): Promise<bigint | undefined> {
    try {
      const submitted = await this.#governance.submit('Initialize', decodeGovernance, {
        arguments: [JSON.stringify(setup)],
      });
      return submitted.blockNumber;
    } catch (error: unknown) {
      if (isContractError(error, 'ALREADY_EXISTS')) return undefined;
      throw error;
    }
  }

  closeAgentSelection(): Promise<Submitted<GovernanceState>> {
    return this.#governance.submit('CloseAgentSelection', decodeGovernance);
  }

  closeVoting(): Promise<Submitted<GovernanceState>> {
    return this.#governance.submit('CloseVoting', decodeGovernance);
  }

  async governanceState(): Promise<GovernanceState | null> {
    try {
      return await this.#governance.evaluate('GetState', decodeGovernance);
    } catch (error: unknown) {
      if (isContractError(error, 'NOT_FOUND') || isContractError(error, 'INVALID_STATE')) return null;
      throw error;
    }
  }

  requestTrace(request: Readonly<TraceRequest>): Promise<Submitted<TraceTask>> {
    const { units, ...publicPart } = request;
    // the unit parameters are plaintext: transient data to GridCo's and the verifier's peers only
    return this.#trace.submit(
      'Request',
      recordWith<TraceTask>('task', 'taskId', 'channel', 'slot', 'unitsSha256'),
      {
        arguments: [JSON.stringify(publicPart)],
        transient: { units: JSON.stringify(units) },
        endorsingOrganizations: this.#endorsers,
      },
    );
  }

  async recordCarbonFlow(taskId: string): Promise<Submitted<CarbonFlowRecord>> {
    const submitted = await allowingVerifierLag(() =>
      this.#trace.submit(
        'RecordCarbonFlow',
        recordWith<CarbonFlowHeader>('carbon flow header', 'taskId', 'recordSha256'),
        { arguments: [taskId], endorsingOrganizations: this.#endorsers },
      ),
    );
    // the block carries only the header; the record itself is private (read on GridCo's peer)
    return { ...submitted, result: await this.carbonFlow(taskId) };
  }

  reportTimeout(taskId: string, role: 'I' | 'II' | 'III'): Promise<Submitted<unknown>> {
    return allowingVerifierLag(() =>
      this.#trace.submit('ReportTimeout', (v) => v, {
        arguments: [taskId, role],
        endorsingOrganizations: this.#endorsers,
      }),
    );
  }

  carbonFlow(taskId: string): Promise<CarbonFlowRecord> {
    return this.#trace.evaluate('GetCarbonFlow', decodeCarbonFlow, { arguments: [taskId] });
  }

  arbitration(taskId: string): Promise<ArbitrationSummary> {
    return this.#trace.evaluate(
      'GetArbitration',
      recordWith<ArbitrationSummary>('arbitration', 'taskId', 'stage'),
      { arguments: [taskId] },
    );
  }

  async hasAccepted(taskId: string): Promise<boolean> {
    try {
      await this.#trace.evaluate('GetAccepted', (v) => v, { arguments: [taskId] });
      return true;
    } catch (error: unknown) {
      if (isContractError(error, 'NOT_FOUND')) return false;
      throw error;
    }
  }

  /**
   * Closes the current settlement cycle and returns the new one. The transaction names the cycle
   * it closes, so a retry after an unknown commit returns the same result instead of closing a
   * second cycle.
   */
  async advanceCycle(): Promise<number> {
    const decodeCycle = (v: unknown): number =>
      typeof v === 'number' ? v : numberField(asObject(v, 'cycle'), 'cycle');
    const current = await this.#providers.evaluate('GetCycle', decodeCycle);
    const { result } = await this.#providers.submit('AdvanceCycle', decodeCycle, {
      arguments: [String(current)],
    });
    return result;
  }
}
