/**
 * One chaincode contract as the role clients see it: JSON in, JSON out, typed errors, retries and
 * deadlines already applied. The role clients depend on the {@link ContractClient} interface only,
 * so their unit tests can substitute a fake.
 */
import type { Contract, SubmittedTransaction, Transaction } from '@hyperledger/fabric-gateway';
import type { CallSite, TransactionStep } from './client-errors';
import {
  CommitRejectedError,
  ConflictError,
  ContractError,
  GatewayClientError,
  TransportError,
} from './client-errors';
import type { EndorserCatchUp } from './endorser-catch-up';
import { parseGatewayError, validationCodeName } from './error-parser';
import type { RetryHooks, RetryPolicy } from './retry-policy';
import { isRetryable, withRetry } from './retry-policy';
import type { CommittedLookup, CommittedTransaction, RecoverOptions, Recovered } from './submit-recovery';
import { recoverSubmit } from './submit-recovery';

/** Options of one call. */
export interface CallOptions {
  /** Positional string arguments (objects are serialized with `JSON.stringify` by the caller). */
  readonly arguments?: readonly string[];
  /** Transient data: sent to the endorsing peers only, never written to a block. */
  readonly transient?: Readonly<Record<string, string | Uint8Array>>;
  /** Restricts endorsement to these MSPs (needed with transient data). */
  readonly endorsingOrganizations?: readonly string[];
}

/** What a committed transaction returns. */
export interface Submitted<T> {
  /** The chaincode's return value, decoded. */
  readonly result: T;
  /** Fabric transaction id. */
  readonly transactionId: string;
  /** Block that committed it. */
  readonly blockNumber: bigint;
}

/**
 * How often a transaction whose commit status never came is handed to the orderers again (after
 * its status polls ran out; each round also looks it up on the ledger first); also the number of
 * extra recovery rounds after a failed send.
 */
const COMMIT_RESEND_ROUNDS = 3;

/**
 * How often a refusal given while a named endorser was behind is proposed again, at most (with
 * the catch-up's pauses of 0.25, 0.5, 1, 2 and 4 s, about 20 s in all when the heights agree).
 */
const CATCH_UP_ROUNDS = 8;

/** The commit status of a transaction found on the ledger by id (code -1 when not found). */
function statusOf(committed: CommittedTransaction | undefined): {
  successful: boolean;
  code: number;
  blockNumber: bigint;
} {
  return {
    successful: committed?.code === 0,
    code: committed?.code ?? -1,
    blockNumber: committed?.blockNumber ?? 0n,
  };
}

/** Decodes a JSON value into a domain type, throwing on a shape it does not accept. */
export type Decoder<T> = (value: unknown) => T;

/** A chaincode contract with JSON in/out, typed errors, deadlines and retries. */
export interface ContractClient {
  /** Channel name. */
  readonly channel: string;
  /** Chaincode name. */
  readonly chaincode: string;
  /** Contract name within the chaincode (`Trace`, `Anchor`, ...). */
  readonly contract: string;
  /**
   * Endorses, orders and waits for the commit of `transaction`; retries read conflicts and transient
   * transport failures with a fresh proposal.
   * @throws {@link ContractError} when the chaincode refuses (`CODE: message`).
   * @throws {@link ConflictError} when read conflicts persist past the retry policy.
   * @throws {@link TransportError} when a node stays unreachable or a deadline passes on every attempt.
   * @throws {@link CommitRejectedError} when the transaction commits invalid for another reason.
   */
  submit<T>(transaction: string, decode: Decoder<T>, options?: Readonly<CallOptions>): Promise<Submitted<T>>;
  /**
   * Evaluates `transaction` on a peer of the caller's org (read-only); retries transient failures.
   * @throws {@link ContractError} when the chaincode refuses.
   * @throws {@link TransportError} when the peer stays unreachable.
   */
  evaluate<T>(transaction: string, decode: Decoder<T>, options?: Readonly<CallOptions>): Promise<T>;
}

/** Options of {@link newContractClient}. */
export interface ContractClientOptions {
  /** The Fabric Gateway contract (`network.getContract(chaincode, contract)`). */
  readonly contract: Contract;
  /** Channel name (for error labels). */
  readonly channel: string;
  /** Contract name; transactions are called as `<contract>:<transaction>`. */
  readonly contractName: string;
  /** Retry policy for whole transactions. */
  readonly retry: RetryPolicy;
  /** Retry policy for re-polling the commit status of one transaction after a transport failure. */
  readonly commitStatusRetry: RetryPolicy;
  /** Hooks (sleep, jitter, logging) for the retries. */
  readonly retryHooks?: RetryHooks;
  /** Organizations whose peers endorse submits (unless a call names its own). @default the gateway's choice */
  readonly submitOrganizations?: readonly string[];
  /** Organizations whose peers evaluate queries (unless a call names its own). @default any (gateway's choice) */
  readonly evaluateOrganizations?: readonly string[];
  /**
   * Finds a transaction on the ledger by id; with it, a transient submit error is recovered by
   * looking the same transaction up and resubmitting it (see submit-recovery.ts) instead of
   * running it again under a new id. @default none (the whole transaction is retried)
   */
  readonly lookupCommitted?: CommittedLookup;
  /**
   * With it, a chaincode refusal at endorsement by named endorsing organizations is proposed
   * again once an endorser that was behind the caller's peer has caught up (see
   * endorser-catch-up.ts). @default none (a refusal is final at once)
   */
  readonly endorserCatchUp?: EndorserCatchUp;
}

/** Creates a {@link ContractClient} over a Fabric Gateway contract. */
export function newContractClient(options: Readonly<ContractClientOptions>): ContractClient {
  return new ContractClientImpl(options);
}

const decoder = new TextDecoder();

/** Decodes a chaincode result: empty bytes are `null`, anything else must be JSON. */
export function decodeResultBytes(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return null;
  return JSON.parse(decoder.decode(bytes)) as unknown;
}

class ContractClientImpl implements ContractClient {
  readonly channel: string;
  readonly chaincode: string;
  readonly contract: string;
  readonly #contract: Contract;
  readonly #retry: RetryPolicy;
  readonly #commitStatusRetry: RetryPolicy;
  readonly #hooks: RetryHooks;
  readonly #evaluateOrganizations: readonly string[] | undefined;
  readonly #submitOrganizations: readonly string[] | undefined;
  readonly #lookupCommitted: CommittedLookup | undefined;
  readonly #endorserCatchUp: EndorserCatchUp | undefined;

  constructor(options: Readonly<ContractClientOptions>) {
    this.#contract = options.contract;
    this.channel = options.channel;
    this.chaincode = options.contract.getChaincodeName();
    this.contract = options.contractName;
    this.#retry = options.retry;
    this.#commitStatusRetry = options.commitStatusRetry;
    this.#hooks = options.retryHooks ?? {};
    this.#evaluateOrganizations = options.evaluateOrganizations;
    this.#submitOrganizations = options.submitOrganizations;
    this.#lookupCommitted = options.lookupCommitted;
    this.#endorserCatchUp = options.endorserCatchUp;
  }

  async submit<T>(
    transaction: string,
    decode: Decoder<T>,
    options: Readonly<CallOptions> = {},
  ): Promise<Submitted<T>> {
    const site = this.#site(transaction);
    // A fresh proposal only while nothing can have reached the orderer (an endorsement failure)
    // or after the transaction committed as a read conflict; once a transaction was handed to the
    // orderer, the same signed transaction is re-sent and the same transaction id re-polled.
    return withRetry(
      async () => {
        const pinned =
          options.endorsingOrganizations === undefined && this.#submitOrganizations !== undefined
            ? { ...options, endorsingOrganizations: this.#submitOrganizations }
            : options;
        const endorsed = await this.#endorse(site, pinned);
        const transactionId = endorsed.getTransactionId();
        let submitted: SubmittedTransaction | undefined;
        let committed: CommittedTransaction | undefined;
        try {
          submitted = await this.#sameTransaction(() => endorsed.submit(), {
            site,
            step: 'submit',
            transactionId,
          });
        } catch (error: unknown) {
          // the orderers may have taken it although the gateway counted them short (e.g. an
          // orderer's "already processed" while one is down): look it up on the ledger by id,
          // else send the same transaction again (submit-recovery.ts); never a new proposal
          const lookup = this.#lookupCommitted;
          if (lookup === undefined || !(error instanceof GatewayClientError)) throw error;
          const recovered = await this.#recoverSend(endorsed, error, lookup);
          if (recovered === undefined) throw error;
          if (recovered.kind === 'submitted') submitted = recovered.submitted;
          else committed = recovered.committed;
        }
        const status =
          submitted === undefined
            ? statusOf(committed)
            : await this.#awaitCommit(endorsed, submitted, { site, step: 'commit-status', transactionId });
        const result = (): Uint8Array => endorsed.getResult();
        if (!status.successful) {
          const name = validationCodeName(status.code);
          const errorOptions = {
            message: `${site.transaction} on ${site.channel} committed as ${name}`,
            site,
            transactionId,
          };
          if (name === 'MVCC_READ_CONFLICT' || name === 'PHANTOM_READ_CONFLICT') {
            throw new ConflictError(name, errorOptions);
          }
          throw new CommitRejectedError(name, errorOptions);
        }
        const value = this.#decode(result(), decode, site, 'submit', transactionId);
        return { result: value, transactionId, blockNumber: status.blockNumber };
      },
      this.#retry,
      { ...this.#hooks, isRetryable: reproposable },
    );
  }

  /**
   * Endorses a fresh proposal. A chaincode refusal by named endorsers is proposed again (a new
   * proposal: nothing was ordered) when one of them was behind the caller's peer and has caught
   * up since, at most {@link CATCH_UP_ROUNDS} times; otherwise it is final.
   */
  async #endorse(site: CallSite, options: Readonly<CallOptions>): Promise<Transaction> {
    for (let round = 0; ; round++) {
      try {
        return await this.#contract.newProposal(site.transaction, toProposalOptions(options)).endorse();
      } catch (error: unknown) {
        const parsed = parseGatewayError(error, { site, step: 'endorse' });
        const organizations = options.endorsingOrganizations;
        const catchUp = this.#endorserCatchUp;
        if (!(parsed instanceof ContractError) || organizations === undefined || catchUp === undefined)
          throw parsed;
        const refusers = [...new Set(parsed.nodeDetails.map((d) => d.mspId))];
        if (round >= CATCH_UP_ROUNDS || !(await catchUp({ endorsers: organizations, refusers, round }))) {
          throw parsed;
        }
        this.#hooks.onRetry?.(round + 1, parsed, 0);
      }
    }
  }

  /**
   * Recovery of a send that failed: up to {@link COMMIT_RESEND_ROUNDS} + 1 rounds of look-up and
   * re-send of the same transaction, so that a gateway peer that is restarting (down ~11 s, then
   * reconnecting) does not turn a transaction that may have been ordered into a failure.
   */
  async #recoverSend(
    endorsed: Transaction,
    error: GatewayClientError,
    lookup: CommittedLookup,
  ): Promise<Recovered | undefined> {
    if (!isRetryable(error)) return undefined; // a refusal: nothing to recover, no rounds to report
    for (let round = 0; round <= COMMIT_RESEND_ROUNDS; round++) {
      const recovered = await recoverSubmit(endorsed, error, this.#recoverOptions(lookup));
      if (recovered !== undefined) return recovered;
      // let the caller's tally see why (e.g. a lost ordering quorum) while the rounds go on
      if (round < COMMIT_RESEND_ROUNDS) this.#hooks.onRetry?.(round + 1, error, 0);
    }
    return undefined;
  }

  #recoverOptions(lookup: CommittedLookup): RecoverOptions {
    return { lookup, ...(this.#hooks.sleep === undefined ? {} : { sleep: this.#hooks.sleep }) };
  }

  /**
   * Waits for the commit status of `submitted`. When the status does not come (its polls run out
   * on a transient failure, e.g. the ordering service dropped the transaction while its leader
   * restarted), the same transaction is looked up on the ledger and, when it is not there, handed
   * to the orderers again (same id, so it commits at most once; see submit-recovery.ts), up to
   * {@link COMMIT_RESEND_ROUNDS} times; a round in which the peer could neither be asked nor the
   * transaction re-sent counts as one. Without a ledger lookup the status error is final.
   */
  async #awaitCommit(
    endorsed: Transaction,
    submitted: SubmittedTransaction,
    context: { site: CallSite; step: TransactionStep; transactionId: string },
  ): Promise<{ successful: boolean; code: number; blockNumber: bigint }> {
    let pending = submitted;
    for (let round = 0; ; round++) {
      try {
        const current = pending;
        return await this.#sameTransaction(() => current.getStatus(), context);
      } catch (error: unknown) {
        const lookup = this.#lookupCommitted;
        if (lookup === undefined || !(error instanceof GatewayClientError) || round >= COMMIT_RESEND_ROUNDS) {
          throw error;
        }
        const recovered = await recoverSubmit(endorsed, error, this.#recoverOptions(lookup));
        // Neither found nor re-sent: the gateway peer itself is unreachable (e.g. restarting after
        // a crash, measured ~11 s down plus its catch-up in the 500-slot soak). The outcome is
        // still unknown, so poll the same transaction again in the next round, never re-propose.
        if (recovered?.kind === 'committed') return statusOf(recovered.committed);
        // every further round is reported, so the caller's tally sees an unreachable peer too
        this.#hooks.onRetry?.(round + 1, error, 0);
        if (recovered !== undefined) pending = recovered.submitted;
      }
    }
  }

  /**
   * Runs one step of an already endorsed transaction, retrying transient transport failures on
   * the same transaction (never a new proposal). When the retries run out the error (a
   * TransportError of step `submit` or `commit-status`) is final: the transaction may have
   * committed, so proposing it again could apply it twice.
   */
  async #sameTransaction<T>(
    step: () => Promise<T>,
    context: { site: CallSite; step: TransactionStep; transactionId: string },
  ): Promise<T> {
    return withRetry(
      async () => {
        try {
          return await step();
        } catch (error: unknown) {
          throw parseGatewayError(error, context);
        }
      },
      this.#commitStatusRetry,
      this.#hooks,
    );
  }

  async evaluate<T>(
    transaction: string,
    decode: Decoder<T>,
    options: Readonly<CallOptions> = {},
  ): Promise<T> {
    const site = this.#site(transaction);
    return withRetry(
      async () => {
        let bytes: Uint8Array;
        try {
          const pinned =
            options.endorsingOrganizations === undefined && this.#evaluateOrganizations !== undefined
              ? { ...options, endorsingOrganizations: this.#evaluateOrganizations }
              : options;
          bytes = await this.#contract.evaluate(site.transaction, toProposalOptions(pinned));
        } catch (error: unknown) {
          throw parseGatewayError(error, { site, step: 'evaluate' });
        }
        return this.#decode(bytes, decode, site, 'evaluate');
      },
      this.#retry,
      this.#hooks,
    );
  }

  #site(transaction: string): CallSite {
    return {
      channel: this.channel,
      chaincode: this.chaincode,
      transaction: `${this.contract}:${transaction}`,
    };
  }

  #decode<T>(
    bytes: Uint8Array,
    decode: Decoder<T>,
    site: CallSite,
    step: TransactionStep,
    transactionId?: string,
  ): T {
    try {
      return decode(decodeResultBytes(bytes));
    } catch (error: unknown) {
      const text = error instanceof Error ? error.message : String(error);
      throw parseGatewayError(new Error(`unexpected result of ${site.transaction}: ${text}`), {
        site,
        step,
        ...(transactionId === undefined ? {} : { transactionId }),
      });
    }
  }
}

/** Whether a failed submit may be proposed again: only endorsement failures and read conflicts. */
function reproposable(error: unknown): boolean {
  if (error instanceof ConflictError) return true;
  return isRetryable(error) && error instanceof TransportError && error.step === 'endorse';
}

function toProposalOptions(options: Readonly<CallOptions>): {
  arguments: string[];
  transientData?: Record<string, string | Uint8Array>;
  endorsingOrganizations?: string[];
} {
  return {
    arguments: [...(options.arguments ?? [])],
    ...(options.transient === undefined ? {} : { transientData: { ...options.transient } }),
    ...(options.endorsingOrganizations === undefined
      ? {}
      : { endorsingOrganizations: [...options.endorsingOrganizations] }),
  };
}
