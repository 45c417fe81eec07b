/**
 * Property-based tests of the Audit contract's argument parsing (issue 12, "Also"): random and
 * boundary arguments of the regulator's queries either get a `CODE: message` refusal that writes
 * nothing, or an answer in canonical JSON (the queries never write). NUM_RUNS cases per
 * transaction, fixed seed, over a ledger where slot 7 of slave-hv1 has a recorded carbon flow.
 */
import fc from 'fast-check';
import {
  callerIdentity,
  channelText,
  checkArgumentParsing,
  formatCounts,
  numericText,
  withValid,
} from '../testing/argument-properties';
import type { ArgumentSpec, PropertyCounts } from '../testing/argument-properties';
import { ORGS } from '../testing/identities';
import { taskIdText, traceStages } from '../testing/trace-stages-fixture';
import type { TraceStages } from '../testing/trace-stages-fixture';

const NUM_RUNS = 300;

const channel = withValid('slave-hv1', channelText());
const slot = withValid('7', numericText());
/** case4's buses 1-4 have intensities; bus 5 does not; the bounds of the 8-digit bus id. */
const busText = fc.oneof(fc.constantFrom('1', '4', '5', '99999999', '100000000'), numericText());
const task = fc.tuple(withValid('t1', taskIdText()));
const on = (fn: string): Omit<ArgumentSpec, 'args'> => ({ contract: 'Audit', fn, identity: ORGS.regulator });

const SPECS: readonly ArgumentSpec[] = [
  { ...on('BusIntensity'), args: fc.tuple(channel, slot, withValid('3', busText)) },
  { ...on('SlotIntensities'), args: fc.tuple(channel, slot) },
  { ...on('SlotResult'), args: fc.tuple(channel, slot) },
  { ...on('Provenance'), args: task },
  { ...on('VerifyPrivateData'), args: task },
];

describe('Audit: argument parsing (fast-check)', () => {
  const counts = new Map<string, PropertyCounts>();
  let stages: TraceStages;
  beforeAll(async () => {
    stages = await traceStages();
  });
  afterAll(() => {
    process.stdout.write(formatCounts('Audit', counts));
  });

  it.each(SPECS.map((s) => [`Audit:${s.fn}`, s] as const))(
    '%s: refuses with CODE: message and writes nothing, or answers in canonical JSON',
    async (name, spec) => {
      const c = await checkArgumentParsing(stages.net.master, stages.make, spec, NUM_RUNS);
      counts.set(name, c);
      expect(c.runs).toBe(NUM_RUNS);
      expect(c.refused).toBeGreaterThan(0);
      expect(c.accepted).toBeGreaterThan(0);
    },
  );

  it('Audit:Overview (no arguments): refuses other callers than GridCo and the regulator cleanly', async () => {
    const spec = { ...on('Overview'), args: fc.constant([]), callers: callerIdentity() };
    const c = await checkArgumentParsing(stages.net.master, stages.make, spec, NUM_RUNS);
    counts.set('Audit:Overview (callers)', c);
    expect(c.refused).toBeGreaterThan(0);
    expect(c.accepted).toBeGreaterThan(0);
  });
});
