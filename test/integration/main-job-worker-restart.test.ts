/**
 * A cloud worker killed mid-run (SIGKILL, no clean shutdown) and restarted from its checkpoint
 * loses no task and submits nothing twice: the main job runs two slots with CloudA's worker as a
 * separate process (`carbontrace worker`), which is killed right after its first submission and
 * restarted a few seconds later; every trace must still be accepted, every answer on the ledger
 * exactly once. The other providers' workers run as separate processes too.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { openRegulator } from '../../gateway-client/src/clients/open-clients';
import { slotRecordsOf } from './support/slot-records';
import {
  checkpointAtChainEnd,
  PROVIDERS,
  runJobWithExternalWorkers,
  startWorker,
} from './support/worker-process';
import type { WorkerLife } from './support/worker-process';

jest.setTimeout(1_200_000);

describe('cloud worker killed and restarted mid-run', () => {
  let dir: string;
  const lives: WorkerLife[] = [];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ct-worker-restart-'));
  });
  afterAll(() => {
    for (const life of lives) if (life.child.exitCode === null) life.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no task and answers each exactly once', async () => {
    // Other test files share this network and may have blacklisted a provider: use two eligible
    // ones, all honest here; the first one's worker is the one killed.
    const regulator = await openRegulator({ org: 'Regulator' });
    const blacklisted = new Set(
      (await regulator.client.providers()).filter((p) => p.blacklisted).map((p) => p.id),
    );
    // the worker starts at the chain's end (as a deployed worker would after its first run), not
    // replaying every earlier test's tasks from genesis
    const masterHeight = await regulator.connection.ledger().height('master');
    regulator.close();
    const [killed, partner] = PROVIDERS.filter((id) => !blacklisted.has(id));
    if (killed === undefined || partner === undefined) throw new Error('need two eligible providers');
    // Every worker runs as its own process from the chain's end: a worker of the job's own (no
    // checkpoint in a fresh work directory) would replay every earlier test's task from genesis,
    // which after the short soak on the same network took minutes.
    const checkpointOf = (provider: string): string => checkpointAtChainEnd(dir, provider, masterHeight);
    const checkpoint = checkpointOf(killed);
    const first = startWorker(killed, checkpoint);
    lives.push(first);
    const others = PROVIDERS.filter((id) => id !== killed).map((id) => startWorker(id, checkpointOf(id)));
    lives.push(...others);
    await Promise.all([first, ...others].map((life) => life.waitFor(/running/)));
    const job = runJobWithExternalWorkers(dir, 2, [killed, partner]);
    const firstSubmission = await Promise.race([
      first.waitFor(/submitted/),
      job.then(() => 'job ended first'),
    ]);
    expect(firstSubmission).toMatch(/submitted/);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    await new Promise((r) => setTimeout(r, 3000));
    const second = startWorker(killed, checkpoint);
    lives.push(second);
    const result = await job;
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));

    const records = await slotRecordsOf(result);
    expect(result.slots).toHaveLength(4);
    expect(records.map((r) => r.taskId)).toEqual(result.slots.map((d) => d.taskId));
    for (const outcome of records) {
      expect(outcome.arbitration.stage).toBe('END');
      expect(outcome.carbonFlow.acceptedFrom).not.toBeNull();
      expect(outcome.comparison.maxRelError).toBeLessThanOrEqual(1e-9);
    }
    // Every answer on the ledger exactly once.
    expect([...result.answerCounts.values()].every((n) => n === 1)).toBe(true);
    // The killed provider's answers: some by the first life, the rest by the second; each task it was
    // assigned got its answer (otherwise the job would not have settled every task).
    const submittedFirst = first.lines.filter((l) => l.includes('submitted')).length;
    const submittedSecond = second.lines.filter((l) => l.includes('submitted')).length;
    expect(submittedFirst).toBeGreaterThanOrEqual(1);
    process.stderr.write(
      `worker ${killed} killed after ${submittedFirst} submission(s); restarted life: ${submittedSecond} submitted, ` +
        `${second.lines.filter((l) => l.includes('skipped')).length} skipped; answers on the ledger: ${result.answerCounts.size}, all once\n`,
    );
    const cloudAAnswers = records.flatMap((o) =>
      o.arbitration.verdicts
        .filter((v) => v.provider === 'CloudA')
        .map((v) => `${o.taskId}/${v.role}/${v.kind}`),
    );
    expect(new Set(cloudAAnswers).size).toBe(cloudAAnswers.length);
    expect(submittedFirst + submittedSecond).toBeGreaterThanOrEqual(new Set(cloudAAnswers).size);
  });
});
