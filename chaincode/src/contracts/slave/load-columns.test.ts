import fc from 'fast-check';
import { CarbonTraceError } from '../../common/errors';
import { loadColumnsOf, loadsOfColumns, parseLoads } from './load-columns';
import type { BusLoad } from './measurement-record';

// -0 is written as 0 by JSON, as by canonical JSON
const power = fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true }).map((v) => v + 0);
const loadRows = fc
  .uniqueArray(fc.integer({ min: 1, max: 99_999_999 }), { minLength: 0, maxLength: 60 })
  .chain((buses) =>
    fc.tuple(...buses.map((busId) => fc.record({ busId: fc.constant(busId), pMw: power, qMvar: power }))),
  );

function refusal(value: unknown): CarbonTraceError {
  try {
    parseLoads(value);
  } catch (error) {
    if (error instanceof CarbonTraceError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('loads in columns', () => {
  it('columns and rows parse to the same loads, and rows survive the round trip through columns', () => {
    fc.assert(
      fc.property(loadRows, (rows: BusLoad[]) => {
        const columns = loadColumnsOf(rows);
        expect(parseLoads(columns)).toEqual(parseLoads(rows));
        expect(loadsOfColumns(JSON.parse(JSON.stringify(columns)) as typeof columns)).toEqual(rows);
      }),
      { numRuns: 200 },
    );
  });

  it('columns take about half the bytes of rows for a metered feeder', () => {
    const rows = Array.from({ length: 400 }, (_, i) => ({
      busId: i + 2,
      pMw: Math.round(Math.sin(i) * 1e6) / 1e6,
      qMvar: Math.round(Math.cos(i) * 1e6) / 1e6,
    }));
    const ratio = JSON.stringify(loadColumnsOf(rows)).length / JSON.stringify(rows).length;
    expect(ratio).toBeLessThan(0.6);
  });

  it.each([
    [
      'a non-numeric value, naming column, index and bus',
      { busId: [3, 4], pMw: [1, 'x'], qMvar: [0, 0] },
      /^loads\.pMw\[1\] at bus 4 must be a finite number \(got "x"\)/,
    ],
    ['a bad bus id', { busId: [0], pMw: [1], qMvar: [0] }, /^loads\.busId\[0\] must be/],
    [
      'columns of different lengths',
      { busId: [3, 4], pMw: [1], qMvar: [0, 0] },
      /^loads\.pMw must have one entry per busId \(2\)/,
    ],
    ['an unknown column', { busId: [3], pMw: [1], qMvar: [0], vm: [1] }, /^loads\.vm is not a known field/],
    ['a missing column', { busId: [3], pMw: [1] }, /^loads\.qMvar/],
  ])('refuses %s', (_name, value, pattern) => {
    const error = refusal(value);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(pattern);
  });
});
