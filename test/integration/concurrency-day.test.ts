/**
 * Issue 12 #13 on the real network: a short day of the main job (both HV regions traced at the
 * same time, anchor relays and cloud workers running) while two LV substations ingest measurements
 * of other slots on slave-hv1 beside it, closed loop. Independent transactions must not collide:
 * the job's clients and the ingesting clients count every SDK retry by reason and by transaction.
 * The ingesting clients may see no MVCC or phantom-read conflict at all; the job only where a
 * provider's strike changed the standing a concurrent condition a or b read (a real dependency).
 */
import { spawn } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import {
  CASE4_TOPOLOGY_LV1A,
  CASE4_TOPOLOGY_LV1B,
  case4MeasurementLv1a,
  case4MeasurementLv1b,
} from '../../chaincode/src/contracts/testing/case4-slot-fixture';
import { openLvSubstation } from '../../gateway-client/src/clients/open-clients';
import type { OpenedClient } from '../../gateway-client/src/clients/open-clients';
import type { LvSubstationClient } from '../../gateway-client/src/clients/lv-substation-client';
import { newRetryTally } from '../../gateway-client/src/job/retry-tally';
import { makeProvidersEligible } from './support/eligible-providers';
import type { MeasurementSubmission, TopologySubmission } from '@carbontrace/chaincode';

jest.setTimeout(1_200_000);

const root = path.resolve(__dirname, '..', '..');
const driver = path.join(root, 'gateway-client', 'dist', 'job', 'run-main-job.js');
const run = Date.now().toString(36);
/** Ingestion slots: far from the main job's, one per submission and substation. */
const FIRST_INGEST_SLOT = 2_000_000_000 + (Math.floor(Date.now() / 1000) % 100_000) * 1_000;

interface JobSummary {
  traces: number;
  tracesAccepted: number;
  retries: Record<string, number>;
  readConflicts: number;
  readConflictsByTransaction: Record<string, number>;
  providersStruck: number;
}

/**
 * The job's transactions that may lose a read race to another of its own: a strike writes the
 * struck provider's standing, which every condition a reads (the provider pool) and which a
 * condition b that strikes the same provider reads and writes. That dependency is real (a pool
 * must not hire a provider just blacklisted, a strike must not be lost) and the retry resolves it;
 * any other conflict is a key-layout collision.
 */
const STANDING_READERS = new Set(['Trace:ConditionA', 'Trace:ConditionB']);

/** Runs the main job in a child process; resolves with its exit code and stdout. */
function runJob(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [driver, ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe('a day with ingestion beside it (issue 12 #13)', () => {
  const tally = newRetryTally();
  const opened: OpenedClient<LvSubstationClient>[] = [];
  let out = '';

  beforeAll(async () => {
    out = mkdtempSync(path.join(tmpdir(), 'ct-concurrency-'));
    // earlier test files may have blacklisted the cheating provider
    await makeProvidersEligible();
  });

  afterAll(() => {
    for (const o of opened) o.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('traces every slot with no read conflict while measurements of other slots are ingested', async () => {
    // two ingesting substations with their own grid's topology (bus ownership is per grid)
    const feeders = [
      { org: 'Lv1a', topology: CASE4_TOPOLOGY_LV1A, measurement: case4MeasurementLv1a },
      { org: 'Lv1b', topology: CASE4_TOPOLOGY_LV1B, measurement: case4MeasurementLv1b },
    ];
    const ingesters = [];
    for (const f of feeders) {
      const lv = await openLvSubstation({ org: f.org, slaveChannel: 'slave-hv1', retryHooks: tally.hooks });
      opened.push(lv);
      const id = `${f.topology.id}-ingest-${run}`;
      const ref = await lv.client.registerTopology({
        ...f.topology,
        id,
        grid: `ingest-${run}`,
      } as unknown as TopologySubmission);
      ingesters.push({ lv: lv.client, id, sha256: ref.sha256, measurement: f.measurement });
    }

    let stop = false;
    let committed = 0;
    const failures: string[] = [];
    const loops = ingesters.map(async (ing, k) => {
      for (let i = 0; !stop; i += 1) {
        const slot = FIRST_INGEST_SLOT + i * 2 + k;
        const m = ing.measurement(slot, ing.sha256);
        try {
          await ing.lv.submitMeasurement({
            ...m,
            topology: { id: ing.id, sha256: ing.sha256 },
          } as unknown as MeasurementSubmission);
          committed += 1;
        } catch (error: unknown) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
    });

    const job = await runJob(['--slots', '3', '--json', '--out', out, '--slot-seconds', '0']);
    stop = true;
    await Promise.all(loops);
    if (job.code !== 0) process.stderr.write(job.stderr.slice(-4000));
    expect(job.code).toBe(0);
    const summary = JSON.parse(job.stdout.trim().split('\n').pop() ?? '{}') as JobSummary;
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as { slots: unknown[] };
    console.log(
      `day of 3 slots: ${summary.tracesAccepted}/${summary.traces} traces accepted, job retries ${JSON.stringify(summary.retries)}` +
        ` (read conflicts by transaction ${JSON.stringify(summary.readConflictsByTransaction)}, providers struck ${summary.providersStruck}); ` +
        `ingestion beside it: ${committed} measurements committed, ${failures.length} failed, retries ${JSON.stringify(tally.counts())}`,
    );
    expect(summary.tracesAccepted).toBe(summary.traces);
    expect(report.slots.length).toBe(summary.traces);
    expect(committed).toBeGreaterThanOrEqual(10);
    expect(failures).toEqual([]);
    // the point: independent transactions never collide. The ingesting clients never conflict;
    // the job's only conflicts are on a provider's standing, and only when a strike wrote it
    const lostBy = Object.keys(summary.readConflictsByTransaction);
    expect(lostBy.filter((tx) => !STANDING_READERS.has(tx))).toEqual([]);
    if (summary.readConflicts > 0) expect(summary.providersStruck).toBeGreaterThan(0);
    expect(tally.counts()['MVCC_READ_CONFLICT'] ?? 0).toBe(0);
    expect(tally.counts()['PHANTOM_READ_CONFLICT'] ?? 0).toBe(0);
  });
});
