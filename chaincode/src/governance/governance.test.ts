/**
 * EA-DPoS and PBFT-points engine against hand-computed values (MATH.md G.1–G.5 formulas worked by
 * hand in the comments) and independent checks (SHA-256 from node:crypto).
 */
import { createHash } from 'crypto';
import { accuracyScore, applyCredit, blockScore, creditScore, evaluateNodes } from './evaluation';
import { powDigest, powTarget, selectAgents, solvePow, verifyPow } from './pow-agent';
import { applyPbftRound, initialPbftState, primaryOfView } from './pbft-points';
import type { PbftEvent } from './pbft-points';
import { epochRewards, nextRewardScore, supervisorRights } from './reward-score';
import { nextSlotOf, scheduledProducer, slotAt } from './slot-schedule';
import { drawWithoutReplacement, finalityQuorum, topByWeight } from './supervisor-draw';
import { consensusSet, equityOf, honestApprovals, tallyVotes } from './voting';

describe('comprehensive evaluation (G1–G3)', () => {
  it('C is 0.5 without history and 1 − mean(min(1, |ê−e*|/e*)) over the window', () => {
    expect(accuracyScore([])).toBe(0.5);
    // errors 0.1, 0.2, min(1, 2) = 1 → mean 1.3/3 → C = 1 − 0.433333…
    const samples = [
      { computedTco2PerMwh: 0.9, acceptedTco2PerMwh: 1 },
      { computedTco2PerMwh: 1.2, acceptedTco2PerMwh: 1 },
      { computedTco2PerMwh: 3, acceptedTco2PerMwh: 1 },
    ];
    expect(accuracyScore(samples)).toBeCloseTo(1 - 1.3 / 3, 12);
    // window of 1: only the last sample (error 1) counts
    expect(accuracyScore(samples, 1)).toBe(0);
  });

  it('D and T are clamped ratios; credit changes stay within [0, 100]', () => {
    expect(creditScore(60)).toBe(0.6);
    expect(creditScore(150)).toBe(1);
    expect(creditScore(-5)).toBe(0);
    expect(applyCredit(95, 10)).toBe(100);
    expect(applyCredit(5, -10)).toBe(0);
    expect(blockScore(3, 6)).toBe(0.5);
    expect(blockScore(0, 0)).toBe(0);
  });

  it('CA = 0.4·C + 0.3·D + 0.3·T', () => {
    const [a, b] = evaluateNodes([
      { nodeId: 'A', accuracy: [], creditPoints: 60, successfulBlocks: 6 },
      {
        nodeId: 'B',
        accuracy: [{ computedTco2PerMwh: 1, acceptedTco2PerMwh: 1 }],
        creditPoints: 100,
        successfulBlocks: 3,
      },
    ]);
    expect(a?.ca).toBeCloseTo(0.4 * 0.5 + 0.3 * 0.6 + 0.3 * 1, 12); // 0.68
    expect(b?.ca).toBeCloseTo(0.4 * 1 + 0.3 * 1 + 0.3 * 0.5, 12); // 0.85
    expect(() => evaluateNodes([], { accuracy: 0.5, credit: 0.5, blocks: 0.5 })).toThrow(/sum to 1/);
  });
});

describe('PoW agents (G.2)', () => {
  it('at CA = 0.5 and tgt_0 = 2^-8 a nonce is valid exactly when the digest starts with a zero byte', () => {
    expect(powTarget(0.5, 1 / 256)).toBe(1 / 256);
    const digest = (n: number): string => createHash('sha256').update(`epoch-seed|Hv1|${n}`).digest('hex');
    let expected = -1;
    for (let n = 0; n < 100_000 && expected < 0; n += 1) if (digest(n).startsWith('00')) expected = n;
    expect(expected).toBeGreaterThanOrEqual(0);
    const solved = solvePow('epoch-seed', 'Hv1', 0.5, 1 / 256);
    expect(solved.nonce).toBe(expected);
    expect(solved.digest).toBe(digest(expected));
    expect(powDigest('epoch-seed', 'Hv1', expected)).toBe(digest(expected));
    expect(verifyPow('epoch-seed', { nodeId: 'Hv1', nonce: expected + 0 }, 0.5, 1 / 256)).toBeDefined();
    // a nonce below the first solution fails
    if (expected > 0)
      expect(verifyPow('epoch-seed', { nodeId: 'Hv1', nonce: expected - 1 }, 0.5, 1 / 256)).toBeUndefined();
    // the same nonce under another node id is a different puzzle
    const other = verifyPow('epoch-seed', { nodeId: 'Hv2', nonce: expected }, 0.5, 1 / 256);
    expect(other === undefined || other.digest !== solved.digest).toBe(true);
    expect(() => verifyPow('s', { nodeId: 'Hv1', nonce: -1 }, 0.5)).toThrow(/non-negative integer/);
  });

  it('a higher CA gives an easier target (tgt_0·(0.5 + CA))', () => {
    expect(powTarget(1, 0.01)).toBeCloseTo(0.015, 15);
    expect(powTarget(0, 0.01)).toBeCloseTo(0.005, 15);
  });

  it('agents are the N_A smallest h/tgt, one per node, ties by id', () => {
    const s = (nodeId: string, rank: number) => ({
      nodeId,
      nonce: 0,
      rank,
      hashFraction: 0,
      target: 1,
      digest: '',
    });
    const picked = selectAgents([s('C', 0.2), s('A', 0.5), s('B', 0.2), s('A', 0.1), s('D', 0.9)], 3);
    expect(picked.map((p) => p.nodeId)).toEqual(['A', 'B', 'C']);
  });
});

describe('equity, votes, consensus set (G4)', () => {
  it('Eq_a = CA_a / Σ CA; V_j sums approving equity; ranking by V then CA then id', () => {
    const equity = equityOf(
      new Map([
        ['A', 0.6],
        ['B', 0.3],
        ['C', 0.1],
      ]),
    );
    expect(equity.get('A')).toBeCloseTo(0.6, 15);
    const candidates = new Map([
      ['X', 0.5],
      ['Y', 0.4],
      ['Z', 0.9],
    ]);
    const ranked = tallyVotes(
      [
        { agentId: 'A', approvals: ['X', 'Y'] },
        { agentId: 'B', approvals: ['Y'] },
        { agentId: 'C', approvals: ['Z'] },
      ],
      equity,
      candidates,
      2,
    );
    // V: X = 0.6, Y = 0.9, Z = 0.1
    expect(ranked.map((t) => [t.nodeId, Number(t.votes.toFixed(12))])).toEqual([
      ['Y', 0.9],
      ['X', 0.6],
      ['Z', 0.1],
    ]);
    expect(consensusSet(ranked, 2)).toEqual(['Y', 'X']);
  });

  it('equal votes: the higher CA wins; the honest ballot approves the top N_C by CA', () => {
    const candidates = new Map([
      ['X', 0.5],
      ['Y', 0.7],
    ]);
    const ranked = tallyVotes(
      [
        { agentId: 'A', approvals: ['X'] },
        { agentId: 'B', approvals: ['Y'] },
      ],
      new Map([
        ['A', 0.5],
        ['B', 0.5],
      ]),
      candidates,
      1,
    );
    expect(consensusSet(ranked, 1)).toEqual(['Y']);
    expect(
      honestApprovals(
        new Map([
          ['P', 0.2],
          ['Q', 0.9],
          ['R', 0.9],
        ]),
        2,
      ),
    ).toEqual(['Q', 'R']);
  });

  it('refuses ballots from non-agents, repeated or too many approvals, unknown candidates', () => {
    const eq = new Map([['A', 1]]);
    const c = new Map([
      ['X', 1],
      ['Y', 1],
    ]);
    expect(() => tallyVotes([{ agentId: 'B', approvals: [] }], eq, c, 1)).toThrow(/not an agent/);
    expect(() => tallyVotes([{ agentId: 'A', approvals: ['X', 'Y'] }], eq, c, 1)).toThrow(/at most 1/);
    expect(() => tallyVotes([{ agentId: 'A', approvals: ['X', 'X'] }], eq, c, 2)).toThrow(/distinct/);
    expect(() => tallyVotes([{ agentId: 'A', approvals: ['W'] }], eq, c, 1)).toThrow(/not a candidate/);
  });
});

describe('reward score, rewards, supervisor right (G5, G6)', () => {
  it('RS(t) = clamp(0.7·RS(t−1) + 0.3·(ok − 2·bad − miss)/sched)', () => {
    // 0.35 + 0.3·(8 − 2 − 1)/10 = 0.5
    expect(nextRewardScore(0.5, { accepted: 8, rejected: 1, missed: 1, scheduled: 10 })).toBeCloseTo(0.5, 15);
    // 0.35 + 0.3 = 0.65
    expect(nextRewardScore(0.5, { accepted: 10, rejected: 0, missed: 0, scheduled: 10 })).toBeCloseTo(
      0.65,
      15,
    );
    // 0.07 − 0.6 → clamped to 0
    expect(nextRewardScore(0.1, { accepted: 0, rejected: 5, missed: 0, scheduled: 5 })).toBe(0);
  });

  it('rewards split the pool by RS; SR_i = CA·RS / Σ CA·RS', () => {
    const rewards = epochRewards(
      [
        { nodeId: 'A', rs: 0.6 },
        { nodeId: 'B', rs: 0.2 },
      ],
      100,
    );
    expect(rewards.get('A')).toBeCloseTo(75, 12);
    expect(rewards.get('B')).toBeCloseTo(25, 12);
    const sr = supervisorRights([
      { nodeId: 'A', ca: 0.8, rs: 0.5 },
      { nodeId: 'B', ca: 0.5, rs: 0.8 },
      { nodeId: 'C', ca: 0.4, rs: 0.5 },
    ]);
    // weights 0.4, 0.4, 0.2
    expect([sr.get('A'), sr.get('B'), sr.get('C')].map((v) => Number(v?.toFixed(12)))).toEqual([
      0.4, 0.4, 0.2,
    ]);
  });
});

describe('supervisor draw and slot schedule', () => {
  it('is deterministic per seed, draws distinct nodes, never a zero-weight node while weight remains', () => {
    const nodes = [
      { nodeId: 'A', weight: 1 },
      { nodeId: 'B', weight: 0 },
      { nodeId: 'C', weight: 0 },
    ];
    for (let i = 0; i < 50; i += 1) expect(drawWithoutReplacement(nodes, 1, `seed-${i}`)).toEqual(['A']);
    const three = drawWithoutReplacement(nodes, 3, 'seed');
    expect(new Set(three).size).toBe(3);
    expect(three[0]).toBe('A');
    expect(drawWithoutReplacement(nodes, 3, 'seed')).toEqual(three);
    expect(
      topByWeight(
        [
          { nodeId: 'X', weight: 0.2 },
          { nodeId: 'Y', weight: 0.5 },
        ],
        1,
      ),
    ).toEqual(['Y']);
  });

  it('draws in proportion to weight: weights 3:1 give the first pick ≈ 75 % over 4000 seeds', () => {
    let a = 0;
    const seeds = 4000;
    for (let i = 0; i < seeds; i += 1) {
      if (
        drawWithoutReplacement(
          [
            { nodeId: 'A', weight: 3 },
            { nodeId: 'B', weight: 1 },
          ],
          1,
          `s${i}`,
        )[0] === 'A'
      )
        a += 1;
    }
    // binomial sd = sqrt(4000·0.75·0.25) ≈ 27 draws; allow 4 sd
    expect(Math.abs(a - 3000)).toBeLessThan(110);
  });

  it('finality quorum ⌈2N_S/3⌉; round-robin producers; slots from time', () => {
    expect([1, 3, 4, 7].map(finalityQuorum)).toEqual([1, 2, 3, 5]);
    expect(scheduledProducer(['A', 'B', 'C'], 4)).toBe('B');
    expect(slotAt(1000, 940, 20)).toBe(3);
    expect(nextSlotOf(['A', 'B', 'C'], 'A', 4)).toBe(6);
    expect(nextSlotOf(['A', 'B', 'C'], 'Z', 4)).toBeUndefined();
    expect(() => scheduledProducer([], 0)).toThrow(/empty/);
  });
});

describe('improved PBFT points (G.5)', () => {
  const ev = (nodeId: string, kind: PbftEvent['kind']): PbftEvent => ({ nodeId, kind });

  it('starts at 60 points with f = ⌊(|K| − 1)/3⌋ and picks the primary by points then id', () => {
    const s = initialPbftState(['D', 'A', 'C', 'B'], ['E']);
    expect(s.faultTolerance).toBe(1);
    expect(s.points).toEqual({ A: 60, B: 60, C: 60, D: 60, E: 60 });
    expect(primaryOfView(s, 0)).toBe('A');
    expect(primaryOfView(s, 5)).toBe('B');
    const t = applyPbftRound(s, [ev('D', 'primaryCommitted')]);
    expect(primaryOfView(t, 0)).toBe('D');
    expect(() => initialPbftState(['A', 'B', 'C'], [])).toThrow(/at least 4/);
  });

  it('settles every W rounds: demotes below 40, promotes reserve at ≥ 60, pays by points gained', () => {
    let s = initialPbftState(['A', 'B', 'C', 'D'], ['E'], { settlementWindow: 2 });
    // round 1: A −20 → 40, B −2 → 58, E +1 → 61
    s = applyPbftRound(s, [
      ev('A', 'invalidMessage'),
      ev('A', 'invalidMessage'),
      ev('B', 'timeout'),
      ev('E', 'voted'),
    ]);
    expect(s.settlements).toBe(0);
    // round 2: A −10 → 30, E → 62, C → 61, D → 61; settlement
    s = applyPbftRound(s, [ev('A', 'invalidMessage'), ev('E', 'voted'), ev('C', 'voted'), ev('D', 'voted')]);
    expect(s.settlements).toBe(1);
    expect(s.consensus).toEqual(['B', 'C', 'D', 'E']);
    expect(s.reserve).toEqual(['A']);
    expect(s.faultTolerance).toBe(1);
    // gains: C 1, D 1, E 2 (total 4) of a pool of 100
    expect(s.lastRewards).toEqual({ A: 0, B: 0, C: 25, D: 25, E: 50 });
  });

  it('jails nodes at 0 points and re-admits reserve nodes to keep 4 consensus nodes', () => {
    let s = initialPbftState(['A', 'B', 'C', 'D'], ['E'], { settlementWindow: 1 });
    // A: 60 − 6·10 = 0 → jailed; E: 60 − 10 = 50 (below the promotion threshold, re-admitted as fallback)
    s = applyPbftRound(s, [
      ...Array.from({ length: 6 }, () => ev('A', 'invalidMessage')),
      ev('E', 'invalidMessage'),
    ]);
    expect(s.jailed).toEqual(['A']);
    expect(s.consensus).toEqual(['B', 'C', 'D', 'E']);
    expect(s.reserve).toEqual([]);
    expect(() => applyPbftRound(s, [ev('A', 'voted')])).toThrow(/not an active node/);
  });
});
