#!/usr/bin/env node
/**
 * Writes the sample data set (see `sample-data.ts`) for the committed case33bw:
 * `node gateway-client/dist/job/data/make-sample-data.js [DIR]` (`npm run data:sample`), DIR
 * defaulting to `data/case33bw-week`.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { parseMatpowerCase } from '@carbontrace/chaincode';
import { splitCase33bw } from '../feeder-split';
import { DATA_FILES } from './measured-data';
import { sampleDataSet } from './sample-data';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

/** The committed copy of case33bw the sample is made for. */
export const SAMPLE_CASE = path.join(repoRoot, 'chaincode', 'src', 'grid', 'test-cases', 'case33bw.m');

async function main(dir: string): Promise<void> {
  const split = splitCase33bw(parseMatpowerCase(await fs.readFile(SAMPLE_CASE, 'utf8'), SAMPLE_CASE));
  const set = sampleDataSet(split);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, DATA_FILES.loads), set.loadsCsv);
  await fs.writeFile(path.join(dir, DATA_FILES.generation), set.generationCsv);
  await fs.writeFile(path.join(dir, DATA_FILES.gridIntensity), set.gridIntensityCsv);
  process.stdout.write(`sample data set written to ${dir}\n`);
}

if (require.main === module) {
  main(path.resolve(process.argv[2] ?? path.join(repoRoot, 'data', 'case33bw-week'))).catch(
    (error: unknown) => {
      process.stderr.write(`make-sample-data: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
