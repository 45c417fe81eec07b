/**
 * The whole protocol with simulated providers, for every mask profile: the behaviour scenarios
 * of issue 4, on the §H system and on a random 30-bus network with flow reversals.
 */
import { MASK_PROFILES } from './mask-key';
import { buildOutsourcingProblem } from './outsourcing-problem';
import { runOutsourcing } from './outsourcing-run';
import type { ProviderBehaviour } from './provider-behaviour';
import { case4System, CASE4_UNITS } from './test-fixtures/case4-oracle';
import { randomNetwork } from './test-fixtures/random-network';

const random = randomNetwork('run-net', 30, 3);
const PROBLEMS = {
  case4: buildOutsourcingProblem(case4System(), CASE4_UNITS),
  random30: buildOutsourcingProblem(random.system, random.units),
};
const cases = (Object.keys(PROBLEMS) as (keyof typeof PROBLEMS)[]).flatMap((name) =>
  MASK_PROFILES.map((profile) => [name, profile] as const),
);

function run(
  name: keyof typeof PROBLEMS,
  profile: (typeof MASK_PROFILES)[number],
  behaviours: ProviderBehaviour[],
) {
  return runOutsourcing({
    problem: PROBLEMS[name],
    seed: 'run-seed',
    taskId: `${name}-${profile}`,
    profile,
    behaviours,
  });
}

describe.each(cases)('%s, %s mask', (name, profile) => {
  it('honest,honest: accepted at S2 from provider1, within 1e-9 of the local trace, both paid', () => {
    const r = run(name, profile, ['honest', 'honest']);
    expect(r.accepted).toBe(true);
    expect(r.acceptedFrom).toBe('provider1');
    expect(r.path).toEqual(['S0', 'S1', 'S2', 'END']);
    expect(r.maxRelErrorVsLocal!).toBeLessThanOrEqual(1e-9);
    expect(r.strikes).toEqual({ provider1: 0, provider2: 0 });
    expect(r.fees).toEqual({ grid: -2, provider1: 1, provider2: 1 });
  });

  it('honest,corrupt: the corrupt provider is struck, unpaid, and the accepted result equals the local trace', () => {
    const r = run(name, profile, ['honest', 'corrupt']);
    expect(r.accepted).toBe(true);
    expect(r.strikes).toEqual({ provider1: 0, provider2: 1 });
    expect(r.maxRelErrorVsLocal!).toBeLessThanOrEqual(1e-9);
    expect(r.fees['provider2']!).toBeLessThan(0);
    expect(r.fees['provider1']).toBe(1);
    expect(r.answers.filter((a) => a.provider === 'provider2').every((a) => !a.valid)).toBe(true);
  });

  it('honest,corrupt,honest: the third provider settles it and is paid by the corrupt one', () => {
    const r = run(name, profile, ['honest', 'corrupt', 'honest']);
    expect(r.path).toEqual(['S0', 'S1', 'S2', 'S3', 'S4', 'END']);
    expect(r.acceptedFrom).toBe('provider1');
    expect(r.strikes).toEqual({ provider1: 0, provider2: 1, provider3: 0 });
    expect(r.fees).toEqual({ grid: -1, provider1: 1, provider2: -1, provider3: 1 });
  });

  it('lazy-zero,lazy-zero: never accepted from them, both struck, the data center decides', () => {
    const r = run(name, profile, ['lazy-zero', 'lazy-zero']);
    expect(r.acceptedFrom).toBe('data-center');
    expect(r.strikes).toEqual({ provider1: 1, provider2: 1 });
    expect(r.maxRelErrorVsLocal).toBe(0);
    expect(r.fees).toEqual({ grid: 0, provider1: -1, provider2: -1, 'data-center': 2 });
  });

  it('colluding,colluding,honest: never accepted from the colluders, each struck', () => {
    const r = run(name, profile, ['colluding', 'colluding', 'honest']);
    expect(['provider3', 'data-center']).toContain(r.acceptedFrom);
    expect(r.strikes['provider1']).toBeGreaterThanOrEqual(1);
    expect(r.strikes['provider2']).toBeGreaterThanOrEqual(1);
    expect(r.strikes['provider3']).toBe(0);
    expect(r.maxRelErrorVsLocal!).toBeLessThanOrEqual(1e-9);
    expect(r.fees['provider3']!).toBeGreaterThan(0);
  });
});

it('is deterministic: the same seed gives the same arbitration state bytes', () => {
  const a = run('random30', 'hardened', ['honest', 'corrupt', 'honest']);
  const b = run('random30', 'hardened', ['honest', 'corrupt', 'honest']);
  expect(JSON.stringify(a.state)).toBe(JSON.stringify(b.state));
  expect(a.taskBytes).toEqual(b.taskBytes);
});
