/**
 * Property-based tests of the Providers and Governance contracts' argument parsing (issue 12,
 * "Also"): random and boundary arguments either get a `CODE: message` refusal that writes nothing,
 * or a valid write. NUM_RUNS cases per transaction, fixed seed.
 */
import fc from 'fast-check';
import { solvePow } from '../../governance/pow-agent';
import { ContractHarness } from '../testing/contract-harness';
import {
  checkArgumentParsing,
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
const HV3 = { mspId: 'Hv3MSP' };
const WHO: Record<string, { mspId: string }> = { Hv1: ORGS.hv1, Hv2: ORGS.hv2, Hv3: HV3 };
const make = (ledger?: InMemoryLedger): ContractHarness => new ContractHarness(contracts, 'master', ledger);
const setupJson = {
  candidates: ['Hv1', 'Hv2', 'Hv3'],
  parameters: { agentCount: 3, consensusSize: 3, supervisorCount: 3 },
};
const entry = JSON.stringify([{ blockNumber: 0, previousHash: '', dataHash: 'ab'.repeat(32) }]);

interface State {
  seed: string;
  evaluations: { nodeId: string; ca: number }[];
  agents: string[];
}

/** Providers registered; governance initialized (phase pow, `pow`) or active with Hv1's block 0 anchored. */
async function prepared(phase: 'pow' | 'voting' | 'active'): Promise<ContractHarness> {
  const h = make();
  await h.submit('Providers', 'Register', ORGS.cloudA, ['{"feePerTask":3}']);
  await h.submit('Providers', 'Register', ORGS.cloudB, ['{"feePerTask":2}']);
  const s = (await h.submit('Governance', 'Initialize', ORGS.gridco, [JSON.stringify(setupJson)])) as State;
  if (phase === 'pow') return h;
  for (const id of ['Hv1', 'Hv2', 'Hv3']) {
    const ca = s.evaluations.find((e) => e.nodeId === id)?.ca ?? 0;
    await h.submit('Governance', 'SubmitPow', WHO[id] ?? HV3, [
      String(solvePow(s.seed, id, ca, 1 / 256).nonce),
    ]);
  }
  const voting = (await h.submit('Governance', 'CloseAgentSelection', ORGS.gridco, [])) as State;
  if (phase === 'voting') return h;
  for (const agent of voting.agents) {
    await h.submit('Governance', 'Vote', WHO[agent] ?? HV3, [JSON.stringify(['Hv1', 'Hv2', 'Hv3'])]);
  }
  await h.submit('Governance', 'CloseVoting', ORGS.gridco, []);
  await h.submit('Anchor', 'RecordBatch', ORGS.hv1, ['slave-hv1', entry]);
  return h;
}

const withValid = (valid: string, noise: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(valid) }, { weight: 4, arbitrary: noise });

const SPECS: readonly (readonly ['pow' | 'voting' | 'active', ArgumentSpec])[] = [
  [
    'pow',
    {
      contract: 'Providers',
      fn: 'Register',
      identity: ORGS.cloudC,
      ...jsonArgument({ feePerTask: 4 }),
    },
  ],
  [
    'pow',
    {
      contract: 'Providers',
      fn: 'SetFee',
      identity: ORGS.cloudA,
      args: fc.tuple(withValid('2.5', numericText())),
    },
  ],
  [
    'pow',
    {
      contract: 'Providers',
      fn: 'AdvanceCycle',
      identity: ORGS.gridco,
      args: fc.tuple(withValid('0', numericText())),
    },
  ],
  [
    'pow',
    {
      contract: 'Providers',
      fn: 'Get',
      identity: ORGS.regulator,
      args: fc.tuple(withValid('CloudA', idText())),
    },
  ],
  [
    'pow',
    {
      contract: 'Governance',
      fn: 'GetNode',
      identity: ORGS.regulator,
      args: fc.tuple(withValid('Hv1', idText())),
    },
  ],
  ['pow', { contract: 'Governance', fn: 'SubmitPow', identity: ORGS.hv1, args: fc.tuple(numericText()) }],
  [
    'voting',
    {
      contract: 'Governance',
      fn: 'Vote',
      identity: ORGS.hv1,
      args: jsonNear(['Hv1', 'Hv2']).map((t) => [t]),
    },
  ],
  [
    'active',
    {
      contract: 'Governance',
      fn: 'RejectBlock',
      identity: ORGS.hv2,
      args: fc.tuple(
        withValid('slave-hv1', idText()),
        withValid('0', numericText()),
        withValid('bad header', fc.string({ maxLength: 210 })),
      ),
    },
  ],
  [
    'active',
    {
      contract: 'Governance',
      fn: 'ReportMissedSlot',
      identity: ORGS.gridco,
      args: fc.tuple(withValid('Hv2', idText()), withValid('3', numericText())),
    },
  ],
];

describe('Providers and Governance: argument parsing (fast-check)', () => {
  const counts = new Map<string, PropertyCounts>();
  const bases = new Map<string, ContractHarness>();
  beforeAll(async () => {
    for (const phase of ['pow', 'voting', 'active'] as const) bases.set(phase, await prepared(phase));
  });
  afterAll(() => {
    const rows = [...counts].map(
      ([name, c]) => `${name.padEnd(30)} ${c.runs} cases (${c.accepted} accepted, ${c.refused} refused)`,
    );
    process.stdout.write(`argument-parsing properties, master:\n${rows.join('\n')}\n`);
  });

  it.each(SPECS.map(([phase, s]) => [`${s.contract}:${s.fn}`, phase, s] as const))(
    '%s (%s phase): refuses with CODE: message and writes nothing, or writes canonical JSON',
    async (name, phase, spec) => {
      const base = bases.get(phase);
      if (base === undefined) throw new Error(`no ${phase} ledger`);
      const c = await checkArgumentParsing(base, make, spec, NUM_RUNS);
      counts.set(name, c);
      expect(c.runs).toBe(NUM_RUNS);
      expect(c.refused).toBeGreaterThan(0);
      expect(c.accepted).toBeGreaterThan(0);
    },
  );

  it('Governance:Initialize: refuses with CODE: message and writes nothing, or writes canonical JSON', async () => {
    const c = await checkArgumentParsing(
      make(),
      make,
      {
        contract: 'Governance',
        fn: 'Initialize',
        identity: ORGS.gridco,
        ...jsonArgument(setupJson),
      },
      NUM_RUNS,
    );
    counts.set('Governance:Initialize', c);
    expect(c.refused).toBeGreaterThan(0);
    expect(c.accepted).toBeGreaterThan(0);
  });
});
