/**
 * The LV substation's client (DESIGN.md §3 step 1): registers its network fragment and submits
 * per-slot measurements to its HV substation's slave channel (carbon-slave `Measurement`).
 */
import type {
  MeasurementBatchResult,
  MeasurementRecord,
  MeasurementSubmission,
  TopologyReference,
  TopologySubmission,
} from '@carbontrace/chaincode';
import { loadColumnsOf } from '@carbontrace/chaincode';
import type { ContractClient, Submitted } from '../sdk/contract-client';
import { isContractError } from '../sdk/client-errors';
import { arrayOf, asObject, recordWith, stringField } from './result-decoders';
import { allowingVerifierLag } from './verifier-lag';

/** Operations of an LV substation. */
export interface LvSubstationClient {
  /** The substation id (organization id, e.g. `Lv1a`). */
  readonly substation: string;
  /**
   * Registers a topology (buses, branches) once; measurements refer to it by id and SHA-256.
   * @throws {@link ContractError} ALREADY_EXISTS when the id is taken; INVALID_ARGUMENT naming field and bus.
   */
  registerTopology(topology: Readonly<TopologySubmission>): Promise<TopologyReference>;
  /** A registered topology's reference. @throws {@link ContractError} NOT_FOUND. */
  topology(id: string): Promise<TopologyReference>;
  /**
   * {@link registerTopology}, or, when the id is already registered (a rerun, a retried job), the
   * registered reference; a different topology under that id then shows as HASH_MISMATCH when a
   * measurement refers to it. @throws {@link ContractError} INVALID_ARGUMENT naming field and bus.
   */
  ensureTopology(topology: Readonly<TopologySubmission>): Promise<TopologyReference>;
  /**
   * Submits the first measurement of a slot.
   * @throws {@link ContractError} ALREADY_EXISTS for a second submission (use {@link amendMeasurement});
   * INVALID_STATE when the slot is sealed; INVALID_ARGUMENT naming field, bus and value; NOT_FOUND
   * for a topology id no peer has registered (after about 8 s of asking again, for verifier lag).
   */
  submitMeasurement(measurement: Readonly<MeasurementSubmission>): Promise<Submitted<MeasurementRecord>>;
  /**
   * Submits the first measurements of several slots in one transaction (carbon-slave
   * `Measurement:SubmitBatch`, at most 512 slots). Safe to retry and to overlap an earlier batch:
   * slots already holding the identical submission come back in `unchanged` and are not written again.
   * @throws {@link ContractError} INVALID_ARGUMENT naming `measurements[i]`, field, bus and value (nothing
   * written); ALREADY_EXISTS when a slot holds a different submission; INVALID_STATE when a slot is sealed.
   */
  submitMeasurements(
    measurements: readonly Readonly<MeasurementSubmission>[],
  ): Promise<Submitted<MeasurementBatchResult>>;
  /**
   * Stores a new version of a slot's measurement (until the slot is sealed), replacing version
   * `expectedVersion` (default: the version current when called). A retry of the same amendment
   * returns the first result; a stale version is refused.
   * @throws {@link ContractError} NOT_FOUND without a first version; INVALID_STATE when sealed or stale.
   */
  amendMeasurement(
    measurement: Readonly<MeasurementSubmission>,
    expectedVersion?: number,
  ): Promise<Submitted<MeasurementRecord>>;
  /**
   * The current measurement of this substation at `slot`.
   * @throws {@link ContractError} NOT_FOUND when there is none.
   */
  getMeasurement(slot: number): Promise<MeasurementRecord>;
  /**
   * Every version of this substation's measurement at `slot`, oldest first (the peer's history
   * of the slot's key); empty when there is none.
   */
  getMeasurementHistory(slot: number): Promise<MeasurementRecord[]>;
}

/** Options of {@link newLvSubstationClient}. */
export interface LvSubstationClientOptions {
  /** Substation id (organization id). */
  readonly substation: string;
  /** carbon-slave `Measurement` on the HV substation's slave channel. */
  readonly measurement: ContractClient;
  /**
   * Endorsing organizations of its writes: its own and an independent verifier (DESIGN.md §8),
   * e.g. `['Lv1aMSP', 'RegulatorMSP']`. @default the gateway's choice (discovery)
   */
  readonly endorsers?: readonly string[];
}

/** Creates an {@link LvSubstationClient}. */
export function newLvSubstationClient(options: Readonly<LvSubstationClientOptions>): LvSubstationClient {
  return new LvSubstationClientImpl(options);
}

const decodeMeasurement = recordWith<MeasurementRecord>('measurement', 'slot', 'substation', 'version');
const decodeHistory = arrayOf(decodeMeasurement, 'measurement history');
const decodeBatch = recordWith<MeasurementBatchResult>(
  'measurement batch result',
  'substation',
  'stored',
  'unchanged',
  'readings',
);

/**
 * A submission as sent: its loads in columns (`{"busId": [...], "pMw": [...], "qMvar": [...]}`),
 * half the bytes of one object per bus for every endorser, orderer and peer to handle.
 */
function wireMeasurement(measurement: Readonly<MeasurementSubmission>): string {
  return JSON.stringify({ ...measurement, loads: loadColumnsOf(measurement.loads) });
}

class LvSubstationClientImpl implements LvSubstationClient {
  readonly substation: string;
  readonly #measurement: ContractClient;
  readonly #endorsers: { endorsingOrganizations?: readonly string[] };

  constructor(options: Readonly<LvSubstationClientOptions>) {
    this.substation = options.substation;
    this.#measurement = options.measurement;
    this.#endorsers = options.endorsers === undefined ? {} : { endorsingOrganizations: options.endorsers };
  }

  async registerTopology(topology: Readonly<TopologySubmission>): Promise<TopologyReference> {
    const { result } = await this.#measurement.submit(
      'RegisterTopology',
      (value) => {
        const record = asObject(value, 'topology reference');
        return { id: stringField(record, 'id'), sha256: stringField(record, 'sha256') };
      },
      { arguments: [JSON.stringify(topology)], ...this.#endorsers },
    );
    return result;
  }

  async ensureTopology(topology: Readonly<TopologySubmission>): Promise<TopologyReference> {
    try {
      return await this.registerTopology(topology);
    } catch (error: unknown) {
      if (isContractError(error, 'ALREADY_EXISTS')) return this.topology(topology.id);
      throw error;
    }
  }

  topology(id: string): Promise<TopologyReference> {
    return this.#measurement.evaluate(
      'GetTopology',
      (value) => {
        const record = asObject(value, 'topology');
        return { id: stringField(record, 'id'), sha256: stringField(record, 'sha256') };
      },
      { arguments: [id] },
    );
  }

  submitMeasurement(measurement: Readonly<MeasurementSubmission>): Promise<Submitted<MeasurementRecord>> {
    // the verifier's peer may not hold a topology registered a moment ago yet (NOT_FOUND)
    return allowingVerifierLag(() =>
      this.#measurement.submit('Submit', decodeMeasurement, {
        arguments: [wireMeasurement(measurement)],
        ...this.#endorsers,
      }),
    );
  }

  submitMeasurements(
    measurements: readonly Readonly<MeasurementSubmission>[],
  ): Promise<Submitted<MeasurementBatchResult>> {
    return allowingVerifierLag(() =>
      this.#measurement.submit('SubmitBatch', decodeBatch, {
        arguments: [`{"measurements":[${measurements.map(wireMeasurement).join(',')}]}`],
        ...this.#endorsers,
      }),
    );
  }

  async amendMeasurement(
    measurement: Readonly<MeasurementSubmission>,
    expectedVersion?: number,
  ): Promise<Submitted<MeasurementRecord>> {
    const version = expectedVersion ?? (await this.getMeasurement(measurement.slot)).version;
    return allowingVerifierLag(() =>
      this.#measurement.submit('Amend', decodeMeasurement, {
        arguments: [wireMeasurement(measurement), String(version)],
        ...this.#endorsers,
      }),
    );
  }

  getMeasurement(slot: number): Promise<MeasurementRecord> {
    return this.#measurement.evaluate('Get', decodeMeasurement, {
      arguments: [String(slot), this.substation],
    });
  }

  getMeasurementHistory(slot: number): Promise<MeasurementRecord[]> {
    return this.#measurement.evaluate('GetHistory', decodeHistory, {
      arguments: [String(slot), this.substation],
    });
  }
}
