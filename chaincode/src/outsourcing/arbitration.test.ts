/**
 * The §F.3 state machine with synthetic submissions: every path, the fee-ledger invariants of
 * F.3 over all combinations of right/wrong/failed answers, blacklisting, purity and serialization.
 */
import {
  expectedEvents,
  feeBalances,
  isEligible,
  parseArbitrationState,
  serializeArbitrationState,
  startArbitration,
  stepArbitration,
  type ArbitrationEvent,
  type ArbitrationState,
  type Submission,
} from './arbitration';
import { isCarbonTraceError } from '../common/errors';
import type { ComparableResult } from './trace-groups';

const FEES = { providerFee: 10, dataCenterCost: 7 };

function result(value: number): ComparableResult {
  return { loadMw: [value, 1], sendingMw: [2], lossMw: [0.5], coalTph: [3], intensityTco2PerMwh: [0.4] };
}
const TRUTH = result(100);
/** Kinds of answers: right, two different wrong ones, a wrong one that still passes F.4 (impossible in practice), a failure. */
type Answer = 'right' | 'wrongA' | 'wrongB' | 'failed';
function submission(answer: Answer): Submission {
  switch (answer) {
    case 'right':
      return { kind: 'result', result: TRUTH, valid: true };
    case 'wrongA':
      return { kind: 'result', result: result(90), valid: false };
    case 'wrongB':
      return { kind: 'result', result: result(80), valid: false };
    case 'failed':
      return { kind: 'failed', reason: 'timeout' };
  }
}

function start(providers = ['p1', 'p2', 'p3'], cycle = 5): ArbitrationState {
  return startArbitration({ taskId: 't', cycle, pool: { order: providers, standing: {} }, fees: FEES });
}

/** Drives a task: answers[id] = [first, recompute]. */
function drive(
  answers: Record<string, [Answer, Answer]>,
  state = start(Object.keys(answers)),
): ArbitrationState {
  let s = state;
  for (let guard = 0; s.stage !== 'END' && guard < 10; guard += 1) {
    const [next] = expectedEvents(s);
    let event: ArbitrationEvent;
    if (next === undefined) throw new Error('stuck');
    if (next.type === 'dispatch') event = next;
    else if (next.type === 'data-center') event = { type: 'data-center', result: TRUTH };
    else if (next.type === 'submit')
      event = { type: 'submit', role: next.role, submission: submission(answers[next.provider]![0]) };
    else
      event = {
        type: 'recompute',
        role: next.role as 'I' | 'II',
        submission: submission(answers[next.provider]![1]),
      };
    s = stepArbitration(s, event);
  }
  return s;
}

describe('arbitration paths (MATH.md F.3)', () => {
  it('S2: two agreeing valid answers are accepted and both paid', () => {
    const s = drive({ p1: ['right', 'right'], p2: ['right', 'right'], p3: ['right', 'right'] });
    expect(s.path).toEqual(['S0', 'S1', 'S2', 'END']);
    expect(s.outcome?.acceptedFrom).toBe('p1');
    expect(feeBalances(s)).toEqual({ grid: -20, p1: 10, p2: 10 });
    expect(s.strikesThisTask).toEqual({});
  });

  it('S3: a transient error fixed on recomputation is struck and unpaid', () => {
    const s = drive({ p1: ['right', 'right'], p2: ['wrongA', 'right'] });
    expect(s.path).toEqual(['S0', 'S1', 'S2', 'S3', 'END']);
    expect(s.outcome?.acceptedFrom).toBe('p1');
    expect(s.strikesThisTask).toEqual({ p2: 1 });
    expect(feeBalances(s)).toEqual({ grid: -10, p1: 10, p2: 0 });
  });

  it('S4: the third provider settles it; the loser pays the third fee', () => {
    const s = drive({ p1: ['right', 'right'], p2: ['wrongA', 'wrongA'], p3: ['right', 'right'] });
    expect(s.path).toEqual(['S0', 'S1', 'S2', 'S3', 'S4', 'END']);
    expect(s.outcome?.acceptedFrom).toBe('p1');
    expect(s.strikesThisTask).toEqual({ p2: 1 });
    expect(feeBalances(s)).toEqual({ grid: -10, p1: 10, p2: -10, p3: 10 });
  });

  it('S5: the data center decides when the third provider agrees with nobody', () => {
    const s = drive({ p1: ['wrongA', 'wrongA'], p2: ['right', 'right'], p3: ['wrongB', 'wrongB'] });
    expect(s.path).toEqual(['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'END']);
    expect(s.outcome?.acceptedFrom).toBe('data-center');
    expect(s.strikesThisTask).toEqual({ p1: 1, p3: 1 });
    // p1 and p3 pay p2's fee + the DC cost, split equally.
    expect(feeBalances(s)).toEqual({ grid: 0, p1: -8.5, p2: 10, p3: -8.5, 'data-center': 7 });
  });

  it('two identical wrong answers (lazy or colluding) are never accepted; without a third provider the DC decides', () => {
    const s = drive({ p1: ['wrongA', 'wrongA'], p2: ['wrongA', 'wrongA'] });
    expect(s.path).toEqual(['S0', 'S1', 'S2', 'S3', 'S5', 'END']);
    expect(s.outcome?.acceptedFrom).toBe('data-center');
    expect(s.strikesThisTask).toEqual({ p1: 1, p2: 1 });
    expect(feeBalances(s)).toEqual({ grid: 0, p1: -3.5, p2: -3.5, 'data-center': 7 });
  });

  it('a self-contradicting provider is struck in S3 and again if it loses in S4', () => {
    const s = drive({ p1: ['right', 'right'], p2: ['wrongA', 'wrongB'], p3: ['right', 'right'] });
    expect(s.strikesThisTask).toEqual({ p2: 2 });
    expect(s.pool.standing['p2']).toEqual({ strikes: 0, blacklistedUntil: 8 });
  });
});

describe('fee-ledger invariants over every combination of answers', () => {
  const answers: Answer[] = ['right', 'wrongA', 'wrongB', 'failed'];
  const pairs: [Answer, Answer][] = answers.flatMap((a) => answers.map((b): [Answer, Answer] => [a, b]));
  const cases: Record<string, [Answer, Answer]>[] = [];
  for (const p1 of pairs) for (const p2 of pairs) for (const p3 of pairs) cases.push({ p1, p2, p3 });
  for (const p1 of pairs) for (const p2 of pairs) cases.push({ p1, p2 });

  /** Cheap assertion for the inner loop (4,352 scenarios). */
  function check(condition: boolean, label: string, what: string): void {
    if (!condition) throw new Error(`${what} violated in ${label}`);
  }

  it(`holds in all ${cases.length} scenarios`, () => {
    for (const c of cases) {
      const s = drive(c);
      const label = JSON.stringify(c);
      check(s.stage === 'END', label, 'termination');
      const struck = new Set(Object.keys(s.strikesThisTask));
      const fees = s.transfers.filter((t) => t.reason === 'fee');
      // 1. A provider that returned a wrong result never receives a fee for the task.
      for (const t of fees) check(!struck.has(t.to), label, 'no fee to a wrong provider');
      // The accepted result is always the truth.
      check(s.outcome?.result === TRUTH, label, 'accepted result is right');
      // 2. Grid's net payment = fees of the correct providers − penalties collected and passed on to providers.
      const balances = feeBalances(s);
      const sum = (reason: string): number =>
        s.transfers.filter((t) => t.reason === reason).reduce((a, t) => a + t.amount, 0);
      const penalties = sum('penalty');
      const dcPaid = sum('data-center-cost');
      const feesPaid = sum('fee');
      check(Math.abs(-balances['grid']! - (feesPaid - (penalties - dcPaid))) < 1e-9, label, 'grid payment');
      // 3. The DC cost is borne entirely by wrong providers.
      const dcRan = s.path.includes('S5');
      check(dcPaid === (dcRan ? FEES.dataCenterCost : 0), label, 'DC paid once when it ran');
      for (const t of s.transfers.filter((x) => x.reason === 'penalty'))
        check(struck.has(t.from), label, 'only wrong pay');
      if (dcRan) check(struck.size > 0 && penalties >= dcPaid - 1e-12, label, 'DC cost covered by penalties');
      // Money is conserved.
      const total = Object.values(balances).reduce((a, b) => a + b, 0);
      check(Math.abs(total) < 1e-9, label, 'conservation');
      // A provider that answered right, consistently, is never struck.
      for (const [id, [first, again]] of Object.entries(c)) {
        if (first === 'right' && again === 'right') check(!struck.has(id), label, `${id} not struck`);
      }
    }
  });
});

describe('blacklist, purity, serialization', () => {
  it('blacklists after the second strike for the next three cycles', () => {
    let s = drive({ p1: ['right', 'right'], p2: ['wrongA', 'wrongA'], p3: ['right', 'right'] });
    expect(s.pool.standing['p2']).toEqual({ strikes: 1, blacklistedUntil: null });
    const next = startArbitration({ taskId: 't2', cycle: 6, pool: s.pool, fees: FEES });
    s = drive({ p1: ['right', 'right'], p2: ['wrongA', 'wrongA'], p3: ['right', 'right'] }, next);
    expect(s.pool.standing['p2']).toEqual({ strikes: 0, blacklistedUntil: 9 });
    expect([7, 8, 9, 10].map((c) => isEligible(s.pool, 'p2', c))).toEqual([false, false, false, true]);
    // In cycle 7 dispatch skips p2.
    const later = stepArbitration(startArbitration({ taskId: 't3', cycle: 7, pool: s.pool, fees: FEES }), {
      type: 'dispatch',
    });
    expect(later.assignment).toEqual({ I: 'p1', II: 'p3', III: null });
  });

  it('refuses to dispatch with fewer than two eligible providers', () => {
    const s = startArbitration({
      taskId: 't',
      cycle: 1,
      pool: { order: ['a', 'b'], standing: { b: { strikes: 0, blacklistedUntil: 3 } } },
      fees: FEES,
    });
    expect(() => stepArbitration(s, { type: 'dispatch' })).toThrow(/fewer than two eligible/);
  });

  it('is pure, rejects unexpected events and survives a canonical-JSON round trip mid-task', () => {
    const s0 = stepArbitration(start(), { type: 'dispatch' });
    const before = serializeArbitrationState(s0);
    const s1 = stepArbitration(s0, { type: 'submit', role: 'I', submission: submission('right') });
    expect(serializeArbitrationState(s0)).toBe(before);
    try {
      stepArbitration(s1, { type: 'submit', role: 'I', submission: submission('right') });
      throw new Error('expected a throw');
    } catch (error) {
      expect(isCarbonTraceError(error, 'INVALID_STATE')).toBe(true);
    }
    expect(() => stepArbitration(s1, { type: 'data-center', result: TRUTH })).toThrow(/S5/);
    const reloaded = parseArbitrationState(serializeArbitrationState(s1));
    const a = stepArbitration(reloaded, { type: 'submit', role: 'II', submission: submission('wrongA') });
    const b = stepArbitration(s1, { type: 'submit', role: 'II', submission: submission('wrongA') });
    expect(serializeArbitrationState(a)).toBe(serializeArbitrationState(b));
    expect(a.stage).toBe('S3');
    expect(expectedEvents(a)).toEqual([
      { type: 'recompute', role: 'I', provider: 'p1' },
      { type: 'recompute', role: 'II', provider: 'p2' },
    ]);
  });
});
