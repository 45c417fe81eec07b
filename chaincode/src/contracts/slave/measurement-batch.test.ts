import { ContractHarness } from '../testing/contract-harness';
import { runTwice } from '../testing/determinism';
import { ORGS } from '../testing/identities';
import { contracts } from './index';
import type { MeasurementBatchResult } from './measurement-batch';

const SLAVE = 'slave-hv1';
const harness = (): ContractHarness => new ContractHarness(contracts, SLAVE);

/** Lv1a's fragment of case4_carbon: buses 1 (slack) and 3. */
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

async function registerBoth(h: ContractHarness): Promise<void> {
  await h.submit('Measurement', 'RegisterTopology', ORGS.lv1a, [JSON.stringify(topology)]);
  await h.submit('Measurement', 'RegisterTopology', ORGS.lv1b, [JSON.stringify(topologyLv1b)]);
}

async function registered(): Promise<ContractHarness> {
  const h = harness();
  await registerBoth(h);
  return h;
}

/** Lv1a's measurement of `slot` (load `pMw` at bus 3). */
const entry = (slot: number, pMw = 200, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  slot,
  substation: 'Lv1a',
  loads: [{ busId: 3, pMw, qMvar: 80 }],
  generators: [{ busId: 1, unitId: 'G1', pMw: 0, qMvar: 0, vmPu: 1.05 }],
  switches: [{ fromBusId: 1, toBusId: 3, closed: true }],
  branches: topology.branches,
  ...over,
});

const batch = (...entries: Record<string, unknown>[]): string => JSON.stringify({ measurements: entries });

const parsed = (text: string | undefined): MeasurementBatchResult =>
  JSON.parse(text ?? '') as MeasurementBatchResult;

describe('Measurement:SubmitBatch', () => {
  it('stores every slot of the batch in one transaction, each as Submit stores it, with its key policy', async () => {
    const h = await registered();
    const outcome = await h.invoke('Measurement', 'SubmitBatch', ORGS.lv1a, [
      batch(entry(10), entry(11, 210), entry(12, 220)),
    ]);
    expect(outcome.error).toBeUndefined();
    const result = parsed(outcome.result);
    expect(result.stored.map((s) => s.slot)).toEqual([10, 11, 12]);
    expect(result.unchanged).toEqual([]);
    expect(result.readings).toBe(6);
    expect(outcome.event?.name).toBe('MeasurementBatchSubmitted');
    // one key per slot, each pinned by its policy
    expect(outcome.writeSet.state).toHaveLength(3);
    expect(Object.keys(outcome.writeSet.validationParameters).sort()).toEqual(
      outcome.writeSet.state.map((w) => w.key).sort(),
    );
    const stored = (await h.evaluate('Measurement', 'Get', ORGS.regulator, ['11', 'Lv1a'])) as Record<
      string,
      unknown
    >;
    expect(stored['version']).toBe(1);
    expect(stored['loads']).toEqual([{ busId: 3, pMw: 210, qMvar: 80 }]);

    // the same slot through Submit on a fresh ledger: same record (but the txId) and the same policy
    const single = await registered();
    const one = await single.invoke('Measurement', 'Submit', ORGS.lv1a, [JSON.stringify(entry(11, 210))]);
    const viaSubmit = JSON.parse(one.result ?? '') as Record<string, unknown>;
    expect({ ...stored, txId: 'same' }).toEqual({ ...viaSubmit, txId: 'same' });
    const policies = (o: typeof one): string[] =>
      o.writeSet.state.map((w) => o.writeSet.validationParameters[w.key] ?? 'none');
    expect(new Set(policies(outcome))).toEqual(new Set(policies(one)));
  });

  it('is idempotent: the same batch again writes nothing, emits nothing and reports every slot unchanged', async () => {
    const h = await registered();
    const first = (await h.submit('Measurement', 'SubmitBatch', ORGS.lv1a, [
      batch(entry(10), entry(11)),
    ])) as MeasurementBatchResult;
    const again = await h.invoke('Measurement', 'SubmitBatch', ORGS.lv1a, [batch(entry(10), entry(11))]);
    expect(again.error).toBeUndefined();
    expect(again.writeSet.state).toHaveLength(0);
    expect(again.event).toBeUndefined();
    const result = parsed(again.result);
    expect(result.stored).toEqual([]);
    expect(result.unchanged).toEqual(first.stored);
    expect(result.readings).toBe(0);
    const history = (await h.evaluate('Measurement', 'GetHistory', ORGS.lv1a, ['10', 'Lv1a'])) as unknown[];
    expect(history).toHaveLength(1);
  });

  it('stores only the new half of a batch overlapping an earlier one with identical slots', async () => {
    const h = await registered();
    await h.submit('Measurement', 'SubmitBatch', ORGS.lv1a, [batch(entry(10), entry(11))]);
    const outcome = await h.invoke('Measurement', 'SubmitBatch', ORGS.lv1a, [
      batch(entry(11), entry(12), entry(13)),
    ]);
    expect(outcome.error).toBeUndefined();
    const result = parsed(outcome.result);
    expect(result.unchanged.map((s) => s.slot)).toEqual([11]);
    expect(result.stored.map((s) => s.slot)).toEqual([12, 13]);
    expect(outcome.writeSet.state).toHaveLength(2);
  });

  it('refuses, writing nothing, a batch overlapping a slot that holds a different submission', async () => {
    const h = await registered();
    await h.submit('Measurement', 'Submit', ORGS.lv1a, [JSON.stringify(entry(11))]);
    const outcome = await h.invoke('Measurement', 'SubmitBatch', ORGS.lv1a, [
      batch(entry(10), entry(11, 999), entry(12)),
    ]);
    expect(outcome.error).toMatch(
      /^ALREADY_EXISTS: measurements\[1\]: slot 11 of Lv1a already has version 1/,
    );
    expect(outcome.writeSet.state).toHaveLength(0);
    await expect(h.evaluate('Measurement', 'Get', ORGS.lv1a, ['10', 'Lv1a'])).rejects.toThrow(/NOT_FOUND/);
  });

  it('names the entry, field, bus and value of bad input and writes nothing', async () => {
    const h = await registered();
    const outcome = await h.invoke('Measurement', 'SubmitBatch', ORGS.lv1a, [
      batch(entry(10), entry(11), entry(12, 200, { loads: [{ busId: 3, pMw: 1e9, qMvar: 0 }] })),
    ]);
    expect(outcome.error).toMatch(
      /^INVALID_ARGUMENT: measurements\[2\]\.loads\[0\]\.pMw at bus 3 .*1000000000/,
    );
    expect(outcome.writeSet.state).toHaveLength(0);
    const unowned = await h.invoke('Measurement', 'SubmitBatch', ORGS.lv1a, [
      batch(entry(10), entry(11, 200, { loads: [{ busId: 4, pMw: 1, qMvar: 0 }] })),
    ]);
    expect(unowned.error).toMatch(/^ACCESS_DENIED: measurements\[1\]\.loads\[0\]\.busId at bus 4: .*Lv1b/);
    expect(unowned.writeSet.state).toHaveLength(0);
  });

  it('refuses a slot given twice, another substation, a sealed slot and an empty or oversized batch', async () => {
    const h = await registered();
    const twice = await h.invoke('Measurement', 'SubmitBatch', ORGS.lv1a, [batch(entry(10), entry(10, 210))]);
    expect(twice.error).toMatch(
      /^INVALID_ARGUMENT: measurements\[1\]\.slot repeats slot 10 of measurements\[0\]/,
    );
    const foreign = await h.invoke('Measurement', 'SubmitBatch', ORGS.lv1b, [batch(entry(10))]);
    expect(foreign.error).toMatch(
      /^ACCESS_DENIED: measurements\[0\]: Lv1bMSP cannot write data of substation Lv1a/,
    );
    await h.submit('Measurement', 'Submit', ORGS.lv1a, [JSON.stringify(entry(20))]);
    await h.submit('Consensus', 'Initialize', ORGS.hv1, [
      JSON.stringify({ consensus: ['Lv1a', 'Lv1b', 'Lv1c', 'Lv1d'], reserve: [], parameters: {} }),
    ]);
    await h.submit('Index', 'Seal', ORGS.hv1, ['20']);
    const sealed = await h.invoke('Measurement', 'SubmitBatch', ORGS.lv1a, [batch(entry(21), entry(20, 1))]);
    expect(sealed.error).toMatch(/^INVALID_STATE: measurements\[1\]: slot 20 is already sealed/);
    expect(sealed.writeSet.state).toHaveLength(0);
    const empty = await h.invoke('Measurement', 'SubmitBatch', ORGS.lv1a, [batch()]);
    expect(empty.error).toMatch(/^INVALID_ARGUMENT: measurements must have at least 1 entries/);
    const many = Array.from({ length: 513 }, (_, i) => entry(100 + i));
    const tooMany = await h.invoke('Measurement', 'SubmitBatch', ORGS.lv1a, [batch(...many)]);
    expect(tooMany.error).toMatch(/^PAYLOAD_TOO_LARGE: measurements has 513 entries/);
    const regulator = await h.invoke('Measurement', 'SubmitBatch', ORGS.regulator, [batch(entry(30))]);
    expect(regulator.error).toMatch(/^ACCESS_DENIED/);
  });

  it('is deterministic: the same batch on two fresh ledgers writes the same bytes and event', async () => {
    const [a, b, outcome] = await runTwice(harness, registerBoth, {
      contract: 'Measurement',
      fn: 'SubmitBatch',
      identity: ORGS.lv1a,
      args: [batch(entry(10), entry(11, 210))],
    });
    expect(outcome.ok).toBe(true);
    expect(a).toBe(b);
  });
});
