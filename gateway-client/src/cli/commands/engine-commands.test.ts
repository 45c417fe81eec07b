import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { CliIo } from '../command';
import { powerflowCommand } from './powerflow';
import { traceCommand } from './trace';

/** Fixtures: the shared reference cases kept beside the engine; numbers from MATH.md §H and reference-results.json. */
const cases = join(__dirname, '..', '..', '..', '..', 'chaincode', 'src', 'grid', 'test-cases');
const case4 = join(cases, 'case4_carbon.m');
const sidecar4 = join(cases, 'case4_carbon.carbon.json');

async function run(
  command: typeof powerflowCommand,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  };
  const code = await command.run(args, io);
  return { code, out, err };
}

describe('carbontrace powerflow', () => {
  it('--json prints the contract fields (case33bw by the sweep)', async () => {
    const { code, out } = await run(powerflowCommand, [
      join(cases, 'case33bw.m'),
      '--method',
      'bfs',
      '--json',
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json).toMatchObject({ converged: true, method: 'bfs' });
    expect(typeof json.iterations).toBe('number');
    expect(json.totalLossMw * 1000).toBeCloseTo(202.68, 2);
    expect(json.totalLossMvar * 1000).toBeCloseTo(135.14, 2);
    expect(json.buses).toHaveLength(33);
    expect(Object.keys(json.buses[0]).sort()).toEqual(['id', 'vaDeg', 'vmPu']);
    expect(json.buses[17].vmPu).toBeCloseTo(0.91309, 5);
    expect(json.branches).toHaveLength(32); // five tie lines are out of service
    expect(Object.keys(json.branches[0]).sort()).toEqual(
      ['from', 'lossMw', 'pFromMw', 'pToMw', 'qFromMvar', 'qToMvar', 'to'].sort(),
    );
  });

  it('prints readable tables without --json', async () => {
    const { code, out } = await run(powerflowCommand, [case4]);
    expect(code).toBe(0);
    expect(out).toContain('losses 22.825410 MW');
    expect(out).toMatch(/4\s+0\.946298\s+-6\.701916/);
  });
});

describe('carbontrace trace', () => {
  it('--json reproduces MATH.md §H.5 with the contract field names', async () => {
    const { code, out } = await run(traceCommand, [case4, '--carbon', sidecar4, '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    const generators = json.generators as { intensityTco2PerMwh: number }[];
    expect(generators.map((g) => g.intensityTco2PerMwh.toFixed(6))).toEqual(['0.168192', '0.831031']);
    expect(Object.keys(json.generators[0]).sort()).toEqual([
      'bus',
      'emissionTco2PerH',
      'gen',
      'intensityTco2PerMwh',
      'pMw',
    ]);
    expect(Object.keys(json.buses[0]).sort()).toEqual(
      [
        'id',
        'intensityTco2PerMwh',
        'loadByGenerator',
        'loadCarbonTco2PerH',
        'loadMw',
        'throughFlowMw',
      ].sort(),
    );
    expect(json.buses[2].loadCarbonTco2PerH).toBeCloseTo(86.214865, 5);
    // Per-generator attribution of bus 3's load, MATH.md §H.5 (B6, D1).
    const bus3 = json.buses[2].loadByGenerator as { gen: number; pMw: number; carbonTco2PerH: number }[];
    expect(bus3.map((u) => u.gen)).toEqual([1, 2]);
    expect(bus3[0]?.pMw).toBeCloseTo(120.679861, 5);
    expect(bus3[1]?.pMw).toBeCloseTo(79.320139, 5);
    expect(bus3[0]?.carbonTco2PerH).toBeCloseTo(20.297384, 5);
    expect(bus3[1]?.carbonTco2PerH).toBeCloseTo(65.917481, 5);
    const loss23 = json.branches[3].lossByGenerator as { carbonTco2PerH: number }[];
    expect(loss23.reduce((a, u) => a + u.carbonTco2PerH, 0)).toBeCloseTo(2.918883, 5);
    expect(json.branches[3]).toMatchObject({ from: 2, to: 3 });
    expect(json.branches[3].sendingCarbonTco2PerH).toBeCloseTo(98.097564, 5);
    expect(json.branches[3].receivingCarbonTco2PerH).toBeCloseTo(95.178681, 5);
    expect(json.branches[3].lossCarbonTco2PerH).toBeCloseTo(2.918883, 5);
    expect(json.totals.emissionTco2PerH).toBeCloseTo(163.498667, 5);
    expect(json.totals.loadCarbonTco2PerH).toBeCloseTo(157.005774, 5);
    expect(json.totals.lossCarbonTco2PerH).toBeCloseTo(6.492893, 5);
    expect(json.totals.totalLossMw).toBeCloseTo(22.82541, 5);
    expect(Math.abs(json.totals.balanceErrorTco2PerH)).toBeLessThan(1e-9);
  });

  it('prints readable tables without --json', async () => {
    const { code, out } = await run(traceCommand, [case4, '--carbon', sidecar4]);
    expect(code).toBe(0);
    expect(out).toMatch(/emission 163\.498667 tCO2\/h = load 157\.005774 \+ losses 6\.492893/);
  });
});

describe('generated feeders', () => {
  it('trace --feeder traces a generated radial feeder with its own sidecar', async () => {
    const { code, out } = await run(traceCommand, ['--feeder', '300:6:t', '--method', 'bfs', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.buses).toHaveLength(300);
    expect(json.generators).toHaveLength(7);
    expect(json.generators[0].intensityTco2PerMwh).toBe(0.58);
    expect(Math.abs(json.totals.balanceErrorTco2PerH)).toBeLessThan(1e-9);
  });

  it('rejects a case path together with --feeder', async () => {
    const { code, err } = await run(powerflowCommand, [case4, '--feeder', '10:1']);
    expect(code).toBe(2);
    expect(err).toMatch(/either <case\.m> or --feeder/);
  });
});

describe('bad input: exit 2 and one line naming the file and the problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'carbontrace-cli-'));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const text4 = readFileSync(case4, 'utf8');
  const truncated = write('truncated.m', text4.slice(0, text4.indexOf('mpc.branch') + 60));
  const unknownBus = write('unknown-bus.m', text4.replace('2\t3\t0.01938', '2\t9\t0.01938'));
  const notNumber = write('nan.m', text4.replace('3\t1\t200', '3\t1\t2O0'));
  const ghostGen = write('ghost.json', '{"generators":[{"gen":7,"kind":"zero-carbon"}]}');
  const idle = write('idle.m', text4.replace('2\t114\t0', '2\t0\t0'));

  it.each([
    ['powerflow', [join(dir, 'missing.m')], /missing\.m: case file not found/],
    ['powerflow', [truncated], /truncated\.m:\d+: mpc\.branch: matrix is not closed/],
    ['powerflow', [unknownBus], /unknown-bus\.m:\d+: mpc\.branch\.tbus: unknown bus \(got '9'\)/],
    ['powerflow', [notNumber], /nan\.m:\d+: mpc\.bus\.Pd: not a number \(got '2O0'\)/],
    [
      'trace',
      [case4, '--carbon', ghostGen],
      /ghost\.json: generators\[0\]\.gen \(generator 7\): no such generator/,
    ],
    [
      'trace',
      [idle, '--carbon', sidecar4],
      /case4_carbon\.carbon\.json: generators\[1\] \(generator 2\): coal unit at bus 2 has output 0 MW/,
    ],
    ['powerflow', [case4, '--method', 'gs'], /--method must be nr or bfs/],
  ] as const)('%s %s', async (name, args, message) => {
    const command = name === 'trace' ? traceCommand : powerflowCommand;
    const { code, out, err } = await run(command, [...args]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
