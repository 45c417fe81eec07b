/**
 * The verifier's peer behind the others. The regulator's peer co-endorses every trace step; here
 * it is starved of CPU (a cgroup with 5 % of one core), so it commits each block well after the
 * other peers and answers proposals from older state: it refuses a recomputation as already
 * answered, a vote as "not in voting", a masked task as not found, until it catches up. The main
 * job runs three slots through it, with the providers' workers as separate processes. Every slot
 * must be traced and accepted and every answer be on the ledger once; the run must show that the
 * peer was in fact behind (its height sampled against GridCo's during the run).
 *
 * Needs root and the cgroup v1 cpu controller (/sys/fs/cgroup/cpu), as this project's machines
 * have; it says so when they are missing.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { openGridCompany, openRegulator } from '../../gateway-client/src/clients/open-clients';
import { getOrg, loadTestNetwork } from './support';
import { slotRecordsOf } from './support/slot-records';
import {
  checkpointAtChainEnd,
  PROVIDERS,
  runJobWithExternalWorkers,
  startWorker,
} from './support/worker-process';
import type { WorkerLife } from './support/worker-process';

jest.setTimeout(1_200_000);

const CPU_ROOT = '/sys/fs/cgroup/cpu';
const CGROUP = path.join(CPU_ROOT, 'carbontrace-verifier-behind');
/** The peer's CPU: 5 ms in every 100 ms. */
const QUOTA_US = 5_000;

/** Moves `pid` into a cgroup with {@link QUOTA_US}; returns the undo. */
function starve(pid: number): () => void {
  if (process.getuid?.() !== 0 || !existsSync(path.join(CPU_ROOT, 'cpu.cfs_quota_us'))) {
    throw new Error(`this test needs root and the cgroup v1 cpu controller at ${CPU_ROOT}`);
  }
  mkdirSync(CGROUP, { recursive: true });
  writeFileSync(path.join(CGROUP, 'cpu.cfs_period_us'), '100000');
  writeFileSync(path.join(CGROUP, 'cpu.cfs_quota_us'), String(QUOTA_US));
  writeFileSync(path.join(CGROUP, 'cgroup.procs'), String(pid));
  return () => {
    for (const p of readFileSync(path.join(CGROUP, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
      writeFileSync(path.join(CPU_ROOT, 'cgroup.procs'), p);
    }
    rmdirSync(CGROUP);
  };
}

describe("the verifier's peer behind the other peers", () => {
  let dir: string;
  const lives: WorkerLife[] = [];
  let release: (() => void) | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ct-verifier-behind-'));
  });
  afterAll(() => {
    release?.();
    for (const life of lives) if (life.child.exitCode === null) life.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('traces every slot once, waiting for the peer instead of trusting its refusals', async () => {
    const network = loadTestNetwork();
    const peer = getOrg('Regulator', network).peer;
    if (peer === null) throw new Error('the regulator has no peer');
    const pid = Number(
      readFileSync(path.join(network.runDir, 'pids', `${peer.name}.pid`), 'utf8').split(/\s+/)[0],
    );

    const regulator = await openRegulator({ org: 'Regulator' });
    const gridCo = await openGridCompany({ org: 'GridCo' });
    const regulatorHeight = regulator.connection.ledger();
    const gridHeight = gridCo.connection.ledger();
    const blacklisted = new Set(
      (await regulator.client.providers()).filter((p) => p.blacklisted).map((p) => p.id),
    );
    const [first, second] = PROVIDERS.filter((id) => !blacklisted.has(id));
    if (first === undefined || second === undefined) throw new Error('need two eligible providers');
    const masterHeight = await gridHeight.height('master');
    for (const id of PROVIDERS) {
      lives.push(startWorker(id, checkpointAtChainEnd(dir, id, masterHeight)));
    }
    await Promise.all(lives.map((life) => life.waitFor(/running/)));

    release = starve(pid);
    // how far the regulator's peer trails GridCo's, sampled through the run
    let maxLagBlocks = 0n;
    const run = { sampling: true };
    const sampler = (async () => {
      while (run.sampling) {
        const [grid, reg] = await Promise.all([
          gridHeight.height('master'),
          regulatorHeight.height('master'),
        ]);
        if (grid - reg > maxLagBlocks) maxLagBlocks = grid - reg;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const result = await runJobWithExternalWorkers(dir, 3, [first, second]).finally(async () => {
      run.sampling = false;
      await sampler;
      release?.();
      release = undefined;
      regulator.close();
      gridCo.close();
    });

    const records = await slotRecordsOf(result);
    expect(result.slots).toHaveLength(6);
    for (const outcome of records) {
      expect(outcome.arbitration.stage).toBe('END');
      expect(outcome.carbonFlow.acceptedFrom).not.toBeNull();
      expect(outcome.comparison.maxRelError).toBeLessThanOrEqual(1e-9);
    }
    expect([...result.answerCounts.values()].every((n) => n === 1)).toBe(true);
    // the peer was in fact behind: otherwise this test would show nothing
    expect(maxLagBlocks).toBeGreaterThanOrEqual(1n);
    const workerRetries = lives.flatMap((l) => l.lines).filter((l) => l.includes(' again in ')).length;
    process.stderr.write(
      `regulator's peer at ${QUOTA_US / 1000}% of a core: up to ${maxLagBlocks} block(s) behind GridCo's; ` +
        `client retries ${JSON.stringify(result.retries)}; workers' answers asked again: ${workerRetries}\n`,
    );
  });
});
