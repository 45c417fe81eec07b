/**
 * One organization's connection to its gateway peer: a TLS gRPC channel, the client identity and
 * signer, deadlines on every call and retry policies. {@link connectOrg} opens it; `close()` closes
 * the gateway and the gRPC channel (both, always; it is safe to call twice).
 */
import { createPrivateKey } from 'crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, signers } from '@hyperledger/fabric-gateway';
import type { Gateway, Network } from '@hyperledger/fabric-gateway';
import { GatewayClientError } from './client-errors';
import type { ContractClient } from './contract-client';
import { newContractClient } from './contract-client';
import type { CallDeadlines } from './deadlines';
import { resolveDeadlines } from './deadlines';
import { parseGatewayError } from './error-parser';
import { newCommittedLookup } from './submit-recovery';
import { newEndorserCatchUp } from './endorser-catch-up';
import { newLedgerWaiter } from './ledger-height';
import type { LedgerWaiter } from './ledger-height';
import type { RetryHooks, RetryOptions, RetryPolicy } from './retry-policy';
import { resolveRetryPolicy } from './retry-policy';

/** Everything needed to reach one org's gateway peer as one of its client identities. */
export interface OrgConnectionConfig {
  /** MSP id of the client identity, e.g. `GridCoMSP`. */
  readonly mspId: string;
  /** Gateway peer endpoint, `host:port`. */
  readonly peerEndpoint: string;
  /** TLS server name to expect (the peer's certificate host name) when it differs from the endpoint host. */
  readonly peerHostAlias?: string;
  /** PEM of the CA that signed the peer's TLS certificate. */
  readonly tlsRootCertPem: string;
  /** PEM of the client's enrollment certificate. */
  readonly certificatePem: string;
  /** PEM of the client's private key (never logged). */
  readonly privateKeyPem: string;
  /**
   * True when the organization has its own peer: queries are then evaluated on it only (the
   * gateway asks its own organization's peers first, but falls back to another organization's
   * peer, highest block first, when they fail, and that answer may not be ours to trust).
   */
  readonly evaluateOnOwnPeer?: boolean;
}

/** Options of {@link connectOrg}. */
export interface ConnectOrgOptions {
  /** Where to connect and as whom. */
  readonly config: OrgConnectionConfig;
  /** Deadline overrides per call kind. @default {@link DEFAULT_DEADLINES} */
  readonly deadlines?: Partial<CallDeadlines>;
  /** Retry policy for transactions. @default 5 attempts, 200 ms doubling */
  readonly retry?: RetryOptions;
  /** Hooks for retries (logging, test clocks). */
  readonly retryHooks?: RetryHooks;
  /**
   * Endorsing organizations of every submit that names none (DESIGN.md §8: the caller's own peer
   * and the independent verifier's). @default the gateway's choice (discovery)
   */
  readonly submitOrganizations?: readonly string[];
}

/** An open connection of one organization's client to its gateway peer. */
export interface OrgConnection {
  /** MSP id of the connected identity. */
  readonly mspId: string;
  /** The call deadlines in force. */
  readonly deadlines: CallDeadlines;
  /** The organizations queries are pinned to (the own org when it has a peer), or undefined. */
  readonly evaluateOrganizations: readonly string[] | undefined;
  /** The underlying Fabric gateway (for events and advanced use). */
  readonly gateway: Gateway;
  /** A channel, for block and chaincode events. */
  network(channel: string): Network;
  /**
   * Block heights of this organization's own peer (the gateway peer when the organization has
   * none), and waiting for a block to be committed there.
   */
  ledger(): LedgerWaiter;
  /** A contract with JSON in/out, typed errors, deadlines and retries. */
  contract(channel: string, chaincode: string, contractName: string): ContractClient;
  /** Closes the gateway and the gRPC channel. Idempotent. */
  close(): void;
}

/**
 * Opens a connection and waits until the gRPC channel is ready.
 * @throws {@link GatewayClientError} CONFIG_INVALID when the key or certificates cannot be read.
 * @throws {@link TransportError} when the peer is not reachable within `deadlines.connectMs`.
 */
export async function connectOrg(options: Readonly<ConnectOrgOptions>): Promise<OrgConnection> {
  const { config } = options;
  const deadlines = resolveDeadlines(options.deadlines);
  const retry = resolveRetryPolicy(options.retry);
  let signer;
  try {
    signer = signers.newPrivateKeySigner(createPrivateKey(config.privateKeyPem));
  } catch (error: unknown) {
    throw new GatewayClientError('CONFIG_INVALID', {
      message: `cannot read the private key of ${config.mspId}: ${error instanceof Error ? error.message : String(error)}`,
      details: { mspId: config.mspId },
      cause: error,
    });
  }
  const channelOptions: grpc.ChannelOptions = {
    'grpc.keepalive_time_ms': 120_000,
    'grpc.keepalive_timeout_ms': 20_000,
    // Reconnect quickly after a peer restart (grpc-js backs off up to 120 s by default).
    'grpc.initial_reconnect_backoff_ms': 500,
    'grpc.max_reconnect_backoff_ms': 5_000,
    ...(config.peerHostAlias === undefined ? {} : { 'grpc.ssl_target_name_override': config.peerHostAlias }),
  };
  const client = new grpc.Client(
    config.peerEndpoint,
    grpc.credentials.createSsl(Buffer.from(config.tlsRootCertPem)),
    channelOptions,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      client.waitForReady(Date.now() + deadlines.connectMs, (error) => {
        if (error === undefined) resolve();
        else reject(Object.assign(error, { code: grpc.status.UNAVAILABLE }));
      });
    });
  } catch (error: unknown) {
    client.close();
    throw parseGatewayError(error, {
      site: { channel: '-', chaincode: '-', transaction: `connect ${config.peerEndpoint}` },
      step: 'connect',
    });
  }
  const deadline = (ms: number) => () => ({ deadline: Date.now() + ms });
  const gateway = connect({
    client,
    identity: { mspId: config.mspId, credentials: Buffer.from(config.certificatePem) },
    signer,
    evaluateOptions: deadline(deadlines.evaluateMs),
    endorseOptions: deadline(deadlines.endorseMs),
    submitOptions: deadline(deadlines.submitMs),
    commitStatusOptions: deadline(deadlines.commitStatusMs),
  });
  return new OrgConnectionImpl({
    mspId: config.mspId,
    deadlines,
    gateway,
    client,
    retry,
    retryHooks: options.retryHooks ?? {},
    evaluateOrganizations: config.evaluateOnOwnPeer === true ? [config.mspId] : undefined,
    submitOrganizations: options.submitOrganizations,
  });
}

interface OrgConnectionImplOptions {
  readonly mspId: string;
  readonly deadlines: CallDeadlines;
  readonly gateway: Gateway;
  readonly client: grpc.Client;
  readonly retry: RetryPolicy;
  readonly retryHooks: RetryHooks;
  readonly evaluateOrganizations: readonly string[] | undefined;
  readonly submitOrganizations: readonly string[] | undefined;
}

class OrgConnectionImpl implements OrgConnection {
  readonly mspId: string;
  readonly deadlines: CallDeadlines;
  readonly gateway: Gateway;
  readonly evaluateOrganizations: readonly string[] | undefined;
  readonly #client: grpc.Client;
  readonly #retry: RetryPolicy;
  readonly #commitStatusRetry: RetryPolicy;
  readonly #retryHooks: RetryHooks;
  readonly #submitOrganizations: readonly string[] | undefined;
  #closed = false;

  constructor(options: Readonly<OrgConnectionImplOptions>) {
    this.mspId = options.mspId;
    this.deadlines = options.deadlines;
    this.gateway = options.gateway;
    this.evaluateOrganizations = options.evaluateOrganizations;
    this.#client = options.client;
    this.#retry = options.retry;
    this.#commitStatusRetry = resolveRetryPolicy({ maxAttempts: 2, initialDelayMs: 500, maxDelayMs: 2000 });
    this.#retryHooks = options.retryHooks;
    this.#submitOrganizations = options.submitOrganizations;
  }

  network(channel: string): Network {
    return this.gateway.getNetwork(channel);
  }

  ledger(): LedgerWaiter {
    return newLedgerWaiter((channel) => this.network(channel), this.evaluateOrganizations);
  }

  contract(channel: string, chaincode: string, contractName: string): ContractClient {
    const network = this.gateway.getNetwork(channel);
    return newContractClient({
      contract: network.getContract(chaincode),
      lookupCommitted: newCommittedLookup(network, this.evaluateOrganizations),
      endorserCatchUp: newEndorserCatchUp(
        network,
        this.evaluateOrganizations?.[0] === undefined ? {} : { own: this.evaluateOrganizations[0] },
      ),
      channel,
      contractName,
      retry: this.#retry,
      commitStatusRetry: this.#commitStatusRetry,
      retryHooks: this.#retryHooks,
      ...(this.evaluateOrganizations === undefined
        ? {}
        : { evaluateOrganizations: this.evaluateOrganizations }),
      ...(this.#submitOrganizations === undefined ? {} : { submitOrganizations: this.#submitOrganizations }),
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.gateway.close();
    } finally {
      this.#client.close();
    }
  }
}
