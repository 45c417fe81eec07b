/**
 * `npm run bench:ingest [-- --quick]`: the `ingestion-matrix` phase of the network plan alone,
 * against a running network (CARBONTRACE_NETWORK_DIR / CARBONTRACE_NETWORK_CONFIG, default
 * .run/network): single `Measurement:Submit` against batched `Measurement:SubmitBatch`, with CPU
 * per committed transaction per kind of process. Prints the section `npm run bench` renders and
 * writes bench-out/ingestion-matrix.json. It starts nothing and stops nothing but its own
 * connections.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../engine/bench-cases';
import { networkPlan } from './network-plan';
import { runIngestionMatrixPhase } from './phases/ingestion-matrix-phase';
import { renderIngestionMatrix } from './report/ingestion-report';

async function main(): Promise<void> {
  const plan = networkPlan(process.argv.includes('--quick'), ['ingestion-matrix']);
  const log = (line: string): void => {
    process.stderr.write(`[ingest] ${line}\n`);
  };
  const result = await runIngestionMatrixPhase(plan.ingestionMatrix, plan.paths, log);
  const outDir = join(REPO_ROOT, 'bench-out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'ingestion-matrix.json'),
    `${JSON.stringify({ plan: plan.ingestionMatrix, result }, null, 2)}\n`,
  );
  process.stdout.write(`${renderIngestionMatrix(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[ingest] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
