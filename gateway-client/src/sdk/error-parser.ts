/**
 * Turns whatever `@hyperledger/fabric-gateway` or gRPC threw into one of the SDK's typed errors
 * ({@link GatewayClientError} and subclasses). The chaincode's `CODE: message` arrives inside the
 * gateway's text (`chaincode response 500, CODE: message`), either in the error's own message
 * (evaluate) or in the per-node details (endorse); this module finds it and gives back the code.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  CommitError,
  CommitStatusError,
  EndorseError,
  GatewayError,
  StatusCode,
} from '@hyperledger/fabric-gateway';
import { ERROR_CODES } from '@carbontrace/chaincode';
import type { ErrorCode } from '@carbontrace/chaincode';
import {
  CommitRejectedError,
  ConflictError,
  ContractError,
  GatewayClientError,
  TransportError,
} from './client-errors';
import type { CallSite, GrpcStatusName, NodeErrorDetail, TransactionStep } from './client-errors';

const CHAINCODE_RESPONSE = /chaincode response (\d+), ([\s\S]*)$/;
const WIRE_ERROR = /^([A-Z][A-Z0-9_]*): ([\s\S]*)$/;
const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** The chaincode's answer found inside a gateway message. */
export interface ChaincodeFailure {
  /** The chaincode's code, or `INTERNAL` when its message had no known `CODE: ` prefix. */
  readonly code: ErrorCode;
  /** The chaincode's message without the prefix. */
  readonly message: string;
}

/**
 * Finds the chaincode's `CODE: message` in one gateway or node message.
 * @returns undefined when the text holds no chaincode response.
 */
export function findChaincodeFailure(text: string): ChaincodeFailure | undefined {
  const response = CHAINCODE_RESPONSE.exec(text);
  if (response === null) return undefined;
  const body = (response[2] ?? '').trim();
  const wire = WIRE_ERROR.exec(body);
  const code = wire?.[1];
  if (wire !== null && code !== undefined && KNOWN_CODES.has(code)) {
    return { code: code as ErrorCode, message: wire[2] ?? '' };
  }
  return { code: 'INTERNAL', message: body };
}

/** Name of a numeric gRPC status. */
export function grpcStatusName(code: number): GrpcStatusName {
  const name: string | undefined = GrpcStatus[code];
  switch (name) {
    case undefined:
    case 'OK':
      return 'OTHER';
    default:
      return name as GrpcStatusName;
  }
}

const VALIDATION_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(StatusCode).map(([name, value]) => [value, name] as const),
);

/** Name of a Fabric transaction validation code (e.g. 11 → `MVCC_READ_CONFLICT`). */
export function validationCodeName(code: number): string {
  return VALIDATION_NAMES.get(code) ?? `VALIDATION_CODE_${code}`;
}

/** Context the parser needs to label an error. */
export interface ParseContext {
  /** Where the call was going. */
  readonly site: CallSite;
  /** The step that was running when the error was thrown. */
  readonly step: TransactionStep;
  /** Transaction id, if one was known before the failure. */
  readonly transactionId?: string;
}

/**
 * Converts an error thrown by the Fabric Gateway client into the SDK's typed error. Errors that are
 * already {@link GatewayClientError}s pass through unchanged.
 */
export function parseGatewayError(error: unknown, context: Readonly<ParseContext>): GatewayClientError {
  if (error instanceof GatewayClientError) return error;
  const site = context.site;
  if (error instanceof CommitError) {
    const name = validationCodeName(error.code);
    const options = {
      message: `${site.transaction} on ${site.channel} committed as ${name}`,
      site,
      transactionId: error.transactionId,
      cause: error,
    };
    if (name === 'MVCC_READ_CONFLICT' || name === 'PHANTOM_READ_CONFLICT')
      return new ConflictError(name, options);
    return new CommitRejectedError(name, options);
  }
  if (error instanceof GatewayError) {
    const nodeDetails: NodeErrorDetail[] = error.details.map((d) => ({
      address: d.address,
      mspId: d.mspId,
      message: d.message,
    }));
    const transactionId = transactionIdOf(error) ?? context.transactionId;
    const step = stepOf(error, context.step);
    const failure =
      nodeDetails.map((d) => findChaincodeFailure(d.message)).find((f) => f !== undefined) ??
      findChaincodeFailure(error.message);
    const common = {
      site,
      nodeDetails,
      cause: error,
      ...(transactionId === undefined ? {} : { transactionId }),
    };
    if (failure !== undefined) return new ContractError(failure.code, failure.message, common);
    const statusName = grpcStatusName(error.code);
    const fromNodes = nodeDetails.map((d) => `${d.mspId}@${d.address}: ${d.message}`).join('; ');
    return new TransportError(statusName, step, {
      ...common,
      message:
        `${site.transaction} on ${site.channel}: ${step} failed (${statusName}): ${stripGrpcPrefix(error.message)}` +
        (fromNodes === '' ? '' : ` [${fromNodes}]`),
    });
  }
  if (isServiceError(error)) {
    const statusName = grpcStatusName(error.code);
    const failure = findChaincodeFailure(error.message);
    const common = {
      site,
      cause: error,
      ...(context.transactionId === undefined ? {} : { transactionId: context.transactionId }),
    };
    if (failure !== undefined) return new ContractError(failure.code, failure.message, common);
    return new TransportError(statusName, context.step, {
      ...common,
      message: `${site.transaction} on ${site.channel}: ${context.step} failed (${statusName}): ${stripGrpcPrefix(error.message)}`,
    });
  }
  const text = error instanceof Error ? error.message : String(error);
  return new GatewayClientError('INTERNAL', {
    message: `${site.transaction} on ${site.channel}: ${text}`,
    site,
    cause: error,
    ...(context.transactionId === undefined ? {} : { transactionId: context.transactionId }),
  });
}

function transactionIdOf(error: GatewayError): string | undefined {
  // SubmitError is exported as a type only; it is recognised by its name and transactionId field.
  if (error instanceof EndorseError || error instanceof CommitStatusError) return error.transactionId;
  const candidate = (error as { transactionId?: unknown }).transactionId;
  return typeof candidate === 'string' ? candidate : undefined;
}

function stepOf(error: GatewayError, fallback: TransactionStep): TransactionStep {
  if (error instanceof EndorseError) return 'endorse';
  if (error.name === 'SubmitError') return 'submit';
  if (error instanceof CommitStatusError) return 'commit-status';
  return fallback;
}

function isServiceError(value: unknown): value is Error & { code: number } {
  return value instanceof Error && typeof (value as { code?: unknown }).code === 'number';
}

function stripGrpcPrefix(message: string): string {
  return message.replace(/^\d+ [A-Z_]+: /, '');
}
