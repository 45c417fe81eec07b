/**
 * Smoke test of the real test network (started by network/scripts/with-network.sh):
 * - a measurement submitted by an LV org on its slave channel is committed and read back through
 *   another org's peer;
 * - our block header hash (chaincode/src/anchor/block-header-hash.ts) equals the hash the peer
 *   reports for the channel's last block (`qscc GetChainInfo`), and chains to the block before;
 * - orgs that are not members of a channel are refused, and nothing is written.
 */
import { blockHeaderHash } from '../../chaincode/src/anchor/block-header-hash';
import { newLedgerWaiter } from '../../gateway-client/src/sdk/ledger-height';
import {
  connectGateway,
  getBlockHeader,
  getChainInfo,
  getOrg,
  loadTestNetwork,
  masterChannel,
  slaveChannelOf,
  withGateway,
} from './support';
import type { OrgGateway } from './support';

const NETWORK_TEST_TIMEOUT_MS = 180_000;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const utf8 = new TextDecoder();

/**
 * Awaits a call that the peer must refuse because the caller's org is not a channel member, and
 * checks the reason the peer gave (in the message or in the per-endorser details).
 */
async function expectNotAMember(call: Promise<unknown>, channel: string): Promise<void> {
  const error: unknown = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  const text = `${(error as Error).message} ${JSON.stringify((error as { details?: unknown }).details ?? [])}`;
  expect(text).toContain(`access denied: channel [${channel}] creator org unknown`);
}

/** A minimal valid LV measurement (one branch, one load) for `slot`. */
function measurementOf(substation: string, slot: number): string {
  return JSON.stringify({
    slot,
    substation,
    loads: [{ busId: 2, pMw: 0.42, qMvar: 0.13 }],
    generators: [],
    switches: [{ fromBusId: 1, toBusId: 2, closed: true }],
    branches: [{ fromBusId: 1, toBusId: 2, rPu: 0.0123, xPu: 0.0456 }],
    grid: 'smoke',
  });
}

/** Lv1a's buses 1 and 2 on grid `smoke` (measurements may only use registered buses of their own). */
const SMOKE_TOPOLOGY = JSON.stringify({
  id: 'smoke-lv1a',
  grid: 'smoke',
  substation: 'Lv1a',
  baseMva: 10,
  buses: [
    { busId: 1, kind: 'slack', baseKv: 12.66 },
    { busId: 2, kind: 'pq', baseKv: 12.66 },
  ],
  branches: [{ fromBusId: 1, toBusId: 2, rPu: 0.0123, xPu: 0.0456 }],
});

describe('test network', () => {
  const network = loadTestNetwork();
  const slave = slaveChannelOf('Hv1', network);
  // A slot no earlier run used, so the test also passes on a reused network.
  const slot = Math.floor(Date.now() / 1000);

  it('has the topology of DESIGN.md §2', () => {
    expect(network.orderers).toHaveLength(4);
    expect(masterChannel(network).peerOrgs).toEqual(['GridCo', 'Hv1', 'Hv2', 'Regulator']);
    expect(masterChannel(network).clientOrgs).toEqual(['CloudA', 'CloudB', 'CloudC']);
    expect(slave.name).toBe('slave-hv1');
    expect(slave.peerOrgs).toEqual(['Hv1', 'Lv1a', 'Lv1b', 'Regulator']);
    expect(slaveChannelOf('Hv2', network).peerOrgs).toEqual(['Hv2', 'Lv2a', 'Lv2b', 'Regulator']);
    expect(getOrg('CloudA', network).peer).toBeNull();
  });

  describe('on a slave channel', () => {
    let lv1a: OrgGateway;
    let regulator: OrgGateway;
    let committedBlock: bigint;

    beforeAll(async () => {
      lv1a = await connectGateway({ org: 'Lv1a', network });
      regulator = await connectGateway({ org: 'Regulator', network });
    });
    afterAll(() => {
      lv1a.close();
      regulator.close();
    });

    it(
      'commits a transaction submitted by Lv1a and serves it through the Regulator peer',
      async () => {
        const contract = lv1a.gateway.getNetwork(slave.name).getContract(slave.chaincode, 'Measurement');
        await contract.submitTransaction('RegisterTopology', SMOKE_TOPOLOGY).catch((error: unknown) => {
          // a reused network has it already
          const e = error as { message?: string; details?: unknown };
          if (
            !`${e.message ?? String(error)} ${JSON.stringify(e.details ?? [])}`.includes('ALREADY_EXISTS')
          ) {
            throw error;
          }
        });
        const submitted = await contract.submitAsync('Submit', { arguments: [measurementOf('Lv1a', slot)] });
        const status = await submitted.getStatus();
        expect(status.successful).toBe(true);
        committedBlock = status.blockNumber;

        // submit returns once Lv1a's own peer has committed the block; the Regulator's peer may
        // still be a block behind, so wait for it there and read from that peer only
        const regulatorOnly = [regulator.org.mspId];
        await newLedgerWaiter((c) => regulator.gateway.getNetwork(c), regulatorOnly).waitForBlock(
          slave.name,
          committedBlock,
        );
        const readBack = await regulator.gateway
          .getNetwork(slave.name)
          .getContract(slave.chaincode, 'Measurement')
          .evaluate('Get', { arguments: [String(slot), 'Lv1a'], endorsingOrganizations: regulatorOnly });
        const record = JSON.parse(utf8.decode(readBack)) as Record<string, unknown>;
        expect(regulator.peer.hostname).toBe('peer0.regulator.carbontrace.test');
        expect(record).toMatchObject({
          slot,
          substation: 'Lv1a',
          version: 1,
          submitterMsp: 'Lv1aMSP',
          txId: submitted.getTransactionId(),
          loads: [{ busId: 2, pMw: 0.42, qMvar: 0.13 }],
        });
      },
      NETWORK_TEST_TIMEOUT_MS,
    );

    it(
      "computes the peer's block hash: SHA-256 of DER SEQUENCE{number, previous_hash, data_hash}",
      async () => {
        const channel = regulator.gateway.getNetwork(slave.name);
        const info = await getChainInfo(channel);
        const last = info.height - 1n;
        expect(last).toBeGreaterThanOrEqual(committedBlock);
        const lastHeader = await getBlockHeader(channel, last);
        const previousHeader = await getBlockHeader(channel, last - 1n);

        expect(lastHeader.number).toBe(last);
        expect(hex(blockHeaderHash(lastHeader))).toBe(hex(info.currentBlockHash));
        expect(hex(blockHeaderHash(previousHeader))).toBe(hex(info.previousBlockHash));
        expect(hex(lastHeader.previousHash)).toBe(hex(info.previousBlockHash));
        // And the block holding our transaction chains to its successor.
        if (committedBlock < last) {
          const ours = await getBlockHeader(channel, committedBlock);
          const next = await getBlockHeader(channel, committedBlock + 1n);
          expect(hex(blockHeaderHash(ours))).toBe(hex(next.previousHash));
        }
      },
      NETWORK_TEST_TIMEOUT_MS,
    );
  });

  describe('refuses organizations that are not channel members', () => {
    it(
      'Lv2a (a member of slave-hv2 only) cannot read or write slave-hv1 through a slave-hv1 peer',
      async () => {
        await withGateway({ org: 'Lv2a', peerOrg: 'Regulator', network }, async (lv2a) => {
          const channel = lv2a.gateway.getNetwork(slave.name);
          const heightBefore = await withGateway({ org: 'Regulator', network }, async (reg) =>
            getChainInfo(reg.gateway.getNetwork(slave.name)).then((info) => info.height),
          );
          const contract = channel.getContract(slave.chaincode, 'Measurement');
          await expectNotAMember(contract.evaluateTransaction('Get', String(slot), 'Lv1a'), slave.name);
          await expectNotAMember(
            contract.submitTransaction('Submit', measurementOf('Lv2a', slot + 1)),
            slave.name,
          );
          await expectNotAMember(getChainInfo(channel), slave.name);
          const heightAfter = await withGateway({ org: 'Regulator', network }, async (reg) =>
            getChainInfo(reg.gateway.getNetwork(slave.name)).then((info) => info.height),
          );
          expect(heightAfter).toBe(heightBefore);
        });
      },
      NETWORK_TEST_TIMEOUT_MS,
    );

    it(
      'CloudA (a member of master only) cannot read a slave channel',
      async () => {
        await withGateway({ org: 'CloudA', peerOrg: 'Regulator', network }, async (cloudA) => {
          await expectNotAMember(getChainInfo(cloudA.gateway.getNetwork(slave.name)), slave.name);
        });
      },
      NETWORK_TEST_TIMEOUT_MS,
    );

    it(
      'while CloudA, a client-only member of master, can read master through its gateway peer',
      async () => {
        await withGateway({ org: 'CloudA', network }, async (cloudA) => {
          expect(cloudA.peer.hostname).toBe('peer0.gridco.carbontrace.test');
          const info = await getChainInfo(cloudA.gateway.getNetwork(masterChannel(network).name));
          expect(info.height).toBeGreaterThan(0n);
        });
      },
      NETWORK_TEST_TIMEOUT_MS,
    );
  });
});
