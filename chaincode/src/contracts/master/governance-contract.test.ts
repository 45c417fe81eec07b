import { solvePow } from '../../governance/pow-agent';
import { TEST_NETWORK_ORGS } from '../shared/network-orgs';
import { ContractHarness } from '../testing/contract-harness';
import { runTwice } from '../testing/determinism';
import { ORGS } from '../testing/identities';
import { contracts } from './index';

/** The test topology plus a third HV region (Hv3), as a deployment with three regions records it. */
const ORGS_WITH_HV3 = {
  ...TEST_NETWORK_ORGS,
  regions: [...TEST_NETWORK_ORGS.regions, { channel: 'slave-hv3', hv: 'Hv3MSP', lvs: ['Lv3aMSP'] }],
};
const harness = (): ContractHarness => new ContractHarness(contracts, 'master', undefined, ORGS_WITH_HV3);
const HV3 = { mspId: 'Hv3MSP' };

interface State {
  epoch: number;
  phase: string;
  seed: string;
  evaluations: { nodeId: string; ca: number }[];
  agents: string[];
  consensus: string[];
  supervisors: string[];
  votes: Record<string, number>;
  rewardScores: Record<string, number>;
  lastRewards: Record<string, number>;
}

async function initialize(h: ContractHarness, parameters: Record<string, unknown> = {}): Promise<State> {
  return (await h.submit('Governance', 'Initialize', ORGS.gridco, [
    JSON.stringify({
      candidates: ['Hv1', 'Hv2', 'Hv3'],
      parameters: { agentCount: 2, consensusSize: 2, supervisorCount: 1, ...parameters },
    }),
  ])) as State;
}

/** Every candidate submits a PoW solution; GridCo closes the selection. Returns the voting state. */
async function selectAgents(h: ContractHarness): Promise<State> {
  const state = (await h.evaluate('Governance', 'GetState', ORGS.regulator, [])) as State;
  for (const [who, id] of [
    [ORGS.hv1, 'Hv1'],
    [ORGS.hv2, 'Hv2'],
    [HV3, 'Hv3'],
  ] as const) {
    const ca = state.evaluations.find((e) => e.nodeId === id)?.ca ?? 0;
    const { nonce } = solvePow(state.seed, id, ca, 1 / 256);
    await h.submit('Governance', 'SubmitPow', who, [String(nonce)]);
  }
  return (await h.submit('Governance', 'CloseAgentSelection', ORGS.gridco, [])) as State;
}

async function electEpoch(h: ContractHarness): Promise<State> {
  const voting = await selectAgents(h);
  for (const agent of voting.agents) {
    const who = agent === 'Hv1' ? ORGS.hv1 : agent === 'Hv2' ? ORGS.hv2 : HV3;
    await h.submit('Governance', 'Vote', who, [JSON.stringify(['Hv1', 'Hv2'])]);
  }
  return (await h.submit('Governance', 'CloseVoting', ORGS.gridco, [])) as State;
}

describe('Governance contract (EA-DPoS on chain)', () => {
  it('runs an epoch: CA at start, PoW verified on chain, agents, votes, consensus, supervisors', async () => {
    const h = harness();
    const s = await initialize(h);
    expect(s.phase).toBe('pow');
    // no history: C = 0.5, D = 60/100, T = 0 → CA = 0.2 + 0.18 = 0.38 for everyone
    for (const e of s.evaluations) expect(e.ca).toBeCloseTo(0.38, 12);
    const bad = await h.invoke('Governance', 'SubmitPow', ORGS.hv1, ['0']);
    if (bad.error !== undefined)
      expect(bad.error).toMatch(/^VERIFICATION_FAILED: nonce 0 does not meet Hv1's target/);
    const active = await electEpoch(h);
    expect(active.phase).toBe('active');
    expect(active.agents).toHaveLength(2);
    // both agents approved Hv1 and Hv2 with equal CA → equal votes of 1 each
    expect(active.consensus).toEqual(['Hv1', 'Hv2']);
    expect(active.votes['Hv1']).toBeCloseTo(1, 12);
    expect(active.supervisors).toHaveLength(1);
    expect(['Hv1', 'Hv2']).toContain(active.supervisors[0]);
  });

  it('lets only consensus nodes anchor during an active epoch and credits their blocks', async () => {
    const h = harness();
    await initialize(h);
    await electEpoch(h);
    const entry = JSON.stringify([{ blockNumber: 0, previousHash: '', dataHash: 'ab'.repeat(32) }]);
    expect((await h.invoke('Anchor', 'RecordBatch', HV3, ['slave-hv3', entry])).error).toMatch(
      /^ACCESS_DENIED: Hv3 is not in the consensus set of epoch 1/,
    );
    await h.submit('Anchor', 'RecordBatch', ORGS.hv1, ['slave-hv1', entry]);
    const node = (await h.evaluate('Governance', 'GetNode', ORGS.regulator, ['Hv1'])) as {
      creditPoints: number;
      epochCounts: { accepted: number };
    };
    expect(node.creditPoints).toBe(61);
    expect(node.epochCounts.accepted).toBe(1);
  });

  it('enforces time slots: the producer of slot s is consensus[s mod |C|]', async () => {
    const h = harness();
    await initialize(h, { slotSeconds: 10 });
    h.nowSeconds = 1_000;
    await electEpoch(h); // active since t = 1000
    const schedule = (await h.evaluate('Governance', 'GetSchedule', ORGS.hv1, [], {
      timestampSeconds: 1_015,
    })) as {
      slot: number;
      producer: string;
    };
    expect(schedule).toMatchObject({ slot: 1, producer: 'Hv2' });
    const entry = JSON.stringify([{ blockNumber: 0, previousHash: '', dataHash: 'ab'.repeat(32) }]);
    const early = await h.invoke('Anchor', 'RecordBatch', ORGS.hv1, ['slave-hv1', entry], {
      timestampSeconds: 1_015,
    });
    expect(early.error).toMatch(/^INVALID_STATE: slot 1 of epoch 1 belongs to Hv2/);
    const onTime = await h.invoke('Anchor', 'RecordBatch', ORGS.hv1, ['slave-hv1', entry], {
      timestampSeconds: 1_021,
    });
    expect(onTime.error).toBeUndefined();
  });

  it('refuses a PoW from a node below the minimum CA and a vote from a node that is not an agent', async () => {
    const strict = harness();
    await initialize(strict, { minCa: 1 });
    const refused = await strict.invoke('Governance', 'SubmitPow', ORGS.hv1, ['0']);
    expect(refused.error).toMatch(
      /^ACCESS_DENIED: Hv1 is not eligible as an agent \(CA [0-9.e-]+, minimum 1; credit /,
    );
    expect(refused.event).toBeUndefined();

    const h = harness();
    await initialize(h);
    const voting = await selectAgents(h);
    const outsider = ['Hv1', 'Hv2', 'Hv3'].find((id) => !voting.agents.includes(id));
    expect(voting.agents).toHaveLength(2);
    const who = outsider === 'Hv1' ? ORGS.hv1 : outsider === 'Hv2' ? ORGS.hv2 : HV3;
    const vote = await h.invoke('Governance', 'Vote', who, [JSON.stringify(['Hv1'])]);
    expect(vote.error).toBe(`ACCESS_DENIED: ${outsider ?? ''} is not an agent of epoch 1`);
    expect(vote.event).toBeUndefined();
  });

  it('supervisors reject blocks, GridCo reports missed slots, EndEpoch updates RS and pays rewards', async () => {
    const h = harness();
    await initialize(h);
    const active = await electEpoch(h);
    const supervisor = active.supervisors[0] === 'Hv1' ? ORGS.hv1 : ORGS.hv2;
    const other = active.supervisors[0] === 'Hv1' ? 'Hv2' : 'Hv1';
    const outsider = active.supervisors[0] === 'Hv1' ? ORGS.hv2 : ORGS.hv1;
    const entry = JSON.stringify([{ blockNumber: 0, previousHash: '', dataHash: 'ab'.repeat(32) }]);
    const otherChannel = `slave-${other.toLowerCase()}`;
    await h.submit('Anchor', 'RecordBatch', outsider, [otherChannel, entry]);
    expect((await h.invoke('Governance', 'RejectBlock', outsider, [otherChannel, '0', 'bad'])).error).toMatch(
      /^ACCESS_DENIED: .* is not a supervisor/,
    );
    const rejected = (await h.submit('Governance', 'RejectBlock', supervisor, [
      otherChannel,
      '0',
      'header mismatch',
    ])) as { creditPoints: number; producer: string; penalized: boolean; threshold: number };
    // N_S = 1 → ⌈2/3⌉ = 1 vote suffices; 60 + 1 (its block) − 10
    expect(rejected).toMatchObject({ producer: other, penalized: true, threshold: 1, creditPoints: 51 });
    await h.submit('Governance', 'ReportMissedSlot', ORGS.gridco, [other, '0']);
    const supervisorId = active.supervisors[0] ?? '';
    await h.submit('Anchor', 'RecordBatch', supervisor, [`slave-${supervisorId.toLowerCase()}`, entry]);
    const next = (await h.submit('Governance', 'EndEpoch', ORGS.gridco, [])) as State;
    // supervisor: 1 ok of 1 → 0.35 + 0.3 = 0.65; other: 1 ok, 1 bad, 1 miss of 3 → 0.35 + 0.3·(1 − 2 − 1)/3 = 0.15
    expect(next.rewardScores[supervisorId]).toBeCloseTo(0.65, 12);
    expect(next.rewardScores[other]).toBeCloseTo(0.15, 12);
    expect(next.lastRewards[supervisorId]).toBeCloseTo((100 * 0.65) / 0.8, 9);
    expect(next.epoch).toBe(2);
    expect(next.phase).toBe('pow');
    expect(next.seed).not.toBe(active.seed);
  });

  it('refuses out-of-phase calls and other roles', async () => {
    const h = harness();
    expect((await h.invoke('Governance', 'Initialize', ORGS.hv1, ['{"candidates":["Hv1"]}'])).error).toMatch(
      /^ACCESS_DENIED/,
    );
    await initialize(h);
    expect((await h.invoke('Governance', 'CloseVoting', ORGS.gridco, [])).error).toMatch(
      /^INVALID_STATE: epoch 1 is in phase pow/,
    );
    expect((await h.invoke('Governance', 'SubmitPow', ORGS.regulator, ['1'])).error).toMatch(
      /^ACCESS_DENIED/,
    );
    expect((await h.invoke('Governance', 'Vote', ORGS.hv1, ['["Hv1"]'])).error).toMatch(/^INVALID_STATE/);
  });

  it('is deterministic', async () => {
    const [a, b] = await runTwice(harness, () => Promise.resolve(), {
      contract: 'Governance',
      fn: 'Initialize',
      identity: ORGS.gridco,
      args: [JSON.stringify({ candidates: ['Hv2', 'Hv1'] })],
    });
    expect(a).toBe(b);
  });
});
