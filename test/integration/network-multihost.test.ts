/**
 * The multi-host topology (test-network-config/topology.multihost.json) on this machine: one
 * network namespace per host on a bridge. Part 1 (no root needed) checks the generated per-host
 * bundles: each holds the private keys of its own nodes only, TLS certificates carry the host
 * names and addresses, connection profiles name the host addresses. Part 2 (root) starts the
 * network with `up.sh --topology` in its own run directory, checks that every node runs inside
 * its host's namespace, deploys, runs a 2-slot main job across the hosts, and checks that
 * `down.sh` removes every namespace and link it made.
 */
import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

jest.setTimeout(900_000);

const repo = path.resolve(__dirname, '..', '..');
const topologyFile = path.join(repo, 'test-network-config', 'topology.multihost.json');
const topology = JSON.parse(readFileSync(topologyFile, 'utf8')) as {
  readonly hosts: readonly { name: string; address: string; nodes: string[] }[];
  readonly bridge: { name: string };
};

interface HostEntry {
  readonly name: string;
  readonly address: string;
  readonly netns: string;
  readonly link: string;
}
interface NetworkJson {
  readonly multiHost: boolean;
  readonly hosts: readonly HostEntry[];
  readonly orderers: readonly { name: string; host: string; address: string; tlsDir: string }[];
  readonly orgs: readonly {
    name: string;
    peer: { name: string; host: string; address: string; tlsDir: string } | null;
    chaincodeServers: readonly { name: string; host: string; address: string }[];
  }[];
}

/** Every file below `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

function subjectAltNames(certFile: string): string {
  return execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-ext', 'subjectAltName']).toString();
}

describe('multi-host topology: per-host bundles', () => {
  let out: string;
  let net: NetworkJson;
  beforeAll(() => {
    out = mkdtempSync(path.join(tmpdir(), 'ct-multihost-gen-'));
    execFileSync(
      'bash',
      [path.join(repo, 'test-network-config', 'generate.sh'), '--topology', topologyFile, '--out', out],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    net = JSON.parse(readFileSync(path.join(out, 'network.json'), 'utf8')) as NetworkJson;
  });
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
  });

  it('places every node on the host the topology names, at that host address', () => {
    expect(net.multiHost).toBe(true);
    for (const host of topology.hosts) {
      for (const node of host.nodes) {
        const orderer = net.orderers.find((o) => o.name === node);
        const peer = net.orgs.find((o) => o.name === node)?.peer;
        const placed = orderer ?? peer;
        if (placed === undefined || placed === null) throw new Error(`node ${node} not in network.json`);
        expect([placed.host, placed.address.split(':')[0]]).toEqual([host.name, host.address]);
      }
    }
  });

  it('keeps BFT live when any one host is lost (at most f orderers per host)', () => {
    const f = Math.floor((net.orderers.length - 1) / 3);
    const perHost = new Map<string, number>();
    for (const o of net.orderers) perHost.set(o.host, (perHost.get(o.host) ?? 0) + 1);
    expect(net.hosts.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...perHost.values())).toBeLessThanOrEqual(f);
  });

  it("gives each host's bundle only its own nodes' private keys", () => {
    for (const host of net.hosts) {
      const bundle = path.join(out, 'hosts', host.name);
      const keys = filesUnder(bundle).filter((f) => f.endsWith('priv_sk') || f.endsWith('server.key'));
      const own = [
        ...net.orderers.filter((o) => o.host === host.name).map((o) => `${o.name}.`),
        ...net.orgs.filter((o) => o.peer?.host === host.name).map((o) => `peer0.${o.name.toLowerCase()}.`),
      ];
      expect(keys.length).toBe(2 * own.length);
      for (const key of keys) expect(own.some((n) => key.includes(n))).toBe(true);
      for (const script of ['start.sh', 'stop.sh', 'node-env.sh'])
        expect(existsSync(path.join(bundle, script))).toBe(true);
    }
  });

  it('writes the host name and address into the TLS certificates and the connection profiles', () => {
    for (const org of net.orgs) {
      if (org.peer === null) continue;
      const host = net.hosts.find((h) => h.name === org.peer?.host);
      const sans = subjectAltNames(path.join(org.peer.tlsDir, 'server.crt'));
      expect(sans).toContain(`DNS:${host?.name}`);
      expect(sans).toContain(`IP Address:${host?.address}`);
      const profile = JSON.parse(
        readFileSync(path.join(out, 'connection-profiles', `${org.name}.json`), 'utf8'),
      ) as {
        peers: Record<string, { url: string }>;
      };
      expect(Object.values(profile.peers).map((p) => p.url)).toEqual([`grpcs://${org.peer.address}`]);
    }
    for (const o of net.orderers) {
      const host = net.hosts.find((h) => h.name === o.host);
      expect(subjectAltNames(path.join(o.tlsDir, 'server.crt'))).toContain(`DNS:${host?.name}`);
    }
  });
});

const isRoot = process.getuid?.() === 0;
(isRoot ? describe : describe.skip)('multi-host topology in network namespaces (root)', () => {
  let state: string;
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    CARBONTRACE_NETWORK_DIR: path.join(state, 'network'),
    CARBONTRACE_NETWORK_CONFIG: path.join(state, 'network', 'config'),
    CARBONTRACE_IN_WITH_NETWORK: '1',
    CARBONTRACE_NETWORK_LOCKED: '',
  });
  const script = (name: string, ...args: string[]): void => {
    const run = spawnSync('bash', [path.join(repo, 'network', 'scripts', name), ...args], {
      env: env(),
      encoding: 'utf8',
      timeout: 400_000,
    });
    if (run.status !== 0) throw new Error(`${name} failed (${run.status}): ${run.stderr.slice(-2000)}`);
  };
  const namespaces = (): string => execFileSync('ip', ['netns', 'list']).toString();
  beforeAll(() => {
    state = mkdtempSync(path.join(tmpdir(), 'ct-multihost-'));
  });
  afterAll(() => {
    spawnSync('bash', [path.join(repo, 'network', 'scripts', 'down.sh')], { env: env(), timeout: 120_000 });
    rmSync(state, { recursive: true, force: true });
  });

  it('runs every host in its own namespace, traces across them, and down removes every namespace and link', () => {
    script('up.sh', '--topology', topologyFile);
    const net = JSON.parse(
      readFileSync(path.join(state, 'network', 'config', 'network.json'), 'utf8'),
    ) as NetworkJson;
    const netnsInode = (pid: string): string => readlinkSync(`/proc/${pid}/ns/net`);
    const pidOf = (name: string): string =>
      readFileSync(path.join(state, 'network', 'pids', `${name}.pid`), 'utf8').split(' ')[0] ?? '';
    const hostNs = (host: string): string => {
      const ns = net.hosts.find((h) => h.name === host)?.netns ?? '';
      return execFileSync('ip', ['netns', 'exec', ns, 'readlink', '/proc/self/ns/net']).toString().trim();
    };
    for (const o of net.orderers) expect(netnsInode(pidOf(o.name))).toBe(hostNs(o.host));
    for (const org of net.orgs)
      if (org.peer !== null) expect(netnsInode(pidOf(org.peer.name))).toBe(hostNs(org.peer.host));

    script('deploy.sh');
    for (const org of net.orgs) {
      for (const server of org.chaincodeServers)
        expect(netnsInode(pidOf(server.name))).toBe(hostNs(server.host));
    }
    const job = spawnSync(
      'node',
      [
        path.join(repo, 'gateway-client', 'dist', 'job', 'run-main-job.js'),
        '--slots',
        '2',
        '--json',
        '--out',
        path.join(state, 'out'),
      ],
      { env: env(), encoding: 'utf8', timeout: 400_000 },
    );
    expect(job.status).toBe(0);
    const summary = JSON.parse(job.stdout.trim().split('\n').pop() ?? '{}') as {
      traces: number;
      tracesAccepted: number;
    };
    expect(summary.traces).toBe(4);
    expect(summary.tracesAccepted).toBe(4);

    script('down.sh');
    const left = namespaces();
    for (const h of net.hosts) expect(left).not.toContain(h.netns);
    expect(spawnSync('ip', ['link', 'show', topology.bridge.name]).status).not.toBe(0);
  });
});
