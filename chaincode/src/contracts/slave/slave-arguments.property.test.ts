/**
 * Property-based tests of the slave contracts' argument parsing (issue 12, "Also"): random and
 * boundary arguments either get a `CODE: message` refusal that writes nothing, or a valid write.
 * The number of cases per transaction is NUM_RUNS (fixed seed, so CI runs the same cases).
 */
import fc from 'fast-check';
import { ContractHarness } from '../testing/contract-harness';
import {
  checkArgumentParsing,
  fieldNames,
  idText,
  jsonArgument,
  jsonNear,
  numericText,
} from '../testing/argument-properties';
import type { ArgumentSpec, PropertyCounts } from '../testing/argument-properties';
import { ORGS } from '../testing/identities';
import type { InMemoryLedger } from '../testing/in-memory-ledger';
import { contracts } from './index';

const NUM_RUNS = 300;
const make = (ledger?: InMemoryLedger): ContractHarness =>
  new ContractHarness(contracts, 'slave-hv1', ledger);
const bus = (busId: number, kind = 'pq'): Record<string, unknown> => ({ busId, kind, baseKv: 230, vmPu: 1 });
const topology = {
  id: 'lv1a',
  substation: 'Lv1a',
  baseMva: 100,
  buses: [bus(1, 'slack'), bus(3)],
  branches: [{ fromBusId: 1, toBusId: 3, rPu: 0.01, xPu: 0.05, bPu: 0 }],
};
const measurement = {
  slot: 7,
  substation: 'Lv1a',
  loads: [{ busId: 3, pMw: 20, qMvar: 8 }],
  generators: [{ busId: 1, unitId: 'G1', pMw: 0, qMvar: 0, vmPu: 1.05 }],
  switches: [{ fromBusId: 1, toBusId: 3, closed: true }],
  branches: topology.branches,
};
const setupJson = {
  consensus: ['Lv1a', 'Lv1b', 'Lv1c', 'Lv1d'],
  reserve: ['Lv1e'],
  parameters: { settlementWindow: 2 },
};

/** Lv1a's topology registered, slot 7 submitted, slot 8 submitted and sealed, PBFT initialized. */
async function prepared(): Promise<ContractHarness> {
  const h = make();
  await h.submit('Measurement', 'RegisterTopology', ORGS.lv1a, [
    JSON.stringify({ ...topology, id: 'lv1a-0' }),
  ]);
  await h.submit('Measurement', 'Submit', ORGS.lv1a, [JSON.stringify(measurement)]);
  await h.submit('Measurement', 'Submit', ORGS.lv1a, [JSON.stringify({ ...measurement, slot: 8 })]);
  await h.submit('Consensus', 'Initialize', ORGS.hv1, [JSON.stringify(setupJson)]);
  await h.submit('Index', 'Seal', ORGS.hv1, ['8']);
  return h;
}

const withValid = (valid: string, noise: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(valid) }, { weight: 4, arbitrary: noise });

const SPECS: readonly ArgumentSpec[] = [
  {
    contract: 'Measurement',
    fn: 'RegisterTopology',
    identity: ORGS.lv1a,
    ...jsonArgument({ ...topology, id: 'lv1a-new', buses: [...topology.buses, bus(5)] }),
  },
  {
    contract: 'Measurement',
    fn: 'Submit',
    identity: ORGS.lv1a,
    ...jsonArgument({ ...measurement, slot: 9 }),
  },
  {
    contract: 'Measurement',
    fn: 'SubmitBatch',
    identity: ORGS.lv1a,
    // slot 7 is stored with this content (unchanged), 9 and 10 are new
    ...jsonArgument({
      measurements: [measurement, { ...measurement, slot: 9 }, { ...measurement, slot: 10 }],
    }),
  },
  {
    contract: 'Measurement',
    fn: 'Amend',
    identity: ORGS.lv1a,
    args: fc.tuple(
      jsonNear({ ...measurement, loads: [{ busId: 3, pMw: 21, qMvar: 8 }] }),
      withValid('1', numericText()),
    ),
    fields: fieldNames(measurement),
  },
  {
    contract: 'Measurement',
    fn: 'Get',
    identity: ORGS.regulator,
    args: fc.tuple(withValid('7', numericText()), withValid('Lv1a', idText())),
  },
  {
    contract: 'Measurement',
    fn: 'GetHistory',
    identity: ORGS.regulator,
    args: fc.tuple(withValid('7', numericText()), withValid('Lv1a', idText())),
  },
  {
    contract: 'Measurement',
    fn: 'ListSlot',
    identity: ORGS.regulator,
    args: fc.tuple(withValid('7', numericText())),
  },
  {
    contract: 'Measurement',
    fn: 'GetTopology',
    identity: ORGS.regulator,
    args: fc.tuple(withValid('lv1a-0', idText())),
  },
  { contract: 'Index', fn: 'Seal', identity: ORGS.hv1, args: fc.tuple(withValid('7', numericText())) },
  {
    contract: 'Index',
    fn: 'GetPackage',
    identity: ORGS.regulator,
    args: fc.tuple(withValid('8', numericText())),
  },
  {
    contract: 'Consensus',
    fn: 'RecordRound',
    identity: ORGS.hv1,
    ...jsonArgument({
      round: 2,
      events: [
        { nodeId: 'Lv1a', kind: 'voted' },
        { nodeId: 'Lv1e', kind: 'timeout' },
      ],
    }),
  },
  {
    contract: 'Consensus',
    fn: 'GetPrimary',
    identity: ORGS.regulator,
    args: fc.tuple(withValid('3', numericText())),
  },
];

describe('slave contracts: argument parsing (fast-check)', () => {
  const counts = new Map<string, PropertyCounts>();
  let base: ContractHarness;
  beforeAll(async () => {
    base = await prepared();
  });
  afterAll(() => {
    const rows = [...counts].map(
      ([name, c]) => `${name.padEnd(30)} ${c.runs} cases (${c.accepted} accepted, ${c.refused} refused)`,
    );
    process.stdout.write(`argument-parsing properties, slave:\n${rows.join('\n')}\n`);
  });

  it.each(SPECS.map((s) => [`${s.contract}:${s.fn}`, s] as const))(
    '%s: refuses with CODE: message and writes nothing, or writes canonical JSON',
    async (name, spec) => {
      const c = await checkArgumentParsing(base, make, spec, NUM_RUNS);
      counts.set(name, c);
      expect(c.runs).toBe(NUM_RUNS);
      expect(c.refused).toBeGreaterThan(0);
      expect(c.accepted).toBeGreaterThan(0);
    },
  );

  it('Consensus:Initialize: refuses with CODE: message and writes nothing, or writes canonical JSON', async () => {
    const c = await checkArgumentParsing(
      make(),
      make,
      {
        contract: 'Consensus',
        fn: 'Initialize',
        identity: ORGS.hv1,
        ...jsonArgument(setupJson),
      },
      NUM_RUNS,
    );
    counts.set('Consensus:Initialize', c);
    expect(c.refused).toBeGreaterThan(0);
    expect(c.accepted).toBeGreaterThan(0);
  });
});
