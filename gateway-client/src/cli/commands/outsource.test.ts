/**
 * `carbontrace outsource` on the shared reference cases (kept beside the engine): the issue-4
 * scenarios through the CLI, the exact JSON contract and the bad-input behaviour.
 */
import { basename, join } from 'node:path';

import type { CliIo } from '../command';
import { outsourceCommand } from './outsource';

const cases = join(__dirname, '..', '..', '..', '..', 'chaincode', 'src', 'grid', 'test-cases');
const SHARED = [
  [join(cases, 'case4_carbon.m'), join(cases, 'case4_carbon.carbon.json')],
  [join(cases, 'case14.m'), undefined],
  [join(cases, 'case33bw.m'), undefined],
] as const;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
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
  const code = await outsourceCommand.run(args, io);
  return { code, out, err };
}

function args(casePath: string, carbon: string | undefined, providers: string, mask: string): string[] {
  return [
    casePath,
    ...(carbon === undefined ? [] : ['--carbon', carbon]),
    '--providers',
    providers,
    '--mask',
    mask,
    '--json',
  ];
}

/** The CLI's JSON report (issue 4's fields). */
interface Report {
  accepted: boolean;
  acceptedFrom: string | null;
  path: string[];
  strikes: Record<string, number>;
  fees: Record<string, number>;
  maxRelErrorVsLocal: number;
  clientSeconds: number;
  cloudSeconds: number;
  localSeconds: number;
}

const FIELDS = [
  'accepted',
  'acceptedFrom',
  'clientSeconds',
  'cloudSeconds',
  'fees',
  'localSeconds',
  'maxRelErrorVsLocal',
  'path',
  'strikes',
];

describe('carbontrace outsource', () => {
  const grid = SHARED.flatMap(([c, s]) =>
    ['dense', 'monomial', 'hardened'].map((m) => [basename(c), m, c, s] as const),
  );

  it.each(grid)(
    '%s, %s: honest,honest accepted within 1e-9 of the local trace',
    async (_name, mask, c, s) => {
      const { code, out, err } = await run(args(c, s, 'honest,honest', mask));
      expect(err).toBe('');
      expect(code).toBe(0);
      const report = JSON.parse(out) as Report;
      expect(Object.keys(report).sort()).toEqual(FIELDS);
      expect(report.accepted).toBe(true);
      expect(report.acceptedFrom).toBe('provider1');
      expect(report.maxRelErrorVsLocal).toBeLessThanOrEqual(1e-9);
    },
  );

  it.each(['dense', 'monomial', 'hardened'])(
    'case4, %s: honest,corrupt strikes the corrupt one; result = local',
    async (mask) => {
      const [c, s] = SHARED[0];
      const report = JSON.parse((await run(args(c, s, 'honest,corrupt', mask))).out) as Report;
      expect(report.strikes).toEqual({ provider1: 0, provider2: 1 });
      expect(report.maxRelErrorVsLocal).toBeLessThanOrEqual(1e-9);
      expect(report.fees['provider2']).toBeLessThan(0);
    },
  );

  it.each(['dense', 'monomial', 'hardened'])(
    'case33bw, %s: lazy-zero,lazy-zero and colluding,colluding,honest',
    async (mask) => {
      const [c] = SHARED[2];
      const lazy = JSON.parse((await run(args(c, undefined, 'lazy-zero,lazy-zero', mask))).out) as Report;
      expect(lazy.acceptedFrom).toBe('data-center');
      expect(lazy.strikes).toEqual({ provider1: 1, provider2: 1 });
      const coll = JSON.parse(
        (await run(args(c, undefined, 'colluding,colluding,honest', mask))).out,
      ) as Report;
      expect(['provider3', 'data-center']).toContain(coll.acceptedFrom);
      expect(coll.strikes['provider1']).toBeGreaterThanOrEqual(1);
      expect(coll.strikes['provider2']).toBeGreaterThanOrEqual(1);
      expect(coll.maxRelErrorVsLocal).toBeLessThanOrEqual(1e-9);
    },
  );

  it('prints a readable report without --json', async () => {
    const [c, s] = SHARED[0];
    const { code, out } = await run([c, '--carbon', s, '--providers', 'honest,corrupt,honest']);
    expect(code).toBe(0);
    expect(out).toMatch(/path +S0 -> S1 -> S2 -> S3 -> S4 -> END/);
    expect(out).toMatch(/provider2 \(corrupt, first\): rejected \[residual/);
  });

  it('--return-inverse: Freivalds accepts the honest inverse and rejects the corrupt one', async () => {
    const [c, s] = SHARED[0];
    const { code, out } = await run([
      c,
      '--carbon',
      s,
      '--providers',
      'honest,corrupt,honest',
      '--return-inverse',
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/provider1 \(honest, first\): valid/);
    expect(out).toMatch(/provider2 \(corrupt, first\): rejected \[residual, freivalds\]/);
  });

  it.each([
    [['--providers', 'honest,honest'], /exactly one of <case\.m> or --feeder/],
    [[join(cases, 'case14.m')], /--providers is required/],
    [[join(cases, 'case14.m'), '--providers', 'honest'], /two or three/],
    [[join(cases, 'case14.m'), '--providers', 'honest,liar'], /unknown provider behaviour 'liar'/],
    [[join(cases, 'case14.m'), '--providers', 'honest,honest', '--mask', 'rsa'], /--mask must be one of/],
    [[join(cases, 'missing.m'), '--providers', 'honest,honest'], /cannot read \S*missing\.m: no such file/],
    [[join(cases, 'case14.m'), '--providers', 'honest,honest', '--bogus'], /unknown option --bogus/],
    [
      [join(cases, 'case14.m'), '--carbon', join(cases, 'case14.m'), '--providers', 'honest,honest'],
      /INVALID_SIDECAR/,
    ],
  ])('bad input %j exits 2 with one line', async (argv, message) => {
    const { code, out, err } = await run(argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('a dense task over the payload cap fails with PAYLOAD_TOO_LARGE (exit 1)', async () => {
    const [c] = SHARED[2];
    const { code, err } = await run([
      c,
      '--providers',
      'honest,honest',
      '--mask',
      'dense',
      '--max-payload-bytes',
      '5000',
    ]);
    expect(code).toBe(1);
    expect(err).toMatch(
      /^carbontrace outsource: PAYLOAD_TOO_LARGE: masked task is \d+ bytes, over the 5000-byte limit\n$/,
    );
  });
});
