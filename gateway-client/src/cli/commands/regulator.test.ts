import type { RegulatorClient } from '../../clients/regulator-client';
import { ContractError } from '../../sdk/client-errors';
import { regulatorCommand, regulatorCommandWith } from './regulator';
import { relayCommand, workerCommand } from './process-commands';

// Input validation happens before any connection, so these run without a network.
function capture(): {
  io: { out: (t: string) => void; err: (t: string) => void };
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, out, err };
}

describe('carbontrace regulator', () => {
  it.each([
    [[], 'a query is required'],
    [['frobnicate'], "unknown query 'frobnicate'"],
    [['verify-anchor', 'slave-hv1'], 'expects 2 argument(s), got 1'],
    [['provider', 'CloudA', '--bogus'], 'unknown option --bogus'],
    [['intensity', 'slave-hv1', '2026-06-01T18:00:00', '18'], 'timestamp has no UTC offset'],
    [['statement', 'slave-hv1', '18', '--from', '2026-06-01T00:00:00+08:00'], '--from and --to are required'],
    [
      [
        'statement',
        'slave-hv1',
        '18',
        '--from',
        '2026-06-02T00:00:00+08:00',
        '--to',
        '2026-06-01T00:00:00+08:00',
      ],
      'must be after --from',
    ],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { io, err } = capture();
    expect(await regulatorCommand.run(args, io)).toBe(2);
    expect(err.join('')).toContain(message);
  });
});

/** Slot of the interval starting 2026-06-01T18:00:00+08:00 (= 10:00Z): minutes since the epoch. */
const SLOT = Date.UTC(2026, 5, 1, 10, 0) / 60_000;

/** A regulator whose slave-hv1 has buses 18 and 19 traced at `slots`. */
function ledgerAt(slots: readonly number[]): RegulatorClient {
  const record = (slot: number, busId: number): Record<string, unknown> => ({
    channel: 'slave-hv1',
    slot,
    busId,
    intensityTco2PerMwh: 0.5,
    loadMw: 1,
    loadTco2PerH: 0.5,
    taskId: `ct-${slot}-hv1`,
  });
  const fake: Partial<RegulatorClient> = {
    busIntensity: (_channel, slot, busId) =>
      slots.includes(slot) && (busId === 18 || busId === 19)
        ? Promise.resolve(record(slot, busId) as never)
        : Promise.reject(new ContractError('NOT_FOUND', `no intensity of bus ${busId} at ${slot}`, {})),
    slotIntensities: (_channel, slot) =>
      Promise.resolve((slots.includes(slot) ? [record(slot, 18), record(slot, 19)] : []) as never),
  };
  return fake as RegulatorClient;
}

async function ask(
  slots: readonly number[],
  args: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  const { io, out, err } = capture();
  const command = regulatorCommandWith(() =>
    Promise.resolve({ client: ledgerAt(slots), close: () => undefined }),
  );
  const code = await command.run(args, io);
  return { code, out: out.join(''), err: err.join('') };
}

describe('carbontrace regulator: wall-clock intervals', () => {
  const day = [SLOT - 15, SLOT, SLOT + 15, SLOT + 30];

  it('labels intensity by timestamp with the interval in the timestamp offset', async () => {
    const { code, out } = await ask(day, [
      'intensity',
      'slave-hv1',
      '2026-06-01T18:00:00+08:00',
      '18',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      slot: SLOT,
      busId: 18,
      start: '2026-06-01T18:00:00+08:00',
      end: '2026-06-01T18:15:00+08:00',
      intervalMinutes: 15,
    });
    const text = await ask(day, ['intensity', 'slave-hv1', '2026-06-01T18:00:00+08:00', '18']);
    expect(text.out).toContain(
      `slot ${SLOT}: 2026-06-01T18:00:00+08:00 to 2026-06-01T18:15:00+08:00 (15 min)`,
    );
    expect(text.out).toContain('"end": "2026-06-01T18:15:00+08:00"');
  });

  it('labels intensity by slot number in UTC', async () => {
    const { code, out } = await ask(day, ['intensity', 'slave-hv1', String(SLOT), '18', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      start: '2026-06-01T10:00:00+00:00',
      end: '2026-06-01T10:15:00+00:00',
    });
  });

  it('labels every record of a slot, detecting the length of the last interval from the one before', async () => {
    const last = SLOT + 30;
    const { code, out } = await ask(day, ['slot', 'slave-hv1', '2026-06-01T18:30:00+08:00', '--json']);
    expect(code).toBe(0);
    const records = JSON.parse(out) as { slot: number; start: string; end: string }[];
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r).toMatchObject({
        slot: last,
        start: '2026-06-01T18:30:00+08:00',
        end: '2026-06-01T18:45:00+08:00',
      });
    }
    const text = await ask(day, ['slot', 'slave-hv1', String(last)]);
    expect(text.out).toContain(
      `slot ${last}: 2026-06-01T10:30:00+00:00 to 2026-06-01T10:45:00+00:00 (15 min)`,
    );
  });

  it('takes the length from --interval', async () => {
    const { out } = await ask(
      [SLOT],
      ['slot', 'slave-hv1', '2026-06-01T18:00:00+08:00', '--interval', '30', '--json'],
    );
    expect((JSON.parse(out) as { end: string }[])[0]?.end).toBe('2026-06-01T18:30:00+08:00');
  });

  it('gives the start and no end when a lone interval has no length', async () => {
    const { code, out } = await ask([SLOT], ['intensity', 'slave-hv1', String(SLOT), '18', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      start: '2026-06-01T10:00:00+00:00',
      end: null,
      intervalMinutes: null,
    });
    const text = await ask([SLOT], ['intensity', 'slave-hv1', String(SLOT), '18']);
    expect(text.out).toContain('length unknown');
  });

  it('leaves slots that are not interval starts (built-in runs, tests) unlabelled', async () => {
    const { code, out } = await ask([120, 121], ['intensity', 'slave-hv1', '120', '18', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).not.toHaveProperty('start');
    const text = await ask([120, 121], ['slot', 'slave-hv1', '120']);
    expect(text.out.startsWith('[')).toBe(true);
  });

  it('refuses --interval 0 before connecting', async () => {
    const { code, err } = await ask(day, ['intensity', 'slave-hv1', String(SLOT), '18', '--interval', '0']);
    expect(code).toBe(2);
    expect(err).toContain('--interval must be at least 1 minute');
  });
});

describe('carbontrace relay / worker', () => {
  it('require their organization', async () => {
    const relay = capture();
    expect(await relayCommand.run([], relay.io)).toBe(2);
    expect(relay.err.join('')).toContain('--hv <HvN> is required');
    const worker = capture();
    expect(await workerCommand.run(['--provider', 'CloudA', '--cheat-rate', '2'], worker.io)).toBe(2);
    expect(worker.err.join('')).toContain('--cheat-rate within [0, 1]');
  });
});
