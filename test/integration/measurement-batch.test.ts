/**
 * `Measurement:SubmitBatch` on the real network (issue 13, batched ingestion): one LV
 * transaction carries several slots, endorsed under the trust model's key-level policies
 * (Lv1a + its verifier), read back slot by slot; the same batch again writes nothing; a batch
 * half-overlapping an earlier one stores only its new slots; a conflicting or malformed batch is
 * refused with the entry, field and bus named, and none of its slots is written.
 */
import { openLvSubstation } from '../../gateway-client/src/clients/open-clients';
import type { OpenedClient } from '../../gateway-client/src/clients/open-clients';
import type { LvSubstationClient } from '../../gateway-client/src/clients/lv-substation-client';
import { ContractError, isContractError } from '../../gateway-client/src/sdk/client-errors';
import type { MeasurementSubmission, TopologySubmission } from '@carbontrace/chaincode';

jest.setTimeout(300_000);

const run = Date.now().toString(36);
/** A grid of this run only: bus ownership is per grid, so reruns on a reused network do not collide. */
const GRID = `batch-${run}`;
/** Slots far from every other suite's. */
const FIRST_SLOT = 3_000_000_000 + (Math.floor(Date.now() / 1000) % 100_000) * 100;
const BUSES = 12;

const topology: TopologySubmission = {
  id: `batch-lv1a-${run}`,
  grid: GRID,
  substation: 'Lv1a',
  baseMva: 10,
  buses: Array.from({ length: BUSES }, (_, i) => ({
    busId: i + 1,
    kind: i === 0 ? 'slack' : 'pq',
    baseKv: 12.66,
    vmPu: 1,
    gsMw: 0,
    bsMvar: 0,
  })),
  branches: Array.from({ length: BUSES - 1 }, (_, i) => ({
    fromBusId: i + 1,
    toBusId: i + 2,
    rPu: 0.01,
    xPu: 0.03,
    bPu: 0,
  })),
};

/** Lv1a's measurement of slot `FIRST_SLOT + k`: every non-slack bus metered. */
function measurementOf(k: number, sha256: string, scale = 1): MeasurementSubmission {
  return {
    slot: FIRST_SLOT + k,
    substation: 'Lv1a',
    loads: Array.from({ length: BUSES - 1 }, (_, i) => ({
      busId: i + 2,
      pMw: Math.round(scale * (0.1 + 0.01 * i + 0.001 * k) * 1e6) / 1e6,
      qMvar: 0.02,
    })),
    generators: [],
    switches: [],
    topology: { id: topology.id, sha256 },
  };
}

async function refusal(call: Promise<unknown>): Promise<ContractError> {
  const error: unknown = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ContractError)) throw new Error(`expected a ContractError, got ${String(error)}`);
  return error;
}

describe('Measurement:SubmitBatch on the network', () => {
  let lv: OpenedClient<LvSubstationClient>;
  let sha256 = '';

  beforeAll(async () => {
    lv = await openLvSubstation({ org: 'Lv1a', slaveChannel: 'slave-hv1' });
    sha256 = (await lv.client.registerTopology(topology)).sha256;
  });

  it('ensureTopology gives back the registered reference for an id already registered', async () => {
    const again = await lv.client.ensureTopology(topology);
    expect(again).toEqual({ id: topology.id, sha256 });
    const taken = await refusal(lv.client.registerTopology(topology));
    expect(taken.code).toBe('ALREADY_EXISTS');
  });
  afterAll(() => {
    lv.close();
  });

  it('stores several slots in one transaction, each readable as a version 1 record', async () => {
    const batch = [0, 1, 2].map((k) => measurementOf(k, sha256));
    const submitted = await lv.client.submitMeasurements(batch);
    expect(submitted.result.stored.map((s) => s.slot)).toEqual([FIRST_SLOT, FIRST_SLOT + 1, FIRST_SLOT + 2]);
    expect(submitted.result.unchanged).toEqual([]);
    expect(submitted.result.readings).toBe(3 * (BUSES - 1));
    for (const m of batch) {
      const record = await lv.client.getMeasurement(m.slot);
      expect(record.version).toBe(1);
      expect(record.txId).toBe(submitted.transactionId);
      expect(record.loads).toEqual(m.loads);
      expect(record.submitterMsp).toBe('Lv1aMSP');
    }
  });

  it('writes nothing for a retried batch and only the new slots of a half-overlapping one', async () => {
    const again = await lv.client.submitMeasurements([0, 1, 2].map((k) => measurementOf(k, sha256)));
    expect(again.result.stored).toEqual([]);
    expect(again.result.unchanged.map((s) => s.slot)).toEqual([FIRST_SLOT, FIRST_SLOT + 1, FIRST_SLOT + 2]);
    const overlap = await lv.client.submitMeasurements([2, 3, 4].map((k) => measurementOf(k, sha256)));
    expect(overlap.result.unchanged.map((s) => s.slot)).toEqual([FIRST_SLOT + 2]);
    expect(overlap.result.stored.map((s) => s.slot)).toEqual([FIRST_SLOT + 3, FIRST_SLOT + 4]);
    // the first transaction still owns slot 2: the overlap did not write a new version
    expect((await lv.client.getMeasurement(FIRST_SLOT + 2)).txId).not.toBe(overlap.transactionId);
  });

  it('refuses a batch with a conflicting slot or bad input and writes none of its slots', async () => {
    const conflict = await refusal(
      lv.client.submitMeasurements([measurementOf(5, sha256), measurementOf(4, sha256, 2)]),
    );
    expect(conflict.code).toBe('ALREADY_EXISTS');
    expect(conflict.contractMessage).toMatch(/^measurements\[1\]: slot \d+ of Lv1a already has version 1/);
    const bad = measurementOf(6, sha256);
    const unknownBus = await refusal(
      lv.client.submitMeasurements([
        measurementOf(5, sha256),
        { ...bad, loads: [{ busId: 999, pMw: 0.1, qMvar: 0 }] },
      ]),
    );
    expect(unknownBus.code).toBe('INVALID_ARGUMENT');
    expect(unknownBus.contractMessage).toMatch(/^measurements\[1\]\.loads\[0\]\.busId at bus 999 /);
    const missing = await lv.client.getMeasurement(FIRST_SLOT + 5).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isContractError(missing, 'NOT_FOUND')).toBe(true);
  });

  it('amends by overwriting the slot key: the history shows each version, retries are recognised', async () => {
    const first = measurementOf(10, sha256);
    const stored = await lv.client.submitMeasurements([first]);
    const second = measurementOf(10, sha256, 3);
    const amended = await lv.client.amendMeasurement(second, 1);
    expect(amended.result.version).toBe(2);
    expect(amended.result.firstVersion?.txId).toBe(stored.transactionId);
    expect((await lv.client.getMeasurement(first.slot)).loads).toEqual(second.loads);
    // the peer's history database holds version 1 (read through GetHistory on the real peer)
    const history = await lv.client.getMeasurementHistory(first.slot);
    expect(history.map((r) => [r.version, r.txId])).toEqual([
      [1, stored.transactionId],
      [2, amended.transactionId],
    ]);
    expect(history[0]?.loads).toEqual(first.loads);
    // a retried first submission is recognised and writes nothing; other data is refused
    const retry = await lv.client.submitMeasurements([first]);
    expect(retry.result.stored).toEqual([]);
    expect(retry.result.unchanged).toEqual([expect.objectContaining({ slot: first.slot, version: 1 })]);
    const other = await refusal(lv.client.submitMeasurements([measurementOf(10, sha256, 5)]));
    expect(other.code).toBe('ALREADY_EXISTS');
    // a retried amendment returns version 2 again
    const again = await lv.client.amendMeasurement(second, 1);
    expect(again.result).toEqual(amended.result);
    expect((await lv.client.getMeasurementHistory(first.slot)).length).toBe(2);
  });
});
