/**
 * The configuration generator (test-network-config/generate.sh) on a utility's own topology:
 * three HV substations, an LV count that differs per HV, two cloud providers. Checks the channels
 * and members it derives, that every port is distinct, and what the genesis blocks really
 * contain (decoded by `configtxgen -inspectBlock`): BFT, V3_0, the consenter mapping, the orderer
 * endpoints and anchor peers. Needs cryptogen and configtxgen (npm run network:install), not a
 * running network.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import type { TestNetwork } from './support';

const repo = path.resolve(__dirname, '..', '..');
const configtxgen = path.join(
  process.env['CARBONTRACE_FABRIC_BIN'] ?? path.join(repo, '.cache', 'fabric', 'bin'),
  'configtxgen',
);

const topology = {
  domain: 'utility.test',
  host: '127.0.0.1',
  basePort: 27000,
  ordererCount: 4,
  gridCompany: 'GridCo',
  regulator: 'Regulator',
  cloudProviders: ['CloudX', 'CloudY'],
  hvSubstations: [
    { name: 'HvNorth', lvSubstations: ['LvN1'] },
    { name: 'HvSouth', lvSubstations: ['LvS1', 'LvS2', 'LvS3'] },
    { name: 'HvEast', lvSubstations: ['LvE1', 'LvE2'] },
  ],
  chaincodes: {
    master: { name: 'carbon-master', entry: 'chaincode/dist/contracts/master/index.js' },
    slave: { name: 'carbon-slave', entry: 'chaincode/dist/contracts/slave/index.js' },
  },
};

interface InspectedChannel {
  readonly orgs: readonly string[];
  readonly type: string;
  readonly capabilities: readonly string[];
  readonly consenters: readonly { id: number; host: string; port: number }[];
  readonly endpoints: readonly string[];
  readonly anchorPorts: Readonly<Record<string, number>>;
}

/** Decodes a genesis block with configtxgen and picks the fields under test. */
function inspect(block: string): InspectedChannel {
  const json = JSON.parse(
    execFileSync(configtxgen, ['-inspectBlock', block], { stdio: ['ignore', 'pipe', 'ignore'] }).toString(),
  );
  const group = json.data.data[0].payload.data.config.channel_group;
  const app = group.groups.Application.groups as Record<
    string,
    { values: { AnchorPeers?: { value: { anchor_peers: { port: number }[] } } } }
  >;
  const anchorPorts: Record<string, number> = {};
  for (const [msp, org] of Object.entries(app)) {
    const port = org.values.AnchorPeers?.value.anchor_peers[0]?.port;
    if (port !== undefined) anchorPorts[msp] = port;
  }
  return {
    orgs: Object.keys(app).sort(),
    type: group.groups.Orderer.values.ConsensusType.value.type,
    capabilities: Object.keys(group.values.Capabilities.value.capabilities),
    consenters: (
      group.groups.Orderer.values.Orderers.value.consenter_mapping as {
        id: number;
        host: string;
        port: number;
      }[]
    ).map((c) => ({ id: c.id, host: c.host, port: c.port })),
    endpoints: group.groups.Orderer.groups.OrdererMSP.values.Endpoints.value.addresses,
    anchorPorts,
  };
}

describe('generate.sh on a utility topology', () => {
  let dir: string;
  let network: TestNetwork;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'carbontrace-generate-'));
    writeFileSync(path.join(dir, 'topology.json'), JSON.stringify(topology));
    execFileSync(
      'bash',
      [
        path.join(repo, 'test-network-config', 'generate.sh'),
        '--topology',
        path.join(dir, 'topology.json'),
        '--out',
        path.join(dir, 'config'),
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    network = JSON.parse(readFileSync(path.join(dir, 'config', 'network.json'), 'utf8')) as TestNetwork;
  }, 120_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('derives master and one slave channel per HV substation with the right members', () => {
    expect(network.channels.map((c) => [c.name, c.peerOrgs, c.clientOrgs])).toEqual([
      ['master', ['GridCo', 'HvNorth', 'HvSouth', 'HvEast', 'Regulator'], ['CloudX', 'CloudY']],
      ['slave-hvnorth', ['HvNorth', 'LvN1', 'Regulator'], []],
      ['slave-hvsouth', ['HvSouth', 'LvS1', 'LvS2', 'LvS3', 'Regulator'], []],
      ['slave-hveast', ['HvEast', 'LvE1', 'LvE2', 'Regulator'], []],
    ]);
    expect(network.orgs.filter((o) => o.peer === null).map((o) => o.name)).toEqual(['CloudX', 'CloudY']);
    expect(network.orgs.find((o) => o.name === 'Regulator')?.channels).toEqual([
      'master',
      'slave-hvnorth',
      'slave-hvsouth',
      'slave-hveast',
    ]);
  });

  it('gives every listener its own port', () => {
    const addresses = [
      ...network.orderers.flatMap((o) => [o.address, o.adminAddress, o.operationsAddress]),
      ...network.orgs.flatMap((o) =>
        o.peer === null ? [] : [o.peer.address, o.peer.chaincodeAddress, o.peer.operationsAddress],
      ),
      ...network.orgs.flatMap((o) =>
        (o as unknown as { chaincodeServers: { address: string }[] }).chaincodeServers.map((s) => s.address),
      ),
    ];
    // 4 orderers x 3 + 11 peers x 3 + servers: GridCo 1, HVs 2 each, LVs 1 each, Regulator 2.
    expect(addresses).toHaveLength(12 + 33 + (1 + 6 + 6 + 2));
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses.every((a) => a.startsWith('127.0.0.1:'))).toBe(true);
  });

  it('writes BFT genesis blocks with V3_0, 4 consenters, per-org orderer endpoints and anchor peers', () => {
    const slave = inspect(path.join(dir, 'config', 'channel-artifacts', 'slave-hvsouth.block'));
    expect(slave.orgs).toEqual(['HvSouthMSP', 'LvS1MSP', 'LvS2MSP', 'LvS3MSP', 'RegulatorMSP']);
    expect(slave.type).toBe('BFT');
    expect(slave.capabilities).toEqual(['V3_0']);
    expect(slave.consenters).toEqual([
      { id: 1, host: '127.0.0.1', port: 27050 },
      { id: 2, host: '127.0.0.1', port: 27060 },
      { id: 3, host: '127.0.0.1', port: 27070 },
      { id: 4, host: '127.0.0.1', port: 27080 },
    ]);
    expect(slave.endpoints).toEqual([
      '127.0.0.1:27050',
      '127.0.0.1:27060',
      '127.0.0.1:27070',
      '127.0.0.1:27080',
    ]);
    const hvSouthPeer = network.orgs.find((o) => o.name === 'HvSouth')?.peer;
    expect(slave.anchorPorts['HvSouthMSP']).toBe(Number(hvSouthPeer?.address.split(':')[1]));

    const master = inspect(path.join(dir, 'config', 'channel-artifacts', 'master.block'));
    expect(master.orgs).toEqual([
      'CloudXMSP',
      'CloudYMSP',
      'GridCoMSP',
      'HvEastMSP',
      'HvNorthMSP',
      'HvSouthMSP',
      'RegulatorMSP',
    ]);
    expect(master.anchorPorts['CloudXMSP']).toBeUndefined();
    expect(Object.keys(master.anchorPorts)).toHaveLength(5);
  });

  it('writes a connection profile per org; client-only orgs point at the grid company peer', () => {
    const profile = JSON.parse(
      readFileSync(path.join(dir, 'config', 'connection-profiles', 'CloudY.json'), 'utf8'),
    );
    expect(profile.organizations.CloudY.mspid).toBe('CloudYMSP');
    expect(Object.keys(profile.peers)).toEqual(['peer0.gridco.utility.test']);
    expect(Object.keys(profile.channels)).toEqual(['master']);
    expect(readFileSync(profile.organizations.CloudY.users.User1.certPath, 'utf8')).toContain(
      'BEGIN CERTIFICATE',
    );
  });
});
