/**
 * The master ledger of case4_carbon.m slot 7 with one trace task at each stage (UNIT tests of the
 * Trace and Audit contracts' argument parsing): `t1` recorded (carbon flow, the slot's current
 * result), `t2` requested, `t3` after condition a, `t4` with both answers in, `t5` settled. The
 * harness factory links every copy to the slave ledger, as a peer of both channels reads it.
 */
import fc from 'fast-check';
import { computeMaskedResult } from '../../outsourcing/cloud-worker';
import { parseMaskedTask, serializeMaskedResult } from '../../outsourcing/masked-payloads';
import { contracts as masterContracts } from '../master/index';
import { idText } from './argument-generators';
import { ContractHarness } from './contract-harness';
import type { FakeIdentity } from './contract-harness';
import { ORGS } from './identities';
import type { InMemoryLedger } from './in-memory-ledger';
import { cloudOf, requestTrace, SEED, setUp, work } from './trace-network-fixture';
import type { Net } from './trace-network-fixture';

/** Seconds after the set-up at which every answer deadline (default 300 s) has passed. */
export const AFTER_DEADLINE_SECONDS = 301;

/** The prepared ledgers. */
export interface TraceStages {
  readonly net: Net;
  /** A master harness over `ledger` (default: a new one) that reads the slave ledger. */
  readonly make: (ledger?: InMemoryLedger) => ContractHarness;
  /** The provider assigned to role I of `t3`, and its honest answer (transient `result` text). */
  readonly t3RoleI: { readonly identity: FakeIdentity; readonly resultJson: string };
}

/** Task ids: the five stages, an unknown task, near misses of the id pattern, and random ids. */
export function taskIdText(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('t1', 't2', 't3', 't4', 't5', 't9', 'T1', 't1 ', 't1/x', 'a:b', 'a'.repeat(65)),
    idText(),
  );
}

type Assignment = Record<string, keyof typeof cloudOf | null>;

async function conditionA(master: ContractHarness, taskId: string): Promise<Assignment> {
  const a = (await master.submit('Trace', 'ConditionA', ORGS.hv1, [taskId], { transient: SEED })) as {
    assignment: Assignment;
  };
  return a.assignment;
}

async function answerAll(master: ContractHarness, taskId: string, assignment: Assignment): Promise<void> {
  for (const role of ['I', 'II'] as const) {
    const provider = assignment[role];
    if (provider === null || provider === undefined) throw new Error(`no provider for ${role}`);
    const outcome = await work(master, taskId, role, provider, 'honest');
    if (!outcome.ok) throw new Error(outcome.error);
  }
}

/** Builds the five tasks; throws when a step of the honest flow fails. */
export async function traceStages(): Promise<TraceStages> {
  const net = await setUp();
  const { master } = net;
  const make = (ledger?: InMemoryLedger): ContractHarness => {
    const h = new ContractHarness(masterContracts, 'master', ledger);
    h.link('carbon-slave', net.slave, ORGS.hv1);
    return h;
  };
  for (const id of ['t1', 't2', 't3', 't4', 't5']) {
    const outcome = await requestTrace(master, id);
    if (!outcome.ok) throw new Error(outcome.error);
  }
  const a1 = await conditionA(master, 't1');
  await answerAll(master, 't1', a1);
  await master.submit('Trace', 'ConditionB', ORGS.hv1, ['t1']);
  await master.submit('Trace', 'RecordCarbonFlow', ORGS.gridco, ['t1']);
  const a3 = await conditionA(master, 't3');
  await answerAll(master, 't4', await conditionA(master, 't4'));
  await answerAll(master, 't5', await conditionA(master, 't5'));
  await master.submit('Trace', 'ConditionB', ORGS.hv1, ['t5']);

  const provider = a3['I'];
  if (provider === null || provider === undefined) throw new Error('t3 has no provider for role I');
  const identity = cloudOf[provider];
  const masked = (await master.evaluate('Trace', 'GetMaskedTask', identity, ['t3', 'I'])) as {
    taskJson: string;
  };
  const resultJson = serializeMaskedResult(computeMaskedResult(parseMaskedTask(masked.taskJson)));
  return { net, make, t3RoleI: { identity, resultJson } };
}
