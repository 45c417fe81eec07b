import { readFileSync } from 'fs';
import { join } from 'path';
import { parseCarbonSidecar } from './carbon-sidecar';
import { parseMatpowerCase } from './matpower-importer';
import { generateRadialFeeder } from './synthetic-feeder';

const casesDir = join(__dirname, 'test-cases');
const read = (name: string): string => readFileSync(join(casesDir, name), 'utf8');

const MINI = `function mpc = mini
% a comment
mpc.version = '2';
mpc.baseMVA = 100;

mpc.bus = [
  1 3 0 0 0 0 1 1.0 0 12 1 1.1 0.9;   % slack
  2 1 10 5 1 2 1 1.0 0 12 1 1.1 0.9
  3 1 -4 0 0 0 1 1.0 0 12 1 1.1 0.9;
];
mpc.gen = [ 1 0 0 99 -99 1.02 100 1 99 0; 3 2 0 9 -9 1 100 0 9 0; ];
mpc.branch = [
  1 2 0.01 0.02 0.001 0 0 0 0 0 1 -360 360;
  2 3 0.02 0.04 0 0 0 0 ...  continued row
     0.95 -3 1 -360 360;
  1 3 0.02 0.04 0 0 0 0 0 0 0 -360 360;
];
mpc.gencost = [
  2 0 0 3 0.01 40 0;
];
`;

function expectCaseError(text: string, expected: { line?: number; field?: string; value?: string }): void {
  let caught: unknown;
  try {
    parseMatpowerCase(text, 'bad.m');
  } catch (error) {
    caught = error;
  }
  expect(caught).toMatchObject({ code: 'INVALID_CASE', file: 'bad.m', ...expected });
  expect((caught as Error).message).toContain('bad.m');
}

describe('parseMatpowerCase', () => {
  it('reads buses, generators, branches, taps, shifts, statuses and continued rows', () => {
    const c = parseMatpowerCase(MINI, 'mini.m');
    expect(c.name).toBe('mini');
    expect(c.baseMva).toBe(100);
    expect(c.buses.map((b) => b.id)).toEqual([1, 2, 3]);
    expect(c.buses[1]).toMatchObject({ type: 1, pdMw: 10, qdMvar: 5, gsMw: 1, bsMvar: 2 });
    expect(c.buses[2]?.pdMw).toBe(-4);
    expect(c.generators).toHaveLength(2);
    expect(c.generators[0]).toMatchObject({ row: 0, busId: 1, vgPu: 1.02, inService: true });
    expect(c.generators[1]).toMatchObject({ row: 1, busId: 3, pgMw: 2, inService: false });
    expect(c.branches[0]).toMatchObject({ tapRatio: 1, shiftDeg: 0, bPu: 0.001, inService: true });
    expect(c.branches[1]).toMatchObject({ tapRatio: 0.95, shiftDeg: -3 });
    expect(c.branches[2]?.inService).toBe(false);
  });

  it('reads the shared reference cases', () => {
    const c14 = parseMatpowerCase(read('case14.m'), 'case14.m');
    expect([c14.buses.length, c14.generators.length, c14.branches.length]).toEqual([14, 5, 20]);
    expect(c14.branches.filter((b) => b.tapRatio !== 1).map((b) => b.tapRatio)).toEqual([
      0.978, 0.969, 0.932,
    ]);
    expect(c14.buses[8]?.bsMvar).toBe(19);
    const c33 = parseMatpowerCase(read('case33bw.m'), 'case33bw.m');
    expect(c33.baseMva).toBe(10);
    expect(c33.branches.filter((b) => !b.inService)).toHaveLength(5);
  });

  it('rejects a truncated matrix (file ends inside it)', () => {
    const text = MINI.slice(0, MINI.indexOf('mpc.branch') + 40);
    expectCaseError(text, { field: 'mpc.branch', line: 12 });
  });

  it('rejects a truncated row', () => {
    expectCaseError(
      MINI.replace('2 3 0.02 0.04 0 0 0 0 ...  continued row\n     0.95 -3 1 -360 360;', '2 3 0.02 0.04 0;'),
      {
        field: 'mpc.branch',
        line: 14,
      },
    );
  });

  it('rejects a non-number, naming line, field and value', () => {
    expectCaseError(MINI.replace('2 1 10 5', '2 1 1O 5'), { line: 8, field: 'mpc.bus.Pd', value: '1O' });
  });

  it('rejects a branch to an unknown bus', () => {
    expectCaseError(MINI.replace('1 2 0.01 0.02', '1 7 0.01 0.02'), {
      line: 13,
      field: 'mpc.branch.tbus',
      value: '7',
    });
  });

  it('rejects a generator at an unknown bus', () => {
    expectCaseError(MINI.replace('mpc.gen = [ 1 0', 'mpc.gen = [ 9 0'), { field: 'mpc.gen.bus', value: '9' });
  });

  it('rejects duplicate bus ids', () => {
    expectCaseError(MINI.replace('3 1 -4', '2 1 -4'), { line: 9, field: 'mpc.bus.bus_i', value: '2' });
  });

  it('rejects a case without a slack bus', () => {
    expectCaseError(MINI.replace('1 3 0 0 0 0', '1 2 0 0 0 0'), { field: 'mpc.bus.type' });
  });

  it('rejects a missing matrix, a bad baseMVA, a version-1 case and zero impedance', () => {
    expectCaseError(MINI.replace(/mpc\.gen = .*\n/, ''), { field: 'mpc.gen', line: 0 });
    expectCaseError(MINI.replace('mpc.baseMVA = 100', 'mpc.baseMVA = 0'), { field: 'mpc.baseMVA', line: 4 });
    expectCaseError(MINI.replace("'2'", "'1'"), { field: 'mpc.version' });
    expectCaseError(MINI.replace('1 2 0.01 0.02', '1 2 0 0'), { field: 'mpc.branch.x' });
  });
});

describe('parseCarbonSidecar', () => {
  const c4 = parseMatpowerCase(read('case4_carbon.m'), 'case4_carbon.m');

  it('reads the case4 sidecar', () => {
    const s = parseCarbonSidecar(read('case4_carbon.carbon.json'), 'case4_carbon.carbon.json', c4);
    expect(s.units).toHaveLength(2);
    expect(s.units[0]).toEqual({
      kind: 'coal',
      genRow: 0,
      pecc: { a: 0.0004, b: 0.12, c: 2.5 },
      zeta: 1.01,
      carbonContentRate: 0.8,
      oxidationRate: 0.98,
      captureRate: 0.8,
    });
  });

  it('reads grid, fixed and zero-carbon units, with defaults for zeta and captureRate', () => {
    const s = parseCarbonSidecar(
      JSON.stringify({
        generators: [
          { gen: 1, kind: 'grid', intensityTco2PerMwh: 0.58 },
          { gen: 2, kind: 'coal', pecc: { a: 0, b: 0.3, c: 1 }, carbonContentRate: 0.7, oxidationRate: 0.99 },
        ],
      }),
      's.json',
      c4,
    );
    expect(s.units[0]).toEqual({ kind: 'grid', genRow: 0, intensityTco2PerMwh: 0.58 });
    expect(s.units[1]).toMatchObject({ zeta: 1, captureRate: 0 });
  });

  it.each([
    ['{"generators":[{"gen":3,"kind":"zero-carbon"}]}', 'generators[0].gen', 3],
    [
      '{"generators":[{"gen":1,"kind":"coal","pecc":{"a":"x","b":1,"c":1},"carbonContentRate":1,"oxidationRate":1}]}',
      'generators[0].pecc.a',
      1,
    ],
    ['{"generators":[{"gen":2,"kind":"nuclear"}]}', 'generators[0].kind', 2],
    [
      '{"generators":[{"gen":1,"kind":"zero-carbon"},{"gen":1,"kind":"zero-carbon"}]}',
      'generators[1].gen',
      1,
    ],
    ['{"generators":', '$', 0],
    ['{"units":[]}', 'generators', 0],
  ])('rejects %s', (text, field, generator) => {
    expect(() => parseCarbonSidecar(text, 'side.json', c4)).toThrow(
      expect.objectContaining({ code: 'INVALID_SIDECAR', file: 'side.json', field, generator }),
    );
  });
});

describe('generateRadialFeeder', () => {
  it('is deterministic, radial and has the requested DGs', () => {
    const a = generateRadialFeeder({ busCount: 200, dgCount: 7, seed: 's1' });
    const b = generateRadialFeeder({ busCount: 200, dgCount: 7, seed: 's1' });
    const c = generateRadialFeeder({ busCount: 200, dgCount: 7, seed: 's2' });
    expect(a).toEqual(b);
    expect(a.powerCase.buses.map((x) => x.pdMw)).not.toEqual(c.powerCase.buses.map((x) => x.pdMw));
    expect(a.powerCase.branches).toHaveLength(199);
    // Every bus except the root has exactly one parent with a smaller id: a tree.
    const parents = new Map(a.powerCase.branches.map((br) => [br.toBusId, br.fromBusId]));
    for (let i = 2; i <= 200; i += 1) expect(parents.get(i)).toBeLessThan(i);
    expect(a.powerCase.generators).toHaveLength(8);
    expect(new Set(a.powerCase.generators.map((g) => g.busId)).size).toBe(8);
    expect(a.sidecar.units).toHaveLength(8);
  });

  it('rejects impossible sizes', () => {
    expect(() => generateRadialFeeder({ busCount: 1, dgCount: 0, seed: 'x' })).toThrow(/n ≥ 2/);
    expect(() => generateRadialFeeder({ busCount: 5, dgCount: 5, seed: 'x' })).toThrow(/K < n/);
  });
});
