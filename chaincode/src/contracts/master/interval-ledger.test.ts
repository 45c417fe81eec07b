/**
 * Interval accounting on the ledger (issue 14): a task names its interval length, and the carbon
 * flow record and every bus record carry the consumer's energy E = P·Δt (MWh) and carbon
 * C = R·Δt (tCO2) over it, checked against MATH.md §H.5's rates of case4 (bus 3: 200 MW,
 * 86.214865 tCO2/h; bus 4: 300 MW, 70.790909 tCO2/h) at 1e-9.
 */
import { ORGS } from '../testing/identities';
import { SEED, setUp, SLOT, UNITS, work } from '../testing/trace-network-fixture';

const H5 = new Map([
  [3, { loadMw: 200, loadTco2PerH: 86.214865 }],
  [4, { loadMw: 300, loadTco2PerH: 70.790909 }],
]);

async function tracedTask(intervalMinutes: number | undefined): Promise<Awaited<ReturnType<typeof setUp>>> {
  const net = await setUp();
  const { master } = net;
  const request = JSON.stringify({
    taskId: 't-interval',
    channel: 'slave-hv1',
    slot: SLOT,
    ...(intervalMinutes === undefined ? {} : { intervalMinutes }),
  });
  expect(
    (await master.invoke('Trace', 'Request', ORGS.gridco, [request], { transient: UNITS })).error,
  ).toBeUndefined();
  await master.submit('Trace', 'ConditionA', ORGS.hv1, ['t-interval'], { transient: SEED });
  await work(master, 't-interval', 'I', 'CloudA', 'honest');
  await work(master, 't-interval', 'II', 'CloudB', 'honest');
  await master.submit('Trace', 'ConditionB', ORGS.hv1, ['t-interval']);
  expect(
    (await master.invoke('Trace', 'RecordCarbonFlow', ORGS.gridco, ['t-interval'])).error,
  ).toBeUndefined();
  return net;
}

describe('interval accounting on the ledger', () => {
  it('a 15-minute task records each consumer’s MWh and tCO2 over the interval', async () => {
    const { master } = await tracedTask(15);
    const flow = (await master.evaluate('Trace', 'GetCarbonFlow', ORGS.regulator, ['t-interval'])) as {
      intervalMinutes: number;
      consumers: { busId: number; energyMwh: number; carbonT: number }[];
    };
    expect(flow.intervalMinutes).toBe(15);
    for (const [busId, rates] of H5) {
      const c = flow.consumers.find((x) => x.busId === busId);
      expect(c?.energyMwh).toBeCloseTo(rates.loadMw * 0.25, 9);
      expect(Math.abs((c?.carbonT ?? 0) - rates.loadTco2PerH * 0.25)).toBeLessThan(1e-5);
      const bus = (await master.evaluate('Audit', 'BusIntensity', ORGS.regulator, [
        'slave-hv1',
        String(SLOT),
        String(busId),
      ])) as { energyMwh: number; carbonT: number; intervalMinutes: number; loadTco2PerH: number };
      expect(bus.intervalMinutes).toBe(15);
      expect(bus.energyMwh).toBeCloseTo(rates.loadMw * 0.25, 9);
      // the record's carbon is exactly its own rate times the interval
      expect(bus.carbonT).toBeCloseTo(bus.loadTco2PerH * 0.25, 12);
    }
  });

  it('a task that names no interval is hourly, and a bad interval is refused with the field and value', async () => {
    const { master } = await tracedTask(undefined);
    const rows = (await master.evaluate('Audit', 'SlotIntensities', ORGS.regulator, [
      'slave-hv1',
      String(SLOT),
    ])) as {
      busId: number;
      energyMwh: number;
      loadMw: number;
      intervalMinutes: number;
    }[];
    for (const r of rows) {
      expect(r.intervalMinutes).toBe(60);
      expect(r.energyMwh).toBeCloseTo(r.loadMw, 12);
    }
    const bad = await master.invoke(
      'Trace',
      'Request',
      ORGS.gridco,
      [JSON.stringify({ taskId: 't-bad', channel: 'slave-hv1', slot: SLOT, intervalMinutes: 0 })],
      { transient: UNITS },
    );
    expect(bad.error).toMatch(/^INVALID_ARGUMENT: intervalMinutes .*0/);
    expect(bad.writeSet.state).toHaveLength(0);
  });
});
