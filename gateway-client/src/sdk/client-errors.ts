/**
 * The gateway client's error hierarchy. Every error the SDK throws is a {@link GatewayClientError}
 * (itself a `CarbonTraceError`, so `isCarbonTraceError` works on it) carrying the transaction id when
 * one was created, the peers' and orderers' own messages, and the underlying gateway error as `cause`.
 *
 * ```
 * GatewayClientError
 *  ├─ ContractError        the chaincode refused: `code` is the chaincode's `CODE` from `CODE: message`
 *  ├─ ConflictError        the transaction lost an MVCC or phantom-read race (retryable)
 *  ├─ TransportError       the peer or orderer could not be reached in time (retryable when transient)
 *  └─ CommitRejectedError  the transaction was ordered but committed invalid for another reason
 * ```
 */
import { CarbonTraceError } from '@carbontrace/chaincode';
import type { ErrorCode, ErrorDetails } from '@carbontrace/chaincode';

/** One node's own account of a failure (from the gateway's error details). */
export interface NodeErrorDetail {
  /** Endpoint of the peer or orderer. */
  readonly address: string;
  /** MSP of the node. */
  readonly mspId: string;
  /** The node's message, e.g. `chaincode response 500, NOT_FOUND: no task T1`. */
  readonly message: string;
}

/** Where a failed call was going: enough to name it in logs without any argument values. */
export interface CallSite {
  /** Channel name. */
  readonly channel: string;
  /** Chaincode name. */
  readonly chaincode: string;
  /** Fully qualified transaction name, e.g. `Trace:Request`. */
  readonly transaction: string;
}

/** Options shared by every {@link GatewayClientError} constructor. */
export interface GatewayClientErrorOptions {
  /** Human-readable message (never containing secrets or private values). */
  readonly message: string;
  /** Where the call was going. */
  readonly site?: CallSite;
  /** Transaction id, when a proposal had been built. */
  readonly transactionId?: string;
  /** The nodes' own messages. */
  readonly nodeDetails?: readonly NodeErrorDetail[];
  /** Extra structured fields. */
  readonly details?: ErrorDetails;
  /** The original error. */
  readonly cause?: unknown;
}

/** Base class of every error thrown by the carbontrace gateway SDK. */
export class GatewayClientError extends CarbonTraceError {
  override readonly name: string = 'GatewayClientError';
  /** Transaction id, if the failure happened after a proposal was built. */
  readonly transactionId: string | undefined;
  /** Channel, chaincode and transaction name of the failed call, if any. */
  readonly site: CallSite | undefined;
  /** The peers' and orderers' own messages, as reported by the gateway. */
  readonly nodeDetails: readonly NodeErrorDetail[];

  constructor(code: ErrorCode, options: Readonly<GatewayClientErrorOptions>) {
    const details: Record<string, string | number | boolean | null | readonly (string | number)[]> = {
      ...(options.details ?? {}),
    };
    if (options.transactionId !== undefined) details['transactionId'] = options.transactionId;
    if (options.site !== undefined) {
      details['channel'] = options.site.channel;
      details['chaincode'] = options.site.chaincode;
      details['transaction'] = options.site.transaction;
    }
    super(code, options.message, details, { cause: options.cause });
    this.transactionId = options.transactionId;
    this.site = options.site;
    this.nodeDetails = options.nodeDetails ?? [];
  }
}

/** The chaincode refused the call with `CODE: message`; nothing was written. */
export class ContractError extends GatewayClientError {
  override readonly name = 'ContractError';
  /** The chaincode's own message, without the `CODE: ` prefix. */
  readonly contractMessage: string;

  constructor(
    code: ErrorCode,
    contractMessage: string,
    options: Readonly<Omit<GatewayClientErrorOptions, 'message'>>,
  ) {
    super(code, { ...options, message: contractMessage });
    this.contractMessage = contractMessage;
  }
}

/** Fabric validation codes that mean "another transaction changed what this one read". */
export type ConflictKind = 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT';

/** The transaction was ordered but invalidated by a concurrent write; resubmitting may succeed. */
export class ConflictError extends GatewayClientError {
  override readonly name = 'ConflictError';
  /** Which conflict the committing peer reported. */
  readonly kind: ConflictKind;

  constructor(kind: ConflictKind, options: Readonly<GatewayClientErrorOptions>) {
    super('TX_CONFLICT', { ...options, details: { ...(options.details ?? {}), validationCode: kind } });
    this.kind = kind;
  }
}

/** gRPC status names the SDK distinguishes. */
export type GrpcStatusName =
  | 'CANCELLED'
  | 'UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'DEADLINE_EXCEEDED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DATA_LOSS'
  | 'UNAUTHENTICATED'
  | 'OTHER';

/** The gateway's message when endorsing peers returned different results. */
export const ENDORSERS_DIVERGED = 'ProposalResponsePayloads do not match';

/**
 * What a peer says when the chaincode server it runs the proposal on is gone (chaincode as a
 * service: the connection failed, the stream ended, or the launch timed out).
 */
export const CHAINCODE_UNREACHABLE =
  /could not launch chaincode|chaincode stream terminated|connection to \S+ (?:failed|terminated)|error in simulation: error sending/i;

/**
 * What a gateway peer's discovery answers while it knows no (or too few) peers of the channel
 * with the chaincode, e.g. just after a restart (Fabric internal/pkg/gateway registry.go).
 * Excludes the transient-data refusals, which no wait changes.
 */
export const DISCOVERY_NOT_READY =
  /no peers available to evaluate chaincode|failed to select a set of endorsers|failed to find any endorsing peers|no endorsing peers found|no peer combination can satisfy|cannot satisfy any principal combination/i;

/** The gateway, a peer or an orderer failed at the transport level (unreachable, deadline, refused). */
export class TransportError extends GatewayClientError {
  override readonly name = 'TransportError';
  /** gRPC status of the failure. */
  readonly status: GrpcStatusName;
  /** Which step failed: building the endorsement, ordering, or waiting for the commit status. */
  readonly step: TransactionStep;

  constructor(status: GrpcStatusName, step: TransactionStep, options: Readonly<GatewayClientErrorOptions>) {
    super('TRANSPORT_FAILED', {
      ...options,
      details: { ...(options.details ?? {}), grpcStatus: status, step },
    });
    this.status = status;
    this.step = step;
  }

  /**
   * True for the transient failures the SDK retries: UNAVAILABLE and DEADLINE_EXCEEDED, and
   * endorsers that returned different results (one peer had not yet committed the block the
   * other one read, DESIGN.md §8): nothing reached the orderer, so a fresh proposal is safe.
   */
  get transient(): boolean {
    if (this.status === 'UNAVAILABLE' || this.status === 'DEADLINE_EXCEEDED') return true;
    return (
      this.endorsersDiverged ||
      this.chaincodeUnreachable ||
      this.discoveryNotReady ||
      this.endorserUnreachable ||
      this.privateDataUndelivered ||
      this.commitStatusInterrupted
    );
  }

  /**
   * The peer ended the wait for a commit status with CANCELLED ("Call cancelled": its block
   * delivery was cut, e.g. while the orderers changed their BFT leader). The transaction was
   * handed to the orderers already, so it is only ever polled again or re-sent with the same id
   * (contract-client.ts), never proposed afresh.
   */
  get commitStatusInterrupted(): boolean {
    return this.status === 'CANCELLED' && this.step === 'commit-status';
  }

  /**
   * One of the named endorsing peers could not be reached (it is down or restarting) while the
   * others answered: the gateway gives up on the proposal with ABORTED. Nothing was ordered.
   */
  get endorserUnreachable(): boolean {
    return this.status === 'ABORTED' && this.step === 'endorse' && /code = Unavailable/.test(this.message);
  }

  /**
   * An endorser could not hand the transaction's private data to enough other member peers
   * (`requiredPeerCount`) because they are down or restarting. Nothing was ordered.
   */
  get privateDataUndelivered(): boolean {
    return this.step === 'endorse' && /failed to distribute private collection/.test(this.message);
  }

  /**
   * The peer could not run the chaincode because its chaincode server was unreachable (a crash or
   * a restart: the peer reconnects on a later call). Nothing was ordered, so asking again is safe.
   */
  get chaincodeUnreachable(): boolean {
    return this.#beforeOrdering && CHAINCODE_UNREACHABLE.test(this.message);
  }

  /**
   * The gateway peer's service discovery had no peers (or too few) for the chaincode: what a peer
   * reports in the seconds after it restarted, before gossip has told it about the channel's
   * members and their chaincodes (FAILED_PRECONDITION, "no peers available to evaluate chaincode"
   * and kin). Nothing was ordered, so asking again is safe; a chaincode that is not deployed at
   * all fails the same way, after the retries.
   */
  get discoveryNotReady(): boolean {
    return (
      this.status === 'FAILED_PRECONDITION' && this.#beforeOrdering && DISCOVERY_NOT_READY.test(this.message)
    );
  }

  /** The failure came while proposing or evaluating, so nothing can have been ordered. */
  get #beforeOrdering(): boolean {
    return this.step === 'endorse' || this.step === 'evaluate';
  }

  /** The endorsing peers' results differed (`ProposalResponsePayloads do not match`). */
  get endorsersDiverged(): boolean {
    return this.status === 'ABORTED' && this.step === 'endorse' && this.message.includes(ENDORSERS_DIVERGED);
  }
}

/** The steps of one transaction, as the gateway runs them. */
export type TransactionStep = 'evaluate' | 'endorse' | 'submit' | 'commit-status' | 'events' | 'connect';

/** The transaction was ordered but committed with a validation code other than a read conflict. */
export class CommitRejectedError extends GatewayClientError {
  override readonly name = 'CommitRejectedError';
  /** Fabric's validation code name, e.g. `ENDORSEMENT_POLICY_FAILURE`. */
  readonly validationCode: string;

  constructor(validationCode: string, options: Readonly<GatewayClientErrorOptions>) {
    super('TX_INVALID', { ...options, details: { ...(options.details ?? {}), validationCode } });
    this.validationCode = validationCode;
  }
}

/** True when `value` is a {@link ContractError}, optionally with the given chaincode code. */
export function isContractError(value: unknown, code?: ErrorCode): value is ContractError {
  return value instanceof ContractError && (code === undefined || value.code === code);
}
