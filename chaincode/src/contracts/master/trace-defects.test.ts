/**
 * Regression tests for the Trace defects of issue 12 (#2, #3, #7, #8, #10), on in-memory ledgers.
 * Run them with the other defects: `jest -t "defect:"`.
 */
import { canonicalJson } from '../../common/canonical-json';
import { toComparable } from '../../outsourcing/trace-groups';
import { CASE4_BUS_INTENSITY_TCO2_PER_MWH, CASE4_UNITS } from '../testing/case4-slot-fixture';
import type { ContractHarness } from '../testing/contract-harness';
import { ORGS } from '../testing/identities';
import { SEED, setUp, SLOT, work } from '../testing/trace-network-fixture';
import { dataCenterTrace, problemOfPackage, sameResult } from './trace-engine';

/** Runs a task with `units` (and request `extra`) to the end of its arbitration with honest providers. */
async function traceToEnd(
  master: ContractHarness,
  taskId: string,
  units: unknown,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const requested = await master.invoke(
    'Trace',
    'Request',
    ORGS.gridco,
    [JSON.stringify({ taskId, channel: 'slave-hv1', slot: SLOT, providers: ['CloudA', 'CloudB'], ...extra })],
    { transient: { units: JSON.stringify(units) } },
  );
  expect(requested.error).toBeUndefined();
  expect(
    (await master.invoke('Trace', 'ConditionA', ORGS.hv1, [taskId], { transient: SEED })).error,
  ).toBeUndefined();
  await work(master, taskId, 'I', 'CloudA', 'honest');
  await work(master, taskId, 'II', 'CloudB', 'honest');
  await master.submit('Trace', 'ConditionB', ORGS.hv1, [taskId]);
  expect((await master.invoke('Trace', 'RecordCarbonFlow', ORGS.gridco, [taskId])).error).toBeUndefined();
}

const busIntensity = async (master: ContractHarness, bus: string): Promise<number> =>
  (
    (await master.evaluate('Audit', 'BusIntensity', ORGS.regulator, ['slave-hv1', String(SLOT), bus])) as {
      intensityTco2PerMwh: number;
    }
  ).intensityTco2PerMwh;

describe('Trace defects of issue 12', () => {
  it('defect: GridCo can strike honest providers at will (ReportTimeout before the answer deadline is refused)', async () => {
    const { master } = await setUp();
    const units = { units: JSON.stringify(CASE4_UNITS) };
    const request = (deadline: number): string =>
      JSON.stringify({
        taskId: `d2-${deadline}`,
        channel: 'slave-hv1',
        slot: SLOT,
        answerDeadlineSeconds: deadline,
      });
    expect(
      (await master.invoke('Trace', 'Request', ORGS.gridco, [request(1)], { transient: units })).error,
    ).toMatch(/^INVALID_ARGUMENT: answerDeadlineSeconds must be within \[5, 86400\] \(got 1\)/);
    await master.submit('Trace', 'Request', ORGS.gridco, [request(60)], { transient: units });
    await master.submit('Trace', 'ConditionA', ORGS.hv1, ['d2-60'], { transient: SEED });
    // reported in the same second as condition a: refused, nothing written
    const early = await master.invoke('Trace', 'ReportTimeout', ORGS.gridco, ['d2-60', 'I']);
    expect(early.error).toMatch(
      /^INVALID_STATE: role I of task d2-60 has until \d+ \(transaction time \d+\) to answer/,
    );
    expect(early.writeSet.state).toHaveLength(0);
    master.nowSeconds += 59;
    expect((await master.invoke('Trace', 'ReportTimeout', ORGS.gridco, ['d2-60', 'I'])).error).toMatch(
      /^INVALID_STATE/,
    );
    // the honest answer is still accepted, and only after the deadline can a missing one be reported
    expect((await work(master, 'd2-60', 'I', 'CloudA', 'honest')).error).toBeUndefined();
    master.nowSeconds += 1;
    expect((await master.invoke('Trace', 'ReportTimeout', ORGS.gridco, ['d2-60', 'I'])).error).toMatch(
      /^ALREADY_EXISTS/,
    );
    const late = await master.invoke('Trace', 'ReportTimeout', ORGS.gridco, ['d2-60', 'II']);
    expect(late.error).toBeUndefined();
    expect(late.event?.name).toBe('TraceTimeoutReported');
  });

  it("defect: a later task on the same slot overwrites the regulator's index (results keyed by task, explicit supersession)", async () => {
    const { master } = await setUp();
    await traceToEnd(master, 'd3-a', CASE4_UNITS);
    const bus3 = CASE4_BUS_INTENSITY_TCO2_PER_MWH[3] ?? NaN;
    expect(await busIntensity(master, '3')).toBeCloseTo(bus3, 6);
    // a second task with every unit zero-carbon does not change the slot's result
    const zero = CASE4_UNITS.map((u) => ({ busId: u.busId, unitId: u.unitId, kind: 'zero-carbon' }));
    await traceToEnd(master, 'd3-b', zero);
    expect(await busIntensity(master, '3')).toBeCloseTo(bus3, 6);
    const b = (await master.evaluate('Trace', 'GetCarbonFlow', ORGS.regulator, ['d3-b'])) as {
      current: boolean;
    };
    expect(b.current).toBe(false);
    // an explicit, recorded supersession does, and keeps the history visible to the regulator
    await traceToEnd(master, 'd3-c', zero, { supersedes: { taskId: 'd3-a', reason: 'unit data corrected' } });
    expect(await busIntensity(master, '3')).toBe(0);
    const slot = (await master.evaluate('Audit', 'SlotResult', ORGS.regulator, [
      'slave-hv1',
      String(SLOT),
    ])) as {
      taskId: string;
      history: { taskId: string; supersededBy: string; reason: string }[];
    };
    expect(slot.taskId).toBe('d3-c');
    expect(slot.history).toEqual([
      expect.objectContaining({ taskId: 'd3-a', supersededBy: 'd3-c', reason: 'unit data corrected' }),
    ]);
  });

  it('defect: sameResult never matches an answer accepted in an earlier ConditionB (canonical comparison)', async () => {
    const { slave } = await setUp();
    const sealed = (await slave.evaluate('Index', 'GetPackage', ORGS.hv1, [String(SLOT)])) as {
      package: Parameters<typeof problemOfPackage>[0];
    };
    const groups = dataCenterTrace(problemOfPackage(sealed.package, CASE4_UNITS).problem);
    // what condition b reads back from the ledger: canonical JSON, keys sorted
    const stored = JSON.parse(canonicalJson(toComparable(groups))) as unknown;
    expect(JSON.stringify(stored)).not.toBe(JSON.stringify(toComparable(groups)));
    expect(sameResult(groups, stored)).toBe(true);
  });

  it.each([
    [{ busId: 1.5 }, /^INVALID_ARGUMENT: units\[0\]\.busId must be an integer/],
    [{ zeta: 0 }, /^INVALID_ARGUMENT: units\[0\]\.zeta at bus 1 must be greater than 0 \(got 0\)/],
    [{ pecc: { a: 0.1, b: -2, c: 10 } }, /^INVALID_ARGUMENT: units\[0\]\.pecc\.b at bus 1 must be/],
  ])('defect: Request checks units loosely (%j)', async (change, pattern) => {
    const { master } = await setUp();
    const [first, ...rest] = CASE4_UNITS;
    const units = [{ ...first, ...change }, ...rest];
    const outcome = await master.invoke(
      'Trace',
      'Request',
      ORGS.gridco,
      [JSON.stringify({ taskId: 'd8', channel: 'slave-hv1', slot: SLOT })],
      { transient: { units: JSON.stringify(units) } },
    );
    expect(outcome.error).toMatch(pattern);
    expect(outcome.writeSet.state).toHaveLength(0);
  });

  it('defect: Request checks units loosely (a duplicate unit is refused)', async () => {
    const { master } = await setUp();
    const outcome = await master.invoke(
      'Trace',
      'Request',
      ORGS.gridco,
      [JSON.stringify({ taskId: 'd8b', channel: 'slave-hv1', slot: SLOT })],
      { transient: { units: JSON.stringify([...CASE4_UNITS, CASE4_UNITS[0]]) } },
    );
    expect(outcome.error).toMatch(/^INVALID_ARGUMENT: units\[\d+\]\.unitId at bus \d+ repeats unit/);
  });

  it('defect: SubmitResult stores anything (schema and byte length checked before any write)', async () => {
    const { master } = await setUp();
    await master.submit(
      'Trace',
      'Request',
      ORGS.gridco,
      [JSON.stringify({ taskId: 'd10', channel: 'slave-hv1', slot: SLOT })],
      {
        transient: { units: JSON.stringify(CASE4_UNITS) },
      },
    );
    const a = (await master.submit('Trace', 'ConditionA', ORGS.hv1, ['d10'], { transient: SEED })) as {
      assignment: { I: string };
    };
    const cloud =
      a.assignment.I === 'CloudA' ? ORGS.cloudA : a.assignment.I === 'CloudB' ? ORGS.cloudB : ORGS.cloudC;
    const junk = await master.invoke('Trace', 'SubmitResult', cloud, ['d10', 'I'], {
      transient: { result: 'not json' },
    });
    expect(junk.error).toMatch(/^INVALID_ARGUMENT: result of role I of task d10 is malformed/);
    expect(junk.writeSet.state).toHaveLength(0);
    // 3 Mi characters, 9 MiB of UTF-8: the limit counts bytes
    const big = '€'.repeat(3 * 1024 * 1024);
    const huge = await master.invoke('Trace', 'SubmitResult', cloud, ['d10', 'I'], {
      transient: { result: big },
    });
    expect(huge.error).toMatch(/^PAYLOAD_TOO_LARGE: result is 9437184 bytes/);
    expect(huge.writeSet.state).toHaveLength(0);
  });
});
