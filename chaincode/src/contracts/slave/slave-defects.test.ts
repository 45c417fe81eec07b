/**
 * Regression tests of issue 12 for the slave contracts (run together with `jest -t "defect:"`).
 * Each reproduces the attack or the retry as the issue describes it.
 */
import { ContractHarness } from '../testing/contract-harness';
import { ORGS } from '../testing/identities';
import { contracts } from './index';
import { measurementKey } from './slave-keys';

const harness = (): ContractHarness => new ContractHarness(contracts, 'slave-hv1');
const bus = (busId: number, kind = 'pq'): Record<string, unknown> => ({ busId, kind, baseKv: 230 });
const lv1aTopology = {
  id: 'lv1a',
  substation: 'Lv1a',
  baseMva: 100,
  buses: [bus(1, 'slack'), bus(3)],
  branches: [{ fromBusId: 1, toBusId: 3, rPu: 0.01, xPu: 0.05 }],
};
const lv1bTopology = {
  id: 'lv1b',
  substation: 'Lv1b',
  baseMva: 100,
  buses: [bus(2), bus(4)],
  branches: [
    { fromBusId: 3, toBusId: 4, rPu: 0.01, xPu: 0.05 },
    { fromBusId: 2, toBusId: 4, rPu: 0.01, xPu: 0.05 },
  ],
};

async function registered(): Promise<ContractHarness> {
  const h = harness();
  await h.submit('Measurement', 'RegisterTopology', ORGS.lv1a, [JSON.stringify(lv1aTopology)]);
  await h.submit('Measurement', 'RegisterTopology', ORGS.lv1b, [JSON.stringify(lv1bTopology)]);
  return h;
}

const lv1a = (over: Record<string, unknown> = {}): string =>
  JSON.stringify({
    slot: 5,
    substation: 'Lv1a',
    loads: [{ busId: 3, pMw: 20, qMvar: 8 }],
    branches: lv1aTopology.branches,
    ...over,
  });

describe('defects of issue 12 (slave contracts)', () => {
  it('defect: retries apply transactions twice (identical Submit replay returns the first result)', async () => {
    const h = await registered();
    const first = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [lv1a()], { txId: 'tx-first' });
    const replay = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [lv1a()], { txId: 'tx-retry' });
    expect(replay.error).toBeUndefined();
    expect(replay.result).toBe(first.result);
    expect(replay.writeSet.state).toHaveLength(0);
    const other = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [
      lv1a({ loads: [{ busId: 3, pMw: 21, qMvar: 8 }] }),
    ]);
    expect(other.error).toMatch(/^ALREADY_EXISTS: slot 5 of Lv1a already has version 1/);
  });

  it('defect: retries apply transactions twice (Amend takes the expected version)', async () => {
    const h = await registered();
    await h.submit('Measurement', 'Submit', ORGS.lv1a, [lv1a()]);
    const amended = lv1a({ loads: [{ busId: 3, pMw: 25, qMvar: 8 }] });
    const first = await h.invoke('Measurement', 'Amend', ORGS.lv1a, [amended, '1']);
    expect(first.error).toBeUndefined();
    const retry = await h.invoke('Measurement', 'Amend', ORGS.lv1a, [amended, '1']);
    expect(retry.error).toBeUndefined();
    expect(retry.result).toBe(first.result);
    expect(retry.writeSet.state).toHaveLength(0);
    expect((JSON.parse(retry.result ?? '{}') as { version: number }).version).toBe(2);
    const stale = await h.invoke('Measurement', 'Amend', ORGS.lv1a, [
      lv1a({ loads: [{ busId: 3, pMw: 30, qMvar: 8 }] }),
      '1',
    ]);
    expect(stale.error).toMatch(/^INVALID_STATE: expectedVersion 1 is stale: .* is at version 2/);
    expect(stale.writeSet.state).toHaveLength(0);
  });

  it('defect: retries apply transactions twice (RecordRound names its round)', async () => {
    const h = await registered();
    await h.submit('Consensus', 'Initialize', ORGS.hv1, [
      JSON.stringify({ consensus: ['Lv1a', 'Lv1b', 'Lv1c', 'Lv1d'] }),
    ]);
    const round = JSON.stringify({
      round: 1,
      events: [
        { nodeId: 'Lv1a', kind: 'invalidMessage' },
        { nodeId: 'Lv1a', kind: 'invalidMessage' },
      ],
    });
    const first = await h.invoke('Consensus', 'RecordRound', ORGS.hv1, [round]);
    const retry = await h.invoke('Consensus', 'RecordRound', ORGS.hv1, [round]);
    expect(retry.error).toBeUndefined();
    expect(retry.result).toBe(first.result);
    expect(retry.writeSet.state).toHaveLength(0);
    const state = (await h.evaluate('Consensus', 'GetState', ORGS.regulator, [])) as {
      points: Record<string, number>;
    };
    expect(state.points['Lv1a']).toBe(40); // 60 − 2·10, not 60 − 4·10
    const other = await h.invoke('Consensus', 'RecordRound', ORGS.hv1, [
      JSON.stringify({ round: 1, events: [] }),
    ]);
    expect(other.error).toMatch(/^INVALID_STATE: round 1 is stale: the next round of this channel is 2/);
  });

  it('defect: __proto__ ids (a consensus node id of "__proto__" is refused, "constructor" keeps its points)', async () => {
    const h = harness();
    const proto = await h.invoke('Consensus', 'Initialize', ORGS.hv1, [
      '{"consensus":["__proto__","A","B","C"]}',
    ]);
    expect(proto.error).toMatch(/^INVALID_ARGUMENT: consensus\[0\] must match .* \(got "__proto__"\)/);
    expect(proto.writeSet.state).toHaveLength(0);
    await h.submit('Consensus', 'Initialize', ORGS.hv1, [
      JSON.stringify({ consensus: ['constructor', 'toString', 'B', 'C'] }),
    ]);
    await h.submit('Consensus', 'RecordRound', ORGS.hv1, [
      JSON.stringify({ round: 1, events: [{ nodeId: 'constructor', kind: 'voted' }] }),
    ]);
    const state = (await h.evaluate('Consensus', 'GetState', ORGS.regulator, [])) as {
      points: Record<string, number>;
    };
    expect(state.points).toEqual({ B: 60, C: 60, constructor: 61, toString: 60 });
  });

  it('defect: one LV substation can make a slot untraceable (bus ownership at registration)', async () => {
    const h = await registered();
    const claim = await h.invoke('Measurement', 'RegisterTopology', ORGS.lv1a, [
      JSON.stringify({ ...lv1aTopology, id: 'lv1a-grab', buses: [bus(4)], branches: [] }),
    ]);
    expect(claim.error).toMatch(/^ACCESS_DENIED: buses\[0\]\.busId: bus 4 belongs to Lv1b/);
    expect(claim.writeSet.state).toHaveLength(0);
    const base = await h.invoke('Measurement', 'RegisterTopology', ORGS.lv1a, [
      JSON.stringify({ ...lv1aTopology, id: 'lv1a-2', baseMva: 50, buses: [bus(9)], branches: [] }),
    ]);
    expect(base.error).toMatch(/^INVALID_ARGUMENT: baseMva must be 100 as on this channel .*\(got 50\)/);
  });

  it('defect: one LV substation can make a slot untraceable (inline branches and loads are checked at Submit)', async () => {
    const h = await registered();
    const foreignLine = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [
      lv1a({ branches: [...lv1aTopology.branches, { fromBusId: 2, toBusId: 4, rPu: 0.01, xPu: 0.05 }] }),
    ]);
    expect(foreignLine.error).toMatch(
      /^ACCESS_DENIED: branches\[1\] joins buses of Lv1b and Lv1b, none of Lv1a/,
    );
    const nowhere = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [
      lv1a({ loads: [{ busId: 777, pMw: 1, qMvar: 0 }] }),
    ]);
    expect(nowhere.error).toMatch(
      /^INVALID_ARGUMENT: loads\[0\]\.busId at bus 777 is not a bus of any registered topology/,
    );
    const foreignLoad = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [
      lv1a({ loads: [{ busId: 4, pMw: 1, qMvar: 0 }] }),
    ]);
    expect(foreignLoad.error).toMatch(/^ACCESS_DENIED: loads\[0\]\.busId at bus 4: the bus belongs to Lv1b/);
    for (const o of [foreignLine, nowhere, foreignLoad]) expect(o.writeSet.state).toHaveLength(0);
  });

  it('defect: one LV substation can make a slot untraceable (byte limit at Submit)', async () => {
    const h = await registered();
    // 100,000 loads on distinct buses: 4.6 MB, accepted before (inline branches skipped the bus checks)
    const loads = Array.from({ length: 100_000 }, (_, i) => ({ busId: i + 1, pMw: 1, qMvar: 0 }));
    const huge = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [lv1a({ loads })]);
    expect(huge.error).toMatch(/^PAYLOAD_TOO_LARGE: measurement is \d+ bytes \(limit 524288\)/);
    expect(huge.writeSet.state).toHaveLength(0);
  });

  it('defect: one LV substation can make a slot untraceable (Seal leaves out a refused submission with its reason)', async () => {
    const h = await registered();
    await h.submit('Measurement', 'Submit', ORGS.lv1a, [lv1a()]);
    // a record that does not pass today's checks (stored before them): a load at Lv1a's bus 3
    const stale = {
      slot: 5,
      substation: 'Lv1b',
      loads: [{ busId: 3, pMw: 1, qMvar: 0 }],
      generators: [],
      switches: [],
      branches: [{ fromBusId: 3, toBusId: 4, rPu: 0.01, xPu: 0.05, bPu: 0 }],
      version: 1,
      txId: 'old',
      submitterMsp: 'Lv1bMSP',
    };
    const key = measurementKey({ stub: { createCompositeKey } } as never, 5, 'Lv1b');
    h.ledger.seed(key, Buffer.from(JSON.stringify(stale)));
    const sealed = await h.invoke('Index', 'Seal', ORGS.hv1, ['5']);
    expect(sealed.error).toBeUndefined();
    const pkg = (JSON.parse(sealed.result ?? '{}') as { package: Record<string, unknown> }).package as {
      measurements: { substation: string }[];
      excluded: { substation: string; code: string; reason: string }[];
    };
    expect(pkg.measurements.map((m) => m.substation)).toEqual(['Lv1a']);
    expect(pkg.excluded).toEqual([
      expect.objectContaining({ substation: 'Lv1b', version: 1, code: 'ACCESS_DENIED' }),
    ]);
    expect(pkg.excluded[0]?.reason).toMatch(/loads\[0\]\.busId at bus 3: the bus belongs to Lv1a/);
  });

  it('defect: strict decimal parser (slot and view arguments)', async () => {
    const h = await registered();
    for (const text of ['', '0x10', '1e3', ' 5', '+5', '05', '5.0']) {
      const out = await h.invoke('Measurement', 'Get', ORGS.regulator, [text, 'Lv1a']);
      expect(out.error).toMatch(/^INVALID_ARGUMENT: slot must be a decimal integer \(digits only\) \(got "/);
    }
    await h.submit('Consensus', 'Initialize', ORGS.hv1, [
      JSON.stringify({ consensus: ['A', 'B', 'C', 'D'] }),
    ]);
    expect((await h.invoke('Consensus', 'GetPrimary', ORGS.hv1, [''])).error).toMatch(
      /^INVALID_ARGUMENT: view must be a decimal integer/,
    );
  });

  it('defect: HV org ids with capitals (HvNorthMSP is no HV organization, so it owns no slave channel)', async () => {
    const h = new ContractHarness(contracts, 'slave-hvnorth');
    const denied = await h.invoke('Index', 'Seal', { mspId: 'HvNorthMSP' }, ['1']);
    expect(denied.error).toMatch(/^ACCESS_DENIED: organization HvNorthMSP has no carbontrace role/);
    const owner = await h.invoke('Index', 'Seal', { mspId: 'HvnorthMSP' }, ['1']);
    expect(owner.error).toMatch(/^NOT_FOUND: slot 1 has no measurements/);
  });
});

function createCompositeKey(objectType: string, attributes: string[]): string {
  return `\u0000${objectType}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`;
}
