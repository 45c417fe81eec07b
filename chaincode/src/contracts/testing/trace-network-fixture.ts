/**
 * The in-memory slave and master ledgers of one case4_carbon.m slot, ready for a trace (UNIT tests
 * of the Trace contract): both LV topologies and measurements, the sealed package anchored on
 * master, the three providers registered; plus the request, the transient units and a cloud
 * worker that answers honestly or not.
 */
import { computeMaskedResult } from '../../outsourcing/cloud-worker';
import { parseMaskedTask, serializeMaskedResult } from '../../outsourcing/masked-payloads';
import { runProvider } from '../../outsourcing/provider-behaviour';
import { contracts as masterContracts } from '../master/index';
import { contracts as slaveContracts } from '../slave/index';
import {
  CASE4_TOPOLOGY_LV1A,
  CASE4_TOPOLOGY_LV1B,
  CASE4_UNITS,
  case4MeasurementLv1a,
  case4MeasurementLv1b,
} from './case4-slot-fixture';
import { ContractHarness } from './contract-harness';
import type { TxOutcome } from './contract-harness';
import { ORGS } from './identities';

export const SLOT = 7;
export const SEED = { seed: 'a-transient-seed-of-32-bytes-!!!' };
export type Behaviour = 'honest' | 'corrupt' | 'lazy-zero';

export interface Net {
  slave: ContractHarness;
  master: ContractHarness;
  packageSha256: string;
  anchorOutcome: TxOutcome;
}

export async function setUp(options: { anchorDigest?: string; register?: boolean } = {}): Promise<Net> {
  const slave = new ContractHarness(slaveContracts, 'slave-hv1');
  const master = new ContractHarness(masterContracts, 'master');
  master.link('carbon-slave', slave, ORGS.hv1);
  const a = (await slave.submit('Measurement', 'RegisterTopology', ORGS.lv1a, [
    JSON.stringify(CASE4_TOPOLOGY_LV1A),
  ])) as {
    sha256: string;
  };
  const b = (await slave.submit('Measurement', 'RegisterTopology', ORGS.lv1b, [
    JSON.stringify(CASE4_TOPOLOGY_LV1B),
  ])) as {
    sha256: string;
  };
  await slave.submit('Measurement', 'Submit', ORGS.lv1a, [
    JSON.stringify(case4MeasurementLv1a(SLOT, a.sha256)),
  ]);
  await slave.submit('Measurement', 'Submit', ORGS.lv1b, [
    JSON.stringify(case4MeasurementLv1b(SLOT, b.sha256)),
  ]);
  const sealed = (await slave.submit('Index', 'Seal', ORGS.hv1, [String(SLOT)])) as { sha256: string };
  await master.submit('Anchor', 'RecordBatch', ORGS.hv1, [
    'slave-hv1',
    JSON.stringify([{ blockNumber: 0, previousHash: '', dataHash: 'ab'.repeat(32) }]),
  ]);
  const anchorOutcome = await master.invoke('Anchor', 'RecordPackage', ORGS.hv1, [
    'slave-hv1',
    JSON.stringify({ slot: SLOT, sha256: options.anchorDigest ?? sealed.sha256, blockNumber: 0 }),
  ]);
  if (options.anchorDigest === undefined && anchorOutcome.error !== undefined)
    throw new Error(anchorOutcome.error);
  if (options.register ?? true) {
    await master.submit('Providers', 'Register', ORGS.cloudA, ['{"feePerTask":1}']);
    await master.submit('Providers', 'Register', ORGS.cloudB, ['{"feePerTask":2}']);
    await master.submit('Providers', 'Register', ORGS.cloudC, ['{"feePerTask":3}']);
  }
  return { slave, master, packageSha256: sealed.sha256, anchorOutcome };
}

export function request(taskId: string, providers?: readonly string[]): string {
  return JSON.stringify({
    taskId,
    channel: 'slave-hv1',
    slot: SLOT,
    ...(providers === undefined ? {} : { providers }),
  });
}

/** The unit parameters travel as transient data, never in a block. */
export const UNITS = { units: JSON.stringify(CASE4_UNITS) };

/** GridCo's request (with the regulator as second endorser on a real network). */
export function requestTrace(master: ContractHarness, taskId: string, providers?: readonly string[]) {
  return master.invoke('Trace', 'Request', ORGS.gridco, [request(taskId, providers)], { transient: UNITS });
}

export const cloudOf = { CloudA: ORGS.cloudA, CloudB: ORGS.cloudB, CloudC: ORGS.cloudC } as const;

/** A cloud worker: reads its masked task, computes (honestly or not), submits. */
export async function work(
  master: ContractHarness,
  taskId: string,
  role: string,
  provider: keyof typeof cloudOf,
  behaviour: Behaviour,
) {
  const record = (await master.evaluate('Trace', 'GetMaskedTask', cloudOf[provider], [taskId, role])) as {
    taskJson: string;
  };
  const task = parseMaskedTask(record.taskJson);
  const result = behaviour === 'honest' ? computeMaskedResult(task) : runProvider(behaviour, task);
  return master.invoke('Trace', 'SubmitResult', cloudOf[provider], [taskId, role], {
    transient: { result: serializeMaskedResult(result) },
  });
}
