/**
 * The Docker compose files generated from the topology (network/scripts/compose-gen.sh), checked
 * against the generated network.json without Docker: the committed network/docker-compose.yaml is
 * what the default topology generates today, and every host bundle of the multi-host topology
 * has one service per node of that host, with the node's ports, data volume and configuration
 * mount, and the environment the Docker-free scripts use. Needs cryptogen and configtxgen
 * (npm run network:install), not a running network.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { load } from 'js-yaml';
import { tmpdir } from 'os';
import * as path from 'path';

const repo = path.resolve(__dirname, '..', '..');

interface ComposeService {
  readonly image: string;
  readonly network_mode: string;
  readonly command?: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly volumes: readonly string[];
}
interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes: Readonly<Record<string, unknown>>;
}
interface Net {
  readonly hosts: readonly { name: string }[];
  readonly orderers: readonly {
    name: string;
    host: string;
    address: string;
    adminAddress: string;
    operationsAddress: string;
  }[];
  readonly orgs: readonly {
    mspId: string;
    peer: {
      name: string;
      host: string;
      address: string;
      chaincodeAddress: string;
      operationsAddress: string;
    } | null;
  }[];
}

function generate(topology: string): { out: string; net: Net } {
  const out = mkdtempSync(path.join(tmpdir(), 'ct-compose-'));
  execFileSync(
    'bash',
    [path.join(repo, 'test-network-config', 'generate.sh'), '--topology', topology, '--out', out],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return { out, net: JSON.parse(readFileSync(path.join(out, 'network.json'), 'utf8')) as Net };
}

function readCompose(file: string): ComposeFile {
  return load(readFileSync(file, 'utf8')) as ComposeFile;
}

/** Checks each node's service against network.json; returns the service names checked. */
function checkServices(
  compose: ComposeFile,
  net: Net,
  host: string | undefined,
  configMount: string,
): string[] {
  const checked: string[] = [];
  for (const o of net.orderers.filter((x) => host === undefined || x.host === host)) {
    const s = compose.services[o.name];
    if (s === undefined) throw new Error(`no service ${o.name}`);
    expect(s.image).toBe('hyperledger/fabric-orderer:3.1.1');
    expect(s.network_mode).toBe('host');
    const [address, port] = o.address.split(':');
    expect([
      s.environment['ORDERER_GENERAL_LISTENADDRESS'],
      s.environment['ORDERER_GENERAL_LISTENPORT'],
    ]).toEqual([address, port]);
    expect(s.environment['ORDERER_ADMIN_LISTENADDRESS']).toBe(o.adminAddress);
    expect(s.environment['ORDERER_OPERATIONS_LISTENADDRESS']).toBe(o.operationsAddress);
    expect(s.environment['ORDERER_GENERAL_LOCALMSPDIR']).toMatch(
      new RegExp(`^/etc/carbontrace/config/.*/${o.name}\\.[^/]+/msp$`),
    );
    expect(s.volumes).toEqual([
      `${configMount}:/etc/carbontrace/config:ro`,
      `${o.name}-data:/var/hyperledger/production`,
    ]);
    expect(compose.volumes).toHaveProperty(`${o.name}-data`);
    checked.push(o.name);
  }
  for (const org of net.orgs) {
    const p = org.peer;
    if (p === null || (host !== undefined && p.host !== host)) continue;
    const s = compose.services[p.name];
    if (s === undefined) throw new Error(`no service ${p.name}`);
    expect(s.image).toBe('hyperledger/fabric-peer:3.1.1');
    expect(s.command).toBe('peer node start');
    expect(s.environment['CORE_PEER_LISTENADDRESS']).toBe(p.address);
    expect(s.environment['CORE_PEER_CHAINCODELISTENADDRESS']).toBe(p.chaincodeAddress);
    expect(s.environment['CORE_OPERATIONS_LISTENADDRESS']).toBe(p.operationsAddress);
    expect(s.environment['CORE_PEER_LOCALMSPID']).toBe(org.mspId);
    expect(s.environment['CORE_PEER_FILESYSTEMPATH']).toBe('/var/hyperledger/production/production');
    expect(s.volumes).toContain(`${p.name}-data:/var/hyperledger/production`);
    expect(s.volumes[0]).toBe(`${configMount}:/etc/carbontrace/config:ro`);
    checked.push(p.name);
  }
  expect(Object.keys(compose.services).sort()).toEqual([...checked].sort());
  return checked;
}

describe('generated Docker compose files', () => {
  const outs: string[] = [];
  afterAll(() => {
    for (const out of outs) rmSync(out, { recursive: true, force: true });
  });

  it('the committed network/docker-compose.yaml is what the default topology generates, node by node', () => {
    const { out, net } = generate(path.join(repo, 'test-network-config', 'topology.json'));
    outs.push(out);
    const generated = execFileSync('bash', [
      path.join(repo, 'network', 'scripts', 'compose-gen.sh'),
      '--net',
      path.join(out, 'network.json'),
    ]).toString();
    expect(readFileSync(path.join(repo, 'network', 'docker-compose.yaml'), 'utf8')).toBe(generated);
    const names = checkServices(
      readCompose(path.join(repo, 'network', 'docker-compose.yaml')),
      net,
      undefined,
      '${CARBONTRACE_ROOT:?set CARBONTRACE_ROOT}/.run/network/config',
    );
    expect(names).toHaveLength(12);
  });

  it("each multi-host bundle's compose file runs exactly that host's nodes", () => {
    const { out, net } = generate(path.join(repo, 'test-network-config', 'topology.multihost.json'));
    outs.push(out);
    let total = 0;
    for (const host of net.hosts) {
      total += checkServices(
        readCompose(path.join(out, 'hosts', host.name, 'docker-compose.yaml')),
        net,
        host.name,
        '.',
      ).length;
    }
    expect(total).toBe(net.orderers.length + net.orgs.filter((o) => o.peer !== null).length);
  });
});
