import { ORGS } from '../testing/identities';
import { request, SEED, setUp, UNITS, work } from '../testing/trace-network-fixture';
import type { ContractHarness } from '../testing/contract-harness';

interface CarbonFlow {
  readonly proposal: unknown;
  readonly consumers: unknown;
  readonly acceptedFrom: string;
  readonly recorderMsp: string;
  readonly current: boolean;
}

/** GridCo's request with extra public fields. */
function requestWith(master: ContractHarness, taskId: string, extra: Record<string, unknown>) {
  const base = JSON.parse(request(taskId)) as Record<string, unknown>;
  return master.invoke('Trace', 'Request', ORGS.gridco, [JSON.stringify({ ...base, ...extra })], {
    transient: UNITS,
  });
}

/** Conditions a and b with two honest providers; returns condition b's invocation. */
async function honestRound(master: ContractHarness, taskId: string) {
  await master.submit('Trace', 'ConditionA', ORGS.hv1, [taskId], { transient: SEED });
  await work(master, taskId, 'I', 'CloudA', 'honest');
  await work(master, taskId, 'II', 'CloudB', 'honest');
  return master.invoke('Trace', 'ConditionB', ORGS.hv1, [taskId]);
}

const isCarbonFlowKey = (key: string): boolean => key.includes('traceCarbonFlow');

describe('Trace: recordOnAccept, the carbon flow recorded by the condition b that accepts', () => {
  it('records the same carbon flow as GridCo would, in condition b, and a later RecordCarbonFlow is a replay', async () => {
    const auto = (await setUp()).master;
    expect((await requestWith(auto, 't1', { recordOnAccept: true })).error).toBeUndefined();
    const b = await honestRound(auto, 't1');
    expect(b.error).toBeUndefined();
    const summary = JSON.parse(b.result ?? '{}') as {
      stage: string;
      carbonFlow: { taskId: string; current: boolean; recorderMsp: string; recordSha256: string };
    };
    expect(summary.stage).toBe('END');
    expect(summary.carbonFlow).toMatchObject({ taskId: 't1', current: true, recorderMsp: 'Hv1MSP' });
    // one event per transaction: condition b's carries the header digest, no carbon numbers
    expect(b.event?.name).toBe('TraceConditionB');
    const payload = JSON.parse(Buffer.from(b.event?.payload ?? []).toString('utf8')) as {
      carbonFlow: unknown;
    };
    expect(payload.carbonFlow).toEqual({ recordSha256: summary.carbonFlow.recordSha256, current: true });
    expect(JSON.stringify(b.writeSet.state)).not.toMatch(/Tco2|intensity|consumers/i);
    expect(b.writeSet.state.some((w) => isCarbonFlowKey(w.key))).toBe(true);

    // GridCo's own RecordCarbonFlow afterwards changes nothing and returns the same header
    const replay = await auto.invoke('Trace', 'RecordCarbonFlow', ORGS.gridco, ['t1']);
    expect(replay.error).toBeUndefined();
    expect(replay.writeSet.state).toHaveLength(0);
    expect(JSON.parse(replay.result ?? '{}')).toEqual(summary.carbonFlow);

    // the same trace recorded by GridCo on a fresh ledger gives the same record but its recorder
    const manual = (await setUp()).master;
    expect((await requestWith(manual, 't1', {})).error).toBeUndefined();
    const manualB = await honestRound(manual, 't1');
    expect(JSON.parse(manualB.result ?? '{}')).not.toHaveProperty('carbonFlow');
    expect(manualB.writeSet.state.some((w) => isCarbonFlowKey(w.key))).toBe(false);
    await expect(manual.evaluate('Trace', 'GetCarbonFlow', ORGS.regulator, ['t1'])).rejects.toThrow(
      /NOT_FOUND/,
    );
    await manual.submit('Trace', 'RecordCarbonFlow', ORGS.gridco, ['t1']);
    const a = (await auto.evaluate('Trace', 'GetCarbonFlow', ORGS.regulator, ['t1'])) as CarbonFlow;
    const m = (await manual.evaluate('Trace', 'GetCarbonFlow', ORGS.regulator, ['t1'])) as CarbonFlow;
    expect(a.proposal).toEqual(m.proposal);
    expect(a.consumers).toEqual(m.consumers);
    expect([a.acceptedFrom, a.current, m.current]).toEqual([m.acceptedFrom, true, true]);
    expect([a.recorderMsp, m.recorderMsp]).toEqual(['Hv1MSP', 'GridCoMSP']);
  });

  it('records only when the arbitration ends, not at the rounds before', async () => {
    const { master } = await setUp();
    await requestWith(master, 't2', { recordOnAccept: true });
    await master.submit('Trace', 'ConditionA', ORGS.hv1, ['t2'], { transient: SEED });
    await work(master, 't2', 'I', 'CloudA', 'honest');
    await work(master, 't2', 'II', 'CloudB', 'corrupt');
    const s3 = await master.invoke('Trace', 'ConditionB', ORGS.hv1, ['t2']);
    expect(JSON.parse(s3.result ?? '{}')).toMatchObject({ stage: 'S3' });
    expect(JSON.parse(s3.result ?? '{}')).not.toHaveProperty('carbonFlow');
    expect(s3.writeSet.state.some((w) => isCarbonFlowKey(w.key))).toBe(false);
    await work(master, 't2', 'I', 'CloudA', 'honest');
    await work(master, 't2', 'II', 'CloudB', 'corrupt');
    await master.submit('Trace', 'ConditionB', ORGS.hv1, ['t2']);
    await work(master, 't2', 'III', 'CloudC', 'honest');
    const end = JSON.parse((await master.invoke('Trace', 'ConditionB', ORGS.hv1, ['t2'])).result ?? '{}') as {
      stage: string;
      acceptedFrom: string;
      carbonFlow: { acceptedFrom: string };
    };
    expect(end.stage).toBe('END');
    expect(end.carbonFlow.acceptedFrom).toBe(end.acceptedFrom);
  });

  it('refuses a bad flag, the flag with a supersession, and a replay that changes it, writing nothing', async () => {
    const { master } = await setUp();
    const notBoolean = await requestWith(master, 't3', { recordOnAccept: 'yes' });
    expect(notBoolean.error).toMatch(/INVALID_ARGUMENT.*recordOnAccept.*true or false/);
    expect(notBoolean.writeSet.state).toHaveLength(0);
    const withSupersedes = await requestWith(master, 't3', {
      recordOnAccept: true,
      supersedes: { taskId: 't0', reason: 'corrected meter data' },
    });
    expect(withSupersedes.error).toMatch(/INVALID_ARGUMENT.*recordOnAccept.*supersedes/);
    expect(withSupersedes.writeSet.state).toHaveLength(0);
    expect((await requestWith(master, 't3', { recordOnAccept: true })).error).toBeUndefined();
    expect((await requestWith(master, 't3', { recordOnAccept: true })).error).toBeUndefined();
    const changed = await requestWith(master, 't3', { recordOnAccept: false });
    expect(changed.error).toMatch(/ALREADY_EXISTS/);
  });
});
