import { ContractHarness } from '../testing/contract-harness';
import { runTwice } from '../testing/determinism';
import { ORGS } from '../testing/identities';
import { contracts } from './index';
import { storedSha256 } from './measurement-ledger';
import type { MeasurementRecord } from './measurement-record';

const SLAVE = 'slave-hv1';
const harness = (): ContractHarness => new ContractHarness(contracts, SLAVE);

/** case4_carbon.m buses 1 and 3 with their branch, as Lv1a's fragment. */
const topology = {
  id: 'lv1a-feeder',
  substation: 'Lv1a',
  baseMva: 100,
  buses: [
    { busId: 1, kind: 'slack', baseKv: 230, vmPu: 1.05 },
    { busId: 3, kind: 'pq', baseKv: 230 },
  ],
  branches: [{ fromBusId: 1, toBusId: 3, rPu: 0.01938, xPu: 0.05917, bPu: 0.0528 }],
};

/** Lv1b's fragment: bus 4, fed from Lv1a's bus 3. */
const topologyLv1b = {
  id: 'lv1b-feeder',
  substation: 'Lv1b',
  baseMva: 100,
  buses: [{ busId: 4, kind: 'pq', baseKv: 230 }],
  branches: [{ fromBusId: 3, toBusId: 4, rPu: 0.01938, xPu: 0.05917, bPu: 0.0528 }],
};

/** Registers both fragments, so that bus ownership is recorded (submissions are checked against it). */
async function registerBoth(h: ContractHarness): Promise<void> {
  await h.submit('Measurement', 'RegisterTopology', ORGS.lv1a, [JSON.stringify(topology)]);
  await h.submit('Measurement', 'RegisterTopology', ORGS.lv1b, [JSON.stringify(topologyLv1b)]);
}

/** A harness with both fragments registered. */
async function registered(): Promise<ContractHarness> {
  const h = harness();
  await registerBoth(h);
  return h;
}

const measurement = (over: Record<string, unknown> = {}): string =>
  JSON.stringify({
    slot: 7,
    substation: 'Lv1a',
    loads: [{ busId: 3, pMw: 200, qMvar: 80 }],
    generators: [{ busId: 1, unitId: 'G1', pMw: 0, qMvar: 0, vmPu: 1.05 }],
    switches: [{ fromBusId: 1, toBusId: 3, closed: true }],
    branches: topology.branches,
    ...over,
  });

describe('Measurement contract', () => {
  it('stores a valid submission and emits one event', async () => {
    const h = await registered();
    const outcome = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [measurement()]);
    expect(outcome.error).toBeUndefined();
    expect(outcome.event?.name).toBe('MeasurementSubmitted');
    const stored = (await h.evaluate('Measurement', 'Get', ORGS.regulator, ['7', 'Lv1a'])) as Record<
      string,
      unknown
    >;
    expect(stored['version']).toBe(1);
    expect(stored['submitterMsp']).toBe('Lv1aMSP');
    expect(stored['loads']).toEqual([{ busId: 3, pMw: 200, qMvar: 80 }]);
    // one key per slot and substation, pinned by the LV's key-level policy
    expect(outcome.writeSet.state).toHaveLength(1);
    expect(Object.keys(outcome.writeSet.validationParameters)).toEqual([outcome.writeSet.state[0]?.key]);
  });

  it('refuses a second submission for the same slot and keeps the first', async () => {
    const h = await registered();
    await h.submit('Measurement', 'Submit', ORGS.lv1a, [measurement()]);
    const again = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [
      measurement({ loads: [{ busId: 3, pMw: 999, qMvar: 1 }] }),
    ]);
    expect(again.error).toMatch(/^ALREADY_EXISTS: slot 7 of Lv1a already has version 1/);
    const stored = (await h.evaluate('Measurement', 'Get', ORGS.lv1a, ['7', 'Lv1a'])) as { loads: unknown };
    expect(stored.loads).toEqual([{ busId: 3, pMw: 200, qMvar: 80 }]);
  });

  it('versions an amendment and keeps the history', async () => {
    const h = await registered();
    await h.submit('Measurement', 'Submit', ORGS.lv1a, [measurement()]);
    await h.submit('Measurement', 'Amend', ORGS.lv1a, [
      measurement({ loads: [{ busId: 3, pMw: 201, qMvar: 80 }] }),
      '1',
    ]);
    const history = (await h.evaluate('Measurement', 'GetHistory', ORGS.lv1a, ['7', 'Lv1a'])) as {
      version: number;
      loads: { pMw: number }[];
    }[];
    expect(history.map((r) => [r.version, r.loads[0]?.pMw])).toEqual([
      [1, 200],
      [2, 201],
    ]);
  });

  it('amends by overwriting the one key, which keeps its policy, and remembers version 1', async () => {
    const h = await registered();
    const submit = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [measurement()]);
    const first = JSON.parse(submit.result ?? '') as { txId: string };
    const amend = await h.invoke('Measurement', 'Amend', ORGS.lv1a, [
      measurement({ loads: [{ busId: 3, pMw: 201, qMvar: 80 }] }),
      '1',
    ]);
    expect(amend.error).toBeUndefined();
    expect(amend.writeSet.state.map((w) => w.key)).toEqual(submit.writeSet.state.map((w) => w.key));
    // the policy set by version 1 stays; an amendment never re-sets it
    expect(amend.writeSet.validationParameters).toEqual({});
    const current = (await h.evaluate('Measurement', 'Get', ORGS.hv1, ['7', 'Lv1a'])) as {
      version: number;
      firstVersion: { txId: string; sha256: string };
    };
    expect(current.version).toBe(2);
    expect(current.firstVersion.txId).toBe(first.txId);
    const history = (await h.evaluate('Measurement', 'GetHistory', ORGS.hv1, [
      '7',
      'Lv1a',
    ])) as MeasurementRecord[];
    expect(history.map((r) => r.version)).toEqual([1, 2]);
    expect(storedSha256(history[0] as MeasurementRecord)).toBe(current.firstVersion.sha256);
    // world state holds the stored form, loads in columns; Get gives rows back
    const stored = JSON.parse(h.ledger.getText(submit.writeSet.state[0]?.key ?? '') ?? '') as {
      loads: unknown;
    };
    expect(stored.loads).toEqual({ busId: [3], pMw: [201], qMvar: [80] });
  });

  it('recognises retries after an amendment: the first Submit, the Amend, and refuses other data', async () => {
    const h = await registered();
    const first = (await h.submit('Measurement', 'Submit', ORGS.lv1a, [measurement()])) as Record<
      string,
      unknown
    >;
    const amended = measurement({ loads: [{ busId: 3, pMw: 201, qMvar: 80 }] });
    const second = (await h.submit('Measurement', 'Amend', ORGS.lv1a, [amended, '1'])) as Record<
      string,
      unknown
    >;
    await h.submit('Measurement', 'Amend', ORGS.lv1a, [
      measurement({ loads: [{ busId: 3, pMw: 202, qMvar: 80 }] }),
      '2',
    ]);
    // a retried first submission returns version 1 as stored and writes nothing
    const retry = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [measurement()]);
    expect(retry.error).toBeUndefined();
    expect(JSON.parse(retry.result ?? '')).toEqual(first);
    expect(retry.writeSet.state).toHaveLength(0);
    const batch = await h.invoke('Measurement', 'SubmitBatch', ORGS.lv1a, [
      JSON.stringify({ measurements: [JSON.parse(measurement()) as unknown] }),
    ]);
    expect((JSON.parse(batch.result ?? '') as { unchanged: { version: number }[] }).unchanged).toEqual([
      expect.objectContaining({ slot: 7, version: 1 }),
    ]);
    expect(batch.writeSet.state).toHaveLength(0);
    // other data for the slot is refused, naming the current version
    const other = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [
      measurement({ loads: [{ busId: 3, pMw: 5, qMvar: 0 }] }),
    ]);
    expect(other.error).toMatch(/^ALREADY_EXISTS: slot 7 of Lv1a already has version 3/);
    // a retried Amend of version 2 over 1 is stale now that version 3 exists
    const staleRetry = await h.invoke('Measurement', 'Amend', ORGS.lv1a, [amended, '1']);
    expect(staleRetry.error).toMatch(
      /^INVALID_STATE: expectedVersion 1 is stale: slot 7 of Lv1a is at version 3/,
    );
    expect(second['version']).toBe(2);
  });

  it('returns the stored version for a retried Amend and refuses an Amend of a slot never submitted', async () => {
    const h = await registered();
    await h.submit('Measurement', 'Submit', ORGS.lv1a, [measurement()]);
    const amended = measurement({ loads: [{ busId: 3, pMw: 201, qMvar: 80 }] });
    const once = (await h.submit('Measurement', 'Amend', ORGS.lv1a, [amended, '1'])) as Record<
      string,
      unknown
    >;
    const again = await h.invoke('Measurement', 'Amend', ORGS.lv1a, [amended, '1']);
    expect(again.error).toBeUndefined();
    expect(JSON.parse(again.result ?? '')).toEqual(once);
    expect(again.writeSet.state).toHaveLength(0);
    const never = await h.invoke('Measurement', 'Amend', ORGS.lv1a, [measurement({ slot: 8 }), '1']);
    expect(never.error).toMatch(/^NOT_FOUND: measurement of Lv1a at slot 8 does not exist/);
    expect(never.writeSet.state).toHaveLength(0);
  });

  it('refuses writes for another substation, by non-LV roles, and by unknown orgs', async () => {
    const h = await registered();
    const base = h.ledger.keys().length;
    const other = await h.invoke('Measurement', 'Submit', ORGS.lv1b, [measurement()]);
    expect(other.error).toMatch(/^ACCESS_DENIED: Lv1bMSP cannot write data of substation Lv1a/);
    for (const who of [ORGS.regulator, ORGS.gridco, ORGS.hv1, ORGS.cloudA]) {
      const denied = await h.invoke('Measurement', 'Submit', who, [measurement()]);
      expect(denied.error).toMatch(/^ACCESS_DENIED: Measurement:Submit is not allowed/);
      expect(denied.writeSet.state).toHaveLength(0);
    }
    expect((await h.invoke('Measurement', 'Get', ORGS.stranger, ['7', 'Lv1a'])).error).toMatch(
      /^ACCESS_DENIED/,
    );
    expect(h.ledger.keys()).toHaveLength(base);
  });

  it.each([
    [
      'a non-numeric load',
      { loads: [{ busId: 3, pMw: 'abc', qMvar: 0 }] },
      /^INVALID_ARGUMENT: loads\[0\]\.pMw at bus 3 must be a finite number \(got "abc"\)/,
    ],
    [
      'a negative DG output',
      { generators: [{ busId: 1, unitId: 'G1', pMw: -5, qMvar: 0 }] },
      /^INVALID_ARGUMENT: generators\[0\]\.pMw at bus 1 must be within \[0, 100000\] \(got -5\)/,
    ],
    [
      'a duplicate bus',
      {
        loads: [
          { busId: 3, pMw: 1, qMvar: 0 },
          { busId: 3, pMw: 2, qMvar: 0 },
        ],
      },
      /^INVALID_ARGUMENT: loads\[1\] at bus 3 duplicates/,
    ],
    [
      'a switch on no branch',
      { switches: [{ fromBusId: 1, toBusId: 9, closed: true }] },
      /^INVALID_ARGUMENT: switches\[0\] at bus 1 refers to no branch/,
    ],
    ['an unknown field', { load: [] }, /^INVALID_ARGUMENT: measurement\.load is not a known field/],
    [
      'neither branches nor topology',
      { branches: undefined },
      /^INVALID_ARGUMENT: branches or topology must be given/,
    ],
    [
      'a zero-impedance branch',
      { branches: [{ fromBusId: 1, toBusId: 3, rPu: 0, xPu: 0 }] },
      /^INVALID_ARGUMENT: branches\[0\]\.xPu at bus 1 must be non-zero/,
    ],
    ['a negative slot', { slot: -1 }, /^INVALID_ARGUMENT: slot must be within/],
  ])(
    'refuses %s with a CODE: message naming field, bus and value, writing nothing',
    async (_name, over, pattern) => {
      const h = await registered();
      const base = h.ledger.keys().length;
      const outcome = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [measurement(over)]);
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(pattern);
      expect(outcome.writeSet.state).toHaveLength(0);
      expect(h.ledger.keys()).toHaveLength(base);
    },
  );

  it('refuses malformed JSON', async () => {
    const outcome = await harness().invoke('Measurement', 'Submit', ORGS.lv1a, ['{not json']);
    expect(outcome.error).toMatch(/^INVALID_ARGUMENT: measurement must be JSON/);
  });

  it('accepts a registered topology reference and checks its hash, owner and buses', async () => {
    const h = harness();
    const reg = (await h.submit('Measurement', 'RegisterTopology', ORGS.lv1a, [
      JSON.stringify(topology),
    ])) as {
      id: string;
      sha256: string;
    };
    expect(reg.sha256).toMatch(/^[0-9a-f]{64}$/);
    const dup = await h.invoke('Measurement', 'RegisterTopology', ORGS.lv1a, [JSON.stringify(topology)]);
    expect(dup.error).toMatch(/^ALREADY_EXISTS/);
    const ok = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [
      measurement({ branches: undefined, topology: reg }),
    ]);
    expect(ok.error).toBeUndefined();
    const badHash = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [
      measurement({ slot: 8, branches: undefined, topology: { id: reg.id, sha256: '0'.repeat(64) } }),
    ]);
    expect(badHash.error).toMatch(/^HASH_MISMATCH: topology lv1a-feeder/);
    // NOT_FOUND (which the client asks again on, for a verifier peer a block behind), naming the id
    const unknown = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [
      measurement({ slot: 10, branches: undefined, topology: { id: 'nowhere', sha256: reg.sha256 } }),
    ]);
    expect(unknown.error).toMatch(
      /^NOT_FOUND: topology\.id refers to no registered topology \(got "nowhere"\)/,
    );
    expect(unknown.writeSet.state).toHaveLength(0);
    const badBus = await h.invoke('Measurement', 'Submit', ORGS.lv1a, [
      measurement({ slot: 9, branches: undefined, topology: reg, loads: [{ busId: 4, pMw: 1, qMvar: 0 }] }),
    ]);
    expect(badBus.error).toMatch(/^INVALID_ARGUMENT: loads\[0\]\.busId at bus 4 is not a bus of topology/);
    const otherOwner = await h.invoke('Measurement', 'RegisterTopology', ORGS.lv1b, [
      JSON.stringify({ ...topology, id: 'x' }),
    ]);
    expect(otherOwner.error).toMatch(/^ACCESS_DENIED/);
  });

  it('lists a slot across substations in substation order', async () => {
    const h = await registered();
    await h.submit('Measurement', 'Submit', ORGS.lv1b, [
      measurement({
        substation: 'Lv1b',
        loads: [{ busId: 4, pMw: 300, qMvar: 120 }],
        generators: [],
        switches: [],
        branches: [{ fromBusId: 3, toBusId: 4, rPu: 0.01938, xPu: 0.05917, bPu: 0.0528 }],
      }),
    ]);
    await h.submit('Measurement', 'Submit', ORGS.lv1a, [measurement()]);
    const list = (await h.evaluate('Measurement', 'ListSlot', ORGS.hv1, ['7'])) as { substation: string }[];
    expect(list.map((r) => r.substation)).toEqual(['Lv1a', 'Lv1b']);
  });

  it('is deterministic: the same submission on two fresh ledgers writes the same bytes and event', async () => {
    const [a, b, outcome] = await runTwice(harness, registerBoth, {
      contract: 'Measurement',
      fn: 'Submit',
      identity: ORGS.lv1a,
      args: [measurement()],
    });
    expect(outcome.ok).toBe(true);
    expect(a).toBe(b);
  });
});
