/**
 * A cloud provider's client: registers with a fee (`Providers:Register`), asks what it owes for a
 * task (`Trace:GetAssignment`, filtered to itself by the contract), fetches its masked task
 * (`Trace:GetMaskedTask`) and submits its masked answer (`Trace:SubmitResult`). It never sees keys
 * or unmasked data: the contract refuses those reads to cloud organizations.
 */
import { allowingVerifierLag } from './verifier-lag';
import type { MaskedTaskRecord, ProviderRecord } from '@carbontrace/chaincode';
import type { ContractClient, Submitted } from '../sdk/contract-client';
import { isContractError } from '../sdk/client-errors';
import { arrayField, asObject, recordWith, stringField } from './result-decoders';

/** Arbitration role of a provider within one task. */
export type ProviderRoleName = 'I' | 'II' | 'III';

/** One answer a provider owes: its first answer or a recomputation, for one role of a task. */
export interface OwedAnswer {
  readonly taskId: string;
  readonly role: ProviderRoleName;
  readonly kind: 'first' | 'recompute';
}

/** What `SubmitResult` returns. */
export interface SubmittedAnswer {
  readonly taskId: string;
  readonly role: ProviderRoleName;
  readonly kind: 'first' | 'recompute';
  readonly sha256: string;
}

/** Operations of a cloud provider. */
export interface CloudProviderClient {
  /** Provider id (organization id, e.g. `CloudA`). */
  readonly providerId: string;
  /**
   * Registers this provider with its fee per task.
   * @returns false when it was registered before.
   */
  register(feePerTask: number): Promise<boolean>;
  /** This provider's record (fees, penalties, strikes, blacklist). */
  record(): Promise<ProviderRecord & { readonly blacklisted: boolean }>;
  /** The answers this provider owes for `taskId` now (empty when none, or the task is unknown). */
  owed(taskId: string): Promise<OwedAnswer[]>;
  /** The masked task of one role. @throws {@link ContractError} ACCESS_DENIED when not assigned. */
  maskedTask(taskId: string, role: ProviderRoleName): Promise<MaskedTaskRecord>;
  /**
   * Submits a masked answer.
   * @throws {@link ContractError} ALREADY_EXISTS for a duplicate, INVALID_STATE when none is expected.
   */
  submitResult(
    taskId: string,
    role: ProviderRoleName,
    maskedResultJson: string,
  ): Promise<Submitted<SubmittedAnswer>>;
}

/** Options of {@link newCloudProviderClient}. */
export interface CloudProviderClientOptions {
  /** Provider id. */
  readonly providerId: string;
  /**
   * The verifier (e.g. `RegulatorMSP`) whose peer holds every private task and co-endorses every
   * answer; masked tasks are read on its peer, answers endorsed by it and the task's HV.
   */
  readonly verifierMsp: string;
  /** carbon-master `Trace`. */
  readonly trace: ContractClient;
  /** carbon-master `Providers`. */
  readonly providers: ContractClient;
}

/** Creates a {@link CloudProviderClient}. */
export function newCloudProviderClient(options: Readonly<CloudProviderClientOptions>): CloudProviderClient {
  return new CloudProviderClientImpl(options);
}

function roleOf(value: unknown): ProviderRoleName {
  if (value === 'I' || value === 'II' || value === 'III') return value;
  throw new Error(`unknown role ${String(value)}`);
}

class CloudProviderClientImpl implements CloudProviderClient {
  readonly providerId: string;
  readonly #verifierMsp: string;
  readonly #trace: ContractClient;
  readonly #providers: ContractClient;

  constructor(options: Readonly<CloudProviderClientOptions>) {
    this.providerId = options.providerId;
    this.#verifierMsp = options.verifierMsp;
    this.#trace = options.trace;
    this.#providers = options.providers;
  }

  async register(feePerTask: number): Promise<boolean> {
    try {
      await this.#providers.submit('Register', (v) => v, { arguments: [JSON.stringify({ feePerTask })] });
      return true;
    } catch (error: unknown) {
      if (isContractError(error, 'ALREADY_EXISTS')) return false;
      throw error;
    }
  }

  record(): Promise<ProviderRecord & { readonly blacklisted: boolean }> {
    return this.#providers.evaluate(
      'Get',
      recordWith<ProviderRecord & { readonly blacklisted: boolean }>('provider', 'id', 'blacklisted'),
      { arguments: [this.providerId] },
    );
  }

  async owed(taskId: string): Promise<OwedAnswer[]> {
    try {
      return await this.#trace.evaluate(
        'GetAssignment',
        (value) =>
          arrayField(asObject(value, 'assignment'), 'expected').flatMap((item): OwedAnswer[] => {
            const e = asObject(item, 'expected');
            const type = stringField(e, 'type');
            if (type !== 'submit' && type !== 'recompute') return [];
            if (stringField(e, 'provider') !== this.providerId) return [];
            return [{ taskId, role: roleOf(e['role']), kind: type === 'recompute' ? 'recompute' : 'first' }];
          }),
        { arguments: [taskId] },
      );
    } catch (error: unknown) {
      if (isContractError(error, 'NOT_FOUND')) return [];
      throw error;
    }
  }

  async maskedTask(taskId: string, role: ProviderRoleName): Promise<MaskedTaskRecord> {
    // read on the verifier's peer, which holds every private task; it may lag the peer whose
    // event announced the task by a block, so NOT_FOUND is retried for about 3 s
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#trace.evaluate(
          'GetMaskedTask',
          recordWith<MaskedTaskRecord>('masked task', 'taskId', 'taskJson'),
          { arguments: [taskId, role], endorsingOrganizations: [this.#verifierMsp] },
        );
      } catch (error: unknown) {
        if (!isContractError(error, 'NOT_FOUND') || attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  async submitResult(
    taskId: string,
    role: ProviderRoleName,
    maskedResultJson: string,
  ): Promise<Submitted<SubmittedAnswer>> {
    const hvMsp = await this.#trace.evaluate(
      'GetAssignment',
      (value) => stringField(asObject(value, 'assignment'), 'hvMsp'),
      { arguments: [taskId] },
    );
    // the answer travels as transient data to the task's HV and the verifier only, never in a block
    return allowingVerifierLag(() =>
      this.#trace.submit(
        'SubmitResult',
        (value) => {
          const r = asObject(value, 'submitted answer');
          const kind = stringField(r, 'kind');
          if (kind !== 'first' && kind !== 'recompute') throw new Error(`unknown kind ${kind}`);
          return {
            taskId: stringField(r, 'taskId'),
            role: roleOf(r['role']),
            kind,
            sha256: stringField(r, 'sha256'),
          };
        },
        {
          arguments: [taskId, role],
          transient: { result: maskedResultJson },
          endorsingOrganizations: [hvMsp, this.#verifierMsp],
        },
      ),
    );
  }
}
