/**
 * The main job end to end on the real network (what `npm start -- --slots 3 --json` runs once the
 * network is up): three hourly slots of case33bw split between Hv1 and Hv2, two honest providers
 * and one that cheats now and then. Every trace must be accepted, equal the local engine's to
 * 1e-9, and every sealing slave block must verify against its master anchor. (The EA-DPoS epoch is
 * opened without time slots here, `--slot-seconds 0`, so that other test files sharing this
 * network can still record anchors whenever they need; `npm start` uses 2 s slots.)
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { makeProvidersEligible } from './support/eligible-providers';

jest.setTimeout(1_200_000);

const root = path.resolve(__dirname, '..', '..');
const driver = path.join(root, 'gateway-client', 'dist', 'job', 'run-main-job.js');

describe('npm start -- --slots 3 --json (main job driver)', () => {
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(path.join(tmpdir(), 'ct-main-job-'));
    // earlier test files may have blacklisted the cheating provider
    await makeProvidersEligible();
  });
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
  });

  it('traces three slots on the network, matching the local engine, with verified anchors', () => {
    expect(existsSync(driver)).toBe(true);
    const run = spawnSync(
      process.execPath,
      [driver, '--slots', '3', '--json', '--out', out, '--slot-seconds', '0'],
      {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (run.status !== 0) process.stderr.write(run.stderr.slice(-4000));
    const lines = run.stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1] ?? '{}');
    expect(run.status).toBe(0);
    expect(summary.slots).toBe(3);
    expect(summary.traces).toBe(6);
    expect(summary.tracesAccepted).toBe(6);
    expect(summary.maxRelErrorVsLocal).toBeLessThanOrEqual(1e-9);
    expect(summary.anchorsChecked).toBe(6);
    expect(summary.anchorsVerified).toBe(6);
    expect(summary.duplicateAnswers).toBe(0);
    expect(typeof summary.providersStruck).toBe('number');
    // Whenever the cheating provider sent a corrupted answer, someone was struck for it.
    if (summary.cheatedAnswers > 0) expect(summary.providersStruck).toBeGreaterThan(0);

    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.slots).toHaveLength(6);
    for (const slot of report.slots) {
      // Conservation on the ledger's record: emissions = load carbon + loss carbon.
      const p = slot.carbonFlow.proposal;
      const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
      const emission = sum(p.emissionTco2PerH);
      expect(Math.abs(emission - sum(p.loadTco2PerH) - sum(p.lossTco2PerH))).toBeLessThanOrEqual(
        1e-9 * emission,
      );
      // the condition b that accepted the result recorded it in the same transaction (the job's
      // default, the request's recordOnAccept), so the HV is the recorder, not GridCo
      expect(slot.carbonFlow.recorderMsp).toBe(`${slot.hv}MSP`);
    }
    const markdown = readFileSync(path.join(out, 'report.md'), 'utf8');
    for (const section of [
      '## Per-interval intensities',
      '## Per-consumer energy and carbon',
      '## Per-unit attribution',
      '## Provider outcomes',
      '## Blacklist',
      '## Anchor verification',
    ]) {
      expect(markdown).toContain(section);
    }
  });
});
