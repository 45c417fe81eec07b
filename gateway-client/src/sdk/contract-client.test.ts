import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { CommitStatusError, EndorseError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import type { Contract, Status, SubmittedTransaction } from '@hyperledger/fabric-gateway';
import { ConflictError, ContractError, TransportError } from './client-errors';
import { newContractClient } from './contract-client';
import type { ContractClientOptions } from './contract-client';
import { resolveRetryPolicy } from './retry-policy';
import type { CommittedLookup, CommittedTransaction } from './submit-recovery';

// A scripted fake of fabric-gateway's Contract (unit tests only): each submit/evaluate takes the
// next scripted outcome.
type Outcome =
  | {
      readonly kind: 'commit';
      readonly code: number;
      readonly result: unknown;
      readonly statusFailures?: number;
    }
  | { readonly kind: 'throw'; readonly error: Error };

/**
 * Outcome options: `submitFailures` transport failures when handing the transaction to the orderer;
 * `lostSends` sends the orderers accept but never order (their commit status never comes).
 */
type CommitOutcome = Extract<Outcome, { kind: 'commit' }> & {
  readonly submitFailures?: number;
  readonly lostSends?: number;
  /** Re-sends refused after the first send (the gateway peer down while it restarts). */
  readonly refusedResends?: number;
};

const encoder = new TextEncoder();

function serviceError(code: status, text: string): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${text}`), {
    code,
    details: text,
    metadata: new Metadata(),
  });
}

/** An orderer that could not be reached: fabric-gateway's SubmitError (recognised by name). */
function submitError(transactionId: string): Error {
  const cause = serviceError(status.UNAVAILABLE, 'orderer unreachable');
  return Object.assign(new GatewayError({ code: status.UNAVAILABLE, details: [], cause }), {
    name: 'SubmitError',
    transactionId,
  });
}

function fakeContract(outcomes: Outcome[]): {
  contract: Contract;
  calls: string[];
  statusPolls: () => number;
  sends: () => number;
} {
  const calls: string[] = [];
  let polls = 0;
  let sends = 0;
  let tx = 0;
  const next = (): Outcome => {
    const o = outcomes.shift();
    if (o === undefined) throw new Error('no scripted outcome left');
    return o;
  };
  const submittedOf = (o: CommitOutcome, id: string, lost = false): SubmittedTransaction => {
    let failures = lost ? Number.POSITIVE_INFINITY : (o.statusFailures ?? 0);
    const submitted = {
      getTransactionId: () => id,
      getResult: () => encoder.encode(JSON.stringify(o.result)),
      getStatus: (): Promise<Status> => {
        polls++;
        if (failures > 0) {
          failures--;
          const cause = serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded');
          return Promise.reject(
            new CommitStatusError({
              code: status.DEADLINE_EXCEEDED,
              details: [],
              cause,
              transactionId: id,
            }),
          );
        }
        return Promise.resolve({
          blockNumber: 42n,
          code: o.code as Status['code'],
          successful: o.code === StatusCode.VALID,
          transactionId: id,
        });
      },
    };
    return submitted as unknown as SubmittedTransaction;
  };
  const contract = {
    getChaincodeName: () => 'carbon-master',
    getContractName: () => undefined,
    submitAsync: (name: string, options?: { arguments?: string[] }): Promise<SubmittedTransaction> => {
      calls.push(`submit ${name} ${JSON.stringify(options?.arguments ?? [])}`);
      const o = next();
      if (o.kind === 'throw') return Promise.reject(o.error);
      const id = `tx${++tx}`;
      if ((o as CommitOutcome).submitFailures !== undefined) {
        return Promise.reject(submitError(id));
      }
      return Promise.resolve(submittedOf(o, id));
    },
    newProposal: (name: string, options?: { arguments?: string[] }) => ({
      endorse: () => {
        calls.push(`submit ${name} ${JSON.stringify(options?.arguments ?? [])}`);
        const o = next();
        if (o.kind === 'throw') return Promise.reject(o.error);
        const id = `tx${++tx}`;
        let submitFailures = (o as CommitOutcome).submitFailures ?? 0;
        let lostSends = (o as CommitOutcome).lostSends ?? 0;
        let refusedResends = (o as CommitOutcome).refusedResends ?? 0;
        let mySends = 0;
        return Promise.resolve({
          getTransactionId: () => id,
          getResult: () => encoder.encode(JSON.stringify(o.result)),
          submit: (): Promise<SubmittedTransaction> => {
            sends++;
            mySends++;
            if (mySends > 1 && refusedResends > 0) {
              refusedResends--;
              return Promise.reject(submitError(id));
            }
            if (submitFailures > 0) {
              submitFailures--;
              return Promise.reject(submitError(id));
            }
            const lost = lostSends > 0;
            if (lost) lostSends--;
            return Promise.resolve(submittedOf(o, id, lost));
          },
        });
      },
    }),
    evaluate: (name: string): Promise<Uint8Array> => {
      calls.push(`evaluate ${name}`);
      const o = next();
      if (o.kind === 'throw') return Promise.reject(o.error);
      return Promise.resolve(encoder.encode(JSON.stringify(o.result)));
    },
  } as unknown as Contract;
  return { contract, calls, statusPolls: () => polls, sends: () => sends };
}

const fast = resolveRetryPolicy({ maxAttempts: 4, initialDelayMs: 0, maxDelayMs: 0 });
const client = (contract: Contract, extra: Partial<ContractClientOptions> = {}) =>
  newContractClient({
    contract,
    channel: 'master',
    contractName: 'Trace',
    retry: fast,
    commitStatusRetry: fast,
    ...extra,
  });
const asObject = (v: unknown) => v as Record<string, unknown>;

/** A ledger look-up on a gateway peer that is down for its first `downFor` calls, then finds `found`. */
function restartingPeer(
  downFor: number,
  found?: CommittedTransaction,
): { lookup: CommittedLookup; lookups: () => number } {
  let lookups = 0;
  const lookup: CommittedLookup = () => {
    lookups++;
    return lookups <= downFor ? Promise.reject(new Error('peer down')) : Promise.resolve(found);
  };
  return { lookup, lookups: () => lookups };
}

/**
 * An LV's Measurement client with a ledger look-up and no waiting between recovery attempts; the
 * attempt numbers of its commit-status retries go to `retried`.
 */
const measurementClient = (contract: Contract, lookupCommitted: CommittedLookup, retried: number[] = []) =>
  newContractClient({
    contract,
    channel: 'slave-hv1',
    contractName: 'Measurement',
    retry: fast,
    commitStatusRetry: fast,
    lookupCommitted,
    retryHooks: {
      sleep: () => Promise.resolve(),
      onRetry: (attempt, error) => {
        if (error instanceof TransportError && error.step === 'commit-status') retried.push(attempt);
      },
    },
  });

describe('ContractClient.submit', () => {
  it('calls `<Contract>:<Transaction>` and returns the decoded result with transaction id and block', async () => {
    const fake = fakeContract([{ kind: 'commit', code: StatusCode.VALID, result: { taskId: 'T1' } }]);
    const submitted = await client(fake.contract).submit('Request', asObject, {
      arguments: ['{"taskId":"T1"}'],
    });
    expect(fake.calls).toEqual(['submit Trace:Request ["{\\"taskId\\":\\"T1\\"}"]']);
    expect(submitted).toEqual({ result: { taskId: 'T1' }, transactionId: 'tx1', blockNumber: 42n });
  });

  it('resubmits with a fresh proposal after an MVCC read conflict', async () => {
    const fake = fakeContract([
      { kind: 'commit', code: StatusCode.MVCC_READ_CONFLICT, result: null },
      { kind: 'commit', code: StatusCode.VALID, result: { ok: true } },
    ]);
    const submitted = await client(fake.contract).submit('ConditionB', asObject);
    expect(fake.calls).toHaveLength(2);
    expect(submitted.transactionId).toBe('tx2');
  });

  it('gives up on persistent phantom-read conflicts with a ConflictError', async () => {
    const fake = fakeContract(
      Array.from(
        { length: 4 },
        () => ({ kind: 'commit', code: StatusCode.PHANTOM_READ_CONFLICT, result: null }) as const,
      ),
    );
    await expect(client(fake.contract).submit('Request', asObject)).rejects.toBeInstanceOf(ConflictError);
    expect(fake.calls).toHaveLength(4);
  });

  it('re-polls the same transaction after a commit-status deadline instead of resubmitting', async () => {
    const fake = fakeContract([{ kind: 'commit', code: StatusCode.VALID, result: {}, statusFailures: 2 }]);
    const submitted = await client(fake.contract).submit('Request', asObject);
    expect(fake.calls).toHaveLength(1);
    expect(fake.statusPolls()).toBe(3);
    expect(submitted.transactionId).toBe('tx1');
  });

  it('defect: retries apply transactions twice (an unknown commit status is re-polled, never re-proposed)', async () => {
    // the transaction commits, but its status stays unreachable past the status retries
    const fake = fakeContract([
      { kind: 'commit', code: StatusCode.VALID, result: { cycle: 1 }, statusFailures: 10 },
      { kind: 'commit', code: StatusCode.VALID, result: { cycle: 2 } },
    ]);
    const error = await client(fake.contract)
      .submit('AdvanceCycle', asObject)
      .catch((e: unknown) => e);
    expect(fake.calls).toHaveLength(1);
    expect(fake.statusPolls()).toBe(4);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ step: 'commit-status', transactionId: 'tx1' });
  });

  it('defect: retries apply transactions twice (an orderer failure re-sends the same transaction)', async () => {
    const fake = fakeContract([
      { kind: 'commit', code: StatusCode.VALID, result: { ok: 1 }, submitFailures: 2 } as CommitOutcome,
      { kind: 'commit', code: StatusCode.VALID, result: { ok: 2 } },
    ]);
    const submitted = await client(fake.contract).submit('Submit', asObject);
    expect(fake.calls).toHaveLength(1);
    expect(fake.sends()).toBe(3);
    expect(submitted).toMatchObject({ transactionId: 'tx1', result: { ok: 1 } });
  });

  it('hands a transaction whose commit status never came to the orderers again, same id, after a ledger look-up', async () => {
    // the ordering service took the first send but never ordered it (its leader restarted)
    const fake = fakeContract([
      { kind: 'commit', code: StatusCode.VALID, result: { ok: 1 }, lostSends: 1 } as CommitOutcome,
    ]);
    const looked: string[] = [];
    const submitted = await newContractClient({
      contract: fake.contract,
      channel: 'master',
      contractName: 'Trace',
      retry: fast,
      commitStatusRetry: fast,
      lookupCommitted: (id) => {
        looked.push(id);
        return Promise.resolve(undefined);
      },
      retryHooks: { sleep: () => Promise.resolve() },
    }).submit('ConditionB', asObject);
    expect(fake.calls).toHaveLength(1); // never a fresh proposal
    expect(fake.sends()).toBe(2);
    expect(looked).toEqual(['tx1']);
    expect(submitted).toMatchObject({ transactionId: 'tx1', result: { ok: 1 }, blockNumber: 42n });
  });

  it('takes a lost-looking transaction found on the ledger as committed, without sending it again', async () => {
    const fake = fakeContract([
      { kind: 'commit', code: StatusCode.VALID, result: { ok: 1 }, lostSends: 5 } as CommitOutcome,
    ]);
    const submitted = await newContractClient({
      contract: fake.contract,
      channel: 'master',
      contractName: 'Trace',
      retry: fast,
      commitStatusRetry: fast,
      lookupCommitted: () => Promise.resolve({ code: 0, blockNumber: 7n }),
    }).submit('ConditionB', asObject);
    expect(fake.sends()).toBe(1);
    expect(submitted).toMatchObject({ transactionId: 'tx1', result: { ok: 1 }, blockNumber: 7n });
  });

  it('keeps asking for a transaction while its gateway peer restarts, without a fresh proposal', async () => {
    // sent, then the peer dies: status polls, look-ups and re-sends all fail for one whole
    // recovery round (6 attempts); when the peer is back the transaction is found committed
    const fake = fakeContract([
      {
        kind: 'commit',
        code: StatusCode.VALID,
        result: { ok: 1 },
        lostSends: 1,
        refusedResends: 6,
      } as CommitOutcome,
    ]);
    const peer = restartingPeer(6, { code: 0, blockNumber: 9n });
    const retried: number[] = [];
    const submitted = await measurementClient(fake.contract, peer.lookup, retried).submit('Submit', asObject);
    expect(fake.calls).toHaveLength(1);
    expect(peer.lookups()).toBe(7);
    expect(fake.sends()).toBe(7); // the first send and six refused re-sends
    // round 0: three status retries, then look-ups and re-sends fail (peer down), reported as
    // round 1; round 1: three status retries, then the look-up finds it (not reported)
    expect(retried).toEqual([1, 2, 3, 1, 1, 2, 3]);
    expect(submitted).toMatchObject({ transactionId: 'tx1', result: { ok: 1 }, blockNumber: 9n });
  });

  it('keeps re-sending the same transaction while its gateway peer restarts, without a fresh proposal', async () => {
    // the send fails and so does a whole recovery round (the peer is down): 4 send attempts,
    // then 6 look-ups and re-sends; the next round's first re-send goes through
    const fake = fakeContract([
      { kind: 'commit', code: StatusCode.VALID, result: { ok: 1 }, submitFailures: 10 } as CommitOutcome,
    ]);
    const peer = restartingPeer(Number.POSITIVE_INFINITY);
    const submitted = await measurementClient(fake.contract, peer.lookup).submit('Submit', asObject);
    expect(fake.calls).toHaveLength(1);
    expect(peer.lookups()).toBe(7);
    expect(fake.sends()).toBe(11);
    expect(submitted).toMatchObject({ transactionId: 'tx1', result: { ok: 1 } });
  });

  it('gives up after a bounded number of re-sends when the status never comes', async () => {
    const fake = fakeContract([
      { kind: 'commit', code: StatusCode.VALID, result: {}, lostSends: 100 } as CommitOutcome,
    ]);
    const error = await newContractClient({
      contract: fake.contract,
      channel: 'master',
      contractName: 'Trace',
      retry: fast,
      commitStatusRetry: fast,
      lookupCommitted: () => Promise.resolve(undefined),
    })
      .submit('ConditionB', asObject)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ step: 'commit-status', transactionId: 'tx1' });
    expect(fake.calls).toHaveLength(1);
    expect(fake.sends()).toBe(4); // the first send and three re-sends
  });

  it('polls again after a commit-status wait the peer cancelled, without a fresh proposal', async () => {
    const fake = fakeContract([{ kind: 'commit', code: StatusCode.VALID, result: { ok: 1 } }]);
    let cancelled = false;
    const contract = {
      ...fake.contract,
      newProposal: (name: string, options?: { arguments?: string[] }) => {
        const proposal = fake.contract.newProposal(name, options);
        return {
          endorse: async () => {
            const endorsed = await proposal.endorse();
            return {
              getTransactionId: () => endorsed.getTransactionId(),
              getResult: () => endorsed.getResult(),
              submit: async () => {
                const submitted = await endorsed.submit();
                return {
                  getTransactionId: () => submitted.getTransactionId(),
                  getResult: () => submitted.getResult(),
                  getStatus: () => {
                    if (!cancelled) {
                      cancelled = true;
                      const cause = serviceError(status.CANCELLED, 'Call cancelled');
                      return Promise.reject(
                        new CommitStatusError({
                          code: status.CANCELLED,
                          details: [],
                          cause,
                          transactionId: submitted.getTransactionId(),
                        }),
                      );
                    }
                    return submitted.getStatus();
                  },
                };
              },
            };
          },
        };
      },
    } as unknown as Contract;
    const submitted = await client(contract).submit('Submit', asObject);
    expect(cancelled).toBe(true);
    expect(fake.calls).toHaveLength(1);
    expect(fake.sends()).toBe(1);
    expect(submitted).toMatchObject({ transactionId: 'tx1', result: { ok: 1 } });
  });

  it('does not retry a chaincode refusal', async () => {
    const cause = serviceError(
      status.ABORTED,
      'failed to endorse transaction, see attached details for more info',
    );
    const refusal = new EndorseError({
      code: status.ABORTED,
      details: [
        {
          address: 'peer0.gridco:8001',
          mspId: 'GridCoMSP',
          message: 'chaincode response 500, ALREADY_EXISTS: task T1 already exists',
        },
      ],
      cause,
      transactionId: 'tx-x',
    });
    const fake = fakeContract([{ kind: 'throw', error: refusal }]);
    const error = await client(fake.contract)
      .submit('Request', asObject)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toMatchObject({ code: 'ALREADY_EXISTS', transactionId: 'tx-x' });
    expect(fake.calls).toHaveLength(1);
  });

  describe('a refusal by named endorsers', () => {
    const refusalBy = (mspId: string): EndorseError =>
      new EndorseError({
        code: status.ABORTED,
        details: [
          {
            address: 'peer0.regulator:8071',
            mspId,
            message: 'chaincode response 500, ALREADY_EXISTS: role I already submitted its first answer',
          },
        ],
        cause: serviceError(status.ABORTED, 'failed to endorse transaction'),
        transactionId: 'tx-r',
      });
    const endorsers = { endorsingOrganizations: ['Hv1MSP', 'RegulatorMSP'] };
    const withCatchUp = (contract: Contract, behindRounds: number, asked: string[][]) =>
      client(contract, {
        endorserCatchUp: ({ endorsers }) => {
          asked.push([...endorsers]);
          return Promise.resolve(asked.length <= behindRounds);
        },
      });

    it('is proposed afresh once an endorser that was behind has caught up', async () => {
      const fake = fakeContract([
        { kind: 'throw', error: refusalBy('RegulatorMSP') },
        { kind: 'commit', code: StatusCode.VALID, result: { ok: 1 } },
      ]);
      const asked: string[][] = [];
      const submitted = await withCatchUp(fake.contract, 1, asked).submit(
        'SubmitResult',
        asObject,
        endorsers,
      );
      expect(submitted.result).toEqual({ ok: 1 });
      expect(fake.calls).toHaveLength(2);
      expect(asked).toEqual([['Hv1MSP', 'RegulatorMSP']]);
    });

    it('is final when no endorser was behind', async () => {
      const fake = fakeContract([{ kind: 'throw', error: refusalBy('RegulatorMSP') }]);
      const asked: string[][] = [];
      const error = await withCatchUp(fake.contract, 0, asked)
        .submit('SubmitResult', asObject, endorsers)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ALREADY_EXISTS' });
      expect(fake.calls).toHaveLength(1);
      expect(asked).toHaveLength(1);
    });

    it('is final after a bounded number of catch-ups, and never asked about without named endorsers', async () => {
      const refusals = Array.from(
        { length: 9 },
        () => ({ kind: 'throw', error: refusalBy('RegulatorMSP') }) as const,
      );
      const fake = fakeContract([...refusals]);
      const asked: string[][] = [];
      const error = await withCatchUp(fake.contract, 100, asked)
        .submit('SubmitResult', asObject, endorsers)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ContractError);
      expect(fake.calls).toHaveLength(9); // the first proposal and eight after catching up
      const unnamed = fakeContract([{ kind: 'throw', error: refusalBy('GridCoMSP') }]);
      const none: string[][] = [];
      await expect(
        withCatchUp(unnamed.contract, 100, none).submit('Request', asObject),
      ).rejects.toBeInstanceOf(ContractError);
      expect(none).toEqual([]);
    });
  });

  it('retries an unavailable gateway on evaluate, then succeeds', async () => {
    const cause = serviceError(status.UNAVAILABLE, 'No connection established');
    const fake = fakeContract([
      { kind: 'throw', error: new GatewayError({ code: status.UNAVAILABLE, details: [], cause }) },
      { kind: 'commit', code: StatusCode.VALID, result: { stage: 'END' } },
    ]);
    expect(await client(fake.contract).evaluate('GetArbitration', asObject)).toEqual({ stage: 'END' });
    expect(fake.calls).toEqual(['evaluate Trace:GetArbitration', 'evaluate Trace:GetArbitration']);
  });

  it('reports a result it cannot decode as a typed error naming the transaction', async () => {
    const fake = fakeContract([{ kind: 'commit', code: StatusCode.VALID, result: [1, 2] }]);
    const decode = (v: unknown) => {
      if (!Array.isArray(v) || v.length !== 3) throw new Error('expected three numbers');
      return v.map(Number);
    };
    await expect(client(fake.contract).evaluate('GetTask', decode)).rejects.toThrow(
      'unexpected result of Trace:GetTask: expected three numbers',
    );
    const unavailable = fakeContract([
      {
        kind: 'throw',
        error: new GatewayError({
          code: status.UNAVAILABLE,
          details: [],
          cause: serviceError(status.UNAVAILABLE, 'x'),
        }),
      },
      {
        kind: 'throw',
        error: new GatewayError({
          code: status.UNAVAILABLE,
          details: [],
          cause: serviceError(status.UNAVAILABLE, 'x'),
        }),
      },
      {
        kind: 'throw',
        error: new GatewayError({
          code: status.UNAVAILABLE,
          details: [],
          cause: serviceError(status.UNAVAILABLE, 'x'),
        }),
      },
      {
        kind: 'throw',
        error: new GatewayError({
          code: status.UNAVAILABLE,
          details: [],
          cause: serviceError(status.UNAVAILABLE, 'x'),
        }),
      },
    ]);
    await expect(client(unavailable.contract).evaluate('GetTask', decode)).rejects.toBeInstanceOf(
      TransportError,
    );
  });
});
