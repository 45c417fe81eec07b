/**
 * Exactly-once ordering when the ordering service answers a submit with an error although it may
 * have ordered the transaction. With BFT, the peer gateway needs a quorum of orderers to accept
 * the transaction; an orderer that receives it after the block holding it was cut answers
 * "request already processed", which the gateway counts as a failure. With one orderer down, that
 * race turns a transaction that commits into an UNAVAILABLE submit error, and a retry with a fresh
 * proposal then runs the transaction twice (measured in docs/reliability.md: "slot … is already
 * sealed"). So after a transient submit error the same endorsed transaction (same id, so it can
 * commit at most once) is looked up on the ledger and, when it is not there, submitted again.
 */
import type { Network, SubmittedTransaction, Transaction } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import type { GatewayClientError } from './client-errors';
import { isRetryable } from './retry-policy';

/** Where and how a committed transaction ended up. */
export interface CommittedTransaction {
  /** Fabric `TxValidationCode` (0 = VALID). */
  readonly code: number;
  readonly blockNumber: bigint;
}

/** Finds a transaction on the ledger by id; undefined when the peer does not hold it (yet). */
export type CommittedLookup = (transactionId: string) => Promise<CommittedTransaction | undefined>;

/** A {@link CommittedLookup} over the peer's qscc (`GetTransactionByID`, `GetBlockByTxID`). */
export function newCommittedLookup(network: Network, organizations?: readonly string[]): CommittedLookup {
  const qscc = network.getContract('qscc');
  const options = (txId: string): { arguments: string[]; endorsingOrganizations?: string[] } => ({
    arguments: [network.getName(), txId],
    ...(organizations === undefined ? {} : { endorsingOrganizations: [...organizations] }),
  });
  return async (transactionId) => {
    let processed: Uint8Array;
    try {
      processed = await qscc.evaluate('GetTransactionByID', options(transactionId));
    } catch {
      return undefined; // not committed on this peer (qscc answers an error for an unknown id)
    }
    const code = peer.ProcessedTransaction.deserializeBinary(processed).getValidationcode();
    const block = common.Block.deserializeBinary(
      await qscc.evaluate('GetBlockByTxID', options(transactionId)),
    );
    return { code, blockNumber: BigInt(block.getHeader()?.getNumber() ?? 0) };
  };
}

/** The outcome of {@link recoverSubmit}. */
export type Recovered =
  | { readonly kind: 'submitted'; readonly submitted: SubmittedTransaction }
  | { readonly kind: 'committed'; readonly committed: CommittedTransaction };

/** Options of {@link recoverSubmit}. */
export interface RecoverOptions {
  readonly lookup: CommittedLookup;
  /** Attempts (lookup, then resubmit) before giving up. @default 6 */
  readonly attempts?: number;
  /** Delay before attempt n is n × this, ms. @default 500 */
  readonly stepMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * After `error` from submitting `transaction`: undefined when the error is not transient, else
 * waits, looks the transaction up, and resubmits it (same id) until it is found or accepted.
 * Returns undefined when neither happens within the attempts (the caller then fails as before).
 */
export async function recoverSubmit(
  transaction: Transaction,
  error: GatewayClientError,
  options: Readonly<RecoverOptions>,
): Promise<Recovered | undefined> {
  if (!isRetryable(error)) return undefined;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts = options.attempts ?? 6;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await sleep(attempt * (options.stepMs ?? 500));
    const committed = await options.lookup(transaction.getTransactionId()).catch(() => undefined);
    if (committed !== undefined) return { kind: 'committed', committed };
    try {
      return { kind: 'submitted', submitted: await transaction.submit() };
    } catch {
      // Still refused (e.g. "already processed" while the block commits): look again.
    }
  }
  return undefined;
}
