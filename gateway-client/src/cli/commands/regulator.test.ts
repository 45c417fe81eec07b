import { regulatorCommand } from './regulator';
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
