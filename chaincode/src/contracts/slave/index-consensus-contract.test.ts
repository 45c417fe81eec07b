import { canonicalJson } from '../../common/canonical-json';
import { ContractHarness } from '../testing/contract-harness';
import { runTwice } from '../testing/determinism';
import { ORGS } from '../testing/identities';
import { createHash } from 'crypto';
import { contracts } from './index';

const harness = (): ContractHarness => new ContractHarness(contracts, 'slave-hv1');
const branches = [{ fromBusId: 1, toBusId: 3, rPu: 0.01, xPu: 0.05 }];
const m = (substation: string, busId: number, slot = 3): string =>
  JSON.stringify({
    slot,
    substation,
    loads: [{ busId, pMw: 1, qMvar: 0 }],
    branches: substation === 'Lv1a' ? branches : [{ fromBusId: 3, toBusId: busId, rPu: 0.01, xPu: 0.05 }],
  });

/** Lv1a owns buses 1 and 3, Lv1b bus 4 (fed from 3). */
async function registerBuses(h: ContractHarness): Promise<void> {
  const bus = (busId: number, kind = 'pq'): Record<string, unknown> => ({ busId, kind, baseKv: 12.66 });
  await h.submit('Measurement', 'RegisterTopology', ORGS.lv1a, [
    JSON.stringify({
      id: 'lv1a',
      substation: 'Lv1a',
      baseMva: 10,
      buses: [bus(1, 'slack'), bus(3)],
      branches,
    }),
  ]);
  await h.submit('Measurement', 'RegisterTopology', ORGS.lv1b, [
    JSON.stringify({
      id: 'lv1b',
      substation: 'Lv1b',
      baseMva: 10,
      buses: [bus(4)],
      branches: [{ fromBusId: 3, toBusId: 4, rPu: 0.01, xPu: 0.05 }],
    }),
  ]);
}

/** A harness with the buses registered. */
async function registered(): Promise<ContractHarness> {
  const h = harness();
  await registerBuses(h);
  return h;
}

describe('Index contract', () => {
  it('seals a slot canonically with the SHA-256 of its package and refuses later amendments', async () => {
    const h = await registered();
    await h.submit('Measurement', 'Submit', ORGS.lv1b, [m('Lv1b', 4)]);
    await h.submit('Measurement', 'Submit', ORGS.lv1a, [m('Lv1a', 3)]);
    const sealed = (await h.submit('Index', 'Seal', ORGS.hv1, ['3'])) as {
      sha256: string;
      package: { measurements: { substation: string }[] };
    };
    // independent digest: SHA-256 of the package's canonical JSON
    expect(sealed.sha256).toBe(createHash('sha256').update(canonicalJson(sealed.package)).digest('hex'));
    expect(sealed.package.measurements.map((x) => x.substation)).toEqual(['Lv1a', 'Lv1b']);
    expect(await h.evaluate('Index', 'GetPackage', ORGS.regulator, ['3'])).toEqual(sealed);
    expect((await h.invoke('Measurement', 'Amend', ORGS.lv1a, [m('Lv1a', 3), '1'])).error).toMatch(
      /^INVALID_STATE: slot 3 is already sealed by Index/,
    );
    expect((await h.invoke('Index', 'Seal', ORGS.hv1, ['3'])).error).toMatch(/^ALREADY_EXISTS/);
  });

  it('refuses sealing by another HV organization, by LV orgs, and of an empty slot', async () => {
    const h = await registered();
    await h.submit('Measurement', 'Submit', ORGS.lv1a, [m('Lv1a', 3)]);
    expect((await h.invoke('Index', 'Seal', ORGS.hv2, ['3'])).error).toMatch(
      /^ACCESS_DENIED: Hv2MSP does not own slave channel slave-hv1/,
    );
    expect((await h.invoke('Index', 'Seal', ORGS.lv1a, ['3'])).error).toMatch(/^ACCESS_DENIED/);
    expect((await h.invoke('Index', 'Seal', ORGS.hv1, ['4'])).error).toMatch(
      /^NOT_FOUND: slot 4 has no measurements/,
    );
  });

  it('seal is deterministic', async () => {
    const [a, b] = await runTwice(
      harness,
      async (h) => {
        await registerBuses(h);
        await h.submit('Measurement', 'Submit', ORGS.lv1a, [m('Lv1a', 3)]);
      },
      { contract: 'Index', fn: 'Seal', identity: ORGS.hv1, args: ['3'] },
    );
    expect(a).toBe(b);
  });
});

describe('Consensus contract (improved PBFT points)', () => {
  it('counts each seal as a round: submitters vote (+1), silent nodes time out (−2)', async () => {
    const h = await registered();
    await h.submit('Consensus', 'Initialize', ORGS.hv1, [
      JSON.stringify({ consensus: ['Lv1a', 'Lv1b', 'Lv1c', 'Lv1d'], reserve: ['Lv1e'] }),
    ]);
    await h.submit('Measurement', 'Submit', ORGS.lv1a, [m('Lv1a', 3)]);
    await h.submit('Index', 'Seal', ORGS.hv1, ['3']);
    const s = (await h.evaluate('Consensus', 'GetState', ORGS.regulator, [])) as {
      round: number;
      points: Record<string, number>;
    };
    expect(s.round).toBe(1);
    expect(s.points).toEqual({ Lv1a: 61, Lv1b: 58, Lv1c: 58, Lv1d: 58, Lv1e: 58 });
    expect(await h.evaluate('Consensus', 'GetPrimary', ORGS.lv1b, ['0'])).toEqual({
      view: 0,
      primary: 'Lv1a',
    });
  });

  it('records reported rounds and settles every W rounds', async () => {
    const h = await registered();
    await h.submit('Consensus', 'Initialize', ORGS.hv1, [
      JSON.stringify({
        consensus: ['A', 'B', 'C', 'D'],
        reserve: ['E'],
        parameters: { settlementWindow: 1 },
      }),
    ]);
    const out = await h.invoke('Consensus', 'RecordRound', ORGS.hv1, [
      JSON.stringify({
        round: 1,
        events: [
          ...Array.from({ length: 3 }, () => ({ nodeId: 'A', kind: 'invalidMessage' })),
          { nodeId: 'E', kind: 'voted' },
        ],
      }),
    ]);
    expect(out.error).toBeUndefined();
    expect(JSON.parse(out.event?.payload ?? '{}')).toMatchObject({
      round: 1,
      settled: true,
      consensus: ['B', 'C', 'D', 'E'],
      reserve: ['A'],
    });
    expect(
      (
        await h.invoke('Consensus', 'RecordRound', ORGS.hv1, [
          '{"round":2,"events":[{"nodeId":"A","kind":"bribe"}]}',
        ])
      ).error,
    ).toMatch(/^INVALID_ARGUMENT: events\[0\]\.kind must be one of/);
    expect(
      (await h.invoke('Consensus', 'RecordRound', ORGS.lv1a, ['{"round":2,"events":[]}'])).error,
    ).toMatch(/^ACCESS_DENIED/);
    expect(
      (await h.invoke('Consensus', 'Initialize', ORGS.hv1, ['{"consensus":["A","B","C","D"]}'])).error,
    ).toMatch(/^ALREADY_EXISTS/);
  });
});
