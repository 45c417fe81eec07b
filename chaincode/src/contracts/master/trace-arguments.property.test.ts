/**
 * Property-based tests of the Trace contract's argument parsing (issue 12, "Also"): random and
 * boundary arguments and transient data (`units`, `seed`, `result`) either get a `CODE: message`
 * refusal that writes nothing, or a valid write. NUM_RUNS cases per transaction, fixed seed.
 */
import fc from 'fast-check';
import { MAX_PAYLOAD_BYTES } from '../../outsourcing/masked-payloads';
import { CASE4_UNITS } from '../testing/case4-slot-fixture';
import { ContractHarness } from '../testing/contract-harness';
import type { FakeIdentity } from '../testing/contract-harness';
import {
  checkArgumentParsing,
  fieldNames,
  formatCounts,
  idText,
  jsonArgument,
  transientNear,
  withValid,
} from '../testing/argument-properties';
import type { ArgumentSpec, PropertyCounts, TransientMap } from '../testing/argument-properties';
import { ORGS } from '../testing/identities';
import { AFTER_DEADLINE_SECONDS, taskIdText, traceStages } from '../testing/trace-stages-fixture';
import type { TraceStages } from '../testing/trace-stages-fixture';
import { MAX_UNITS_BYTES } from './trace-request';

const NUM_RUNS = 300;

/** Roles: the three, near misses and prototype names. */
const roleText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('I', 'II', 'III', 'IV', 'i', '', ' I', 'I ', '1', '__proto__', 'toString'),
    fc.string({ maxLength: 4 }),
  );

/** Condition a's seed: at and around the 16-byte minimum, missing, misnamed, random bytes. */
const seedTransient = (): fc.Arbitrary<TransientMap> =>
  fc.oneof(
    fc.constantFrom<TransientMap>(
      { seed: 'a-transient-seed-of-32-bytes-!!!' },
      { seed: 'x'.repeat(15) },
      { seed: 'x'.repeat(16) },
      { seed: 'é'.repeat(8) },
      { seed: '' },
      { seeds: 'a-transient-seed-of-32-bytes-!!!' },
      {},
    ),
    fc.uint8Array({ maxLength: 40 }).map((b) => ({ seed: b })),
  );

const request = {
  taskId: 't9',
  channel: 'slave-hv1',
  slot: 7,
  profile: 'hardened',
  providers: ['CloudA', 'CloudC'],
  fees: { providerFee: 1, dataCenterCost: 2 },
  answerDeadlineSeconds: 300,
  supersedes: { taskId: 't1', reason: 'corrected units' },
};

/** [base ('now', or 'late': every answer deadline passed), spec] per transaction. */
function specs(s: TraceStages): readonly (readonly ['now' | 'late', ArgumentSpec])[] {
  const task = (valid: string): fc.Arbitrary<string[]> => fc.tuple(withValid(valid, taskIdText()));
  const taskAndRole = fc.tuple(withValid('t3', taskIdText()), withValid('I', roleText()));
  const { resultJson } = s.t3RoleI;
  const result = JSON.parse(resultJson) as unknown;
  const provider = s.t3RoleI.identity;
  const on = (fn: string, identity: FakeIdentity = ORGS.regulator) => ({ contract: 'Trace', fn, identity });
  return [
    [
      'now',
      {
        ...on('Request', ORGS.gridco),
        ...jsonArgument(request),
        transient: transientNear('units', JSON.stringify(CASE4_UNITS), CASE4_UNITS, MAX_UNITS_BYTES),
        fields: ['units', ...fieldNames(request, CASE4_UNITS)],
      },
    ],
    [
      'now',
      { ...on('ConditionA', ORGS.hv1), args: task('t2'), transient: seedTransient(), fields: ['seed'] },
    ],
    [
      'now',
      {
        ...on('SubmitResult', provider),
        args: taskAndRole,
        transient: transientNear('result', resultJson, result, MAX_PAYLOAD_BYTES),
        fields: ['result', ...fieldNames(result)],
      },
    ],
    ['late', { ...on('ReportTimeout', ORGS.gridco), args: taskAndRole }],
    ['now', { ...on('ConditionB', ORGS.hv1), args: task('t4') }],
    ['now', { ...on('RecordCarbonFlow', ORGS.gridco), args: task('t5') }],
    ['now', { ...on('GetTask'), args: task('t2') }],
    ['now', { ...on('GetArbitration'), args: task('t3') }],
    ['now', { ...on('GetAccepted'), args: task('t5') }],
    ['now', { ...on('GetCarbonFlow'), args: task('t1') }],
    ['now', { ...on('GetMaskedTask', provider), args: taskAndRole }],
    ['now', { ...on('GetAssignment', provider), args: fc.tuple(withValid('t3', idText())) }],
  ];
}

describe('Trace: argument parsing (fast-check)', () => {
  const counts = new Map<string, PropertyCounts>();
  const bases = new Map<'now' | 'late', ContractHarness>();
  let stages: TraceStages;
  beforeAll(async () => {
    stages = await traceStages();
    bases.set('now', stages.net.master);
    const late = stages.make(stages.net.master.ledger);
    late.nowSeconds = stages.net.master.nowSeconds + AFTER_DEADLINE_SECONDS;
    bases.set('late', late);
  });
  afterAll(() => {
    process.stdout.write(formatCounts('Trace', counts));
  });

  const names = [
    'Request',
    'ConditionA',
    'SubmitResult',
    'ReportTimeout',
    'ConditionB',
    'RecordCarbonFlow',
    'GetTask',
    'GetArbitration',
    'GetAccepted',
    'GetCarbonFlow',
    'GetMaskedTask',
    'GetAssignment',
  ];
  it.each(names)(
    'Trace:%s: refuses with CODE: message and writes nothing, or writes canonical JSON',
    async (name) => {
      const [phase, spec] = specs(stages).find(([, s]) => s.fn === name) ?? [];
      const base = phase === undefined ? undefined : bases.get(phase);
      if (spec === undefined || base === undefined) throw new Error(`no spec for ${name}`);
      const c = await checkArgumentParsing(base, stages.make, spec, NUM_RUNS);
      counts.set(`Trace:${name}`, c);
      expect(c.runs).toBe(NUM_RUNS);
      expect(c.refused).toBeGreaterThan(0);
      expect(c.accepted).toBeGreaterThan(0);
    },
  );
});
