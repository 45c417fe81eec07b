import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseMatpowerCase } from '@carbontrace/chaincode';
import type { PowerCase } from '@carbontrace/chaincode';
import { splitCase33bw } from '../feeder-split';
import type { SplitFeeder } from '../feeder-split';
import { DataFileError } from './data-file-error';
import { readMeasuredData } from './measured-data';
import { sampleDataSet } from './sample-data';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const casePath = path.join(repoRoot, 'chaincode', 'src', 'grid', 'test-cases', 'case33bw.m');
const sampleDir = path.join(repoRoot, 'data', 'case33bw-week');

let powerCase: PowerCase;
let split: SplitFeeder;
let dir: string;

beforeAll(async () => {
  powerCase = parseMatpowerCase(await fs.readFile(casePath, 'utf8'), casePath);
  split = splitCase33bw(powerCase);
});

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ct-data-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const LOADS_HEADER = 'timestamp,bus,p_mw,q_mvar';

async function write(files: Readonly<Record<string, string>>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(dir, name), text);
}

/** The problems of reading `dir`, as `file:line column value` strings. */
async function problemsOf(): Promise<string[]> {
  try {
    await readMeasuredData(dir, powerCase, split);
  } catch (error: unknown) {
    if (!(error instanceof DataFileError)) throw error;
    return error.problems.map((p) => `${p.file}:${p.line} ${p.column} ${p.value} | ${p.message}`);
  }
  throw new Error('expected a DataFileError');
}

describe('the committed sample data set', () => {
  it('is what sample-data.ts produces (the script is its source)', async () => {
    const set = sampleDataSet(split);
    expect(await fs.readFile(path.join(sampleDir, 'loads.csv'), 'utf8')).toBe(set.loadsCsv);
    expect(await fs.readFile(path.join(sampleDir, 'generation.csv'), 'utf8')).toBe(set.generationCsv);
    expect(await fs.readFile(path.join(sampleDir, 'grid-intensity.csv'), 'utf8')).toBe(set.gridIntensityCsv);
  });

  it('reads as a week of 15-minute intervals of every loaded bus, in the +08:00 offset', async () => {
    const data = await readMeasuredData(sampleDir, powerCase, split);
    expect(data.intervalMinutes).toBe(15);
    expect(data.intervals).toHaveLength(7 * 96);
    const first = data.intervals[0];
    expect(first?.interval.start).toBe('2026-06-01T00:00:00+08:00');
    expect(first?.interval.end).toBe('2026-06-01T00:15:00+08:00');
    expect(first?.interval.slot).toBe(Date.parse('2026-05-31T16:00:00Z') / 60_000);
    expect(data.intervals[671]?.interval.end).toBe('2026-06-08T00:00:00+08:00');
    // case33bw loads every bus but the substation bus 1.
    const loaded = powerCase.buses.filter((b) => b.pdMw > 0).map((b) => b.id);
    expect([...(first?.loads.keys() ?? [])].sort((a, b) => a - b)).toEqual(loaded);
    // Hourly grid intensity: the 18:15 interval takes the 18:00 row.
    const grid = (await fs.readFile(path.join(sampleDir, 'grid-intensity.csv'), 'utf8'))
      .split('\n')
      .find((l) => l.startsWith('2026-06-01T18:00:00+08:00'));
    expect(data.intervals[18 * 4 + 1]?.gridIntensityTco2PerMwh).toBe(Number(grid?.split(',')[1]));
  });
});

describe('readMeasuredData refuses bad data, naming file, line, column and value', () => {
  it('hourly data: the interval length comes from the timestamps', async () => {
    await write({
      'loads.csv': `${LOADS_HEADER}\n2026-06-01T00:00:00Z,2,0.1,0.06\n2026-06-01T01:00:00Z,2,0.09,0.05\n`,
    });
    const data = await readMeasuredData(dir, powerCase, split);
    expect(data.intervalMinutes).toBe(60);
    expect(data.intervals.map((i) => i.interval.end)).toEqual([
      '2026-06-01T01:00:00+00:00',
      '2026-06-01T02:00:00+00:00',
    ]);
  });

  it('a bus the case does not have', async () => {
    await write({ 'loads.csv': `${LOADS_HEADER}\n2026-06-01T00:00:00+08:00,99,0.1,0.06\n` });
    expect(await problemsOf()).toEqual([
      expect.stringMatching(/^loads\.csv:2 bus 99 \| bus 99 is not a bus/),
    ]);
  });

  it('a duplicate row', async () => {
    await write({
      'loads.csv': `${LOADS_HEADER}\n2026-06-01T00:00:00+08:00,2,0.1,0.06\n2026-06-01T00:00:00+08:00,2,0.2,0.06\n`,
    });
    expect(await problemsOf()).toEqual([expect.stringMatching(/^loads\.csv:3 bus 2 \| duplicate row/)]);
  });

  it('a gap in the intervals', async () => {
    await write({
      'loads.csv':
        `${LOADS_HEADER}\n2026-06-01T00:00:00+08:00,2,0.1,0.06\n2026-06-01T00:15:00+08:00,2,0.1,0.06\n` +
        '2026-06-01T00:45:00+08:00,2,0.1,0.06\n',
    });
    expect(await problemsOf()).toEqual([
      expect.stringMatching(
        /^loads\.csv:4 timestamp 2026-05-31T16:45:00.000Z \| gap in the intervals: 30 min/,
      ),
    ]);
  });

  it('a timestamp without an offset, and a malformed number', async () => {
    await write({
      'loads.csv': `${LOADS_HEADER}\n2026-06-01T00:00:00,2,0.1,0.06\n2026-06-01T00:00:00Z,3,1O,0.06\n`,
    });
    expect(await problemsOf()).toEqual([
      'loads.csv:2 timestamp 2026-06-01T00:00:00 | timestamp has no UTC offset (add Z or +hh:mm)',
      'loads.csv:3 p_mw 1O | not a number',
    ]);
  });

  it('a wrong header, a short row, and a missing loads.csv', async () => {
    await write({ 'loads.csv': 'time,bus,p,q\n' });
    expect(await problemsOf()).toEqual([
      expect.stringMatching(/^loads\.csv:1 {2}time,bus,p,q \| header must be/),
    ]);
    await write({ 'loads.csv': `${LOADS_HEADER}\n2026-06-01T00:00:00Z,2,0.1\n` });
    expect(await problemsOf()).toEqual([expect.stringMatching(/^loads\.csv:2 {2}.* expected 4 fields/)]);
    await fs.rm(path.join(dir, 'loads.csv'));
    expect(await problemsOf()).toEqual([expect.stringMatching(/^loads\.csv:0 {3}\| cannot read/)]);
  });

  it('a bus missing from one interval', async () => {
    await write({
      'loads.csv':
        `${LOADS_HEADER}\n2026-06-01T00:00:00Z,2,0.1,0.06\n2026-06-01T00:00:00Z,3,0.1,0.06\n` +
        '2026-06-01T00:15:00Z,2,0.1,0.06\n',
    });
    expect(await problemsOf()).toEqual([expect.stringMatching(/^loads\.csv:4 bus 3 \| bus 3 .* has no row/)]);
  });

  it('generation.csv: an unknown unit, the slack unit by its mpc.gen row, and a time not in loads.csv', async () => {
    await write({
      'loads.csv': `${LOADS_HEADER}\n2026-06-01T00:00:00Z,2,0.1,0.06\n`,
      'generation.csv':
        'timestamp,unit,p_mw\n2026-06-01T00:00:00Z,pv99,0.1\n2026-06-01T00:00:00Z,1,0.1\n2026-06-01T05:00:00Z,pv18,0.1\n',
    });
    expect(await problemsOf()).toEqual([
      expect.stringMatching(/^generation\.csv:2 unit pv99 \| no such unit/),
      expect.stringMatching(/^generation\.csv:3 unit 1 \| unit 1 is the grid supply/),
      expect.stringMatching(/^generation\.csv:4 timestamp 2026-06-01T05:00:00Z \| no interval of loads\.csv/),
    ]);
  });

  it('grid-intensity.csv must cover every interval', async () => {
    await write({
      'loads.csv': `${LOADS_HEADER}\n2026-06-01T00:00:00Z,2,0.1,0.06\n2026-06-01T01:00:00Z,2,0.1,0.06\n2026-06-01T02:00:00Z,2,0.1,0.06\n`,
      'grid-intensity.csv': 'timestamp,intensity_tco2_per_mwh\n2026-06-01T01:00:00Z,0.5\n',
    });
    expect(await problemsOf()).toEqual([
      expect.stringMatching(
        /^grid-intensity\.csv:0 timestamp 2026-06-01T00:00:00.000Z \| no grid intensity covers/,
      ),
      expect.stringMatching(
        /^grid-intensity\.csv:0 timestamp 2026-06-01T02:00:00.000Z \| no grid intensity covers/,
      ),
    ]);
  });
});
