/**
 * Regression tests of issue 12 for Governance and Providers (run together with `jest -t "defect:"`).
 */
import type { AccuracySample } from '../../governance/evaluation';
import { solvePow } from '../../governance/pow-agent';
import { toBytes } from '../shared/ledger-state';
import { TEST_NETWORK_ORGS } from '../shared/network-orgs';
import { ContractHarness } from '../testing/contract-harness';
import { ORGS } from '../testing/identities';
import { compositeKey, transactionOn } from '../testing/read-recording-stub';
import { noteAccuracy, noteVerificationBlock } from './governance-ledger';
import { contracts } from './index';

const harness = (): ContractHarness => new ContractHarness(contracts, 'master');
const HV3 = { mspId: 'Hv3MSP' };
const WHO: Record<string, { mspId: string }> = { Hv1: ORGS.hv1, Hv2: ORGS.hv2, Hv3: HV3 };

interface State {
  seed: string;
  evaluations: { nodeId: string; ca: number }[];
  agents: string[];
  consensus: string[];
  supervisors: string[];
}

/** Epoch 1 active with all three HV nodes in the consensus set and as supervisors (N_S = 3). */
async function activeEpoch(h: ContractHarness): Promise<State> {
  const s = (await h.submit('Governance', 'Initialize', ORGS.gridco, [
    JSON.stringify({ candidates: ['Hv1', 'Hv2', 'Hv3'] }),
  ])) as State;
  for (const id of ['Hv1', 'Hv2', 'Hv3']) {
    const ca = s.evaluations.find((e) => e.nodeId === id)?.ca ?? 0;
    const { nonce } = solvePow(s.seed, id, ca, 1 / 256);
    await h.submit('Governance', 'SubmitPow', WHO[id] ?? HV3, [String(nonce)]);
  }
  const voting = (await h.submit('Governance', 'CloseAgentSelection', ORGS.gridco, [])) as State;
  for (const agent of voting.agents) {
    await h.submit('Governance', 'Vote', WHO[agent] ?? HV3, [JSON.stringify(['Hv1', 'Hv2', 'Hv3'])]);
  }
  return (await h.submit('Governance', 'CloseVoting', ORGS.gridco, [])) as State;
}

const sample = (computed: number): AccuracySample => ({
  computedTco2PerMwh: computed,
  acceptedTco2PerMwh: 1,
});

const node = async (
  h: ContractHarness,
  id: string,
): Promise<{ creditPoints: number; accuracy: AccuracySample[] }> =>
  (await h.evaluate('Governance', 'GetNode', ORGS.regulator, [id])) as {
    creditPoints: number;
    accuracy: AccuracySample[];
  };

const credit = async (h: ContractHarness, id: string): Promise<number> =>
  ((await h.evaluate('Governance', 'GetNode', ORGS.regulator, [id])) as { creditPoints: number })
    .creditPoints;

describe('defects of issue 12 (Governance, Providers)', () => {
  it('defect: one supervisor can push a rival out of governance (RejectBlock)', async () => {
    const h = harness();
    const active = await activeEpoch(h);
    expect(active.supervisors).toHaveLength(3);
    const entry = JSON.stringify([{ blockNumber: 0, previousHash: '', dataHash: 'ab'.repeat(32) }]);
    await h.submit('Anchor', 'RecordBatch', ORGS.hv1, ['slave-hv1', entry]);
    const before = await credit(h, 'Hv1');
    // no block reference: refused
    const unanchored = await h.invoke('Governance', 'RejectBlock', ORGS.hv2, ['slave-hv1', '7', 'bad']);
    expect(unanchored.error).toMatch(/^NOT_FOUND: slave-hv1 block 7 is not anchored/);
    // seven calls by Hv2: one vote, no penalty (⌈2·3/3⌉ = 2 supervisors needed)
    for (let i = 0; i < 7; i += 1) {
      const out = await h.invoke('Governance', 'RejectBlock', ORGS.hv2, ['slave-hv1', '0', 'bad']);
      expect(out.error).toBeUndefined();
      if (i > 0) expect(out.writeSet.state).toHaveLength(0);
      expect(JSON.parse(out.result ?? '{}')).toMatchObject({
        rejectedBy: ['Hv2'],
        threshold: 2,
        penalized: false,
      });
    }
    expect(await credit(h, 'Hv1')).toBe(before);
    // a second supervisor: the threshold is reached, Hv1 is penalized once
    const second = (await h.submit('Governance', 'RejectBlock', HV3, ['slave-hv1', '0', 'bad'])) as {
      penalized: boolean;
      rejectedBy: string[];
    };
    expect(second).toMatchObject({ penalized: true, rejectedBy: ['Hv2', 'Hv3'] });
    expect(await credit(h, 'Hv1')).toBe(before - 10);
    await h.submit('Governance', 'RejectBlock', HV3, ['slave-hv1', '0', 'bad']);
    await h.submit('Governance', 'RejectBlock', ORGS.hv2, ['slave-hv1', '0', 'bad']);
    expect(await credit(h, 'Hv1')).toBe(before - 10);
  });

  it('defect: retries apply transactions twice (ReportMissedSlot names the slot)', async () => {
    const h = harness();
    await activeEpoch(h);
    await h.submit('Governance', 'ReportMissedSlot', ORGS.gridco, ['Hv2', '4']);
    const retry = await h.invoke('Governance', 'ReportMissedSlot', ORGS.gridco, ['Hv2', '4']);
    expect(retry.error).toBeUndefined();
    expect(retry.writeSet.state).toHaveLength(0);
    expect(await credit(h, 'Hv2')).toBe(58);
    const other = await h.invoke('Governance', 'ReportMissedSlot', ORGS.gridco, ['Hv3', '4']);
    expect(other.error).toMatch(/^ALREADY_EXISTS: slot 4 of epoch 1 was already reported as missed by Hv2/);
  });

  it('defect: retries apply transactions twice (AdvanceCycle takes the expected cycle)', async () => {
    const h = harness();
    expect(await h.submit('Providers', 'AdvanceCycle', ORGS.gridco, ['0'])).toEqual({ cycle: 1 });
    const retry = await h.invoke('Providers', 'AdvanceCycle', ORGS.gridco, ['0']);
    expect(retry.result).toBe('{"cycle":1}');
    expect(retry.writeSet.state).toHaveLength(0);
    expect(await h.evaluate('Providers', 'GetCycle', ORGS.regulator, [])).toEqual({ cycle: 1 });
    const stale = await h.invoke('Providers', 'AdvanceCycle', ORGS.gridco, ['5']);
    expect(stale.error).toMatch(
      /^INVALID_STATE: expectedCycle 5 is stale: the current settlement cycle is 1/,
    );
  });

  it('defect: strict decimal parser (SetFee, SubmitPow, Anchor:Get, BusIntensity)', async () => {
    const h = harness();
    await h.submit('Providers', 'Register', ORGS.cloudA, ['{"feePerTask":3}']);
    for (const text of ['', '0x10', '1e1', ' 2', 'Infinity', '2.']) {
      const out = await h.invoke('Providers', 'SetFee', ORGS.cloudA, [text]);
      expect(out.error).toMatch(/^INVALID_ARGUMENT: feePerTask must be a decimal number .*\(got "/);
      expect(out.writeSet.state).toHaveLength(0);
    }
    expect(await h.submit('Providers', 'SetFee', ORGS.cloudA, ['2.5'])).toMatchObject({ feePerTask: 2.5 });
    await h.submit('Governance', 'Initialize', ORGS.gridco, ['{"candidates":["Hv1"]}']);
    expect((await h.invoke('Governance', 'SubmitPow', ORGS.hv1, ['0x1'])).error).toMatch(
      /^INVALID_ARGUMENT: nonce must be a decimal integer \(digits only\) \(got "0x1"\)/,
    );
    expect((await h.invoke('Anchor', 'Get', ORGS.regulator, ['slave-hv1', ''])).error).toMatch(
      /^INVALID_ARGUMENT: blockNumber must be a decimal integer/,
    );
    expect(
      (await h.invoke('Audit', 'BusIntensity', ORGS.regulator, ['slave-hv1', '1', '0x3'])).error,
    ).toMatch(/^INVALID_ARGUMENT: busId must be a decimal integer/);
  });

  it('defect: the epoch seed can be steered (the seed does not depend on the transaction id GridCo picks)', async () => {
    const seedWith = async (txId: string, dataHash: string): Promise<string> => {
      const h = harness();
      const entry = JSON.stringify([{ blockNumber: 0, previousHash: '', dataHash }]);
      await h.submit('Anchor', 'RecordBatch', ORGS.hv1, ['slave-hv1', entry]);
      const out = await h.invoke('Governance', 'Initialize', ORGS.gridco, ['{"candidates":["Hv1","Hv2"]}'], {
        txId,
      });
      return (JSON.parse(out.result ?? '{}') as { seed: string }).seed;
    };
    const a = await seedWith('gridco-pick-1', 'ab'.repeat(32));
    expect(await seedWith('gridco-pick-2', 'ab'.repeat(32))).toBe(a);
    // the anchored heads, which the HV organizations record, do change it
    expect(await seedWith('gridco-pick-1', 'cd'.repeat(32))).not.toBe(a);
  });

  it('defect: HV org ids with capitals (HvNorthMSP cannot anchor slave-hvnorth)', async () => {
    // the network record (Network:Configure) names the exact HV organization of each channel
    const h = new ContractHarness(contracts, 'master', undefined, {
      ...TEST_NETWORK_ORGS,
      regions: [
        ...TEST_NETWORK_ORGS.regions,
        { channel: 'slave-hvnorth', hv: 'HvnorthMSP', lvs: ['LvnorthaMSP'] },
      ],
    });
    const entry = JSON.stringify([{ blockNumber: 0, previousHash: '', dataHash: 'ab'.repeat(32) }]);
    const capital = await h.invoke('Anchor', 'RecordBatch', { mspId: 'HvNorthMSP' }, [
      'slave-hvnorth',
      entry,
    ]);
    expect(capital.error).toMatch(/^ACCESS_DENIED: organization HvNorthMSP has no carbontrace role/);
    const exact = await h.invoke('Anchor', 'RecordBatch', { mspId: 'HvnorthMSP' }, ['slave-hvnorth', entry]);
    expect(exact.error).toBeUndefined();
  });

  it("defect: an HV's anchor and its condition b write separate governance keys (no MVCC hot spot)", async () => {
    const h = harness();
    const t0 = h.nowSeconds;
    await h.submit('Governance', 'Initialize', ORGS.gridco, ['{"candidates":["Hv1","Hv2"]}']);
    const statsKey = compositeKey('governanceStats', ['Hv1']);
    const stateKey = compositeKey('governance', ['current']);
    const entry = (n: number, previousHash: string): string =>
      JSON.stringify([{ blockNumber: n, previousHash, dataHash: 'ab'.repeat(32) }]);
    // an anchor credits its recorder in the statistics record
    const first = await h.invoke('Anchor', 'RecordBatch', ORGS.hv1, ['slave-hv1', entry(0, '')]);
    expect(first.writeSet.state.map((w) => w.key)).toContain(statsKey);
    const creditBefore = await credit(h, 'Hv1');

    // Hv1's next anchor and its condition b, endorsed on the same committed state
    const anchor = transactionOn(h, 'anchor-tx', t0 + 1, 'Hv1MSP');
    await noteVerificationBlock(anchor.ctx, { mspId: 'Hv1MSP', role: 'hv', orgId: 'Hv1' }, 1);
    const conditionB = transactionOn(h, 'condition-b-tx', t0 + 1, 'Hv1MSP');
    await noteAccuracy(conditionB.ctx, 'Hv1', sample(0.9));
    const sampleKey = compositeKey('governanceAccuracy', [
      'Hv1',
      String(t0 + 1).padStart(12, '0'),
      'condition-b-tx',
    ]);
    // condition b reads only the governance state and blind-writes its own sample key
    expect(conditionB.stub.keysRead).toEqual([stateKey]);
    expect(conditionB.stub.rangesRead).toHaveLength(0);
    expect(conditionB.stub.reads(statsKey)).toBe(false);
    expect(conditionB.stub.keysWritten()).toEqual([sampleKey]);
    expect(conditionB.stub.writeSet().validationParameters).toEqual({});
    // the anchor writes the statistics record and reads no accuracy key, not even as a range
    expect(anchor.stub.keysWritten()).toEqual([statsKey]);
    expect(anchor.stub.reads(sampleKey)).toBe(false);
    // neither writes what the other read: MVCC validation passes both in the same block
    for (const key of conditionB.stub.keysWritten()) expect(anchor.stub.reads(key)).toBe(false);
    for (const key of anchor.stub.keysWritten()) expect(conditionB.stub.reads(key)).toBe(false);
    anchor.stub.commit();
    conditionB.stub.commit();
    expect(await node(h, 'Hv1')).toMatchObject({ creditPoints: creditBefore + 1, accuracy: [sample(0.9)] });
    // the statistics record no longer carries the samples
    expect(JSON.parse(h.ledger.getText(statsKey) ?? '{}')).not.toHaveProperty('accuracy');

    // 60 more samples (two per second, ordered by time then transaction id): the last 50, in order
    for (let i = 0; i < 60; i += 1) {
      const tx = transactionOn(h, `b${String(i).padStart(3, '0')}`, t0 + 2 + Math.floor(i / 2), 'Hv1MSP');
      await noteAccuracy(tx.ctx, 'Hv1', sample(i));
      tx.stub.commit();
    }
    const expected = Array.from({ length: 50 }, (_, k) => sample(k + 10));
    expect((await node(h, 'Hv1')).accuracy).toEqual(expected);
    // a later anchor changes the counters, not the samples
    const second = await h.invoke('Anchor', 'RecordBatch', ORGS.hv1, [
      'slave-hv1',
      entry(
        1,
        ((await h.evaluate('Anchor', 'GetHead', ORGS.regulator, ['slave-hv1'])) as { headerHash: string })
          .headerHash,
      ),
    ]);
    expect(second.error).toBeUndefined();
    expect(await node(h, 'Hv1')).toMatchObject({ creditPoints: creditBefore + 2, accuracy: expected });
    // only candidates are noted, and only once governance exists
    const stranger = transactionOn(h, 'x', t0 + 99, 'Hv3MSP');
    await noteAccuracy(stranger.ctx, 'Hv3', sample(1));
    expect(stranger.stub.keysWritten()).toEqual([]);

    // a statistics record written before this change keeps its samples: read first, then moved to
    // sample keys (before all newer ones) by the next write of the record
    const hv2Stats = compositeKey('governanceStats', ['Hv2']);
    h.ledger.seed(
      hv2Stats,
      toBytes({
        nodeId: 'Hv2',
        creditPoints: 60,
        accuracy: [sample(0.1), sample(0.2)],
        successfulBlocksByEpoch: {},
        epochCounts: { accepted: 0, rejected: 0, missed: 0 },
        epoch: 1,
      }),
    );
    const late = transactionOn(h, 'late', t0 + 100, 'Hv2MSP');
    await noteAccuracy(late.ctx, 'Hv2', sample(0.3));
    late.stub.commit();
    const all = [sample(0.1), sample(0.2), sample(0.3)];
    expect((await node(h, 'Hv2')).accuracy).toEqual(all);
    await h.submit('Anchor', 'RecordBatch', ORGS.hv2, ['slave-hv2', entry(0, '')]);
    expect(JSON.parse(h.ledger.getText(hv2Stats) ?? '{}')).not.toHaveProperty('accuracy');
    expect(await node(h, 'Hv2')).toMatchObject({ creditPoints: 61, accuracy: all });
  });
});
