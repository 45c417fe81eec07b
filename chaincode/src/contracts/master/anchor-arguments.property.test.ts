/**
 * Property-based tests of the Anchor and Network contracts' argument parsing (issue 12, "Also"):
 * random and boundary arguments either get a `CODE: message` refusal that writes nothing, or a
 * valid write. NUM_RUNS cases per transaction, fixed seed.
 */
import fc from 'fast-check';
import { TEST_NETWORK_ORGS } from '../shared/network-orgs';
import {
  callerIdentity,
  channelText,
  checkArgumentParsing,
  digestText,
  fieldNames,
  formatCounts,
  jsonArgument,
  jsonNear,
  numericText,
  withValid,
} from '../testing/argument-properties';
import type { ArgumentSpec, PropertyCounts } from '../testing/argument-properties';
import {
  case4MeasurementLv1a,
  case4MeasurementLv1b,
  CASE4_TOPOLOGY_LV1A,
  CASE4_TOPOLOGY_LV1B,
} from '../testing/case4-slot-fixture';
import { ContractHarness } from '../testing/contract-harness';
import type { FakeIdentity } from '../testing/contract-harness';
import { ORGS } from '../testing/identities';
import type { InMemoryLedger } from '../testing/in-memory-ledger';
import { setUp } from '../testing/trace-network-fixture';
import type { Net } from '../testing/trace-network-fixture';
import { contracts } from './index';
import { computeHeaderHash } from './verification-block';

const NUM_RUNS = 300;
const block = (blockNumber: number, previousHash: string, dataHash: string) => ({
  blockNumber,
  previousHash,
  dataHash,
});

/** The case4 set-up (block 0 and slot 7's package anchored), plus slot 8 sealed but not anchored. */
async function prepared(): Promise<{ net: Net; sealed8: string; head: string }> {
  const net = await setUp({ register: false });
  const sha = async (id: string): Promise<string> =>
    ((await net.slave.evaluate('Measurement', 'GetTopology', ORGS.regulator, [id])) as { sha256: string })
      .sha256;
  const [a, b] = [await sha(CASE4_TOPOLOGY_LV1A.id), await sha(CASE4_TOPOLOGY_LV1B.id)];
  await net.slave.submit('Measurement', 'Submit', ORGS.lv1a, [JSON.stringify(case4MeasurementLv1a(8, a))]);
  await net.slave.submit('Measurement', 'Submit', ORGS.lv1b, [JSON.stringify(case4MeasurementLv1b(8, b))]);
  const sealed = (await net.slave.submit('Index', 'Seal', ORGS.hv1, ['8'])) as { sha256: string };
  const head = (await net.master.evaluate('Anchor', 'GetHead', ORGS.regulator, ['slave-hv1'])) as {
    headerHash: string;
  };
  return { net, sealed8: sealed.sha256, head: head.headerHash };
}

function specs(p: { net: Net; sealed8: string; head: string }): readonly ArgumentSpec[] {
  const channel = withValid('slave-hv1', channelText());
  const b1 = block(1, p.head, 'cd'.repeat(32));
  const b2 = block(2, computeHeaderHash(1, b1.previousHash, b1.dataHash), 'ef'.repeat(32));
  const b0 = block(0, '', 'ab'.repeat(32));
  const pkg = { slot: 8, sha256: p.sealed8, blockNumber: 0 };
  const on = (fn: string, identity: FakeIdentity = ORGS.regulator) => ({ contract: 'Anchor', fn, identity });
  return [
    { ...on('RecordBatch', ORGS.hv1), args: fc.tuple(channel, jsonNear([b1, b2])), fields: fieldNames(b1) },
    { ...on('Record', ORGS.hv1), args: fc.tuple(channel, jsonNear(b1)), fields: fieldNames(b1) },
    { ...on('RecordPackage', ORGS.hv1), args: fc.tuple(channel, jsonNear(pkg)), fields: fieldNames(pkg) },
    { ...on('GetHead'), args: fc.tuple(channel) },
    { ...on('Get'), args: fc.tuple(channel, withValid('0', numericText())) },
    { ...on('VerifySlaveBlock'), args: fc.tuple(channel, jsonNear(b0)), fields: fieldNames(b0) },
    {
      ...on('VerifyPackage'),
      args: fc.tuple(
        channel,
        withValid('7', numericText()),
        withValid(p.net.packageSha256, digestText(p.net.packageSha256)),
      ),
    },
    {
      contract: 'Network',
      fn: 'Configure',
      identity: ORGS.gridco,
      ...jsonArgument({ ...TEST_NETWORK_ORGS, providers: [...TEST_NETWORK_ORGS.providers, 'CloudDMSP'] }),
    },
  ];
}

describe('Anchor and Network: argument parsing (fast-check)', () => {
  const counts = new Map<string, PropertyCounts>();
  let base: Awaited<ReturnType<typeof prepared>>;
  const make = (ledger?: InMemoryLedger): ContractHarness => {
    const h = new ContractHarness(contracts, 'master', ledger);
    h.link('carbon-slave', base.net.slave, ORGS.hv1);
    return h;
  };
  beforeAll(async () => {
    base = await prepared();
  });
  afterAll(() => {
    process.stdout.write(formatCounts('Anchor and Network', counts));
  });

  const names = [
    'Anchor:RecordBatch',
    'Anchor:Record',
    'Anchor:RecordPackage',
    'Anchor:GetHead',
    'Anchor:Get',
    'Anchor:VerifySlaveBlock',
    'Anchor:VerifyPackage',
    'Network:Configure',
  ];
  it.each(names)(
    '%s: refuses with CODE: message and writes nothing, or writes canonical JSON',
    async (name) => {
      const spec = specs(base).find((s) => `${s.contract}:${s.fn}` === name);
      if (spec === undefined) throw new Error(`no spec for ${name}`);
      const c = await checkArgumentParsing(base.net.master, make, spec, NUM_RUNS);
      counts.set(name, c);
      expect(c.runs).toBe(NUM_RUNS);
      expect(c.refused).toBeGreaterThan(0);
      expect(c.accepted).toBeGreaterThan(0);
    },
  );

  it('Network:Get (no arguments, any caller): answers every caller with canonical JSON', async () => {
    const spec = { contract: 'Network', fn: 'Get', identity: ORGS.regulator, args: fc.constant([]) };
    const c = await checkArgumentParsing(
      base.net.master,
      make,
      { ...spec, callers: callerIdentity() },
      NUM_RUNS,
    );
    counts.set('Network:Get (callers)', c);
    expect(c.accepted).toBe(NUM_RUNS);
  });
});
