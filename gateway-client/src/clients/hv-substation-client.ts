/**
 * The HV substation's client: seals slot packages on its slave channel (carbon-slave `Index`),
 * anchors slave block headers and package digests on master (`Anchor`), reads the EA-DPoS
 * schedule (`Governance`), and runs conditions a and b of a trace (`Trace`) on its own peer, with
 * condition a's seed sent as transient data to its own peer and the verifier's (the regulator) only.
 */
import { allowingVerifierLag } from './verifier-lag';
import { randomBytes } from 'crypto';
import type {
  AnchoredHead,
  ArbitrationSummary,
  ConditionARecord,
  ConditionBOutcome,
  GovernanceState,
  SealedSlotPackage,
} from '@carbontrace/chaincode';
import type { ContractClient, Submitted } from '../sdk/contract-client';
import { isContractError } from '../sdk/client-errors';
import type { AnchorEntry } from '../sdk/anchor-entry';
import { arrayField, asObject, booleanField, numberField, recordWith, stringField } from './result-decoders';

/** How long a seal refused with NOT_FOUND is asked again (verifier lag), ms. */
const SEAL_VERIFIER_LAG_MS = 60_000;

/** The verification-block schedule at the time of the query (`Governance:GetSchedule`). */
export interface VerificationSchedule {
  /** `open` before an active epoch (any HV node), `consensus` (any consensus node), `slots` (timed). */
  readonly mode: 'open' | 'consensus' | 'slots';
  readonly epoch: number;
  /** Consensus nodes in producer order. */
  readonly producers: readonly string[];
  /** Current slot and its producer (`slots` mode only). */
  readonly slot: number | null;
  readonly producer: string | null;
  /** Slot length in seconds and start of the active phase (`slots` mode only). */
  readonly slotSeconds?: number;
  readonly activeSinceSeconds?: number;
}

/** What condition a returns: its record, the provider assignment and the masked-task digests. */
export interface ConditionAOutcome extends ConditionARecord {
  readonly assignment: { readonly I: string | null; readonly II: string | null; readonly III: string | null };
  readonly maskedTasks: Readonly<Record<string, string>>;
}

/** A slot package digest tied to the anchored block that sealed it. */
export interface AnchoredPackageDigest {
  readonly slot: number;
  readonly sha256: string;
  readonly blockNumber: number;
}

/** Operations of an HV substation. */
export interface HvSubstationClient {
  /** Organization id, e.g. `Hv1`. */
  readonly nodeId: string;
  /** MSP id, e.g. `Hv1MSP`. */
  readonly mspId: string;
  /** Its slave channel, e.g. `slave-hv1`. */
  readonly slaveChannel: string;
  /**
   * Seals a slot's measurements into a package with its SHA-256 (carbon-slave `Index:Seal`).
   * @throws {@link ContractError} ALREADY_EXISTS when sealed before; NOT_FOUND without measurements.
   */
  sealSlot(slot: number): Promise<Submitted<SealedSlotPackage>>;
  /** The anchored head of a slave channel, or undefined when nothing is anchored yet. */
  anchorHead(channel: string): Promise<AnchoredHead | undefined>;
  /**
   * Anchors consecutive slave block headers of its own slave channel (`Anchor:RecordBatch`).
   * @throws {@link ContractError} ANCHOR_GAP, ANCHOR_FORK, HASH_MISMATCH, or INVALID_STATE outside its slot.
   */
  recordAnchors(channel: string, entries: readonly AnchorEntry[]): Promise<AnchoredHead>;
  /**
   * Ties a sealed package digest to its anchored block (`Anchor:RecordPackage`).
   * @returns false when it was already recorded.
   */
  recordPackage(channel: string, digest: Readonly<AnchoredPackageDigest>): Promise<boolean>;
  /** The verification-block schedule now. */
  schedule(): Promise<VerificationSchedule>;
  /** True when the package digest of `slot` on `channel` is anchored on master with this SHA-256. */
  packageAnchored(channel: string, slot: number, sha256: string): Promise<boolean>;
  /**
   * Condition a: endorsed on its own peer with a fresh 32-byte seed (or `seed`) as transient data.
   * @throws {@link ContractError} HASH_MISMATCH / NOT_FOUND when the package is not anchored as read.
   */
  conditionA(taskId: string, seed?: Uint8Array): Promise<Submitted<ConditionAOutcome>>;
  /**
   * Condition b: judges the answers that arrived and advances the arbitration; at the end of a task
   * requested with `recordOnAccept` it also records the carbon flow (its header in `carbonFlow`).
   * @throws {@link ContractError} INVALID_STATE when the task is settled or condition a did not run here.
   */
  conditionB(taskId: string): Promise<Submitted<ConditionBOutcome>>;
  /** The public arbitration summary of a task. */
  arbitration(taskId: string): Promise<ArbitrationSummary>;
  /** Number of LV substations whose measurement of `slot` this peer holds (`Measurement:ListSlot`). */
  slotSubmissions(slot: number): Promise<number>;
  /** True when this peer holds GridCo's request `taskId` (`Trace:GetTask`). */
  hasTask(taskId: string): Promise<boolean>;
  /**
   * Submits this candidate's proof-of-work nonce for the current epoch (verified on chain).
   * @throws {@link ContractError} VERIFICATION_FAILED when the nonce misses the target.
   */
  submitPow(nonce: number): Promise<bigint>;
  /** Casts this agent's ballot (approved candidates); returns the committing block. */
  vote(approvals: readonly string[]): Promise<bigint>;
  /** The governance state as this HV substation's peer holds it, or null before initialization. */
  governanceState(): Promise<GovernanceState | null>;
}

/** Options of {@link newHvSubstationClient}. */
export interface HvSubstationClientOptions {
  /** Organization id, e.g. `Hv1`. */
  readonly nodeId: string;
  /** MSP id, e.g. `Hv1MSP`. */
  readonly mspId: string;
  /**
   * The independent verifier that co-endorses what this HV records (DESIGN.md §8), e.g.
   * `RegulatorMSP`: its peer re-reads the package across channels and re-checks each step.
   */
  readonly verifierMsp: string;
  /** Its slave channel. */
  readonly slaveChannel: string;
  /** carbon-slave `Index` on the slave channel. */
  readonly index: ContractClient;
  /** carbon-slave `Measurement` on the slave channel (read-only use). */
  readonly measurement: ContractClient;
  /** carbon-master `Anchor`. */
  readonly anchor: ContractClient;
  /** carbon-master `Governance`. */
  readonly governance: ContractClient;
  /** carbon-master `Trace`. */
  readonly trace: ContractClient;
}

/** Creates an {@link HvSubstationClient}. */
export function newHvSubstationClient(options: Readonly<HvSubstationClientOptions>): HvSubstationClient {
  return new HvSubstationClientImpl(options);
}

const decodeHead = recordWith<AnchoredHead>('anchor head', 'channel', 'blockNumber', 'headerHash');
const decodeSummary = recordWith<ArbitrationSummary>('arbitration', 'taskId', 'stage', 'expected');
const decodeConditionB = recordWith<ConditionBOutcome>('condition b', 'taskId', 'stage', 'expected');

function decodeSchedule(value: unknown): VerificationSchedule {
  const r = asObject(value, 'schedule');
  const mode = stringField(r, 'mode');
  if (mode !== 'open' && mode !== 'consensus' && mode !== 'slots')
    throw new Error(`unknown schedule mode ${mode}`);
  const producers = arrayField(r, 'producers').map((p) => {
    if (typeof p !== 'string') throw new Error('producers must be strings');
    return p;
  });
  const slot = r['slot'];
  const producer = r['producer'];
  return {
    mode,
    epoch: numberField(r, 'epoch'),
    producers,
    slot: typeof slot === 'number' ? slot : null,
    producer: typeof producer === 'string' ? producer : null,
    ...(typeof r['slotSeconds'] === 'number' ? { slotSeconds: r['slotSeconds'] } : {}),
    ...(typeof r['activeSinceSeconds'] === 'number' ? { activeSinceSeconds: r['activeSinceSeconds'] } : {}),
  };
}

class HvSubstationClientImpl implements HvSubstationClient {
  readonly nodeId: string;
  readonly mspId: string;
  readonly slaveChannel: string;
  readonly #endorsers: readonly string[];
  readonly #index: ContractClient;
  readonly #measurement: ContractClient;
  readonly #anchor: ContractClient;
  readonly #governance: ContractClient;
  readonly #trace: ContractClient;

  constructor(options: Readonly<HvSubstationClientOptions>) {
    this.nodeId = options.nodeId;
    this.mspId = options.mspId;
    this.slaveChannel = options.slaveChannel;
    this.#endorsers = [options.mspId, options.verifierMsp];
    this.#index = options.index;
    this.#measurement = options.measurement;
    this.#anchor = options.anchor;
    this.#governance = options.governance;
    this.#trace = options.trace;
  }

  sealSlot(slot: number): Promise<Submitted<SealedSlotPackage>> {
    // the verifier's peer may not hold the LV submissions the HV's peer holds yet (NOT_FOUND); after
    // an orderer failure a peer can stay that far behind until it changes its block source (the
    // soak's leader fault: the regulator's peer was more than 8 s behind on slave-hv1), so the
    // budget here is a minute, not the default 8 s
    return allowingVerifierLag(
      () =>
        this.#index.submit('Seal', recordWith<SealedSlotPackage>('sealed package', 'slot', 'sha256'), {
          arguments: [String(slot)],
          endorsingOrganizations: this.#endorsers,
        }),
      SEAL_VERIFIER_LAG_MS,
    );
  }

  async anchorHead(channel: string): Promise<AnchoredHead | undefined> {
    try {
      return await this.#anchor.evaluate('GetHead', decodeHead, { arguments: [channel] });
    } catch (error: unknown) {
      if (isContractError(error, 'NOT_FOUND')) return undefined;
      throw error;
    }
  }

  async recordAnchors(channel: string, entries: readonly AnchorEntry[]): Promise<AnchoredHead> {
    const payload = entries.map((e) => ({
      blockNumber: e.blockNumber,
      previousHash: e.previousHash,
      dataHash: e.dataHash,
      headerHash: e.headerHash,
    }));
    const { result } = await this.#anchor.submit('RecordBatch', decodeHead, {
      arguments: [channel, JSON.stringify(payload)],
      endorsingOrganizations: this.#endorsers,
    });
    return result;
  }

  async recordPackage(channel: string, digest: Readonly<AnchoredPackageDigest>): Promise<boolean> {
    try {
      await allowingVerifierLag(() =>
        this.#anchor.submit('RecordPackage', (v) => v, {
          arguments: [
            channel,
            JSON.stringify({ slot: digest.slot, sha256: digest.sha256, blockNumber: digest.blockNumber }),
          ],
          endorsingOrganizations: this.#endorsers,
        }),
      );
      return true;
    } catch (error: unknown) {
      if (isContractError(error, 'ALREADY_EXISTS')) return false;
      throw error;
    }
  }

  schedule(): Promise<VerificationSchedule> {
    return this.#governance.evaluate('GetSchedule', decodeSchedule);
  }

  packageAnchored(channel: string, slot: number, sha256: string): Promise<boolean> {
    return this.#anchor.evaluate(
      'VerifyPackage',
      (v) => booleanField(asObject(v, 'package verification'), 'valid'),
      {
        arguments: [channel, String(slot), sha256],
      },
    );
  }

  conditionA(taskId: string, seed: Uint8Array = randomBytes(32)): Promise<Submitted<ConditionAOutcome>> {
    return allowingVerifierLag(() =>
      this.#trace.submit(
        'ConditionA',
        recordWith<ConditionAOutcome>('condition a', 'taskId', 'packageSha256', 'assignment'),
        { arguments: [taskId], transient: { seed }, endorsingOrganizations: this.#endorsers },
      ),
    );
  }

  conditionB(taskId: string): Promise<Submitted<ConditionBOutcome>> {
    return allowingVerifierLag(() =>
      this.#trace.submit('ConditionB', decodeConditionB, {
        arguments: [taskId],
        endorsingOrganizations: this.#endorsers,
      }),
    );
  }

  slotSubmissions(slot: number): Promise<number> {
    return this.#measurement.evaluate(
      'ListSlot',
      (v) => {
        if (!Array.isArray(v)) throw new Error('ListSlot must return an array');
        return v.length;
      },
      { arguments: [String(slot)] },
    );
  }

  async hasTask(taskId: string): Promise<boolean> {
    try {
      await this.#trace.evaluate('GetTask', (v) => v, { arguments: [taskId] });
      return true;
    } catch (error: unknown) {
      if (isContractError(error, 'NOT_FOUND')) return false;
      throw error;
    }
  }

  async submitPow(nonce: number): Promise<bigint> {
    return (await this.#governance.submit('SubmitPow', (v) => v, { arguments: [String(nonce)] })).blockNumber;
  }

  async vote(approvals: readonly string[]): Promise<bigint> {
    return (await this.#governance.submit('Vote', (v) => v, { arguments: [JSON.stringify(approvals)] }))
      .blockNumber;
  }

  async governanceState(): Promise<GovernanceState | null> {
    try {
      return await this.#governance.evaluate(
        'GetState',
        recordWith<GovernanceState>('governance', 'epoch', 'phase'),
      );
    } catch (error: unknown) {
      if (isContractError(error, 'NOT_FOUND')) return null;
      throw error;
    }
  }

  arbitration(taskId: string): Promise<ArbitrationSummary> {
    return this.#trace.evaluate('GetArbitration', decodeSummary, { arguments: [taskId] });
  }
}
