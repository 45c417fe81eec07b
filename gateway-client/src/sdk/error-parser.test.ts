import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import {
  CommitError,
  CommitStatusError,
  EndorseError,
  GatewayError,
  StatusCode,
} from '@hyperledger/fabric-gateway';
import { isCarbonTraceError } from '@carbontrace/chaincode';
import { CommitRejectedError, ConflictError, ContractError, TransportError } from './client-errors';
import { findChaincodeFailure, parseGatewayError, validationCodeName } from './error-parser';

/** Asserts the class and returns the value typed as it. */
function instance<T>(value: unknown, type: abstract new (...args: never[]) => T): T {
  if (!(value instanceof type)) throw new Error(`expected ${type.name}`);
  return value;
}

const site = { channel: 'master', chaincode: 'carbon-master', transaction: 'Trace:Request' };

function serviceError(code: status, text: string): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${text}`), {
    code,
    details: text,
    metadata: new Metadata(),
  });
}

// Message shapes below follow Fabric v3's gateway (internal/pkg/gateway/apiutils.go, endorse.go,
// evaluate.go): "chaincode response <status>, <message>" inside the node details or the message.
describe('findChaincodeFailure', () => {
  it('extracts the code and message after the chaincode response marker', () => {
    expect(findChaincodeFailure('chaincode response 500, NOT_FOUND: no task T7 at slot 3')).toEqual({
      code: 'NOT_FOUND',
      message: 'no task T7 at slot 3',
    });
  });

  it('keeps multi-line messages whole', () => {
    expect(findChaincodeFailure('chaincode response 500, INVALID_ARGUMENT: a\nb')?.message).toBe('a\nb');
  });

  it('maps a chaincode message without a known code to INTERNAL', () => {
    expect(
      findChaincodeFailure('chaincode response 500, You have asked to invoke a function that does not exist'),
    ).toEqual({
      code: 'INTERNAL',
      message: 'You have asked to invoke a function that does not exist',
    });
    expect(findChaincodeFailure('chaincode response 500, NOT_A_CODE: x')?.code).toBe('INTERNAL');
  });

  it('returns undefined for text that holds no chaincode response', () => {
    expect(findChaincodeFailure('14 UNAVAILABLE: No connection established')).toBeUndefined();
  });
});

describe('parseGatewayError', () => {
  it('turns an evaluate failure into a ContractError with the chaincode code', () => {
    const cause = serviceError(
      status.UNKNOWN,
      'evaluate call to endorser returned error: chaincode response 500, ACCESS_DENIED: Trace:Request is not allowed for Hv1MSP',
    );
    const error = parseGatewayError(
      new GatewayError({ code: status.UNKNOWN, details: [], cause, message: cause.message }),
      {
        site,
        step: 'evaluate',
      },
    );
    expect(error).toBeInstanceOf(ContractError);
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.message).toBe('Trace:Request is not allowed for Hv1MSP');
    expect(error.cause).toBeInstanceOf(GatewayError);
    expect(isCarbonTraceError(error, 'ACCESS_DENIED')).toBe(true);
  });

  it('reads the code from the endorsing peers details and keeps the transaction id', () => {
    const cause = serviceError(
      status.ABORTED,
      'failed to endorse transaction, see attached details for more info',
    );
    const endorse = new EndorseError({
      code: status.ABORTED,
      details: [
        {
          address: 'peer0.hv1:7051',
          mspId: 'Hv1MSP',
          message: 'chaincode response 500, HASH_MISMATCH: package of slot 4 does not match anchor',
        },
      ],
      cause,
      transactionId: 'tx-42',
      message: cause.message,
    });
    const error = parseGatewayError(endorse, { site, step: 'endorse' });
    expect(error).toBeInstanceOf(ContractError);
    expect(error.code).toBe('HASH_MISMATCH');
    expect(error.transactionId).toBe('tx-42');
    expect(error.details['transactionId']).toBe('tx-42');
    expect(error.nodeDetails[0]?.mspId).toBe('Hv1MSP');
  });

  it('classifies an unreachable peer as a transient TransportError', () => {
    const cause = serviceError(status.UNAVAILABLE, 'No connection established');
    const error = parseGatewayError(
      new GatewayError({ code: status.UNAVAILABLE, details: [], cause, message: cause.message }),
      {
        site,
        step: 'evaluate',
      },
    );
    expect(error).toBeInstanceOf(TransportError);
    expect(instance(error, TransportError).status).toBe('UNAVAILABLE');
    expect(instance(error, TransportError).transient).toBe(true);
    expect(error.code).toBe('TRANSPORT_FAILED');
  });

  it('treats a chaincode server that is gone (crash, restart) as transient, a chaincode refusal not', () => {
    const endorseFailure = (message: string): TransportError => {
      const cause = serviceError(
        status.ABORTED,
        'failed to endorse transaction, see attached details for more info',
      );
      return instance(
        parseGatewayError(
          new EndorseError({
            code: status.ABORTED,
            details: [{ address: 'peer0.hv1:7051', mspId: 'Hv1MSP', message }],
            cause,
            transactionId: 'tx-7',
            message: cause.message,
          }),
          { site, step: 'endorse' },
        ),
        TransportError,
      );
    };
    // the peer's texts (core/chaincode: chaincode_support.go, runtime_launcher.go, handler.go)
    for (const gone of [
      'error in simulation: failed to execute transaction tx-7: could not launch chaincode carbon-master_0.0.0:ab: connection to carbon-master_0.0.0:ab failed: error cannot create connection',
      'error in simulation: failed to execute transaction tx-7: error sending: chaincode stream terminated',
    ]) {
      const error = endorseFailure(gone);
      expect(error.chaincodeUnreachable).toBe(true);
      expect(error.transient).toBe(true);
    }
    // a named endorser that is down (the soak's regulator restart)
    const down = endorseFailure(
      'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:8071: connect: connection refused"',
    );
    expect(down.endorserUnreachable).toBe(true);
    expect(down.transient).toBe(true);
    // the chaos suite's HV peer restart: the regulator could not reach enough collection members
    const undelivered = endorseFailure(
      'error in simulation: failed to distribute private collection, txID 0b5f, channel master: Failed disseminating 1 out of 8 private dissemination plans',
    );
    expect(undelivered.privateDataUndelivered).toBe(true);
    expect(undelivered.transient).toBe(true);
    const other = endorseFailure('error in simulation: transaction returned with failure: some panic');
    expect(other.chaincodeUnreachable).toBe(false);
    expect(other.transient).toBe(false);
  });

  it('treats a restarted gateway peer whose discovery knows no peers yet as transient, transient-data refusals not', () => {
    const refused = (code: status, text: string, step: 'endorse' | 'evaluate'): TransportError =>
      instance(parseGatewayError(serviceError(code, text), { site, step }), TransportError);
    // the gateway's texts (internal/pkg/gateway: registry.go, endorse.go) in the seconds after a restart
    for (const [text, step] of [
      ['no peers available to evaluate chaincode carbon-slave in channel slave-hv1', 'evaluate'],
      ['failed to select a set of endorsers that satisfy the endorsement policy', 'endorse'],
      ['failed to find any endorsing peers for org(s): Hv1MSP', 'endorse'],
    ] as const) {
      const error = refused(status.FAILED_PRECONDITION, text, step);
      expect(error.status).toBe('FAILED_PRECONDITION');
      expect(error.discoveryNotReady).toBe(true);
      expect(error.transient).toBe(true);
    }
    // no wait changes these: the caller must name its endorsers to protect transient data
    const transientData = refused(
      status.FAILED_PRECONDITION,
      "no endorsers found in the gateway's organization; retry specifying endorsing organization(s) to protect transient data",
      'endorse',
    );
    expect(transientData.discoveryNotReady).toBe(false);
    expect(transientData.transient).toBe(false);
    // at the submit step the transaction may have been ordered: that is not a discovery question
    const atSubmit = instance(
      parseGatewayError(serviceError(status.FAILED_PRECONDITION, 'failed to select a set of endorsers'), {
        site,
        step: 'submit',
      }),
      TransportError,
    );
    expect(atSubmit.discoveryNotReady).toBe(false);
  });

  it('labels a commit-status deadline with its step and transaction id', () => {
    const cause = serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded');
    const error = parseGatewayError(
      new CommitStatusError({ code: status.DEADLINE_EXCEEDED, details: [], cause, transactionId: 'tx-9' }),
      { site, step: 'endorse' },
    );
    expect(error).toBeInstanceOf(TransportError);
    expect(instance(error, TransportError).step).toBe('commit-status');
    expect(instance(error, TransportError).transient).toBe(true);
    expect(error.transactionId).toBe('tx-9');
  });

  it('treats PERMISSION_DENIED as a non-transient transport error', () => {
    const cause = serviceError(status.PERMISSION_DENIED, 'access denied');
    const error = parseGatewayError(
      new GatewayError({ code: status.PERMISSION_DENIED, details: [], cause }),
      {
        site,
        step: 'evaluate',
      },
    );
    expect(error).toBeInstanceOf(TransportError);
    expect(instance(error, TransportError).transient).toBe(false);
  });

  it('maps MVCC and phantom read conflicts to ConflictError and other validation codes to CommitRejectedError', () => {
    const mvcc = parseGatewayError(
      new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 't1' }),
      {
        site,
        step: 'commit-status',
      },
    );
    expect(mvcc).toBeInstanceOf(ConflictError);
    expect(instance(mvcc, ConflictError).kind).toBe('MVCC_READ_CONFLICT');
    const phantom = parseGatewayError(
      new CommitError({ code: StatusCode.PHANTOM_READ_CONFLICT, transactionId: 't2' }),
      {
        site,
        step: 'commit-status',
      },
    );
    expect(instance(phantom, ConflictError).kind).toBe('PHANTOM_READ_CONFLICT');
    const policy = parseGatewayError(
      new CommitError({ code: StatusCode.ENDORSEMENT_POLICY_FAILURE, transactionId: 't3' }),
      { site, step: 'commit-status' },
    );
    expect(policy).toBeInstanceOf(CommitRejectedError);
    expect(instance(policy, CommitRejectedError).validationCode).toBe('ENDORSEMENT_POLICY_FAILURE');
  });

  it('names validation codes as Fabric does', () => {
    expect(validationCodeName(11)).toBe('MVCC_READ_CONFLICT');
    expect(validationCodeName(12)).toBe('PHANTOM_READ_CONFLICT');
    expect(validationCodeName(0)).toBe('VALID');
    expect(validationCodeName(9999)).toBe('VALIDATION_CODE_9999');
  });

  it('passes already-typed errors through and wraps unknown values as INTERNAL', () => {
    const typed = new ConflictError('MVCC_READ_CONFLICT', { message: 'x' });
    expect(parseGatewayError(typed, { site, step: 'endorse' })).toBe(typed);
    const wrapped = parseGatewayError('boom', { site, step: 'endorse' });
    expect(wrapped.code).toBe('INTERNAL');
    expect(wrapped.message).toContain('boom');
  });
});
