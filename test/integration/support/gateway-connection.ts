/**
 * Connects a Fabric Gateway (@hyperledger/fabric-gateway 1.11) as one organization's user to a
 * peer of the test network: TLS to the peer with the peer org's TLS CA, the user's cryptogen
 * certificate and key as identity and signer. Client-only orgs (cloud providers) connect through
 * their gateway peer org's peer (GridCo by default).
 *
 * ```ts
 * const hv1 = await connectGateway({ org: 'Hv1' });
 * try {
 *   const contract = hv1.gateway.getNetwork('slave-hv1').getContract('carbon-slave', 'Measurement');
 *   await contract.submitTransaction('Submit', JSON.stringify(measurement));
 * } finally {
 *   hv1.close();
 * }
 * ```
 */
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers } from '@hyperledger/fabric-gateway';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'crypto';
import { readFileSync } from 'fs';
import { getOrg, loadTestNetwork } from './network-config';
import type { NetworkOrg, PeerNode, TestNetwork } from './network-config';

/** Options of {@link connectGateway}. */
export interface ConnectGatewayOptions {
  /** Organization to act as: name (`Lv1a`) or MSP id (`Lv1aMSP`). */
  readonly org: string;
  /**
   * Which cryptogen user: `user1` (a `.client`) or `admin` (an `.admin`).
   * @default 'user1'
   */
  readonly user?: 'user1' | 'admin';
  /**
   * Org whose peer to connect to (name or MSP id). Use it to read through another org's peer or to
   * check that a peer refuses a non-member.
   * @default the org's own peer; for client-only orgs, their `gatewayPeerOrg`
   */
  readonly peerOrg?: string;
  /**
   * Deadline of evaluate calls, ms.
   * @default 30000
   */
  readonly evaluateTimeoutMs?: number;
  /**
   * Deadline of endorse, submit and commit-status calls, ms.
   * @default 120000
   */
  readonly submitTimeoutMs?: number;
  /** The network description. @default loadTestNetwork() */
  readonly network?: TestNetwork;
}

/** An open gateway connection; call {@link OrgGateway.close} when done. */
export interface OrgGateway {
  readonly gateway: Gateway;
  /** The org acting. */
  readonly org: NetworkOrg;
  /** The peer connected to. */
  readonly peer: PeerNode;
  /** Closes the gateway and its gRPC connection. */
  close(): void;
}

/**
 * The peer an org's clients connect to by default: its own, or its gateway peer org's.
 * @throws Error when neither exists.
 */
export function defaultPeerOf(org: NetworkOrg, network: TestNetwork = loadTestNetwork()): PeerNode {
  if (org.peer !== null) return org.peer;
  if (org.gatewayPeerOrg !== undefined) {
    const gatewayOrg = getOrg(org.gatewayPeerOrg, network);
    if (gatewayOrg.peer !== null) return gatewayOrg.peer;
  }
  throw new Error(`organization ${org.name} has no peer and no gateway peer org`);
}

/** A gRPC client to a peer over TLS, trusting the peer org's TLS CA. */
export function newPeerGrpcClient(peerOrg: NetworkOrg, peer: PeerNode = defaultPeerOf(peerOrg)): grpc.Client {
  const credentials = grpc.credentials.createSsl(readFileSync(peerOrg.tlsCaCert));
  return new grpc.Client(peer.address, credentials, { 'grpc.ssl_target_name_override': peer.hostname });
}

/**
 * Opens a gateway as `options.org`'s user on a peer of the test network.
 * @throws Error when the org, user or peer is unknown or their files cannot be read.
 */
export function connectGateway(options: Readonly<ConnectGatewayOptions>): Promise<OrgGateway> {
  const network = options.network ?? loadTestNetwork();
  const org = getOrg(options.org, network);
  const identityFiles = org.users[options.user ?? 'user1'];
  const peerOrg =
    options.peerOrg !== undefined
      ? getOrg(options.peerOrg, network)
      : org.peer !== null
        ? org
        : getOrg(org.gatewayPeerOrg ?? '', network);
  const peer = defaultPeerOf(peerOrg, network);
  const client = newPeerGrpcClient(peerOrg, peer);
  const evaluateMs = options.evaluateTimeoutMs ?? 30_000;
  const submitMs = options.submitTimeoutMs ?? 120_000;
  const gateway = connect({
    client,
    identity: { mspId: org.mspId, credentials: readFileSync(identityFiles.certPath) },
    signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(identityFiles.keyPath))),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + evaluateMs }),
    endorseOptions: () => ({ deadline: Date.now() + submitMs }),
    submitOptions: () => ({ deadline: Date.now() + submitMs }),
    commitStatusOptions: () => ({ deadline: Date.now() + submitMs }),
  });
  return Promise.resolve({
    gateway,
    org,
    peer,
    close: () => {
      gateway.close();
      client.close();
    },
  });
}

/**
 * Runs `action` with a gateway as `options.org`'s user and always closes it afterwards.
 * @returns what `action` returns.
 */
export async function withGateway<T>(
  options: Readonly<ConnectGatewayOptions>,
  action: (connection: OrgGateway) => Promise<T>,
): Promise<T> {
  const connection = await connectGateway(options);
  try {
    return await action(connection);
  } finally {
    connection.close();
  }
}
