/**
 * Property tests: over random networks and random keys, unmask(compute(mask(x))) equals the
 * local trace, which itself equals an independent dense solve (mathjs) and conserves every
 * unit's output (MATH.md B9). Plus key determinism, conditioning, payload limits, and the
 * verification demonstrations of §H.8.
 */
import { denseInverse } from '../common/math-adapter';
import { canonicalJson } from '../common/canonical-json';
import { isCarbonTraceError } from '../common/errors';
import { SeededRandom } from '../common/prng';
import { computeMaskedResult } from './cloud-worker';
import { estimateConditionNumber } from './dense-linear-algebra';
import { computeLocalTrace } from './local-trace';
import { generateMaskKey, maskKeyFromParts, MASK_PROFILES, type MaskProfile } from './mask-key';
import { generateTaskKey, maskTask } from './mask-task';
import {
  parseMaskedResult,
  parseMaskedTask,
  serializeMaskedResult,
  serializeMaskedTask,
} from './masked-payloads';
import { buildOutsourcingProblem, generatorMatrix, type OutsourcingProblem } from './outsourcing-problem';
import { maxRelativeError } from './outsourcing-run';
import { runProvider } from './provider-behaviour';
import { case4System, CASE4_UNITS, h6Method1Key, h6Method2Key } from './test-fixtures/case4-oracle';
import { randomNetwork } from './test-fixtures/random-network';
import { toComparable } from './trace-groups';
import { unmaskResult } from './unmask-result';
import { compareResults, freivaldsCheck, verifyResult } from './verify-result';

function denseA(problem: OutsourcingProblem): number[][] {
  const n = problem.size;
  const a: number[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (__, j) => (i === j ? 1 : 0)),
  );
  const off = problem.offDiagonal;
  for (let e = 0; e < off.values.length; e += 1) a[off.rows[e]!]![off.cols[e]!] = off.values[e]!;
  return a;
}

/** Independent reference: mathjs's dense inverse times the right-hand side. */
function denseSolve(a: number[][], b: number[][]): number[][] {
  const inv = denseInverse(a);
  return inv.map((row) => b[0]!.map((_, c) => row.reduce((acc, v, k) => acc + v * b[k]![c]!, 0)));
}

function rowsOf(flat: ArrayLike<number>, cols: number): number[][] {
  return Array.from({ length: flat.length / cols }, (_, i) =>
    Array.from({ length: cols }, (__, j) => flat[i * cols + j]!),
  );
}

function keyFor(problem: OutsourcingProblem, profile: MaskProfile, seed: string, provider = 1) {
  let scale = 0;
  for (const p of problem.generatorMw) scale = Math.max(scale, p);
  return generateMaskKey({
    seed,
    taskId: 'prop',
    provider,
    profile,
    size: problem.size,
    generatorCount: problem.generatorCount,
    offsetScaleMw: scale,
  });
}

const NETWORKS = [
  ['net-a', 12, 2],
  ['net-b', 25, 3],
  ['net-c', 40, 5],
  ['net-d', 8, 1],
  ['net-e', 60, 4],
] as const;

describe('local trace (the reference)', () => {
  it.each(NETWORKS)('%s: equals a dense mathjs solve and conserves each unit (B9)', (seed, n, k) => {
    const { system, units } = randomNetwork(seed, n, k);
    const problem = buildOutsourcingProblem(system, units);
    const local = computeLocalTrace(problem);
    const reference = denseSolve(denseA(problem), rowsOf(generatorMatrix(problem), problem.generatorCount));
    const kk = problem.generatorCount;
    let worst = 0;
    reference.forEach((row, x) => {
      row.forEach((v, g) => (worst = Math.max(worst, Math.abs(v - local.solutionMw[x * kk + g]!))));
    });
    expect(worst).toBeLessThan(1e-9);
    for (let g = 0; g < kk; g += 1) {
      let delivered = 0;
      for (let x = 0; x < problem.size; x += 1)
        delivered += local.loadMw[x * kk + g]! + local.lossMw[x * kk + g]!;
      expect(delivered).toBeCloseTo(problem.generatorMw[g]!, 9);
    }
  });
});

describe('unmask(compute(mask(x))) = local trace', () => {
  const cases = NETWORKS.flatMap(([seed, n, k]) => MASK_PROFILES.map((p) => [seed, n, k, p] as const));
  it.each(cases)('%s (n=%i, K=%i), %s profile, three independent keys', (seed, n, k, profile) => {
    const { system, units } = randomNetwork(seed, n, k);
    const problem = buildOutsourcingProblem(system, units);
    const local = toComparable(computeLocalTrace(problem));
    for (const keySeed of ['k1', 'k2', 'k3']) {
      const key = keyFor(problem, profile, `${seed}/${keySeed}`);
      const task = parseMaskedTask(
        serializeMaskedTask(maskTask(problem, key, { taskId: 'prop', provider: 1 })),
      );
      const result = parseMaskedResult(serializeMaskedResult(computeMaskedResult(task)), task);
      const groups = unmaskResult(problem, key, result);
      expect(maxRelativeError(toComparable(groups), local)).toBeLessThan(1e-9);
      const verdict = verifyResult(problem, groups);
      expect(verdict.failures).toEqual([]);
      expect(verdict.residualRelative).toBeLessThan(1e-9);
    }
  });
});

describe('keys', () => {
  const problem = buildOutsourcingProblem(case4System(), CASE4_UNITS);

  it('are identical bytes for the same seed, task and provider, and differ otherwise', () => {
    for (const profile of MASK_PROFILES) {
      const a = canonicalJson(keyFor(problem, profile, 'seed-1', 1));
      expect(canonicalJson(keyFor(problem, profile, 'seed-1', 1))).toBe(a);
      expect(canonicalJson(keyFor(problem, profile, 'seed-1', 2))).not.toBe(a);
      expect(canonicalJson(keyFor(problem, profile, 'seed-2', 1))).not.toBe(a);
    }
  });

  it('draw magnitudes in [0.1, 10] with both signs, and dense masks with condition ≤ 1e6', () => {
    const key = keyFor(
      buildOutsourcingProblem(randomNetwork('net-e', 60, 4).system, randomNetwork('net-e', 60, 4).units),
      'dense',
      's',
    );
    if (key.profile !== 'dense') throw new Error('profile');
    const magnitudes = [...key.q, ...key.r, ...key.lambda, ...key.kappa, ...key.tau].map(Math.abs);
    expect(Math.min(...magnitudes)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...magnitudes)).toBeLessThanOrEqual(10);
    expect(key.q.some((v) => v < 0) && key.q.some((v) => v > 0)).toBe(true);
    expect(estimateConditionNumber(key.q, key.size)).toBeLessThanOrEqual(1e6);
  });

  it('condition estimate is close to the true κ₁ of a known matrix (§H.6 Q1 and a near-singular one)', () => {
    const parts = h6Method1Key();
    if (parts.profile !== 'dense') throw new Error('profile');
    const q = Float64Array.from(parts.q as number[]);
    const inverse = denseSolve(
      rowsOf(q, 9),
      rowsOf(
        Float64Array.from({ length: 81 }, (_, i) => (i % 10 === 0 ? 1 : 0)),
        9,
      ),
    );
    const colSum = (m: number[][]): number =>
      Math.max(...m[0]!.map((_, j) => m.reduce((a, row) => a + Math.abs(row[j]!), 0)));
    const exact = colSum(rowsOf(q, 9)) * colSum(inverse);
    const estimate = estimateConditionNumber(q, 9);
    expect(estimate).toBeLessThanOrEqual(exact * (1 + 1e-12));
    expect(estimate).toBeGreaterThan(exact / 3);
    const nearSingular = Float64Array.from([1, 1, 1, 1 + 1e-9]);
    expect(estimateConditionNumber(nearSingular, 2)).toBeGreaterThan(1e9);
  });

  it('generateTaskKey scales the hardened offset row by row with the through-flow', () => {
    const key = generateTaskKey(problem, { seed: 's', taskId: 't', provider: 1, profile: 'hardened' });
    if (key.profile !== 'hardened') throw new Error('profile');
    for (let x = 0; x < problem.size; x += 1) {
      for (let g = 0; g < problem.generatorCount; g += 1) {
        const ratio = Math.abs(key.offset[x * problem.generatorCount + g]!) / problem.throughFlowMw[x]!;
        expect(ratio).toBeGreaterThanOrEqual(0.1 * (1 - 1e-12));
        expect(ratio).toBeLessThanOrEqual(10 * (1 + 1e-12));
      }
    }
    expect(() =>
      generateMaskKey({
        seed: 's',
        taskId: 't',
        provider: 1,
        profile: 'hardened',
        size: 9,
        generatorCount: 2,
        offsetScaleMw: [1, 2],
      }),
    ).toThrow(/N entries/);
  });

  it('explicit keys are validated', () => {
    const parts = h6Method2Key();
    if (parts.profile !== 'monomial') throw new Error('profile');
    expect(() => maskKeyFromParts({ ...parts, permutation: [0, 0, 1, 2, 3, 4, 5, 6, 7] }, 9, 2)).toThrow(
      /not a permutation/,
    );
    expect(() => maskKeyFromParts({ ...parts, lambda: [1, 0] }, 9, 2)).toThrow(/invalid entry/);
    expect(() => maskKeyFromParts(parts, 8, 2)).toThrow(/wrong length/);
  });
});

describe('payloads', () => {
  const problem = buildOutsourcingProblem(
    randomNetwork('net-c', 40, 5).system,
    randomNetwork('net-c', 40, 5).units,
  );

  it('dense/hardened tasks are O(N²) and monomial tasks O(nnz); over the limit is PAYLOAD_TOO_LARGE', () => {
    const bytes = Object.fromEntries(
      MASK_PROFILES.map((p) => [
        p,
        serializeMaskedTask(maskTask(problem, keyFor(problem, p, 's'), { taskId: 't', provider: 1 })).length,
      ]),
    );
    const n = problem.size;
    expect(bytes['monomial']!).toBeLessThan(200 * n);
    expect(bytes['dense']!).toBeGreaterThan(10 * n * n);
    expect(bytes['hardened']!).toBeGreaterThan(10 * n * n);
    const task = maskTask(problem, keyFor(problem, 'dense', 's'), { taskId: 't', provider: 1 });
    try {
      serializeMaskedTask(task, 10_000);
      throw new Error('expected PAYLOAD_TOO_LARGE');
    } catch (error) {
      expect(isCarbonTraceError(error, 'PAYLOAD_TOO_LARGE')).toBe(true);
    }
  });

  it('malformed payloads are rejected with the field named', () => {
    const task = maskTask(problem, keyFor(problem, 'monomial', 's'), { taskId: 't', provider: 1 });
    const json = JSON.parse(serializeMaskedTask(task)) as Record<string, unknown>;
    expect(() => parseMaskedTask(JSON.stringify({ ...json, rhs: [1, 2] }))).toThrow(/rhs/);
    expect(() => parseMaskedTask(JSON.stringify({ ...json, profile: 'rot13' }))).toThrow(/profile/);
    expect(() => parseMaskedTask('{')).toThrow(/not JSON/);
    const result = JSON.parse(serializeMaskedResult(computeMaskedResult(task))) as Record<string, unknown>;
    expect(() => parseMaskedResult(JSON.stringify({ ...result, taskId: 'other' }), task)).toThrow(/taskId/);
    expect(() =>
      parseMaskedResult(JSON.stringify({ ...result, solution: [Number.MAX_VALUE] }), task),
    ).toThrow(/solution/);
  });
});

describe('verification (§F.2, §F.4, §H.8)', () => {
  const problem = buildOutsourcingProblem(case4System(), CASE4_UNITS);

  it('§H.8: X̃[3,1] × 1.001 under method 1 gives a relative residual of 4.1e-4; honest ≈ 1e-16', () => {
    const key = maskKeyFromParts(h6Method1Key(), 9, 2);
    const task = maskTask(problem, key, { taskId: 'h8', provider: 1 });
    const honest = computeMaskedResult(task);
    expect(verifyResult(problem, unmaskResult(problem, key, honest)).residualRelative).toBeLessThan(1e-14);
    const solution = [...honest.solution];
    solution[2 * 2] = solution[2 * 2]! * 1.001;
    const verdict = verifyResult(problem, unmaskResult(problem, key, { ...honest, solution }));
    expect(verdict.residualRelative).toBeCloseTo(4.1e-4, 5);
    expect(verdict.valid).toBe(false);
  });

  it('§H.8: Freivalds (20 rounds, ±1) accepts the honest inverse and rejects one entry off by 1e-3', () => {
    for (const parts of [h6Method1Key(), h6Method2Key()]) {
      const key = maskKeyFromParts(parts, 9, 2);
      const task = maskTask(problem, key, { taskId: 'h8', provider: 1, returnInverse: true });
      const inverse = computeMaskedResult(task).inverse!;
      expect(freivaldsCheck(task.matrix, inverse, 9, new SeededRandom('f')).accepted).toBe(true);
      const tampered = [...inverse];
      tampered[3 * 9 + 5] = tampered[3 * 9 + 5]! + 1e-3;
      expect(freivaldsCheck(task.matrix, tampered, 9, new SeededRandom('f')).accepted).toBe(false);
    }
  });

  it.each(MASK_PROFILES)(
    '%s: lazy-zero and corrupt answers fail F.4; two colluders match each other under F.2 yet both fail F.4',
    (profile) => {
      const verdicts = (['lazy-zero', 'corrupt'] as const).map((behaviour) => {
        const key = keyFor(problem, profile, `v/${behaviour}`);
        const task = maskTask(problem, key, { taskId: 'v', provider: 1 });
        return verifyResult(
          problem,
          unmaskResult(problem, key, runProvider(behaviour, task, { problem, key })),
        );
      });
      for (const v of verdicts) expect(v.failures).toContain('residual');
      const colluders = [1, 2].map((provider) => {
        const key = keyFor(problem, profile, 'v/colluding', provider);
        const task = maskTask(problem, key, { taskId: 'v', provider });
        return unmaskResult(problem, key, runProvider('colluding', task, { problem, key }));
      });
      expect(compareResults(toComparable(colluders[0]!), toComparable(colluders[1]!)).match).toBe(true);
      for (const c of colluders) expect(verifyResult(problem, c).valid).toBe(false);
      // Two lazy-zero answers also "match" each other (E.7-5) for the masks that unmask zeros to zeros.
      if (profile !== 'hardened') {
        const zeros = [1, 2].map((provider) => {
          const key = keyFor(problem, profile, 'v/lazy', provider);
          return unmaskResult(
            problem,
            key,
            runProvider('lazy-zero', maskTask(problem, key, { taskId: 'v', provider })),
          );
        });
        expect(compareResults(toComparable(zeros[0]!), toComparable(zeros[1]!)).match).toBe(true);
      }
    },
  );

  it('F.2 compare uses ε_abs + ε_rel·max(|u|,|u′|)', () => {
    const base = toComparable(computeLocalTrace(problem));
    const nudged = { ...base, loadMw: base.loadMw.map((v, i) => (i === 4 ? v * (1 + 5e-8) : v)) };
    expect(compareResults(base, nudged).match).toBe(true);
    const off = { ...base, loadMw: base.loadMw.map((v, i) => (i === 4 ? v * (1 + 5e-6) : v)) };
    const outcome = compareResults(base, off);
    expect(outcome.match).toBe(false);
    expect(outcome.worstGroup).toBe('loadMw');
    expect(outcome.worstIndex).toBe(4);
  });
});
