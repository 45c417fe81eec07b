import {
  CASE4_BUS_INTENSITY_TCO2_PER_MWH,
  CASE4_LOAD_TCO2_PER_H,
  CASE4_TOTAL_EMISSION_TCO2_PER_H,
  CASE4_UNIT_INTENSITY_TCO2_PER_MWH,
} from '../testing/case4-slot-fixture';
import { runTwice } from '../testing/determinism';
import { ORGS } from '../testing/identities';
import { request, requestTrace, SEED, setUp, SLOT, work } from '../testing/trace-network-fixture';
import type { Net } from '../testing/trace-network-fixture';

describe('Trace: the outsourced trace of case4_carbon.m end to end (in-memory ledgers)', () => {
  it('two honest providers: accepted at S2, carbon flow equal to MATH.md §H.5, fees paid', async () => {
    const { master } = await setUp();
    expect((await requestTrace(master, 't1')).error).toBeUndefined();
    const a = await master.invoke('Trace', 'ConditionA', ORGS.hv1, ['t1'], { transient: SEED });
    expect(a.error).toBeUndefined();
    expect(a.event?.name).toBe('TraceConditionA');
    const condA = JSON.parse(a.result ?? '{}') as {
      assignment: Record<string, string>;
      size: number;
      generatorCount: number;
    };
    expect(condA.assignment).toEqual({ I: 'CloudA', II: 'CloudB', III: null });
    expect([condA.size, condA.generatorCount]).toEqual([9, 2]); // MATH.md H.3: N = 9, K = 2
    // the seed and the arbitration state stay private; nothing public carries the seed
    expect(Object.keys(a.writeSet.privateData).sort()).toEqual([
      'region-hv1',
      'tasks-CloudA',
      'tasks-CloudB',
    ]);
    expect(JSON.stringify(a.writeSet.state)).not.toContain(Buffer.from(SEED.seed).toString('hex'));
    // every key it creates gets a key-level policy (HV + regulator)
    expect(Object.keys(a.writeSet.validationParameters).length).toBeGreaterThanOrEqual(
      a.writeSet.state.length,
    );

    // nothing arrived yet: condition b writes nothing, emits nothing, and says what it waits for
    const early = await master.invoke('Trace', 'ConditionB', ORGS.hv1, ['t1']);
    expect(early.error).toBeUndefined();
    expect(early.writeSet.state).toHaveLength(0);
    expect(Object.keys(early.writeSet.privateData)).toHaveLength(0);
    expect(early.event).toBeUndefined();
    expect((JSON.parse(early.result ?? '{}') as { expected: unknown[] }).expected).toEqual([
      { type: 'submit', role: 'I', provider: 'CloudA' },
      { type: 'submit', role: 'II', provider: 'CloudB' },
    ]);
    expect((await work(master, 't1', 'I', 'CloudA', 'honest')).error).toBeUndefined();
    expect((await work(master, 't1', 'II', 'CloudB', 'honest')).error).toBeUndefined();
    const b = (await master.submit('Trace', 'ConditionB', ORGS.hv1, ['t1'])) as {
      stage: string;
      path: string[];
      acceptedFrom: string;
    };
    expect(b.path).toEqual(['S0', 'S1', 'S2', 'END']);
    expect(b.acceptedFrom).toBe('CloudA');

    const flow = await master.invoke('Trace', 'RecordCarbonFlow', ORGS.gridco, ['t1']);
    expect(flow.error).toBeUndefined();
    expect(flow.event?.name).toBe('CarbonFlowRecorded');
    // the return value and the public writes (both in the block) carry no carbon numbers
    expect(flow.result).not.toMatch(/proposal|Tco2/);
    expect(JSON.stringify(flow.writeSet.state)).not.toMatch(/proposal|Tco2|intensity/i);
    const record = (await master.evaluate('Trace', 'GetCarbonFlow', ORGS.regulator, ['t1'])) as {
      proposal: {
        generatorIntensityTco2PerMwh: number[];
        emissionTco2PerH: number[];
        busIds: number[];
        loadTco2PerH: number[];
      };
    };
    const p = record.proposal;
    p.generatorIntensityTco2PerMwh.forEach((e, g) => {
      expect(e).toBeCloseTo(CASE4_UNIT_INTENSITY_TCO2_PER_MWH[g] ?? NaN, 6);
    });
    expect(p.emissionTco2PerH.reduce((x, y) => x + y, 0)).toBeCloseTo(CASE4_TOTAL_EMISSION_TCO2_PER_H, 5);
    for (const [bus, intensity] of Object.entries(CASE4_BUS_INTENSITY_TCO2_PER_MWH)) {
      const got = (await master.evaluate('Audit', 'BusIntensity', ORGS.regulator, [
        'slave-hv1',
        String(SLOT),
        bus,
      ])) as {
        intensityTco2PerMwh: number;
      };
      expect(got.intensityTco2PerMwh).toBeCloseTo(intensity, 6);
    }
    for (const [bus, rate] of Object.entries(CASE4_LOAD_TCO2_PER_H)) {
      expect(p.loadTco2PerH[p.busIds.indexOf(Number(bus))]).toBeCloseTo(rate, 5);
    }
    const cloudA = (await master.evaluate('Providers', 'Get', ORGS.regulator, ['CloudA'])) as {
      earned: number;
      correctResults: number;
    };
    expect([cloudA.earned, cloudA.correctResults]).toEqual([1, 1]);

    const provenance = (await master.evaluate('Audit', 'Provenance', ORGS.regulator, ['t1'])) as {
      packageMatchesAnchor: boolean;
      anchoredBlock: { blockNumber: number };
      carbonFlow: { recorderMsp: string };
    };
    expect(provenance.packageMatchesAnchor).toBe(true);
    expect(provenance.anchoredBlock.blockNumber).toBe(0);
    expect(provenance.carbonFlow.recorderMsp).toBe('GridCoMSP');
  });

  it('a cheating provider (consistently wrong) is caught by a third provider, struck and charged', async () => {
    const { master } = await setUp();
    expect((await requestTrace(master, 't2')).error).toBeUndefined();
    await master.submit('Trace', 'ConditionA', ORGS.hv1, ['t2'], { transient: SEED });
    await work(master, 't2', 'I', 'CloudA', 'honest');
    await work(master, 't2', 'II', 'CloudB', 'corrupt');
    const s3 = (await master.submit('Trace', 'ConditionB', ORGS.hv1, ['t2'])) as {
      stage: string;
      verdicts: { valid: boolean }[];
    };
    expect(s3.stage).toBe('S3');
    expect(s3.verdicts.map((v) => v.valid)).toEqual([true, false]);
    // role III is nobody's before the arbitration calls a third provider in (what a peer that has
    // not committed that step answers): a state to wait for, not a denial, and nothing is written
    const early = await master.invoke('Trace', 'SubmitResult', ORGS.cloudC, ['t2', 'III'], {
      transient: { result: '{}' },
    });
    expect(early.error).toMatch(/^INVALID_STATE: no provider is assigned to role III of task t2 yet/);
    expect(early.writeSet.state).toHaveLength(0);
    // recomputation: same answers again
    await work(master, 't2', 'I', 'CloudA', 'honest');
    await work(master, 't2', 'II', 'CloudB', 'corrupt');
    const s4 = (await master.submit('Trace', 'ConditionB', ORGS.hv1, ['t2'])) as {
      stage: string;
      assignment: { III: string };
    };
    expect(s4.stage).toBe('S4');
    expect(s4.assignment.III).toBe('CloudC');
    // CloudB cannot answer for CloudC's role
    const wrongRole = await work(master, 't2', 'III', 'CloudB', 'honest').catch((e: unknown) => e);
    expect(String(wrongRole)).toMatch(/ACCESS_DENIED/);
    await work(master, 't2', 'III', 'CloudC', 'honest');
    const end = (await master.submit('Trace', 'ConditionB', ORGS.hv1, ['t2'])) as {
      path: string[];
      acceptedFrom: string;
      strikesThisTask: Record<string, number>;
    };
    expect(end.path).toEqual(['S0', 'S1', 'S2', 'S3', 'S4', 'END']);
    expect(end.acceptedFrom).toBe('CloudA');
    expect(end.strikesThisTask).toEqual({ CloudB: 1 });
    const cloudB = (await master.evaluate('Providers', 'Get', ORGS.regulator, ['CloudB'])) as {
      strikes: number;
      wrongResults: number;
      penaltiesPaid: number;
      earned: number;
    };
    expect(cloudB).toMatchObject({ strikes: 1, wrongResults: 1, earned: 0, penaltiesPaid: 1 });
    const cloudC = (await master.evaluate('Providers', 'Get', ORGS.regulator, ['CloudC'])) as {
      earned: number;
    };
    expect(cloudC.earned).toBe(1);
    expect((await master.invoke('Trace', 'RecordCarbonFlow', ORGS.gridco, ['t2'])).error).toBeUndefined();
  });

  it('a second wrong result blacklists the provider for three cycles; it is never assigned meanwhile', async () => {
    const { master } = await setUp();
    for (const id of ['t3', 't4']) {
      expect((await requestTrace(master, id, ['CloudA', 'CloudB'])).error).toBeUndefined();
      await master.submit('Trace', 'ConditionA', ORGS.hv1, [id], { transient: SEED });
      for (let round = 0; round < 2; round += 1) {
        await work(master, id, 'I', 'CloudA', 'honest');
        await work(master, id, 'II', 'CloudB', 'corrupt');
        await master.submit('Trace', 'ConditionB', ORGS.hv1, [id]);
      }
      await work(master, id, 'III', 'CloudC', 'honest');
      await master.submit('Trace', 'ConditionB', ORGS.hv1, [id]);
    }
    const blacklist = (await master.evaluate('Providers', 'GetBlacklist', ORGS.regulator, [])) as {
      cycle: number;
      providers: { id: string; blacklistedUntilCycle: number }[];
    };
    expect(blacklist).toEqual({ cycle: 0, providers: [{ id: 'CloudB', blacklistedUntilCycle: 3 }] });
    expect((await requestTrace(master, 't5', ['CloudA', 'CloudB'])).error).toBeUndefined();
    const named = await master.invoke('Trace', 'ConditionA', ORGS.hv1, ['t5'], { transient: SEED });
    expect(named.error).toMatch(/^BLACKLISTED: provider CloudB is blacklisted until cycle 3/);
    expect((await requestTrace(master, 't6')).error).toBeUndefined();
    const auto = (await master.submit('Trace', 'ConditionA', ORGS.hv1, ['t6'], { transient: SEED })) as {
      providerOrder: string[];
    };
    expect(auto.providerOrder).toEqual(['CloudA', 'CloudC']);
    for (let c = 0; c < 3; c += 1) await master.submit('Providers', 'AdvanceCycle', ORGS.gridco, [String(c)]);
    expect(
      ((await master.evaluate('Providers', 'GetBlacklist', ORGS.gridco, [])) as { providers: unknown[] })
        .providers,
    ).toHaveLength(1);
    await master.submit('Providers', 'AdvanceCycle', ORGS.gridco, ['3']);
    expect(
      ((await master.evaluate('Providers', 'GetBlacklist', ORGS.gridco, [])) as { providers: unknown[] })
        .providers,
    ).toHaveLength(0);
  });

  it('a made-up package digest is refused at anchoring; condition a then finds no anchor and writes nothing', async () => {
    const { master, anchorOutcome } = await setUp({ anchorDigest: '0'.repeat(64) });
    expect(anchorOutcome.error).toMatch(/^HASH_MISMATCH: slot 7 of slave-hv1 was sealed with another digest/);
    expect(anchorOutcome.writeSet.state).toHaveLength(0);
    expect((await requestTrace(master, 't7')).error).toBeUndefined();
    const a = await master.invoke('Trace', 'ConditionA', ORGS.hv1, ['t7'], { transient: SEED });
    expect(a.error).toMatch(/^NOT_FOUND: slot 7 package of slave-hv1 is not anchored on master/);
    expect(master.ledger.history.at(-1)?.state.some((w) => w.key.includes('traceConditionA'))).toBe(false);
  });

  it('a package altered on its way across channels is refused', async () => {
    const net = await setUp();
    net.master.linkHandler('carbon-slave', async (args) => {
      const real = await net.slave.invoke('Index', 'GetPackage', ORGS.hv1, args.slice(1), { commit: false });
      const sealed = JSON.parse(real.result ?? '{}') as {
        package: { measurements: { loads: { pMw: number }[] }[] };
      };
      const load = sealed.package.measurements[0]?.loads[0];
      if (load !== undefined) load.pMw = 150; // tamper with bus 3's load
      return { status: 200, payload: new TextEncoder().encode(JSON.stringify(sealed)) };
    });
    expect((await requestTrace(net.master, 't8')).error).toBeUndefined();
    const a = await net.master.invoke('Trace', 'ConditionA', ORGS.hv1, ['t8'], { transient: SEED });
    expect(a.error).toMatch(/^HASH_MISMATCH: slot 7 package of slave-hv1 does not match its own digest/);
  });

  it('refuses one call per role', async () => {
    const { master } = await setUp();
    expect((await requestTrace(master, 't9')).error).toBeUndefined();
    const cases: [string, string, { mspId: string }, string[], RegExp][] = [
      [
        'Trace',
        'Request',
        ORGS.regulator,
        [request('x')],
        /^ACCESS_DENIED: Trace:Request is not allowed for RegulatorMSP/,
      ],
      [
        'Trace',
        'ConditionA',
        ORGS.hv2,
        ['t9'],
        /^ACCESS_DENIED: Hv2MSP is not the HV organization of slave-hv1/,
      ],
      [
        'Trace',
        'ConditionA',
        ORGS.gridco,
        ['t9'],
        /^ACCESS_DENIED: Trace:ConditionA is not allowed for GridCoMSP/,
      ],
      ['Trace', 'RecordCarbonFlow', ORGS.lv1a, ['t9'], /^ACCESS_DENIED/],
      [
        'Trace',
        'GetAccepted',
        ORGS.cloudA,
        ['t9'],
        /^ACCESS_DENIED: Trace:GetAccepted is not allowed for CloudAMSP/,
      ],
      ['Anchor', 'RecordBatch', ORGS.hv2, ['slave-hv1', '[]'], /^INVALID_ARGUMENT|^ACCESS_DENIED/],
      ['Providers', 'Register', ORGS.gridco, ['{"feePerTask":1}'], /^ACCESS_DENIED/],
    ];
    for (const [contract, fn, who, args, pattern] of cases) {
      const outcome = await master.invoke(contract, fn, who, args, { transient: SEED });
      expect(outcome.error).toMatch(pattern);
      expect(outcome.writeSet.state).toHaveLength(0);
    }
    await master.submit('Trace', 'ConditionA', ORGS.hv1, ['t9'], { transient: SEED });
    const masked = await master.invoke('Trace', 'GetMaskedTask', ORGS.cloudB, ['t9', 'I']);
    expect(masked.error).toMatch(/^ACCESS_DENIED: CloudB is not assigned role I of task t9/);
    const noSeed = await master.invoke('Trace', 'ConditionA', ORGS.hv1, ['t9']);
    expect(noSeed.error).toMatch(/^ALREADY_EXISTS|^INVALID_ARGUMENT/);
  });

  it('condition a is deterministic: two fresh ledgers give the same public and private writes and event', async () => {
    const nets: Net[] = [await setUp(), await setUp()];
    for (const net of nets) expect((await requestTrace(net.master, 't10')).error).toBeUndefined();
    let n = 0;
    const [x, y, outcome] = await runTwice(
      () => {
        const net = nets[n];
        n += 1;
        if (net === undefined) throw new Error('unreachable');
        return net.master;
      },
      () => Promise.resolve(),
      {
        contract: 'Trace',
        fn: 'ConditionA',
        identity: ORGS.hv1,
        args: ['t10'],
        options: { transient: SEED },
      },
    );
    expect(outcome.error).toBeUndefined();
    expect(outcome.writeSet.state.length).toBeGreaterThan(3);
    expect(x).toBe(y);
  });

  it('a provider that never answers is reported by GridCo and counts as wrong (third provider decides)', async () => {
    const { master } = await setUp();
    expect((await requestTrace(master, 't11')).error).toBeUndefined();
    await master.submit('Trace', 'ConditionA', ORGS.hv1, ['t11'], { transient: SEED });
    await work(master, 't11', 'I', 'CloudA', 'honest');
    expect((await master.invoke('Trace', 'ReportTimeout', ORGS.hv1, ['t11', 'II'])).error).toMatch(
      /^ACCESS_DENIED/,
    );
    master.nowSeconds += 300; // the default answer deadline
    const reported = await master.invoke('Trace', 'ReportTimeout', ORGS.gridco, ['t11', 'II']);
    expect(reported.event?.name).toBe('TraceTimeoutReported');
    expect((await master.invoke('Trace', 'ReportTimeout', ORGS.gridco, ['t11', 'I'])).error).toMatch(
      /^ALREADY_EXISTS/,
    );
    const s3 = (await master.submit('Trace', 'ConditionB', ORGS.hv1, ['t11'])) as {
      stage: string;
      verdicts: { failures: string[] }[];
    };
    expect(s3.stage).toBe('S3');
    expect(s3.verdicts[1]?.failures).toEqual(['timeout']);
    await work(master, 't11', 'I', 'CloudA', 'honest');
    master.nowSeconds += 300;
    await master.submit('Trace', 'ReportTimeout', ORGS.gridco, ['t11', 'II']);
    await master.submit('Trace', 'ConditionB', ORGS.hv1, ['t11']);
    await work(master, 't11', 'III', 'CloudC', 'honest');
    const end = (await master.submit('Trace', 'ConditionB', ORGS.hv1, ['t11'])) as {
      acceptedFrom: string;
      strikesThisTask: Record<string, number>;
    };
    expect(end.acceptedFrom).toBe('CloudA');
    expect(end.strikesThisTask).toEqual({ CloudB: 1 });
  });
});
