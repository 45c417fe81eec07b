/**
 * A stopped HV peer, restarted, catches up and its anchor relay resumes: Hv1's relay runs while
 * Hv1's peer is stopped (SIGTERM, as `network/scripts` would), LV substations keep writing to
 * slave-hv1 through their own peers, the peer is started again with its original command line and
 * environment, catches up to the channel height, and the relay anchors every block it missed —
 * contiguous, each verified by the regulator against the header fetched from a peer.
 */
import { spawn } from 'child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import {
  openHvSubstation,
  openLvSubstation,
  openRegulator,
} from '../../gateway-client/src/clients/open-clients';
import type { OpenedClient } from '../../gateway-client/src/clients/open-clients';
import type { RelayEvent } from '../../gateway-client/src/relay/anchor-relay';
import { startAnchorRelay } from '../../gateway-client/src/process/start-anchor-relay';
import { isContractError } from '../../gateway-client/src/sdk/client-errors';
import { getOrg, loadTestNetwork } from './support';

jest.setTimeout(900_000);

const CHANNEL = 'slave-hv1';

/** A node process of the network, stopped and started again exactly as it was launched. */
interface NodeProcess {
  readonly name: string;
  stop(): Promise<void>;
  start(): void;
}

function nodeProcess(name: string, logFile: string): NodeProcess {
  const network = loadTestNetwork();
  const pidFile = path.join(network.runDir, 'pids', `${name}.pid`);
  const [pidText, program] = readFileSync(pidFile, 'utf8').trim().split(/\s+/);
  const pid = Number(pidText);
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    .split('\0')
    .filter((a) => a !== '')
    .slice(1);
  const env = Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter((kv) => kv.includes('='))
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  if (program === undefined) throw new Error(`${pidFile} names no program`);
  return {
    name,
    async stop() {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 200; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${name} (pid ${pid}) did not stop`);
    },
    start() {
      const log = openSync(logFile, 'a');
      const child = spawn(program, args, { env, detached: true, stdio: ['ignore', log, log] });
      closeSync(log);
      child.unref();
      writeFileSync(pidFile, `${child.pid ?? ''} ${program}\n`);
    },
  };
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('HV peer stopped and restarted', () => {
  let dir: string;
  const opened: OpenedClient<unknown>[] = [];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ct-peer-restart-'));
  });
  afterAll(() => {
    for (const o of opened) o.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches up and its relay resumes, anchoring every block it missed', async () => {
    const hvOrg = getOrg('Hv1');
    if (hvOrg.peer === null) throw new Error('Hv1 has no peer');
    const peer = nodeProcess(hvOrg.peer.name, hvOrg.peer.log);
    const lv = await openLvSubstation({ org: 'Lv1a', slaveChannel: CHANNEL });
    const regulator = await openRegulator({ org: 'Regulator' });
    opened.push(lv, regulator);
    const lvLedger = lv.connection.ledger();
    const events: RelayEvent[] = [];
    let peerStopped = false;
    const relay = await startAnchorRelay({
      hv: 'Hv1',
      checkpointPath: path.join(dir, 'relay-Hv1.json'),
      onEvent: (e) => events.push(e),
    });
    try {
      const anchoredHead = async (): Promise<number> => {
        const hv = await openHvSubstation({ org: 'Hv1' });
        try {
          return (await hv.client.anchorHead(CHANNEL))?.blockNumber ?? -1;
        } finally {
          hv.close();
        }
      };
      // anchored on master and done with it: the relay has returned from recording (its last
      // commit-status call and package digests went through Hv1's peer) and reads the stream
      // again; stopping the peer while such a call is in flight would leave it retrying that call
      // rather than reconnecting to the stream
      const relayIsPast = async (height: bigint): Promise<boolean> =>
        BigInt(await anchoredHead()) >= height - 1n && relay.relay.nextBlock >= height;
      let heightBefore = await lvLedger.height(CHANNEL);
      await waitUntil('the relay to anchor the existing blocks', () => relayIsPast(heightBefore));

      // measurements may only use registered buses of the submitter: Lv1a's buses 1 and 2 on a
      // grid of this test's own (the main job's case33bw is grid main on the same channel)
      await lv.client
        .registerTopology({
          id: 'restart-lv1a',
          grid: 'restart',
          substation: 'Lv1a',
          baseMva: 10,
          buses: [
            { busId: 1, kind: 'slack', baseKv: 12.66, vmPu: 1, gsMw: 0, bsMvar: 0 },
            { busId: 2, kind: 'pq', baseKv: 12.66, vmPu: 1, gsMw: 0, bsMvar: 0 },
          ],
          branches: [{ fromBusId: 1, toBusId: 2, rPu: 0.0058, xPu: 0.0029, bPu: 0 }],
        })
        .catch((error: unknown) => {
          if (!isContractError(error, 'ALREADY_EXISTS')) throw error;
        });
      heightBefore = await lvLedger.height(CHANNEL);
      await waitUntil('the relay to anchor the topology block', () => relayIsPast(heightBefore));
      await peer.stop();
      peerStopped = true;
      const slot = Math.floor(Date.now() / 1000) * 10;
      for (let i = 0; i < 3; i++) {
        await lv.client.submitMeasurement({
          slot: slot + i,
          substation: 'Lv1a',
          loads: [{ busId: 2, pMw: 0.1 + i / 100, qMvar: 0.06 }],
          generators: [],
          switches: [],
          branches: [{ fromBusId: 1, toBusId: 2, rPu: 0.0058, xPu: 0.0029, bPu: 0 }],
          grid: 'restart',
        });
      }
      const heightWhileDown = await lvLedger.height(CHANNEL);
      expect(heightWhileDown).toBe(heightBefore + 3n);
      await waitUntil(
        'the relay to notice the stopped peer',
        () => Promise.resolve(events.some((e) => e.kind === 'reconnecting')),
        60_000,
      );
      expect(await anchoredHead().catch(() => -1)).toBeLessThan(Number(heightWhileDown) - 1);

      peer.start();
      peerStopped = false;
      const hv = await openHvSubstation({ org: 'Hv1' });
      opened.push(hv);
      const hvLedger = hv.connection.ledger();
      await waitUntil(
        'the restarted peer to catch up',
        async () => (await hvLedger.height(CHANNEL)) >= heightWhileDown,
      );
      await waitUntil(
        'the relay to anchor the missed blocks',
        async () => BigInt(await anchoredHead()) >= heightWhileDown - 1n,
      );

      // the relay's last batch is committed on Hv1's master peer; the regulator checks on its own
      await regulator.connection.ledger().waitForBlock('master', (await hvLedger.height('master')) - 1n);
      for (let block = Number(heightBefore); block < Number(heightWhileDown); block++) {
        const verdict = await regulator.client.verifyAnchor(CHANNEL, block);
        expect(verdict).toMatchObject({ valid: true, chainLinkValid: true, contractSaysValid: true });
      }
      const anchoredAfter = (): number[] =>
        events.flatMap((e) => (e.kind === 'anchored' ? e.entries.map((x) => x.blockNumber) : []));
      // the relay reports a batch after its checkpoint is saved, a moment after master commits it
      await waitUntil('the relay to report the missed blocks anchored', () =>
        Promise.resolve(anchoredAfter().includes(Number(heightWhileDown) - 1)),
      );
      expect(new Set(anchoredAfter()).size).toBe(anchoredAfter().length);
    } finally {
      // the files after this one need Hv1's peer
      if (peerStopped) peer.start();
      await relay.stop();
    }
  });
});
