/**
 * Determinism of every transaction of a full scenario: the same sequence of transactions (both
 * chaincodes: topologies, measurements, seal with a PBFT round, anchors, governance epoch, providers,
 * a trace with arbitration through S4, carbon flow) on two fresh pairs of ledgers must produce the
 * same results, write sets (public and private, key-level policies) and events, byte for byte.
 */
import { canonicalJson } from '../../common/canonical-json';
import { solvePow } from '../../governance/pow-agent';
import { computeMaskedResult } from '../../outsourcing/cloud-worker';
import { parseMaskedTask, serializeMaskedResult } from '../../outsourcing/masked-payloads';
import { runProvider } from '../../outsourcing/provider-behaviour';
import { contracts as slaveContracts } from '../slave/index';
import {
  CASE4_TOPOLOGY_LV1A,
  CASE4_TOPOLOGY_LV1B,
  CASE4_UNITS,
  case4MeasurementLv1a,
  case4MeasurementLv1b,
} from '../testing/case4-slot-fixture';
import { ContractHarness } from '../testing/contract-harness';
import type { FakeIdentity, TxOutcome } from '../testing/contract-harness';
import { ORGS } from '../testing/identities';
import { contracts as masterContracts } from './index';

async function scenario(): Promise<string[]> {
  const slave = new ContractHarness(slaveContracts, 'slave-hv1');
  const master = new ContractHarness(masterContracts, 'master');
  master.link('carbon-slave', slave, ORGS.hv1);
  const log: string[] = [];
  const record = (name: string, o: TxOutcome): TxOutcome => {
    log.push(
      canonicalJson({
        name,
        ok: o.ok,
        error: o.error ?? null,
        result: o.result ?? null,
        writeSet: o.writeSet,
        event: o.event ?? null,
      }),
    );
    if (!o.ok) throw new Error(`${name}: ${o.error ?? ''}`);
    return o;
  };
  const on = (
    h: ContractHarness,
    c: string,
    fn: string,
    who: FakeIdentity,
    args: string[],
    transient?: Record<string, string>,
  ) =>
    h
      .invoke(c, fn, who, args, transient === undefined ? {} : { transient })
      .then((o) => record(`${c}:${fn}`, o));

  await on(slave, 'Consensus', 'Initialize', ORGS.hv1, [
    JSON.stringify({ consensus: ['Lv1a', 'Lv1b', 'Lv1c', 'Lv1d'], reserve: [] }),
  ]);
  const ta = JSON.parse(
    (await on(slave, 'Measurement', 'RegisterTopology', ORGS.lv1a, [JSON.stringify(CASE4_TOPOLOGY_LV1A)]))
      .result ?? '',
  ) as { sha256: string };
  const tb = JSON.parse(
    (await on(slave, 'Measurement', 'RegisterTopology', ORGS.lv1b, [JSON.stringify(CASE4_TOPOLOGY_LV1B)]))
      .result ?? '',
  ) as { sha256: string };
  await on(slave, 'Measurement', 'Submit', ORGS.lv1a, [JSON.stringify(case4MeasurementLv1a(1, ta.sha256))]);
  await on(slave, 'Measurement', 'Submit', ORGS.lv1b, [JSON.stringify(case4MeasurementLv1b(1, tb.sha256))]);
  const sealed = JSON.parse((await on(slave, 'Index', 'Seal', ORGS.hv1, ['1'])).result ?? '') as {
    sha256: string;
  };

  await on(master, 'Governance', 'Initialize', ORGS.gridco, [JSON.stringify({ candidates: ['Hv1', 'Hv2'] })]);
  const gov = JSON.parse(
    master.ledger.getText(master.ledger.keys().find((k) => k.includes('governance')) ?? '') ?? '{}',
  ) as {
    seed: string;
    evaluations: { nodeId: string; ca: number }[];
  };
  for (const [who, id] of [
    [ORGS.hv1, 'Hv1'],
    [ORGS.hv2, 'Hv2'],
  ] as const) {
    const ca = gov.evaluations.find((e) => e.nodeId === id)?.ca ?? 0;
    await on(master, 'Governance', 'SubmitPow', who, [String(solvePow(gov.seed, id, ca).nonce)]);
  }
  await on(master, 'Governance', 'CloseAgentSelection', ORGS.gridco, []);
  await on(master, 'Governance', 'Vote', ORGS.hv1, ['["Hv1","Hv2"]']);
  await on(master, 'Governance', 'Vote', ORGS.hv2, ['["Hv1"]']);
  await on(master, 'Governance', 'CloseVoting', ORGS.gridco, []);
  await on(master, 'Anchor', 'RecordBatch', ORGS.hv1, [
    'slave-hv1',
    JSON.stringify([{ blockNumber: 0, previousHash: '', dataHash: 'ab'.repeat(32) }]),
  ]);
  await on(master, 'Anchor', 'RecordPackage', ORGS.hv1, [
    'slave-hv1',
    JSON.stringify({ slot: 1, sha256: sealed.sha256, blockNumber: 0 }),
  ]);
  for (const [who, fee] of [
    [ORGS.cloudA, 1],
    [ORGS.cloudB, 2],
    [ORGS.cloudC, 3],
  ] as const) {
    await on(master, 'Providers', 'Register', who, [JSON.stringify({ feePerTask: fee })]);
  }
  await on(
    master,
    'Trace',
    'Request',
    ORGS.gridco,
    [JSON.stringify({ taskId: 'd1', channel: 'slave-hv1', slot: 1 })],
    { units: JSON.stringify(CASE4_UNITS) },
  );
  await on(master, 'Trace', 'ConditionA', ORGS.hv1, ['d1'], { seed: 'determinism-seed-0123456789abcdef' });
  const answer = async (who: FakeIdentity, role: string, honest: boolean): Promise<void> => {
    const rec = JSON.parse(
      (await master.invoke('Trace', 'GetMaskedTask', who, ['d1', role], { commit: false })).result ?? '',
    ) as { taskJson: string };
    const task = parseMaskedTask(rec.taskJson);
    await on(master, 'Trace', 'SubmitResult', who, ['d1', role], {
      result: serializeMaskedResult(honest ? computeMaskedResult(task) : runProvider('corrupt', task)),
    });
  };
  for (let round = 0; round < 2; round += 1) {
    await answer(ORGS.cloudA, 'I', true);
    await answer(ORGS.cloudB, 'II', false);
    await on(master, 'Trace', 'ConditionB', ORGS.hv1, ['d1']);
  }
  await answer(ORGS.cloudC, 'III', true);
  await on(master, 'Trace', 'ConditionB', ORGS.hv1, ['d1']);
  await on(master, 'Trace', 'RecordCarbonFlow', ORGS.gridco, ['d1']);
  await on(master, 'Governance', 'EndEpoch', ORGS.gridco, []);
  return log;
}

describe('determinism of every transaction of a full scenario', () => {
  it('writes the same bytes and events on two fresh ledgers', async () => {
    const first = await scenario();
    const second = await scenario();
    expect(first.length).toBeGreaterThanOrEqual(30);
    expect(second).toHaveLength(first.length);
    first.forEach((entry, i) => {
      expect(second[i]).toBe(entry);
    });
    // every mutation emitted exactly one event
    for (const entry of first) expect((JSON.parse(entry) as { event: unknown }).event).not.toBeNull();
  });
});
