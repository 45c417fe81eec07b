import { ContractError } from '../sdk/client-errors';
import type {
  AnchoredPackageDigest,
  HvSubstationClient,
  VerificationSchedule,
} from '../clients/hv-substation-client';
import type { AnchorEntry } from './anchor-relay';
import { newMasterAnchorLedger } from './fabric-relay-ports';

// A fake HV client (unit tests only): a scripted EA-DPoS schedule and an in-memory anchor chain.
function fakeHv(schedules: VerificationSchedule[]): {
  hv: HvSubstationClient;
  recorded: number[][];
  packages: AnchoredPackageDigest[];
  scheduleCalls: () => number;
  failNextWith?: ContractError | undefined;
} {
  const chain: { blockNumber: number; headerHash: string }[] = [];
  const recorded: number[][] = [];
  const packages: AnchoredPackageDigest[] = [];
  let calls = 0;
  const state: { failNextWith?: ContractError } = {};
  const hv = {
    nodeId: 'Hv1',
    mspId: 'Hv1MSP',
    slaveChannel: 'slave-hv1',
    schedule: () => {
      const s = schedules[Math.min(calls, schedules.length - 1)];
      calls++;
      if (s === undefined) throw new Error('no schedule');
      return Promise.resolve(s);
    },
    anchorHead: () => {
      const last = chain.at(-1);
      return Promise.resolve(last === undefined ? undefined : { channel: 'slave-hv1', ...last });
    },
    recordAnchors: (_channel: string, entries: readonly AnchorEntry[]) => {
      const failure = state.failNextWith;
      if (failure !== undefined) {
        delete state.failNextWith;
        return Promise.reject(failure);
      }
      recorded.push(entries.map((e) => e.blockNumber));
      for (const e of entries) chain.push({ blockNumber: e.blockNumber, headerHash: e.headerHash });
      const last = chain.at(-1);
      if (last === undefined) throw new Error('empty');
      return Promise.resolve({ channel: 'slave-hv1', ...last });
    },
    recordPackage: (_channel: string, digest: Readonly<AnchoredPackageDigest>) => {
      if (packages.some((p) => p.slot === digest.slot)) return Promise.resolve(false);
      packages.push(digest);
      return Promise.resolve(true);
    },
  } as unknown as HvSubstationClient;
  return {
    hv,
    recorded,
    packages,
    scheduleCalls: () => calls,
    set failNextWith(error: ContractError | undefined) {
      if (error === undefined) delete state.failNextWith;
      else state.failNextWith = error;
    },
  };
}

const slots = (slot: number, producer: string): VerificationSchedule => ({
  mode: 'slots',
  epoch: 1,
  producers: ['Hv1', 'Hv2'],
  slot,
  producer,
  slotSeconds: 2,
  activeSinceSeconds: 1000,
});

const entry = (n: number, packages: { slot: number; sha256: string }[] = []): AnchorEntry => ({
  blockNumber: n,
  headerHash: `h${n}`.padEnd(64, '0'),
  previousHash: n === 0 ? '' : `h${n - 1}`.padEnd(64, '0'),
  dataHash: 'd'.repeat(64),
  packages,
});

describe('newMasterAnchorLedger', () => {
  it('waits through the other producer’s slot, sleeping until its own slot starts', async () => {
    const fake = fakeHv([slots(5, 'Hv2'), slots(6, 'Hv1')]);
    const sleeps: number[] = [];
    const ledger = newMasterAnchorLedger({
      hv: fake.hv,
      pollMs: 5000,
      nowSeconds: () => 1000 + 5 * 2 + 0.5, // 0.5 s into slot 5 (Hv2's); Hv1's slot 6 starts in 1.5 s
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });
    await ledger.awaitTurn(new AbortController().signal);
    expect(sleeps).toEqual([1500]);
    expect(fake.scheduleCalls()).toBe(2);
  });

  it('does not wait before governance is active or when it is a consensus node without time slots', async () => {
    for (const schedule of [
      { mode: 'open', epoch: 0, producers: [], slot: null, producer: null },
      { mode: 'consensus', epoch: 1, producers: ['Hv1', 'Hv2'], slot: null, producer: null },
    ] as const) {
      const fake = fakeHv([schedule]);
      const ledger = newMasterAnchorLedger({
        hv: fake.hv,
        sleep: () => Promise.reject(new Error('should not sleep')),
      });
      await ledger.awaitTurn(new AbortController().signal);
    }
  });

  it('records only entries after the anchored head, then every package, idempotently', async () => {
    const fake = fakeHv([slots(0, 'Hv1')]);
    const ledger = newMasterAnchorLedger({ hv: fake.hv });
    await ledger.record('slave-hv1', [entry(0), entry(1, [{ slot: 7, sha256: 'a'.repeat(64) }])]);
    const head = await ledger.record('slave-hv1', [
      entry(1, [{ slot: 7, sha256: 'a'.repeat(64) }]),
      entry(2),
    ]);
    expect(fake.recorded).toEqual([[0, 1], [2]]);
    expect(fake.packages).toEqual([{ slot: 7, sha256: 'a'.repeat(64), blockNumber: 1 }]);
    expect(head.blockNumber).toBe(2);
  });

  it('refuses an entry whose hash differs from the anchored one at the same height', async () => {
    const fake = fakeHv([slots(0, 'Hv1')]);
    const ledger = newMasterAnchorLedger({ hv: fake.hv });
    await ledger.record('slave-hv1', [entry(0)]);
    await expect(
      ledger.record('slave-hv1', [{ ...entry(0), headerHash: 'f'.repeat(64) }]),
    ).rejects.toMatchObject({
      code: 'ANCHOR_FORK',
    });
  });

  it('waits for its next turn when the contract says the slot has passed, then records', async () => {
    const fake = fakeHv([slots(3, 'Hv1')]);
    fake.failNextWith = new ContractError('INVALID_STATE', 'slot 4 of epoch 1 belongs to Hv2', {});
    const ledger = newMasterAnchorLedger({ hv: fake.hv, sleep: () => Promise.resolve() });
    await ledger.record('slave-hv1', [entry(0)]);
    expect(fake.recorded).toEqual([[0]]);
    expect(fake.scheduleCalls()).toBe(1);
  });

  it('waits out the co-endorser’s lag when the contract reports a gap, then records the same entries', async () => {
    const fake = fakeHv([slots(3, 'Hv1')]);
    fake.failNextWith = new ContractError(
      'ANCHOR_GAP',
      'slave-hv1 block 0 skips blocks: the next block to anchor is 0',
      {},
    );
    const slept: number[] = [];
    const ledger = newMasterAnchorLedger({
      hv: fake.hv,
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
    });
    await ledger.record('slave-hv1', [entry(0)]);
    expect(fake.recorded).toEqual([[0]]);
    expect(slept).toEqual([100]);
  });
});
