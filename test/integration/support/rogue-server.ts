/**
 * Replaces one organization's chaincode server by an attacker's (support/rogue-chaincode): the
 * same package id and address, so that organization's peer now runs the honest contracts plus
 * `Rogue`, which writes anything. This is what a hostile organization can do to its own peer.
 * `restoreHonestServers()` stops every rogue server and lets `deploy.sh` start the honest ones.
 */
import { spawn, spawnSync } from 'child_process';
import type { ChildProcess } from 'child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'fs';
import { connect } from 'net';
import * as path from 'path';
import type { NetworkOrg, TestNetwork } from './network-config';

const root = path.resolve(__dirname, '..', '..', '..');
const rogueModule = path.join(__dirname, 'rogue-chaincode', 'rogue-contract.js');
const running: ChildProcess[] = [];

/** Chaincode name → compiled entry of the honest contracts. */
const HONEST_ENTRY: Readonly<Record<string, string>> = {
  'carbon-master': path.join(root, 'chaincode', 'dist', 'contracts', 'master', 'index.js'),
  'carbon-slave': path.join(root, 'chaincode', 'dist', 'contracts', 'slave', 'index.js'),
};

function pidOf(network: TestNetwork, name: string): number | undefined {
  try {
    const [pid] = readFileSync(path.join(network.runDir, 'pids', `${name}.pid`), 'utf8')
      .trim()
      .split(' ');
    return pid === undefined ? undefined : Number(pid);
  } catch {
    return undefined;
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function listening(address: string): Promise<boolean> {
  const [host = '127.0.0.1', port = '0'] = address.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => {
      resolve(false);
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = /State:\s+(\w)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Starts the attacker's chaincode server in place of `org`'s server for `chaincode`. */
export async function startRogueServer(
  network: TestNetwork,
  org: NetworkOrg,
  chaincode: string,
): Promise<void> {
  const server = org.chaincodeServers.find((s) => s.chaincode === chaincode);
  const honest = HONEST_ENTRY[chaincode];
  if (server === undefined || honest === undefined)
    throw new Error(`${org.name} runs no ${chaincode} server`);
  const packageId = readFileSync(path.join(network.runDir, 'pids', `${server.name}.package`), 'utf8').trim();
  const pid = pidOf(network, server.name);
  if (pid !== undefined && alive(pid)) {
    process.kill(pid, 'SIGKILL');
    await waitFor(`${server.name} to stop`, () => Promise.resolve(!alive(pid)), 10_000);
  }
  await waitFor(`${server.address} to be free`, async () => !(await listening(server.address)), 10_000);
  const dir = path.join(network.runDir, 'rogue', server.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'index.js'),
    `'use strict';\nconst { rogueContracts } = require(${JSON.stringify(rogueModule)});\n` +
      `module.exports.contracts = rogueContracts(${JSON.stringify(honest)});\n`,
  );
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: `rogue-${chaincode}`, main: 'index.js' }),
  );
  const log = openSync(path.join(network.runDir, 'logs', `${server.name}.rogue.log`), 'a');
  const child = spawn(
    process.execPath,
    [path.join(root, 'node_modules', 'fabric-shim', 'cli.js'), 'server', '--module-path', dir],
    {
      env: {
        ...process.env,
        NODE_PATH: path.join(root, 'node_modules'),
        CORE_CHAINCODE_ID: packageId,
        CORE_CHAINCODE_ADDRESS: server.address,
        CORE_PEER_LOCALMSPID: org.mspId,
        CORE_CHAINCODE_LOGGING_LEVEL: 'warning',
      },
      stdio: ['ignore', log, log],
      detached: true,
    },
  );
  running.push(child);
  await waitFor(`the rogue ${server.name}`, () => listening(server.address), 30_000);
}

/** Stops every rogue server and restarts the honest chaincode servers (deploy.sh, unchanged code). */
export function restoreHonestServers(): void {
  for (const child of running.splice(0)) {
    if (child.pid !== undefined && alive(child.pid)) process.kill(child.pid, 'SIGKILL');
  }
  const deploy = spawnSync('bash', [path.join(root, 'network', 'scripts', 'deploy.sh')], {
    cwd: root,
    encoding: 'utf8',
    env: process.env,
  });
  if (deploy.status !== 0)
    throw new Error(`deploy.sh failed restoring the honest servers: ${deploy.stderr.slice(-2000)}`);
}
