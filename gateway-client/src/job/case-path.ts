/** Where the main job, the sample-data script and the dashboard find case33bw. */
import { existsSync } from 'fs';
import * as path from 'path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** The case file: `--case`, else `../shared/cases/case33bw.m` beside the repo, else the committed copy. */
export function resolveCasePath(explicit: string | undefined): string {
  if (explicit !== undefined) return explicit;
  const shared = path.resolve(repoRoot, '..', 'shared', 'cases', 'case33bw.m');
  if (existsSync(shared)) return shared;
  return path.join(repoRoot, 'chaincode', 'src', 'grid', 'test-cases', 'case33bw.m');
}
